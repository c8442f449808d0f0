# Hardening (issue 13): fault injection through the fake API server.
#  1. 1,000 objects applied while 10% of requests get 500/503/429 (Retry-After), 1% of connections are reset and
#     watches are dropped every 2 s: objects applied exactly once, duplicate writes.
#  2. A rollout followed through repeated watch drops and one 410 Gone: outcome reported correctly.
#  3. The app-manager while the server is down for 30 s: time to catch up once it returns.
param([string] $ResultFile, [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force

$lines = [System.Collections.Generic.List[string]]::new()
$lines.Add('## Hardening (issue 13): fault injection'); $lines.Add('')

# --- 1. apply under faults
$cluster = Start-KoFakeCluster
try {
    Connect-KoCluster -KubeConfig $cluster.KubeConfig | Out-Null
    Set-KoFakeFaults $cluster @{ errorRate = 0.10; errorCodes = @(500, 503, 429); resetRate = 0.01; watchDropAfterMs = 2000; seed = 5 }
    $objects = New-KoBenchObjects -Count 1000 -Namespace 'faults'
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $summary = $objects | Publish-KoResource -ErrorAction SilentlyContinue -ErrorVariable failures | Select-Object -Last 1
    $sw.Stop()
    $log = @(Get-KoFakeRequests $cluster)
    Set-KoFakeFaults $cluster @{ errorRate = 0; resetRate = 0; watchDropAfterMs = $null }
    $writes = @(Get-KoWriteCounts $cluster $objects)
    $once = @($writes | Where-Object { $_ -eq 1 }).Count
    $lines.Add(('- 1,001 objects applied with 10% injected 500/503/429 and 1% connection resets ({0} faults injected, {1:N1} s): **{2} of {3} written exactly once ({4:P1})**, {5} duplicate writes, {6} lost, {7} reported failures' -f `
        @($log | Where-Object injected).Count, $sw.Elapsed.TotalSeconds, $once, $writes.Count, ($once / $writes.Count), @($writes | Where-Object { $_ -gt 1 }).Count, @($writes | Where-Object { $_ -eq 0 }).Count, $failures.Count))
} finally {
    Stop-KoFakeCluster $cluster
}

# --- 2. a rollout through watch drops and 410 Gone: the fake keeps only 5 changes of history, so resuming a dropped
#        watch after the controllers moved on expires and the gateway must relist
$cluster = Start-KoFakeCluster -ClockSpeed 5 -PodReadyDelayMs 2000 -WatchHistory 5
try {
    Connect-KoCluster -KubeConfig $cluster.KubeConfig | Out-Null
    $correct = 0; $runs = 0
    foreach ($case in @(@{ Image = 'nginx:1.30'; Expect = 'RolledOut' }, @{ Image = 'nginx:broken'; Expect = 'RolledBack' })) {
        $runs++
        $name = "drops-$runs"
        "apiVersion: apps/v1`nkind: Deployment`nmetadata: {name: $name, namespace: default}`nspec:`n  replicas: 4`n  progressDeadlineSeconds: 60`n  selector: {matchLabels: {app: $name}}`n  template:`n    metadata: {labels: {app: $name}}`n    spec: {containers: [{name: web, image: nginx:1.29}]}" | ConvertFrom-KoYaml | Publish-KoResource | Out-Null
        Wait-KoRollout -Name $name | Out-Null
        Clear-KoFakeRequests $cluster
        Set-KoFakeFaults $cluster @{ watchDropAfterMs = 700 }
        $r = Start-KoRollingUpdate -Name $name -Image $case.Image -Timeout 00:01:30 -ErrorAction SilentlyContinue
        Set-KoFakeFaults $cluster @{ watchDropAfterMs = $null }
        $watches = @(Get-KoFakeRequests $cluster | Where-Object { $_.query -match 'watch=true' }).Count
        $image = (Get-KoResource Deployment -Name $name).Spec.Template.Spec.Containers[0].Image
        $ok = $r.Outcome -eq $case.Expect -and (($case.Expect -eq 'RolledOut' -and $image -eq $case.Image) -or ($case.Expect -eq 'RolledBack' -and $image -eq 'nginx:1.29'))
        if ($ok) { $correct++ }
        $lines.Add(('- rollout to {0} with the watch dropped every 0.7 s and a 5-change watch history, so resumes expire with 410 and relist ({1} watch requests, {2} resumes): reported {3}, expected {4}' -f $case.Image, $watches, ($watches - 1), $r.Outcome, $case.Expect))
    }
    $lines.Add(('- rollouts whose outcome was reported correctly: **{0} of {1}** (target 100%); the 410 relist is also asserted by the xunit gateway test `AnExpiredWatchRelistsAndCarriesOn`' -f $correct, $runs))
} finally {
    Stop-KoFakeCluster $cluster
}

# --- 3. the app-manager through a 30 s outage
$cluster = Start-KoFakeCluster
$dir = New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "ko-outage-$PID") -Force
try {
    Connect-KoCluster -KubeConfig $cluster.KubeConfig | Out-Null
    $job = Start-KoAppManager -Path $dir -AsJob
    Start-Sleep -Seconds 1
    Set-KoFakeFaults $cluster @{ down = $true }
    Set-Content (Join-Path $dir 'during-outage.yaml') "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: during-outage, namespace: default}`ndata: {a: b}"
    Start-Sleep -Seconds 30
    Set-KoFakeFaults $cluster @{ down = $false }
    $sw = [Diagnostics.Stopwatch]::StartNew()
    while ($sw.Elapsed.TotalSeconds -lt 60) {
        $found = try { Invoke-RestMethod "$($cluster.Url)/api/v1/namespaces/default/configmaps/during-outage" -Headers @{ Authorization = 'Bearer fake-token' } } catch { $null }
        if ($found) { break }
        Start-Sleep -Milliseconds 50
    }
    $sw.Stop()
    $events = Receive-Job $job -Keep
    Stop-Job $job; Remove-Job $job -Force
    $lines.Add(('- app-manager with the API server down for 30 s while a file changed: caught up **{0:N1} s** after the server returned, without a restart ({1} failed attempts reported as events meanwhile)' -f $sw.Elapsed.TotalSeconds, @($events | Where-Object Action -eq 'Failed').Count))
} finally {
    Stop-KoFakeCluster $cluster
    Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
}
$lines.Add('')
Add-Content $ResultFile ($lines -join "`n")
$lines | Write-Host
