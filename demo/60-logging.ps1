# Recipe 6: Fluent Bit on every node into Elasticsearch 9 (storage from the NFS class of recipe 3, 14 days of logs),
# Kibana on /kibana of the ops host behind TLS and basic auth, as manifests. The Ingress lives in kubeops-logging, so
# its secrets ops-tls and ops-auth are made there (New-KoTlsSecret / New-KoBasicAuthSecret -Namespace kubeops-logging).
param([string] $OutputDirectory)
$ErrorActionPreference = 'Stop'

Install-KoLogging -StorageClass nfs -StorageSize 50Gi -Memory 2Gi -RetentionDays 14 -KibanaPath /kibana `
    -Ingress @{ Host = 'ops.example.com'; TlsSecretName = 'ops-tls'; BasicAuthSecret = 'ops-auth' } `
    -OutputDirectory (Join-Path $OutputDirectory 'logging') | Out-Null
