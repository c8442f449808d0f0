using System.Security;
using System.Security.Cryptography;
using System.Text;
using KubeOpsPS.Engine.Validation;
using Org.BouncyCastle.Crypto.Generators;

namespace KubeOpsPS.Engine.Crypto;

/// <summary>The password hash formats of an htpasswd file that nginx's auth_basic_user_file verifies.</summary>
public enum HtpasswdAlgorithm
{
    /// <summary>bcrypt ($2y$, cost 10 or more): the default; verified by crypt() in glibc/libxcrypt and musl.</summary>
    Bcrypt,
    /// <summary>SHA-512 crypt ($6$, 5000 rounds unless asked): for systems whose crypt() lacks bcrypt.</summary>
    Sha512,
    /// <summary>Apache MD5 ($apr1$): only for old tools; nginx and htpasswd verify it, but it is weak.</summary>
    Apr1,
}

/// <summary>Hashes and parses htpasswd lines ("user:hash"), the format both NGINX Ingress controllers read.</summary>
public static class Htpasswd
{
    public const int MinBcryptCost = 10;
    private const string Itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>The hash of a password with a fresh random salt.</summary>
    public static string Hash(ReadOnlySpan<char> password, HtpasswdAlgorithm algorithm, int bcryptCost = MinBcryptCost)
    {
        if (password.IsEmpty) throw Validate.Invalid("-Credential", null, "A password cannot be empty.");
        return algorithm switch
        {
            HtpasswdAlgorithm.Bcrypt => Bcrypt(password, RandomNumberGenerator.GetBytes(16), bcryptCost),
            HtpasswdAlgorithm.Sha512 => Sha512Crypt(password, RandomSalt(16)),
            _ => Apr1(password, RandomSalt(8)),
        };
    }

    /// <summary>The hash of a password held in a SecureString; the plain text is copied only briefly and cleared.</summary>
    public static string Hash(SecureString password, HtpasswdAlgorithm algorithm, int bcryptCost = MinBcryptCost)
    {
        var chars = SecureStrings.ToChars(password);
        try
        {
            return Hash(chars, algorithm, bcryptCost);
        }
        finally
        {
            Array.Clear(chars);
        }
    }

    /// <summary>A bcrypt cost: 10 (the floor for new hashes) to 31.</summary>
    public static int BcryptCost(int cost) => cost is < MinBcryptCost or > 31
        ? throw Validate.Invalid("-BcryptCost", cost, $"-BcryptCost {cost} is out of range: use {MinBcryptCost} to 31 (each step doubles the time to check a password).")
        : cost;

    /// <summary>bcrypt in its $2y$ form (the one htpasswd -B writes).</summary>
    public static string Bcrypt(ReadOnlySpan<char> password, byte[] salt, int cost)
    {
        BcryptCost(cost);
        var chars = password.ToArray();
        try
        {
            if (Encoding.UTF8.GetByteCount(chars) > 72)
                throw Validate.Invalid("-Credential", null, "A bcrypt password can be at most 72 bytes long (bcrypt ignores the rest): use a shorter one or -Algorithm Sha512.");
            return OpenBsdBCrypt.Generate("2y", chars, salt, cost);
        }
        finally
        {
            Array.Clear(chars);
        }
    }

    /// <summary>SHA-512 crypt ("$6$", Ulrich Drepper's specification, 5000 rounds).</summary>
    public static string Sha512Crypt(ReadOnlySpan<char> password, string salt)
    {
        var p = Utf8(password);
        var s = Encoding.ASCII.GetBytes(salt.Length > 16 ? salt[..16] : salt);
        try
        {
            var b = Digest(HashAlgorithmName.SHA512, p, s, p);
            using var a = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
            a.AppendData(p);
            a.AppendData(s);
            AppendRepeated(a, b, p.Length);
            for (var n = p.Length; n > 0; n >>= 1) a.AppendData((n & 1) != 0 ? b : p);
            var c = a.GetHashAndReset();

            var dp = RepeatDigest(HashAlgorithmName.SHA512, p, p.Length);
            var pBytes = Stretch(dp, p.Length);
            var ds = RepeatDigest(HashAlgorithmName.SHA512, s, 16 + c[0]);
            var sBytes = Stretch(ds, s.Length);
            for (var i = 0; i < 5000; i++)
            {
                a.AppendData((i & 1) != 0 ? pBytes : c);
                if (i % 3 != 0) a.AppendData(sBytes);
                if (i % 7 != 0) a.AppendData(pBytes);
                a.AppendData((i & 1) != 0 ? c : pBytes);
                a.GetHashAndReset(c);
            }
            Array.Clear(pBytes);
            var o = new StringBuilder("$6$").Append(Encoding.ASCII.GetString(s)).Append('$');
            int[] order = [0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26, 6, 27, 48, 28, 49, 7, 50, 8, 29, 9, 30, 51, 31, 52, 10,
                53, 11, 32, 12, 33, 54, 34, 55, 13, 56, 14, 35, 15, 36, 57, 37, 58, 16, 59, 17, 38, 18, 39, 60, 40, 61, 19, 62, 20, 41];
            for (var i = 0; i < order.Length; i += 3) To64(o, c[order[i]], c[order[i + 1]], c[order[i + 2]], 4);
            To64(o, 0, 0, c[63], 2);
            return o.ToString();
        }
        finally
        {
            Array.Clear(p);
        }
    }

    /// <summary>Apache's MD5 crypt ("$apr1$", 1000 rounds).</summary>
    public static string Apr1(ReadOnlySpan<char> password, string salt)
    {
        const string magic = "$apr1$";
        var p = Utf8(password);
        var s = Encoding.ASCII.GetBytes(salt.Length > 8 ? salt[..8] : salt);
        try
        {
            var final = Digest(HashAlgorithmName.MD5, p, s, p);
            using var ctx = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            ctx.AppendData(p);
            ctx.AppendData(Encoding.ASCII.GetBytes(magic));
            ctx.AppendData(s);
            AppendRepeated(ctx, final, p.Length);
            for (var n = p.Length; n > 0; n >>= 1) ctx.AppendData((n & 1) != 0 ? [0] : p.AsSpan(0, 1));
            final = ctx.GetHashAndReset();
            for (var i = 0; i < 1000; i++)
            {
                ctx.AppendData((i & 1) != 0 ? p : final);
                if (i % 3 != 0) ctx.AppendData(s);
                if (i % 7 != 0) ctx.AppendData(p);
                ctx.AppendData((i & 1) != 0 ? final : p);
                ctx.GetHashAndReset(final);
            }
            var o = new StringBuilder(magic).Append(Encoding.ASCII.GetString(s)).Append('$');
            for (var i = 0; i < 5; i++) To64(o, final[i], final[i + 6], final[i == 4 ? 5 : i + 12], 4);
            To64(o, 0, 0, final[11], 2);
            return o.ToString();
        }
        finally
        {
            Array.Clear(p);
        }
    }

    /// <summary>The user names and hashes of htpasswd content (blank lines and '#' comments skipped).</summary>
    public static IReadOnlyList<(string User, string Hash)> Parse(string content, string source)
    {
        var entries = new List<(string, string)>();
        var n = 0;
        foreach (var raw in content.Split('\n'))
        {
            n++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == line.Length - 1)
                throw Validate.Invalid(source, $"line {n}", $"{source} line {n} is not an htpasswd entry ('user:hash').");
            entries.Add((line[..colon], line[(colon + 1)..]));
        }
        return entries;
    }

    /// <summary>A user name htpasswd and nginx accept: no ':' (the separator), no spaces or control characters, at most 255 bytes.</summary>
    public static string User(string? user, string field)
    {
        var name = Validate.Required(user, field);
        if (name.Any(c => c == ':' || char.IsWhiteSpace(c) || char.IsControl(c)) || Encoding.UTF8.GetByteCount(name) > 255)
            throw Validate.Invalid(field, name, $"{field} user name '{name}' cannot contain ':', spaces or control characters, and can be at most 255 bytes.");
        return name;
    }

    private static string RandomSalt(int length) => RandomNumberGenerator.GetString(Itoa64, length);

    private static byte[] Utf8(ReadOnlySpan<char> password)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(password)];
        Encoding.UTF8.GetBytes(password, bytes);
        return bytes;
    }

    private static byte[] Digest(HashAlgorithmName name, params byte[][] parts)
    {
        using var h = IncrementalHash.CreateHash(name);
        foreach (var part in parts) h.AppendData(part);
        return h.GetHashAndReset();
    }

    private static byte[] RepeatDigest(HashAlgorithmName name, byte[] data, int times)
    {
        using var h = IncrementalHash.CreateHash(name);
        for (var i = 0; i < times; i++) h.AppendData(data);
        return h.GetHashAndReset();
    }

    /// <summary>Appends <paramref name="length"/> bytes made of <paramref name="block"/> repeated.</summary>
    private static void AppendRepeated(IncrementalHash h, byte[] block, int length)
    {
        for (; length > block.Length; length -= block.Length) h.AppendData(block);
        h.AppendData(block, 0, length);
    }

    private static byte[] Stretch(byte[] block, int length)
    {
        var result = new byte[length];
        for (var i = 0; i < length; i++) result[i] = block[i % block.Length];
        return result;
    }

    private static void To64(StringBuilder o, byte b2, byte b1, byte b0, int n)
    {
        var w = (b2 << 16) | (b1 << 8) | b0;
        for (var i = 0; i < n; i++, w >>= 6) o.Append(Itoa64[w & 0x3f]);
    }
}
