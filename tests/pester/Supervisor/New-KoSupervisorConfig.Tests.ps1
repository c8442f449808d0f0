# New-KoSupervisorConfig checked by the real supervisord (Debian's supervisor package; .ci/run installs it):
# the generated file is started with `supervisord -n -c`, and supervisorctl reads the programs' states.
BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force

    function Start-Supervisord([string] $Conf, [string] $Log) {
        # Through sh with '>>' (O_APPEND), so supervisord's own log and the programs' /dev/stdout share the file safely.
        $psi = [System.Diagnostics.ProcessStartInfo]::new('sh')
        foreach ($a in '-c', "exec supervisord -n -c '$Conf' >> '$Log' 2>&1") { $psi.ArgumentList.Add($a) }
        $p = [System.Diagnostics.Process]::Start($psi)
        $script:started += $p
        $p
    }
    function Get-SupervisorStatus([string] $Conf) {
        $out = & supervisorctl -c $Conf status 2>&1
        $map = @{}
        foreach ($line in $out) { if ("$line" -match '^(\S+)\s+([A-Z]+)') { $map[$Matches[1]] = $Matches[2] } }
        $map
    }
    function Wait-Until([scriptblock] $Condition, [int] $Seconds = 20) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { return $false }
            Start-Sleep -Milliseconds 200
        }
        $true
    }
    $script:started = @()
    # A short folder: UNIX socket paths are limited to about 100 characters.
    $script:dir = Join-Path '/tmp' "ko-sv-$([Guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory $dir | Out-Null
}
AfterAll {
    foreach ($p in $script:started) { if (-not $p.HasExited) { $p.Kill($true); $p.WaitForExit(5000) | Out-Null } }
    Remove-Item $script:dir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'New-KoSupervisorConfig' {
    Context 'offline' {
        It 'returns the text of a foreground supervisord.conf with stdout logging' {
            $text = New-KoSupervisorConfig -Program @{ Name = 'app1'; Command = 'app1' }, @{ Name = 'app2'; Command = 'app2' }
            $text | Should -BeOfType [string]
            $text | Should -Match '(?m)^nodaemon=true$'
            $text | Should -Match '(?m)^\[program:app1\]$'
            $text | Should -Match '(?m)^\[program:app2\]$'
            $text | Should -Match '(?m)^stdout_logfile=/dev/stdout$'
            $text | Should -Match '(?m)^stdout_logfile_maxbytes=0$'
            $text | Should -Match '(?m)^file=/tmp/supervisor.sock$'
        }

        It 'takes programs as objects from the pipeline' {
            $text = [pscustomobject]@{ Name = 'web'; Command = 'nginx'; Priority = 1 }, [pscustomobject]@{ Name = 'cron'; Command = 'cron -f' } | New-KoSupervisorConfig
            $text | Should -Match '(?m)^\[program:web\]\npriority=1|(?ms)\[program:web\].*?^priority=1$'
            $text | Should -Match '(?m)^command=cron -f$'
        }

        It 'writes nothing with -WhatIf' {
            $file = Join-Path $TestDrive 'ghost.conf'
            New-KoSupervisorConfig -Program @{ Name = 'a'; Command = 'b' } -Path $file -WhatIf
            Test-Path $file | Should -BeFalse
        }

        It 'refuses <Case>' -ForEach @(
            @{ Case = 'a name with spaces'; Program = @(@{ Name = 'my app'; Command = 'x' }); Message = "*name 'my app'*no spaces, brackets*" }
            @{ Case = 'a name with brackets'; Program = @(@{ Name = 'app[1]'; Command = 'x' }); Message = "*name 'app``[1``]'*" }
            @{ Case = 'an empty command'; Program = @(@{ Name = 'web'; Command = '' }); Message = "*Command of 'web' is required*" }
            @{ Case = 'a duplicate name'; Program = @(@{ Name = 'web'; Command = 'a' }, @{ Name = 'web'; Command = 'b' }); Message = "*'web' is given twice*" }
            @{ Case = 'an unknown key'; Program = @(@{ Name = 'web'; Command = 'a'; Restart = $true }); Message = "*unknown key 'Restart'*" }
        ) {
            $file = Join-Path $TestDrive "bad-$([Guid]::NewGuid().ToString('N')).conf"
            { New-KoSupervisorConfig -Program $Program -Path $file -ErrorAction Stop } | Should -Throw -ExpectedMessage $Message -ErrorId 'InvalidArgument*'
            Test-Path $file | Should -BeFalse
        }
    }

    Context 'run by the real supervisord' {
        It 'starts two programs that supervisorctl sees RUNNING, with their environment and output' {
            $conf = Join-Path $dir 'two.conf'; $log = Join-Path $dir 'two.log'
            $file = New-KoSupervisorConfig -Path $conf -SocketPath (Join-Path $dir 'two.sock') -PidFile (Join-Path $dir 'two.pid') -Program @(
                @{ Name = 'app1'; Command = "sh -c 'echo app1 at 100%; exec sleep 600'"; Priority = 10 }
                @{ Name = 'app2'; Command = "sh -c 'echo `"`$GREETING|`$RATE`" > $dir/env.txt; exec sleep 600'"; Directory = $dir; Environment = @{ GREETING = 'hello, world'; RATE = '50%' } }
            )
            $file | Should -BeOfType [IO.FileInfo]
            $null = Start-Supervisord $conf $log
            Wait-Until { $s = Get-SupervisorStatus $conf; $s['app1'] -eq 'RUNNING' -and $s['app2'] -eq 'RUNNING' } | Should -BeTrue -Because (Get-Content $log -Raw -ErrorAction SilentlyContinue)
            Get-Content (Join-Path $dir 'env.txt') | Should -Be 'hello, world|50%'
            Wait-Until { (Get-Content $log -Raw -ErrorAction SilentlyContinue) -match 'app1 at 100%' } | Should -BeTrue -Because 'program output goes to supervisord''s stdout'
            & supervisorctl -c $conf shutdown | Out-Null
        }

        It 'restarts a program that exits when AutoRestart is on, and leaves it down when off' {
            $conf = Join-Path $dir 'restart.conf'; $log = Join-Path $dir 'restart.log'
            $runs = Join-Path $dir 'runs.txt'; $once = Join-Path $dir 'once.txt'
            # Each program stays up past startsecs (1 s) and then exits 0, so supervisord sees a clean, expected exit.
            New-KoSupervisorConfig -Path $conf -SocketPath (Join-Path $dir 'restart.sock') -PidFile (Join-Path $dir 'restart.pid') -Program @(
                @{ Name = 'again'; Command = "sh -c 'echo run >> $runs; sleep 1.5; exit 0'"; AutoRestart = $true }
                @{ Name = 'once'; Command = "sh -c 'echo run >> $once; sleep 1.5; exit 0'"; AutoRestart = $false }
            ) | Out-Null
            $null = Start-Supervisord $conf $log
            Wait-Until { (Test-Path $runs) -and @(Get-Content $runs).Count -ge 2 } -Seconds 30 | Should -BeTrue -Because (Get-Content $log -Raw -ErrorAction SilentlyContinue)
            Wait-Until { (Get-SupervisorStatus $conf)['once'] -eq 'EXITED' } | Should -BeTrue
            @(Get-Content $once).Count | Should -Be 1
            @(Select-String -Path $log -Pattern "spawned: 'again'").Count | Should -BeGreaterOrEqual 2
            & supervisorctl -c $conf shutdown | Out-Null
        }
    }
}
