# Shared by the bench scripts: the standalone fake cluster, a generated batch of mixed objects, and timing helpers.
Import-Module (Join-Path $PSScriptRoot '../tests/pester/TestHelpers.psm1') -Force

function New-KoBenchObjects {
    <# A mixed batch: ConfigMaps, Secrets, Services and Deployments (replicas 0, so the fake's controllers stay quiet). #>
    param([int] $Count, [string] $Namespace)
    $per = [Math]::Ceiling($Count / 4)
    $objects = [System.Collections.Generic.List[object]]::new()
    $objects.Add(@{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = $Namespace } })
    for ($i = 0; $i -lt $per; $i++) {
        $objects.Add(@{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = "cm-$i"; namespace = $Namespace }; data = @{ index = "$i"; mode = 'bench' } })
        $objects.Add(@{ apiVersion = 'v1'; kind = 'Secret'; metadata = @{ name = "secret-$i"; namespace = $Namespace }; stringData = @{ token = "t$i" } })
        $objects.Add(@{ apiVersion = 'v1'; kind = 'Service'; metadata = @{ name = "svc-$i"; namespace = $Namespace }; spec = @{ selector = @{ app = "app-$i" }; ports = @(@{ port = 80 }) } })
        $objects.Add(@{ apiVersion = 'apps/v1'; kind = 'Deployment'; metadata = @{ name = "app-$i"; namespace = $Namespace }; spec = @{ replicas = 0; selector = @{ matchLabels = @{ app = "app-$i" } }; template = @{ metadata = @{ labels = @{ app = "app-$i" } }; spec = @{ containers = @(@{ name = 'web'; image = 'nginx:1.29' }) } } } })
    }
    $objects | Select-Object -First ($Count + 1)
}

function Get-KoWriteCounts {
    <# How many times the fake really stored each object of a batch. #>
    param($Cluster, $Objects)
    foreach ($o in $Objects) {
        $plural = switch ($o.kind) { 'Namespace' { 'namespaces' } 'ConfigMap' { 'configmaps' } 'Secret' { 'secrets' } 'Service' { 'services' } 'Deployment' { 'deployments' } }
        $ns = $o.metadata.namespace
        (Invoke-RestMethod "$($Cluster.Url)/fake/writes?plural=$plural&namespace=$ns&name=$($o.metadata.name)").writes
    }
}

function Get-KoMedian([double[]] $Values) {
    $s = $Values | Sort-Object
    if ($s.Count % 2) { $s[[int][Math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
}

Export-ModuleMember -Function *
