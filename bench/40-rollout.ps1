# Upgrades (issue 7): API requests per completed rollout of 10 replicas, and the delay between a status change on
# the server and the progress update that shows it.
param([string] $ResultFile, [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force

$cluster = Start-KoFakeCluster -ClockSpeed 2 -PodReadyDelayMs 1000
try {
    Connect-KoCluster -KubeConfig $cluster.KubeConfig | Out-Null
    "apiVersion: apps/v1`nkind: Deployment`nmetadata: {name: bench, namespace: default}`nspec:`n  replicas: 10`n  selector: {matchLabels: {app: bench}}`n  template:`n    metadata: {labels: {app: bench}}`n    spec: {containers: [{name: web, image: nginx:1.29}]}" | ConvertFrom-KoYaml | Publish-KoResource | Out-Null
    Wait-KoRollout -Name bench | Out-Null

    # An independent observer of the server's status changes: kubectl watching the same Deployment, each line
    # time-stamped as it arrives (on its own thread).
    $observer = Start-ThreadJob -ScriptBlock {
        param($kubeconfig)
        $psi = [Diagnostics.ProcessStartInfo]::new('kubectl')
        foreach ($a in '--kubeconfig', $kubeconfig, 'get', 'deployment', 'bench', '--watch', '-o', 'jsonpath={.status.updatedReplicas} updated, {.status.readyReplicas} ready, {.status.availableReplicas} available of 10{"\n"}') { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $p = [Diagnostics.Process]::Start($psi)
        $deadline = [DateTime]::UtcNow.AddSeconds(90)
        while (-not $p.StandardOutput.EndOfStream -and [DateTime]::UtcNow -lt $deadline) {
            $line = $p.StandardOutput.ReadLine()
            [pscustomobject]@{ Time = [DateTime]::UtcNow; State = $line.Trim() }
            if ($line -match '^10 updated, 10 ready, 10 available' -and $script:changed) { break }
            if ($line -match '^0 updated') { $script:changed = $true }
        }
        $p.Kill()
    } -ArgumentList $cluster.KubeConfig
    # kubectl prints the Deployment's current state first: from then on it sees every change.
    $seenFirst = [DateTime]::UtcNow.AddSeconds(30)
    while (-not $observer.Output.Count -and [DateTime]::UtcNow -lt $seenFirst) { Start-Sleep -Milliseconds 20 }
    if (-not $observer.Output.Count) { throw 'kubectl --watch printed nothing within 30 s.' }
    Clear-KoFakeRequests $cluster
    # The progress updates a user sees, each time-stamped as it is written: the update runs in a runspace of its
    # own, whose progress stream a small handler reads at the moment a record arrives (the cmdlet updates one
    # record, so reading the stream afterwards would show only its last state).
    Add-Type -TypeDefinition @'
using System;
using System.Collections.Concurrent;
using System.Management.Automation;
public sealed class KoProgressClock
{
    public readonly ConcurrentQueue<PSObject> Seen = new ConcurrentQueue<PSObject>();
    public KoProgressClock(PSDataCollection<ProgressRecord> stream)
    {
        stream.DataAdded += (s, e) =>
        {
            var o = new PSObject();
            o.Properties.Add(new PSNoteProperty("Time", DateTime.UtcNow));
            o.Properties.Add(new PSNoteProperty("Status", stream[e.Index].StatusDescription));
            Seen.Enqueue(o);
        };
    }
}
'@
    $ps = [powershell]::Create()
    [void]$ps.AddScript('param($m, $kc) Import-Module $m; Connect-KoCluster -KubeConfig $kc | Out-Null; Start-KoRollingUpdate -Name bench -Image nginx:1.30 | Out-Null').AddArgument($ModulePath).AddArgument($cluster.KubeConfig)
    $clock = [KoProgressClock]::new($ps.Streams.Progress)
    $started = [DateTime]::UtcNow
    try { [void]$ps.Invoke() } finally { $ps.Dispose() }
    $updates = foreach ($p in $clock.Seen) {
        # 'Deployment default/bench: 3 updated, 8 ready, 8 available of 10: waiting for new replicas'
        if ($p.Status -match '^\S+ \S+: (.*?):') { [pscustomobject]@{ Time = $p.Time; State = $Matches[1] } }
    }
    $requests = @(Get-KoFakeRequests $cluster | Where-Object { $_.path -notlike '/fake/*' -and $_.userAgent -notlike '*PowerShell*' })
    $server = @(Receive-Job $observer -Wait -AutoRemoveJob)
    $delays = foreach ($u in $updates) {
        # The server change this update shows: the latest one with the same counts since the update started.
        $change = $server | Where-Object { $_.Time -ge $started -and $_.State -eq $u.State -and $_.Time -le $u.Time.AddMilliseconds(20) } | Select-Object -Last 1
        if ($change) { [Math]::Max(0, ($u.Time - $change.Time).TotalMilliseconds) }
    }
    if (-not @($delays).Count) { throw "None of the $(@($updates).Count) progress updates matched a state kubectl saw ($(@($server).Count) lines)." }
    $watches = @($requests | Where-Object { $_.query -match 'watch=true' }).Count
    $lines = @(
        '## Upgrades (issue 7)'
        ''
        ('- one completed rolling update of a 10-replica Deployment (Start-KoRollingUpdate, default 25%/25% strategy, 1 s pod start on the fake): **{0} API requests** in all ({1} of them watches), not one per second' -f $requests.Count, $watches)
        ('- delay from a status change on the server to the progress update showing it, measured against `kubectl get --watch` on the same server (0 = no later than kubectl saw it): median {0:N0} ms, max {1:N0} ms over {2} updates' -f (Get-KoMedian @($delays)), (@($delays) | Measure-Object -Maximum).Maximum, @($delays).Count)
        ''
    )
    Add-Content $ResultFile ($lines -join "`n")
    $lines | Write-Host
} finally {
    Stop-KoFakeCluster $cluster
}
