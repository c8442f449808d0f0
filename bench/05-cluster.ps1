# Cluster access (issues 3 and 23): applying 1,000 mixed objects with 2 ms injected latency per request, against
# `kubectl apply --server-side -f` on the same objects and the same fake in the same run (rounds interleaved, each
# side into fresh namespaces, so both create); serial vs the default parallelism; requests per applied object from
# the fake's log; then with 5% injected 500/429 answers, every object applied exactly once.
param([string] $ResultFile, [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force

$cluster = Start-KoFakeCluster
$work = Join-Path ([IO.Path]::GetTempPath()) "ko-bench-apply-$PID"
New-Item -ItemType Directory $work -Force | Out-Null
try {
    Connect-KoCluster -KubeConfig $cluster.KubeConfig | Out-Null
    Set-KoFakeFaults $cluster @{ latencyMs = 2 }

    function Measure-Ours([string] $Namespace, [int] $Throttle) {
        $objects = New-KoBenchObjects -Count 1000 -Namespace $Namespace
        Clear-KoFakeRequests $cluster
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $summary = $objects | Publish-KoResource -ThrottleLimit $Throttle | Select-Object -Last 1
        $sw.Stop()
        if ($summary.Failed -gt 0) { throw "$Namespace : $($summary.Failed) objects failed" }
        [pscustomobject]@{ Seconds = $sw.Elapsed.TotalSeconds; Requests = @(Get-KoFakeRequests $cluster).Count; Objects = $objects.Count }
    }
    function Measure-Kubectl([string] $Namespace) {
        $file = Join-Path $work "$Namespace.yaml"
        New-KoBenchObjects -Count 1000 -Namespace $Namespace | ConvertTo-KoYaml | Set-Content $file
        $cache = Join-Path $work "cache-$Namespace"
        Clear-KoFakeRequests $cluster
        $sw = [Diagnostics.Stopwatch]::StartNew()
        & kubectl --kubeconfig $cluster.KubeConfig --cache-dir $cache apply --server-side -f $file | Out-Null
        $sw.Stop()
        if ($LASTEXITCODE -ne 0) { throw "kubectl apply --server-side failed for $Namespace" }
        [pscustomobject]@{ Seconds = $sw.Elapsed.TotalSeconds; Requests = @(Get-KoFakeRequests $cluster).Count; Objects = 1001 }
    }

    # Three rounds; which side goes first alternates.
    $ours = @(); $kubectl = @()
    for ($r = 0; $r -lt 3; $r++) {
        if ($r % 2) { $kubectl += Measure-Kubectl "bench-kubectl-$r"; $ours += Measure-Ours "bench-ours-$r" 8 }
        else { $ours += Measure-Ours "bench-ours-$r" 8; $kubectl += Measure-Kubectl "bench-kubectl-$r" }
    }
    $serial = Measure-Ours 'bench-serial' 1
    # The same objects again, unchanged: what a re-run of a deploy script costs.
    $again = Measure-Ours 'bench-ours-0' 8
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

    $oursS = @($ours | ForEach-Object Seconds); $kS = @($kubectl | ForEach-Object Seconds)
    $ratios = for ($i = 0; $i -lt 3; $i++) { $kS[$i] / $oursS[$i] }
    $oM = Get-KoMedian $oursS; $kM = Get-KoMedian $kS
    $perObject = { param($m) '{0:N2}' -f ($m.Requests / $m.Objects) }
    $lines = @(
        '## Cluster access (issues 3 and 23)'
        ''
        ('Apply of 1,001 objects (250 each ConfigMaps, Secrets, Services, Deployments, plus their Namespace) to the fake API server with 2 ms injected latency per request, each run into fresh namespaces (so every object is created); KubeOpsPS (`Publish-KoResource`, default parallelism 8) and `kubectl apply --server-side -f` (one file with the same objects, written by ConvertTo-KoYaml; fresh discovery cache) interleaved, 3 rounds, alternating which goes first. Requests are counted in the fake''s log (discovery included).')
        ''
        '| run | seconds (median, min–max of 3) | objects/s | requests per object |'
        '|---|---|---|---|'
        ('| KubeOpsPS, parallel (default 8) | {0:N2} ({1:N2}–{2:N2}) | {3:N0} | {4} |' -f $oM, ($oursS | Measure-Object -Minimum).Minimum, ($oursS | Measure-Object -Maximum).Maximum, (1001 / $oM), (& $perObject $ours[0]))
        ('| kubectl apply --server-side | {0:N2} ({1:N2}–{2:N2}) | {3:N0} | {4} |' -f $kM, ($kS | Measure-Object -Minimum).Minimum, ($kS | Measure-Object -Maximum).Maximum, (1001 / $kM), (& $perObject $kubectl[0]))
        ('| KubeOpsPS, serial (-ThrottleLimit 1), once | {0:N2} | {1:N0} | {2} |' -f $serial.Seconds, (1001 / $serial.Seconds), (& $perObject $serial))
        ('| KubeOpsPS, the first round''s objects again, unchanged, once | {0:N2} | {1:N0} | {2} |' -f $again.Seconds, (1001 / $again.Seconds), (& $perObject $again))
        ''
        ('- KubeOpsPS vs kubectl, per round: **{0}** faster (median {1:N1}×; target ≥ 5×); parallel vs serial: {2:N1}× (target ≥ 4×); peak working set of the PowerShell process: {3} MiB' -f (($ratios | ForEach-Object { '{0:N1}×' -f $_ }) -join ', '), (Get-KoMedian $ratios), ($serial.Seconds / $oM), $peak)
        ('- with 5% injected 500/429 answers ({0} faults injected, {1:N1} s): {2} of {3} objects written exactly once, {4} duplicate writes, {5} failed (target: all exactly once)' -f $injected, $sw.Elapsed.TotalSeconds, $once, $writes.Count, @($writes | Where-Object { $_ -gt 1 }).Count, $summary.Failed)
        ''
    )
    Add-Content $ResultFile ($lines -join "`n")
    $lines | Write-Host
} finally {
    Stop-KoFakeCluster $cluster
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
