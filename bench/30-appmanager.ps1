# Auto-deploy (issue 8): latency from a file being written to the object being visible on the server (100 changes),
# and a folder of 1,000 manifests: first full reconcile time and peak memory, and a resync that sends no writes.
param([string] $ResultFile, [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force

$cluster = Start-KoFakeCluster
$work = Join-Path ([IO.Path]::GetTempPath()) "ko-bench-am-$PID"
try {
    Connect-KoCluster -KubeConfig $cluster.KubeConfig | Out-Null
    $dir = New-Item -ItemType Directory (Join-Path $work 'latency') -Force
    $job = Start-KoAppManager -Path $dir -AsJob
    Start-Sleep -Seconds 1
    $latencies = [System.Collections.Generic.List[double]]::new()
    for ($i = 0; $i -lt 100; $i++) {
        $name = "lat-$($i % 10)"
        $sw = [Diagnostics.Stopwatch]::StartNew()
        Set-Content (Join-Path $dir "$name.yaml") "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: $name`n  namespace: default`ndata:`n  v: '$i'`n"
        while ($true) {
            $live = try { Invoke-RestMethod "$($cluster.Url)/api/v1/namespaces/default/configmaps/$name" -Headers @{ Authorization = 'Bearer fake-token' } } catch { $null }
            if ($live.data.v -eq "$i") { break }
            if ($sw.Elapsed.TotalSeconds -gt 30) { throw "change $i was not applied within 30 s" }
            Start-Sleep -Milliseconds 5
        }
        $latencies.Add($sw.Elapsed.TotalMilliseconds)
    }
    Stop-Job $job; Remove-Job $job -Force
    $sorted = $latencies | Sort-Object
    $p50 = Get-KoMedian $latencies
    $p95 = $sorted[[int][Math]::Ceiling(0.95 * $sorted.Count) - 1]

    $big = New-Item -ItemType Directory (Join-Path $work 'big') -Force
    for ($i = 0; $i -lt 1000; $i++) {
        Set-Content (Join-Path $big "cm-$i.yaml") "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: big-$i`n  namespace: default`ndata:`n  index: '$i'`n  mode: bench`n"
    }
    $once = "Import-Module '$ModulePath'; `$sw = [Diagnostics.Stopwatch]::StartNew(); `$e = Start-KoAppManager -Path '$big' -Once -KubeConfig '$($cluster.KubeConfig)'; `$sw.Stop(); '{0} {1} {2}' -f `$sw.Elapsed.TotalSeconds, [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64, @(`$e | Where-Object Action -eq 'Failed').Count"
    $first = (& ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $once | Select-Object -Last 1) -split ' '
    Clear-KoFakeRequests $cluster
    $second = (& ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $once | Select-Object -Last 1) -split ' '
    $writes = @(Get-KoFakeRequests $cluster | Where-Object { $_.method -in 'PATCH', 'PUT', 'POST', 'DELETE' }).Count

    $lines = @(
        '## Auto-deploy (issue 8)'
        ''
        ('- file written → object visible on the fake API server, 100 changes (Start-KoAppManager -AsJob, 100 ms debounce, checked by polling the server every 5 ms): **p50 {0:N0} ms, p95 {1:N0} ms** (targets: p50 < 500 ms, p95 < 1 s; the addon-manager loops every 60 s)' -f $p50, $p95)
        ('- a folder of 1,000 manifests, `Start-KoAppManager -Once` in a fresh process: first full reconcile {0:N1} s, peak working set {1:N0} MiB, {2} failures' -f [double]$first[0], ([double]$first[1] / 1MB), $first[2])
        ('- the same folder again (a resync with nothing changed): {0:N1} s, **{1} write requests** (target 0)' -f [double]$second[0], $writes)
        ''
    )
    Add-Content $ResultFile ($lines -join "`n")
    $lines | Write-Host
} finally {
    Stop-KoFakeCluster $cluster
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
