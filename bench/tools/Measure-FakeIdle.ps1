<#
.SYNOPSIS
    The CPU an idle standalone fake API server burns (issue 23): stores about 1,000 objects per namespace through
    Publish-KoResource, waits until the controllers are done with them, then reads the server process's CPU time
    over a quiet window. Not part of build.ps1 Bench; run it by hand to compare two builds of the fake.
.EXAMPLE
    dotnet pwsh ./bench/tools/Measure-FakeIdle.ps1 -FakeServer ./out/fake/FakeApiServer.dll -ModulePath ./out/KubeOpsPS/KubeOpsPS.psd1
#>
param(
    [Parameter(Mandatory)] [string] $FakeServer,
    [Parameter(Mandatory)] [string] $ModulePath,
    # Namespaces of 1,001 objects each (250 each ConfigMaps, Secrets, Services, Deployments with replicas 0).
    [int] $Namespaces = 4,
    # Replicas of each Deployment (0 keeps pods out; 1 adds a running pod per Deployment).
    [int] $Replicas = 0,
    [double] $SettleSeconds = 5,
    [double] $WindowSeconds = 10
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$env:KO_FAKE_SERVER = (Resolve-Path $FakeServer).Path
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot '../BenchHelpers.psm1') -Force

$cluster = Start-KoFakeCluster
try {
    Connect-KoCluster -KubeConfig $cluster.KubeConfig | Out-Null
    for ($n = 0; $n -lt $Namespaces; $n++) {
        $objects = New-KoBenchObjects -Count 1000 -Namespace "idle-$n"
        if ($Replicas -gt 0) { foreach ($o in $objects) { if ($o.kind -eq 'Deployment') { $o.spec.replicas = $Replicas } } }
        $summary = $objects | Publish-KoResource | Select-Object -Last 1
        if ($summary.Failed -gt 0) { throw "idle-$n : $($summary.Failed) objects failed" }
    }
    Start-Sleep -Seconds $SettleSeconds
    $proc = Get-Process -Id $cluster.Process.Id
    $proc.Refresh(); $cpu0 = $proc.TotalProcessorTime; $t0 = [Diagnostics.Stopwatch]::StartNew()
    Start-Sleep -Seconds $WindowSeconds
    $proc.Refresh(); $cpu1 = $proc.TotalProcessorTime; $elapsed = $t0.Elapsed.TotalSeconds
    $stored = @(& kubectl --kubeconfig $cluster.KubeConfig get pods -A -o name).Count
    [pscustomobject]@{
        Server = $FakeServer
        Namespaces = $Namespaces
        Replicas = $Replicas
        Pods = $stored
        CpuMsPerSecond = [Math]::Round(($cpu1 - $cpu0).TotalMilliseconds / $elapsed, 1)
        WindowSeconds = [Math]::Round($elapsed, 1)
    }
}
finally {
    Stop-KoFakeCluster $cluster
}
