using System.Security.Cryptography;

namespace KubeOpsPS.Engine.Crypto;

/// <summary>Generated passwords for the Secrets an install creates (letters and digits only, so they need no escaping in JSON, YAML or shell).</summary>
public static class Passwords
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A password from a cryptographic random source; 32 characters carry about 190 bits.</summary>
    public static string New(int length = 32) => RandomNumberGenerator.GetString(Alphabet, length);
}
