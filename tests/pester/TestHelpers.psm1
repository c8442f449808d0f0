# Helpers shared by the Pester suites: a standalone fake API server per test file, child PowerShell processes,
# and stream capture for secret-hygiene checks.

function Start-KoFakeCluster {
    <#
    .SYNOPSIS
        Starts the fake API server on a free loopback port and returns its kubeconfig path, URL and process.
    #>
    param([double] $ClockSpeed = 1, [int] $PodReadyDelayMs = 300, [int] $WatchHistory = 1000)
    $dir = Join-Path ([IO.Path]::GetTempPath()) "ko-fake-$([Guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory $dir | Out-Null
    $kubeconfig = Join-Path $dir 'kubeconfig.yaml'
    $log = Join-Path $dir 'server.log'
    $proc = Start-Process -FilePath 'dotnet' -ArgumentList @($env:KO_FAKE_SERVER, '--port', '0', '--kubeconfig', $kubeconfig,
        '--clock-speed', $ClockSpeed, '--pod-ready-delay-ms', $PodReadyDelayMs, '--watch-history', $WatchHistory) -RedirectStandardOutput $log -RedirectStandardError (Join-Path $dir 'server.err') -PassThru
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not (Test-Path $kubeconfig) -or -not (Select-String -Path $log -Pattern 'Listening on' -Quiet)) {
        if ($proc.HasExited) { throw "The fake API server exited: $(Get-Content (Join-Path $dir 'server.err') -Raw)" }
        if ([DateTime]::UtcNow -gt $deadline) { $proc | Stop-Process -Force; throw 'The fake API server did not start within 30 s.' }
        Start-Sleep -Milliseconds 100
    }
    $url = ((Select-String -Path $log -Pattern 'Listening on (\S+)').Matches[0].Groups[1].Value)
    [pscustomobject]@{ KubeConfig = $kubeconfig; Url = $url; Process = $proc; Directory = $dir }
}

function Stop-KoFakeCluster {
    param([Parameter(Mandatory)] $Cluster)
    if ($Cluster.Process -and -not $Cluster.Process.HasExited) { $Cluster.Process | Stop-Process -Force; $Cluster.Process.WaitForExit(5000) | Out-Null }
    Remove-Item $Cluster.Directory -Recurse -Force -ErrorAction SilentlyContinue
}

function Get-KoFakeRequests {
    <# The fake server's request log (control endpoints are never logged). #>
    param([Parameter(Mandatory)] $Cluster)
    # An empty log comes back as $null: emit only real entries.
    Invoke-RestMethod -Uri "$($Cluster.Url)/fake/requests" | ForEach-Object { $_ } | Where-Object { $null -ne $_ }
}

function Clear-KoFakeRequests {
    param([Parameter(Mandatory)] $Cluster)
    Invoke-RestMethod -Method Delete -Uri "$($Cluster.Url)/fake/requests" | Out-Null
}

function Set-KoFakeFaults {
    param([Parameter(Mandatory)] $Cluster, [Parameter(Mandatory)] [hashtable] $Faults)
    Invoke-RestMethod -Method Put -Uri "$($Cluster.Url)/fake/faults" -Body ($Faults | ConvertTo-Json) -ContentType 'application/json' | Out-Null
}

function Invoke-KoKubectl {
    # The real kubectl against a kubeconfig (first argument), with a fresh discovery cache. Returns stdout; throws on
    # a non-zero exit. No param block, so kubectl's own flags (-o, -n, -p) pass through untouched.
    $KubeConfig = $args[0]
    $Arguments = @($args | Select-Object -Skip 1)
    $cache = Join-Path ([IO.Path]::GetTempPath()) "kubectl-cache-$([Guid]::NewGuid().ToString('N').Substring(0, 8))"
    try {
        $out = & kubectl --kubeconfig $KubeConfig --cache-dir $cache @Arguments 2>&1
        if ($LASTEXITCODE -ne 0) { throw "kubectl $($Arguments -join ' ') failed ($LASTEXITCODE): $out" }
        $out
    } finally { Remove-Item $cache -Recurse -Force -ErrorAction SilentlyContinue }
}

function Invoke-KoChildPwsh {
    <# Runs a command in a fresh child PowerShell of the same version, with extra environment variables; returns its output. #>
    param([Parameter(Mandatory)] [string] $Command, [hashtable] $Environment = @{})
    $saved = @{}
    foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
    try {
        $out = & ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $Command 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($out | Out-String) }
    } finally {
        foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
    }
}

function Invoke-KoCaptured {
    <#
    .SYNOPSIS
        Runs a script block with -Verbose and -Debug preferences on and returns all six streams as text, so a test
        can assert that a secret appears in none of them.
    #>
    param([Parameter(Mandatory)] [scriptblock] $ScriptBlock)
    $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $InformationPreference = 'Continue'; $WarningPreference = 'Continue'
    $ErrorActionPreference = 'Continue'
    $all = & $ScriptBlock *>&1 | ForEach-Object {
        if ($_ -is [System.Management.Automation.ErrorRecord]) { "$_ $($_.ErrorDetails) $($_.Exception | Format-List * -Force | Out-String) $($_.TargetObject)" }
        elseif ($_ -is [string]) { $_ }
        else { $_ | Out-String; $_ | Format-List * -Force | Out-String }
    }
    $all -join "`n"
}

Export-ModuleMember -Function *-Ko*
