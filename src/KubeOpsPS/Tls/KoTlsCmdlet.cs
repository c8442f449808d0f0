using System.Management.Automation;
using System.Security;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Crypto;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Tls;

/// <summary>What the TLS cmdlets share: keys, requests and certificates given as objects or as file paths, and the clock.</summary>
public abstract class KoTlsCmdlet : KoCmdlet
{
    /// <summary>A key object, or the path of a PEM key file (decrypted with <paramref name="passphrase"/>).</summary>
    protected KoPrivateKey ResolveKey(object value, SecureString? passphrase, string parameter = "-Key")
    {
        if (PSObjects.Unwrap(value) is KoPrivateKey key) return key;
        var path = PathOf(value, parameter);
        var text = ReadFile(path, parameter, File.ReadAllText);
        var chars = SecureStrings.ToChars(passphrase);
        try
        {
            var read = Build(() => KoCrypto.ReadKey(text, path, chars), path);
            read.Path = path;
            return read;
        }
        finally
        {
            Array.Clear(chars);
        }
    }

    /// <summary>A request object, or the path of a PEM CSR.</summary>
    protected KoCertificateRequest ResolveRequest(object value)
    {
        if (PSObjects.Unwrap(value) is KoCertificateRequest r) return r;
        var path = PathOf(value, "-Request");
        var request = Build(() => KoCrypto.ReadRequest(ReadFile(path, "-Request", File.ReadAllText), path), path);
        request.Path = path;
        return request;
    }

    /// <summary>A certificate object, or the path of a PEM, DER or PFX file.</summary>
    protected KoCertificate ResolveCertificate(object value, string parameter, SecureString? password = null)
    {
        if (PSObjects.Unwrap(value) is KoCertificate c) return c;
        var path = PathOf(value, parameter);
        var data = ReadFile(path, parameter, File.ReadAllBytes);
        var chars = SecureStrings.ToChars(password);
        try
        {
            var cert = Build(() => KoCrypto.Import(data, path, chars, null, Now), path);
            cert.Path = path;
            return cert;
        }
        finally
        {
            Array.Clear(chars);
        }
    }

    /// <summary>Writes a PEM file next to the output object (private keys owner-only).</summary>
    protected string WritePem(string path, string pem, bool isPrivate)
    {
        var full = FileSystemPath(path);
        try
        {
            if (isPrivate) KeyFiles.WritePrivate(full, pem); else File.WriteAllText(full, pem);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(e, full, "CannotWriteFile");
        }
        return full;
    }

    protected static DateTime Now => DateTime.UtcNow;

    private string PathOf(object value, string parameter) => PSObjects.Unwrap(value) switch
    {
        string s when !string.IsNullOrWhiteSpace(s) => FileSystemPath(s),
        FileInfo f => f.FullName,
        var other => throw new PSArgumentException($"{parameter} must be an object from the matching New-Ko* cmdlet or a file path, not {other?.GetType().Name ?? "null"}."),
    };

    /// <summary>Reads a file the user named; a read failure becomes an error naming the parameter and the file.</summary>
    private T ReadFile<T>(string path, string parameter, Func<string, T> read)
    {
        try
        {
            return read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(Validate.Invalid(parameter, path, $"Cannot read {path}: {e.Message}"), path);
            throw;
        }
    }

}
