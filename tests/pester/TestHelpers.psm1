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

function New-KoFakeUser {
    <#
    .SYNOPSIS
        Asks the fake for a token of another user (POST /fake/users) and writes a kubeconfig for it; returns
        User, Groups, Token and KubeConfig. The fake's RBAC decides what that user may do.
    #>
    param([Parameter(Mandatory)] $Cluster, [Parameter(Mandatory)] [string] $Name, [string[]] $Groups = @())
    $answer = Invoke-RestMethod -Method Post -Uri "$($Cluster.Url)/fake/users" -ContentType 'application/json' -Body (@{ name = $Name; groups = @($Groups) } | ConvertTo-Json)
    $path = Join-Path $Cluster.Directory "kubeconfig-$($Name -replace '[^A-Za-z0-9-]', '-')-$([Guid]::NewGuid().ToString('N').Substring(0, 6)).yaml"
    Set-Content -Path $path -Value $answer.kubeconfig -NoNewline
    [pscustomobject]@{ User = $answer.user; Groups = $answer.groups; Token = $answer.token; KubeConfig = $path }
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

function Invoke-KoFaulted {
    <#
    .SYNOPSIS
        Runs a script block while the fake answers every request with one of -Code, and returns the terminating error
        it threw ($null when it threw none); the faults are cleared afterwards.
    #>
    param([Parameter(Mandatory)] $Cluster, [Parameter(Mandatory)] [int[]] $Code, [Parameter(Mandatory)] [scriptblock] $ScriptBlock)
    Set-KoFakeFaults $Cluster @{ errorRate = 1; errorCodes = $Code }
    try { & $ScriptBlock | Out-Null; $null } catch { $_ }
    finally { Set-KoFakeFaults $Cluster @{ errorRate = 0 } }
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

function Start-KoNginx {
    <#
    .SYNOPSIS
        Starts Debian's nginx on 127.0.0.1 (a free port) in a private prefix with the given server-block directives,
        e.g. 'location /a/ { auth_basic "x"; auth_basic_user_file /tmp/users; alias {ROOT}/; }'. {ROOT} is a folder
        with an index.html ("ok"): serve files, as 'return' runs before the access phase and would bypass auth_basic.
        Use {PORT} for the port (e.g. 'listen 127.0.0.1:{PORT} ssl;'); without a listen directive, plain HTTP is used.
    #>
    param([Parameter(Mandatory)] [string] $ServerBlock)
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $prefix = Join-Path ([IO.Path]::GetTempPath()) "ko-nginx-$([guid]::NewGuid().ToString('n'))"
    $null = New-Item -ItemType Directory -Path "$prefix/www"
    Set-Content -Path "$prefix/www/index.html" -Value 'ok' -NoNewline
    $block = $ServerBlock.Replace('{PORT}', "$port").Replace('{ROOT}', "$prefix/www")
    if ($block -notmatch '\blisten\b') { $block = "listen 127.0.0.1:$port;`n$block" }
    $temp = "client_body_temp_path $prefix/body; proxy_temp_path $prefix/proxy; fastcgi_temp_path $prefix/fastcgi; uwsgi_temp_path $prefix/uwsgi; scgi_temp_path $prefix/scgi;"
    $conf = "daemon off;`nmaster_process off;`nworker_processes 1;`npid $prefix/nginx.pid;`nerror_log $prefix/error.log;`nevents { worker_connections 64; }`nhttp { access_log off; $temp`n server {`n$block`n }`n}`n"
    Set-Content -Path "$prefix/nginx.conf" -Value $conf -NoNewline
    $process = Start-Process -FilePath nginx -ArgumentList '-p', $prefix, '-c', "$prefix/nginx.conf", '-e', "$prefix/error.log" -PassThru -RedirectStandardError "$prefix/stderr.txt" -RedirectStandardOutput "$prefix/stdout.txt"
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($process.HasExited) { throw "nginx exited: $(Get-Content "$prefix/stderr.txt" -Raw) $(Get-Content "$prefix/error.log" -Raw -ErrorAction SilentlyContinue)" }
        $client = [System.Net.Sockets.TcpClient]::new()
        try { $client.Connect('127.0.0.1', $port); break } catch { Start-Sleep -Milliseconds 100 } finally { $client.Dispose() }
    }
    [pscustomobject]@{ Port = $port; Process = $process; Prefix = $prefix }
}

function Stop-KoNginx {
    param($Nginx)
    if ($Nginx -and -not $Nginx.Process.HasExited) { $Nginx.Process.Kill(); $Nginx.Process.WaitForExit(5000) | Out-Null }
    if ($Nginx) { Remove-Item -Recurse -Force $Nginx.Prefix -ErrorAction SilentlyContinue }
}

Export-ModuleMember -Function *-Ko*
