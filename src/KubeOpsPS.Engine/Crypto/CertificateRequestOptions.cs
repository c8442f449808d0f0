namespace KubeOpsPS.Engine.Crypto;

/// <summary>What a certificate request says about its subject.</summary>
public sealed record CertificateRequestOptions
{
    public required string CommonName { get; init; }
    public IReadOnlyList<string> DnsNames { get; init; } = [];
    public IReadOnlyList<string> IpAddresses { get; init; } = [];
    /// <summary>Extra subject parts in order, e.g. ("O", "Example Ltd"), ("C", "DE").</summary>
    public IReadOnlyList<(string Key, string Value)> SubjectParts { get; init; } = [];
    /// <summary>Accept a common name that is not a fully qualified domain name.</summary>
    public bool AllowShortName { get; init; }
}
