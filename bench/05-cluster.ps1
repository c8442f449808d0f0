# Cluster access (issue 3): applying 1,000 mixed objects with 2 ms injected latency per request, serial vs the
# default parallelism, in one run; then with 5% injected 500/429 answers, every object applied exactly once.
param([string] $ResultFile, [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force

$cluster = Start-KoFakeCluster
try {
    Connect-KoCluster -KubeConfig $cluster.KubeConfig | Out-Null
    Set-KoFakeFaults $cluster @{ latencyMs = 2 }
    $times = @{}
    foreach ($run in @(@{ Name = 'serial'; Throttle = 1 }, @{ Name = 'parallel'; Throttle = 8 })) {
        $objects = New-KoBenchObjects -Count 1000 -Namespace "bench-$($run.Name)"
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $summary = $objects | Publish-KoResource -ThrottleLimit $run.Throttle | Select-Object -Last 1
        $sw.Stop()
        if ($summary.Failed -gt 0) { throw "$($run.Name): $($summary.Failed) objects failed" }
        $times[$run.Name] = $sw.Elapsed.TotalSeconds
    }
    $peak = [Math]::Round([Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB)

    Set-KoFakeFaults $cluster @{ latencyMs = 2; errorRate = 0.05; errorCodes = @(500, 429); seed = 11 }
    $objects = New-KoBenchObjects -Count 1000 -Namespace 'bench-faults'
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $summary = $objects | Publish-KoResource | Select-Object -Last 1
    $sw.Stop()
    Set-KoFakeFaults $cluster @{ latencyMs = 0; errorRate = 0 }
    $injected = @(Get-KoFakeRequests $cluster | Where-Object injected).Count
    $writes = @(Get-KoWriteCounts $cluster $objects)
    $once = @($writes | Where-Object { $_ -eq 1 }).Count

    $lines = @(
        '## Cluster access (issue 3)'
        ''
        'Apply of 1,000 mixed objects (ConfigMaps, Secrets, Services, Deployments, plus their Namespace) to the fake API server with 2 ms injected latency per request; `Publish-KoResource` does a GET and a server-side apply PATCH per object.'
        ''
        '| run | seconds | objects/s |'
        '|---|---|---|'
        ('| serial (-ThrottleLimit 1) | {0:N2} | {1:N0} |' -f $times.serial, (1001 / $times.serial))
        ('| parallel (default 8) | {0:N2} | {1:N0} |' -f $times.parallel, (1001 / $times.parallel))
        ''
        ('- speed-up: **{0:N1}×** (target ≥ 4×); peak working set of the PowerShell process: {1} MiB' -f ($times.serial / $times.parallel), $peak)
        ('- with 5% injected 500/429 answers ({0} faults injected, {1:N1} s): {2} of {3} objects written exactly once, {4} duplicate writes, {5} failed (target: all exactly once)' -f $injected, $sw.Elapsed.TotalSeconds, $once, $writes.Count, @($writes | Where-Object { $_ -gt 1 }).Count, $summary.Failed)
        ''
    )
    Add-Content $ResultFile ($lines -join "`n")
    $lines | Write-Host
} finally {
    Stop-KoFakeCluster $cluster
}
