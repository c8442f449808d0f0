# The namespaces of the seed environment.
param([string] $OutputDirectory)
$ErrorActionPreference = 'Stop'
'ingress-nginx', 'monitoring', 'logging', 'jenkins', 'apps', 'kubeops-storage' | ForEach-Object {
    @{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = $_; labels = @{ 'app.kubernetes.io/part-of' = 'kubeops-demo' } } }
} | ConvertTo-KoYaml -OutputDirectory $OutputDirectory | Out-Null
