using System.Runtime.InteropServices;
using System.Security;

namespace KubeOpsPS.Engine.Crypto;

/// <summary>The one place a SecureString's plain text is copied out: into an array the caller clears when done.</summary>
public static class SecureStrings
{
    /// <summary>The characters of <paramref name="value"/>; clear the array (Array.Clear) as soon as it is used.</summary>
    public static char[] Chars(SecureString value)
    {
        var chars = new char[value.Length];
        var ptr = Marshal.SecureStringToGlobalAllocUnicode(value);
        try
        {
            Marshal.Copy(ptr, chars, 0, chars.Length);
            return chars;
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(ptr);
        }
    }
}
