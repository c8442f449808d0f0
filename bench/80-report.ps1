# Cluster report (issue 22): Get-KoClusterReport on a fake cluster seeded with 1,000 and then 5,000 objects of the
# kinds it reads. Wall time, API requests (the fake's request log) and the peak working set of a fresh PowerShell
# that runs only the report (and writes the HTML page), so seeding does not count.
param([string] $ResultFile, [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force

function New-ReportBenchObjects {
    <# Deployments (replicas 0, so no pods are made), bare Pods, Services, TLS Secrets (one certificate), Ingresses, RoleBindings; from index $From. #>
    param([int] $From, [int] $Count, [string] $Namespace, $Secret)
    for ($i = $From; $i -lt $From + $Count; $i++) {
        switch ($i % 6) {
            0 { @{ apiVersion = 'apps/v1'; kind = 'Deployment'; metadata = @{ name = "app-$i"; namespace = $Namespace }; spec = @{ replicas = 0; selector = @{ matchLabels = @{ app = "app-$i" } }; template = @{ metadata = @{ labels = @{ app = "app-$i" } }; spec = @{ containers = @(@{ name = 'web'; image = 'nginx:1.29' }) } } } } }
            1 { @{ apiVersion = 'v1'; kind = 'Pod'; metadata = @{ name = "pod-$i"; namespace = $Namespace; labels = @{ app = "app-$($i - 1)" } }; spec = @{ containers = @(@{ name = 'web'; image = 'nginx:1.29' }) } } }
            2 { @{ apiVersion = 'v1'; kind = 'Service'; metadata = @{ name = "svc-$i"; namespace = $Namespace }; spec = @{ selector = @{ app = "app-$($i - 2)" }; ports = @(@{ port = 80 }) } } }
            3 { @{ apiVersion = 'v1'; kind = 'Secret'; type = 'kubernetes.io/tls'; metadata = @{ name = "tls-$i"; namespace = $Namespace }; data = $Secret } }
            4 { @{ apiVersion = 'networking.k8s.io/v1'; kind = 'Ingress'; metadata = @{ name = "ing-$i"; namespace = $Namespace }; spec = @{ tls = @(@{ hosts = @("h$i.bench.example"); secretName = "tls-$($i - 1)" }); rules = @(@{ host = "h$i.bench.example"; http = @{ paths = @(@{ path = '/'; pathType = 'Prefix'; backend = @{ service = @{ name = "svc-$($i - 2)"; port = @{ number = 80 } } } }) } }) } } }
            5 { @{ apiVersion = 'rbac.authorization.k8s.io/v1'; kind = 'RoleBinding'; metadata = @{ name = "rb-$i"; namespace = $Namespace }; roleRef = @{ apiGroup = 'rbac.authorization.k8s.io'; kind = 'ClusterRole'; name = 'view' }; subjects = @(@{ kind = 'ServiceAccount'; name = "sa-$i"; namespace = $Namespace }) } }
        }
    }
}

$cluster = Start-KoFakeCluster
try {
    Connect-KoCluster -KubeConfig $cluster.KubeConfig | Out-Null
    $ca = New-KoCertificateAuthority -CommonName 'Bench CA'
    $tls = New-KoPrivateKey | New-KoCertificateRequest -CommonName '*.bench.example' | New-KoCertificate -Issuer $ca -ValidDays 20 | New-KoTlsSecret -Name template -WarningAction SilentlyContinue
    $secret = @{ 'tls.crt' = [Convert]::ToBase64String($tls.Data['tls.crt']); 'tls.key' = [Convert]::ToBase64String($tls.Data['tls.key']) }
    @{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = 'bench' } } | Publish-KoResource | Out-Null
    $page = Join-Path ([IO.Path]::GetTempPath()) "ko-bench-report-$PID.html"
    $rows = foreach ($stage in @(@{ From = 0; Count = 1000 }, @{ From = 1000; Count = 4000 })) {
        $summary = New-ReportBenchObjects -From $stage.From -Count $stage.Count -Namespace bench -Secret $secret | Publish-KoResource | Select-Object -Last 1
        if ($summary.Failed -gt 0) { throw "seeding: $($summary.Failed) objects failed" }
        Clear-KoFakeRequests $cluster
        $run = Invoke-KoChildPwsh -Command @"
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$ModulePath'
`$sw = [Diagnostics.Stopwatch]::StartNew()
`$f = @(Get-KoClusterReport -KubeConfig '$($cluster.KubeConfig)' -Html '$page')
`$cold = `$sw.Elapsed.TotalSeconds
`$sw.Restart()
`$f = @(Get-KoClusterReport -KubeConfig '$($cluster.KubeConfig)' -Html '$page')
'RESULT ' + (@{ Cold = `$cold; Seconds = `$sw.Elapsed.TotalSeconds; Findings = `$f.Count; PeakMiB = [Math]::Round([Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB) } | ConvertTo-Json -Compress)
"@
        $line = ($run.Output -split "`n" | Where-Object { $_ -like 'RESULT *' } | Select-Object -First 1)
        if (-not $line) { throw "the report run failed: $($run.Output)" }
        $r = $line.Substring(7) | ConvertFrom-Json
        # Two runs: the request figures are per run.
        $requests = @(Get-KoFakeRequests $cluster)
        [pscustomobject]@{ Objects = $stage.From + $stage.Count; Cold = $r.Cold; Seconds = $r.Seconds; Requests = $requests.Count / 2; Lists = @($requests | Where-Object { $_.path -ne '/version' }).Count / 2; Findings = $r.Findings; PeakMiB = $r.PeakMiB; PageKiB = [Math]::Round((Get-Item $page).Length / 1KB) }
    }
    Remove-Item $page -ErrorAction SilentlyContinue
    $lines = @(
        '## Cluster report (issue 22)'
        ''
        '`Get-KoClusterReport -Html` on the fake API server seeded with Deployments, bare Pods, Services, TLS Secrets, Ingresses and RoleBindings in equal parts (plus what a fresh fake holds), run twice in a fresh PowerShell (the first run includes loading and compiling the module''s code): one LIST per kind (500 items a page), never a GET per object. Requests are per run; the peak working set is the process''s after both runs.'
        ''
        ('Load average while measuring: {0} on {1} cores (a shared machine: wall times are noisy).' -f ((Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ' | Select-Object -First 1), [Environment]::ProcessorCount)
        ''
        '| objects seeded | first run (s) | second run (s) | API requests | of them LIST pages | findings | peak working set (MiB) | HTML page (KiB) |'
        '|---|---|---|---|---|---|---|---|'
        ($rows | ForEach-Object { '| {0:N0} | {1:N2} | {2:N2} | {3} | {4} | {5:N0} | {6} | {7:N0} |' -f $_.Objects, $_.Cold, $_.Seconds, $_.Requests, $_.Lists, $_.Findings, $_.PeakMiB, $_.PageKiB })
        ''
        ('- requests grow with the number of kinds and pages, not objects: {0} → {1} for {2:N0} → {3:N0} objects' -f $rows[0].Requests, $rows[1].Requests, $rows[0].Objects, $rows[1].Objects)
        ''
    )
    Add-Content $ResultFile ($lines -join "`n")
    $lines | Write-Host
} finally {
    Stop-KoFakeCluster $cluster
}
