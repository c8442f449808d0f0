using System.Security.AccessControl;
using System.Security.Principal;

namespace KubeOpsPS.Engine.Crypto;

/// <summary>Writes private key files with owner-only permissions from the moment the file exists.</summary>
public static class KeyFiles
{
    /// <summary>Writes a private key: mode 0600 on Unix (set at creation), an owner-only ACL on Windows.</summary>
    public static void WritePrivate(string path, string pem)
    {
        if (OperatingSystem.IsWindows())
        {
            var security = new FileSecurity();
            security.SetAccessRuleProtection(true, false);
            security.AddAccessRule(new FileSystemAccessRule(WindowsIdentity.GetCurrent().User!, FileSystemRights.FullControl, AccessControlType.Allow));
            using var win = new FileInfo(path).Create(FileMode.Create, FileSystemRights.Write, FileShare.None, 4096, FileOptions.None, security);
            using var w = new StreamWriter(win);
            w.Write(pem);
            return;
        }
        if (File.Exists(path)) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        using var writer = new StreamWriter(stream);
        writer.Write(pem);
    }
}
