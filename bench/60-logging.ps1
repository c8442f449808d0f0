# Logging (issue 10): how long Install-KoLogging takes to build and write the whole stack as manifests, and to apply
# it to the fake API server, with the number of API requests the apply makes.
param([string] $ResultFile, [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force

$dir = Join-Path ([IO.Path]::GetTempPath()) "ko-bench-logging-$([Guid]::NewGuid().ToString('N').Substring(0, 8))"
$cluster = Start-KoFakeCluster
try {
    $null = Install-KoLogging -OutputDirectory (Join-Path $dir 'warm')
    $offline = foreach ($i in 1..10) { (Measure-Command { Install-KoLogging -OutputDirectory (Join-Path $dir "run$i") | Out-Null }).TotalMilliseconds }
    Connect-KoCluster -KubeConfig $cluster.KubeConfig | Out-Null
    Clear-KoFakeRequests $cluster
    $first = (Measure-Command { Install-KoLogging -Namespace bench-logs | Out-Null }).TotalMilliseconds
    $requests = @(Get-KoFakeRequests $cluster).Count
    $again = (Measure-Command { Install-KoLogging -Namespace bench-logs | Out-Null }).TotalMilliseconds
    $lines = @(
        '## Logging (issue 10)'
        ''
        ('- Install-KoLogging -OutputDirectory (15 manifests, configs rendered, no cluster): median {0:N0} ms over 10 runs' -f (Get-KoMedian @($offline)))
        ('- Install-KoLogging applied to the fake API server: {0:N0} ms the first time ({1} API requests), {2:N0} ms again with nothing to change (existing Secret kept)' -f $first, $requests, $again)
        ''
    )
    Add-Content $ResultFile ($lines -join "`n")
    $lines | Write-Host
} finally {
    Stop-KoFakeCluster $cluster
    Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
}
