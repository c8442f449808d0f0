using KubeOpsPS.Engine.Manifests.Ingress;

namespace KubeOpsPS.Engine.Manifests.Logging;

/// <summary>The log shipper the DaemonSet runs on every node.</summary>
public enum LogShipper
{
    /// <summary>Fluent Bit: small (C, tens of MiB per node), maintained, the default.</summary>
    FluentBit,
    /// <summary>fluentd with fluent-plugin-elasticsearch, as in the seed: heavier (Ruby), plugin rich.</summary>
    Fluentd,
}

/// <summary>The passwords an install writes into its Secret: the elastic superuser, Kibana's kibana_system user, the shipper's writer user.</summary>
public sealed record LoggingCredentials(string Elastic, string Kibana, string Shipper)
{
    /// <summary>Never prints the passwords.</summary>
    public override string ToString() => "LoggingCredentials { (hidden) }";
}

/// <summary>Options of the logging stack: a shipper DaemonSet, Elasticsearch as a StatefulSet, Kibana on a sub-path.</summary>
public sealed record LoggingOptions
{
    public string Namespace { get; init; } = LoggingBundle.DefaultNamespace;
    public LogShipper Shipper { get; init; } = LogShipper.FluentBit;
    /// <summary>The class of Elasticsearch's data claim; null: the cluster's default class.</summary>
    public string? StorageClass { get; init; }
    public string StorageSize { get; init; } = "20Gi";
    /// <summary>Elasticsearch's container memory (request and limit).</summary>
    public string Memory { get; init; } = "2Gi";
    /// <summary>The JVM heap; null: half of <see cref="Memory"/> (Elastic's advice: at most half, the rest is file cache).</summary>
    public string? Heap { get; init; }
    /// <summary>Days an index is kept before the lifecycle policy deletes it.</summary>
    public int RetentionDays { get; init; } = 14;
    /// <summary>http.cors.allow-origin; null: CORS off (the default in Elasticsearch).</summary>
    public string? CorsAllowOrigin { get; init; }
    /// <summary>Kibana's sub-path (server.basePath): starts with '/', no trailing '/'.</summary>
    public string KibanaPath { get; init; } = "/kibana";
    /// <summary>Where Kibana is exposed; null: no Ingress (reach it with a port-forward or the API server's proxy).</summary>
    public IngressExposure? Ingress { get; init; }
    /// <summary>The passwords to write into the Secret; null: the Secret exists already and is left as it is.</summary>
    public LoggingCredentials? Credentials { get; init; }
    /// <summary>Let unauthenticated clients (Get-KoLogIndex through the API server's proxy) list the log indices: monitor privileges only, no documents.</summary>
    public bool AllowIndexListing { get; init; }
}
