# Monitoring (issue 9): how long the checks before an apply take (the whole stack built and checked by promtool and
# amtool), and what a confirmed reload costs: API requests and reload attempts against a real Prometheus behind the
# fake API server's service proxy, with the ConfigMap copied into place at once (no kubelet delay).
param([string] $ResultFile, [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force

$work = Join-Path ([IO.Path]::GetTempPath()) "ko-bench-mon-$PID"
New-Item -ItemType Directory $work -Force | Out-Null
$cluster = Start-KoFakeCluster -ClockSpeed 10
$prom = $null; $sync = $null
try {
    # Build + promtool/amtool checks + manifests, five runs after a warm-up.
    Install-KoMonitoring -OutputDirectory (Join-Path $work 'warm') | Out-Null
    $offline = foreach ($i in 1..5) { (Measure-Command { Install-KoMonitoring -OutputDirectory (Join-Path $work "run$i") | Out-Null }).TotalMilliseconds }
    $rule = New-KoAlertRule -Name BenchRule -Expr 'up == 0'
    $newRule = foreach ($i in 1..5) { (Measure-Command { New-KoAlertRule -Name BenchRule -Expr 'up == 0' | Out-Null }).TotalMilliseconds }

    Connect-KoCluster -KubeConfig $cluster.KubeConfig | Out-Null
    Install-KoMonitoring | Out-Null
    $promDir = Join-Path $work 'prometheus'
    New-Item -ItemType Directory $promDir, (Join-Path $work 'data') -Force | Out-Null
    Set-Content (Join-Path $promDir 'prometheus.yml') "rule_files:`n  - '*.rules.yml'`n"
    # A "kubelet" with no delay: copies the rule files whenever the ConfigMap changes.
    $sync = Start-ThreadJob -ScriptBlock {
        param($url, $dir)
        $rv = ''
        while ($true) {
            $o = Invoke-RestMethod "$url/api/v1/namespaces/monitoring/configmaps/prometheus-config" -Headers @{ Authorization = 'Bearer fake-token' }
            if ($o.metadata.resourceVersion -ne $rv) {
                foreach ($p in $o.data.PSObject.Properties) { if ($p.Name -ne 'prometheus.yml') { Set-Content (Join-Path $dir $p.Name) $p.Value -NoNewline } }
                $rv = $o.metadata.resourceVersion
            }
            Start-Sleep -Milliseconds 100
        }
    } -ArgumentList $cluster.Url, $promDir
    while (-not (Test-Path (Join-Path $promDir 'kubeops-revision.rules.yml'))) { Start-Sleep -Milliseconds 100 }
    $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop()
    $prom = Start-Process prometheus -PassThru -RedirectStandardError (Join-Path $work 'prom.err') -RedirectStandardOutput (Join-Path $work 'prom.out') -ArgumentList @(
        "--config.file=$promDir/prometheus.yml", "--storage.tsdb.path=$work/data", "--web.listen-address=127.0.0.1:$port", '--web.enable-lifecycle', '--web.route-prefix=/prometheus')
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ($true) { try { Invoke-RestMethod "http://127.0.0.1:$port/prometheus/-/ready" | Out-Null; break } catch { if ([DateTime]::UtcNow -gt $deadline) { throw } ; Start-Sleep -Milliseconds 200 } }
    Invoke-RestMethod -Method Put -Uri "$($cluster.Url)/fake/service-proxies" -ContentType 'application/json' -Body (@{ 'monitoring/prometheus:9090' = "http://127.0.0.1:$port" } | ConvertTo-Json) | Out-Null

    $reloads = foreach ($i in 1..3) {
        Clear-KoFakeRequests $cluster
        $r = New-KoAlertRule -Name "BenchRule$i" -Expr 'up == 0' | Add-KoAlertRule -Timeout 00:01:00
        $requests = @(Get-KoFakeRequests $cluster | Where-Object { $_.userAgent -notlike '*PowerShell*' })
        [pscustomobject]@{ Loaded = $r.Loaded; Attempts = $r.Attempts; Seconds = $r.Elapsed.TotalSeconds; Requests = $requests.Count }
    }
    $lines = @(
        '## Monitoring (issue 9)'
        ''
        ('- `Install-KoMonitoring -OutputDirectory` (build 24 objects, promtool check config + check rules, amtool check-config, write the files): median {0:N0} ms over 5 runs' -f (Get-KoMedian @($offline)))
        ('- `New-KoAlertRule` with its promtool check: median {0:N0} ms over 5 runs' -f (Get-KoMedian @($newRule)))
        ('- `Add-KoAlertRule` against a real Prometheus 2.42 behind the service proxy, ConfigMap copied without delay: {0} of 3 confirmed; reload attempts {1}; median {2:N1} s from apply to confirmation (the first reload usually comes before the copy; retries after 1, 2, 4, then every 5 s); {3} API requests each (read, apply, reload and status through the proxy)' -f @($reloads | Where-Object Loaded).Count, (($reloads.Attempts) -join '/'), (Get-KoMedian @($reloads.Seconds)), (($reloads.Requests) -join '/'))
        ''
    )
    Add-Content $ResultFile ($lines -join "`n")
    $lines | Write-Host
} finally {
    if ($prom -and -not $prom.HasExited) { $prom | Stop-Process -Force }
    if ($sync) { $sync | Stop-Job -PassThru | Remove-Job -Force }
    Stop-KoFakeCluster $cluster
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
