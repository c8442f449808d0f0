using System.Diagnostics;
using KubeOpsPS.Engine.Crypto;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Tests.Ingress;

public class HtpasswdTests
{
    [Fact]
    public void Sha512CryptMatchesTheSpecificationsTestVector()
    {
        // Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512", test vector 1 (also `openssl passwd -6 -salt saltstring`).
        Assert.Equal("$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1", Htpasswd.Sha512Crypt("Hello world!", "saltstring"));
    }

    [Fact]
    public void Apr1MatchesOpenSsl()
    {
        // `openssl passwd -apr1 -salt abcdefgh 'p@ss:w0rd'`
        Assert.Equal("$apr1$abcdefgh$MbEluLWKUabdhHWRIScTG.", Htpasswd.Apr1("p@ss:w0rd", "abcdefgh"));
    }

    [Fact]
    public void BcryptWritesThe2yFormWithTheCost()
    {
        var hash = Htpasswd.Hash("secret", HtpasswdAlgorithm.Bcrypt, 11);
        Assert.Matches(@"^\$2y\$11\$[./A-Za-z0-9]{53}$", hash);
        Assert.NotEqual(hash, Htpasswd.Hash("secret", HtpasswdAlgorithm.Bcrypt, 11)); // a fresh salt each time
    }

    public static TheoryData<HtpasswdAlgorithm, string> Passwords => new()
    {
        { HtpasswdAlgorithm.Bcrypt, "correct horse" },
        { HtpasswdAlgorithm.Sha512, "correct horse" },
        { HtpasswdAlgorithm.Apr1, "correct horse" },
        { HtpasswdAlgorithm.Bcrypt, "ünïcødé-€" },
        { HtpasswdAlgorithm.Sha512, "ünïcødé-€" },
        { HtpasswdAlgorithm.Apr1, "a-much-longer-password-of-more-than-sixteen-bytes:with:colons" },
        { HtpasswdAlgorithm.Sha512, "x" },
    };

    [Theory]
    [MemberData(nameof(Passwords))]
    public void ApachesHtpasswdVerifiesEveryFormat(HtpasswdAlgorithm algorithm, string password)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, $"alice:{Htpasswd.Hash(password, algorithm)}\n");
            Assert.Equal(0, HtpasswdVerify(file, "alice", password));
            Assert.NotEqual(0, HtpasswdVerify(file, "alice", password + "x"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void RefusesWhatCannotBeVerified()
    {
        Assert.Throws<KoValidationException>(() => Htpasswd.Hash("", HtpasswdAlgorithm.Bcrypt));
        Assert.Equal("-BcryptCost", Assert.Throws<KoValidationException>(() => Htpasswd.Hash("pw", HtpasswdAlgorithm.Bcrypt, 4)).Field);
        var tooLong = Assert.Throws<KoValidationException>(() => Htpasswd.Hash(new string('a', 73), HtpasswdAlgorithm.Bcrypt));
        Assert.Contains("72 bytes", tooLong.Message);
        Assert.DoesNotContain("aaaa", tooLong.Message);
        foreach (var user in new[] { "has:colon", "has space", "", "tab\tuser" })
            Assert.Throws<KoValidationException>(() => Htpasswd.User(user, "-Credential"));
        Assert.Equal("admin", Htpasswd.User("admin", "-Credential"));
    }

    [Fact]
    public void ParsesHtpasswdContentAndNamesTheBadLine()
    {
        var entries = Htpasswd.Parse("# users\nalice:$2y$10$abc\r\n\nbob:{SHA}xyz\n", "secret x");
        Assert.Equal([("alice", "$2y$10$abc"), ("bob", "{SHA}xyz")], entries);
        var e = Assert.Throws<KoValidationException>(() => Htpasswd.Parse("alice:hash\nno-colon-here\n", "secret x"));
        Assert.Contains("line 2", e.Message);
    }

    private static int HtpasswdVerify(string file, string user, string password)
    {
        var psi = new ProcessStartInfo("htpasswd") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-vb", file, user, password }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        return p.ExitCode;
    }
}
