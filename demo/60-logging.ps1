# Recipe 6: the logging stack as manifests: Fluent Bit on every node, Elasticsearch on an NFS claim with two weeks of
# retention, Kibana under /kibana on the dashboard's host behind TLS and basic auth.
param([string] $OutputDirectory)
$ErrorActionPreference = 'Stop'

# The seed's fluentd/Elasticsearch/Kibana with today's versions. Passwords are generated into the Secret's manifest:
# keep that file private (applied to a cluster, an existing Secret is kept instead).
Install-KoLogging -StorageClass nfs -StorageSize 20Gi -Memory 2Gi -RetentionDays 14 -KibanaPath /kibana `
    -Ingress @{ Host = 'ops.example.com'; TlsSecretName = 'ops-tls'; BasicAuthSecret = 'ops-auth' } `
    -OutputDirectory (Join-Path $OutputDirectory 'logging') | Out-Null

# The seed's choice of shipper, fluentd, for comparison.
Install-KoLogging -Shipper Fluentd -Namespace logging-fluentd -StorageClass nfs `
    -OutputDirectory (Join-Path $OutputDirectory 'logging-fluentd') | Out-Null
