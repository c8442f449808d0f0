using System.Runtime.InteropServices;
using System.Security;

namespace KubeOpsPS.Engine.Crypto;

/// <summary>Reads a SecureString into a char array for the moment it is needed; the caller clears the array.</summary>
public static class SecureStrings
{
    public static char[] ToChars(SecureString? value)
    {
        if (value is null || value.Length == 0) return [];
        var chars = new char[value.Length];
        var ptr = Marshal.SecureStringToGlobalAllocUnicode(value);
        try
        {
            Marshal.Copy(ptr, chars, 0, chars.Length);
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(ptr);
        }
        return chars;
    }
}
