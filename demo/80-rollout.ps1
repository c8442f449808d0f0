# Recipe 8: a blue/green pair and its Service as manifests (the demo has no cluster to switch).
param([string] $OutputDirectory)
$ErrorActionPreference = 'Stop'
'blue', 'green' | ForEach-Object {
    $color = $_
    $image = if ($color -eq 'blue') { 'nginx:1.29' } else { 'nginx:1.30' }
    @{
        apiVersion = 'apps/v1'; kind = 'Deployment'
        metadata = @{ name = "shop-$color"; namespace = 'apps'; labels = @{ app = 'shop' } }
        spec = @{
            replicas = 3
            strategy = @{ type = 'RollingUpdate'; rollingUpdate = @{ maxSurge = 1; maxUnavailable = 0 } }
            selector = @{ matchLabels = @{ app = 'shop'; 'kubeops.io/color' = $color } }
            template = @{
                metadata = @{ labels = @{ app = 'shop'; 'kubeops.io/color' = $color } }
                spec = @{ containers = @(@{ name = 'web'; image = $image; ports = @(@{ containerPort = 80 }); readinessProbe = @{ tcpSocket = @{ port = 80 } } }) }
            }
        }
    }
} | ConvertTo-KoYaml -OutputDirectory $OutputDirectory | Out-Null
@{ apiVersion = 'v1'; kind = 'Service'; metadata = @{ name = 'shop'; namespace = 'apps'; annotations = @{ 'kubeops.io/active-deployment' = 'shop-blue' } }; spec = @{ selector = @{ app = 'shop'; 'kubeops.io/color' = 'blue' }; ports = @(@{ port = 80; targetPort = 80 }) } } |
    ConvertTo-KoYaml -OutputDirectory $OutputDirectory | Out-Null
