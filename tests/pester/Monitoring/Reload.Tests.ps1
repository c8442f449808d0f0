# Add-KoAlertRule and Update-KoMonitoringConfig against the fake cluster, with a real Prometheus and Alertmanager
# (Debian's packages) behind the fake API server's service proxy. The fake has no kubelet, so a thread job plays
# its part: it copies the ConfigMaps into the servers' config folders a little later, as a kubelet syncs them, and
# can be paused to show what happens when the files never arrive.
BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force

    function script:Get-FreePort {
        $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $l.Start(); $p = $l.LocalEndpoint.Port; $l.Stop(); $p
    }
    function script:Wait-Ready([string] $url) {
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ([DateTime]::UtcNow -lt $deadline) {
            try { Invoke-RestMethod $url -TimeoutSec 2 | Out-Null; return } catch { Start-Sleep -Milliseconds 200 }
        }
        throw "$url did not become ready"
    }

    $script:cluster = Start-KoFakeCluster -ClockSpeed 10
    $script:kc = $cluster.KubeConfig
    $null = Install-KoMonitoring -KubeConfig $kc
    $script:work = Join-Path $TestDrive 'servers'
    $script:promDir = Join-Path $work 'prometheus'; $script:amDir = Join-Path $work 'alertmanager'
    New-Item -ItemType Directory $promDir, $amDir, (Join-Path $work 'prom-data'), (Join-Path $work 'am-data') -Force | Out-Null

    # The "kubelet": copies the ConfigMaps' files after a delay; Debian's Prometheus has no Kubernetes discovery, so
    # it keeps a prometheus.yml of its own and takes the rule files (with the revision marker) from the ConfigMap.
    $script:pause = Join-Path $work 'paused'
    $sync = {
        param($url, $promDir, $amDir, $pause)
        $seen = @{}
        while ($true) {
            if (-not (Test-Path $pause)) {
                foreach ($cm in 'prometheus-config', 'alertmanager-config') {
                    $o = Invoke-RestMethod "$url/api/v1/namespaces/monitoring/configmaps/$cm" -Headers @{ Authorization = 'Bearer fake-token' }
                    $rv = $o.metadata.resourceVersion
                    if ($seen[$cm] -ne $rv) {
                        # The kubelet's sync delay is the behaviour under test: the cmdlets must wait for the servers to
                        # load the new revision, not take the ConfigMap write or the reload call as done.
                        if ($seen.ContainsKey($cm)) { Start-Sleep -Seconds 2 }
                        $dir = if ($cm -eq 'prometheus-config') { $promDir } else { $amDir }
                        foreach ($p in $o.data.PSObject.Properties) {
                            if ($p.Name -eq 'prometheus.yml') { continue }
                            Set-Content -Path (Join-Path $dir $p.Name) -Value $p.Value -NoNewline
                        }
                        $seen[$cm] = $rv
                    }
                }
            }
            Start-Sleep -Milliseconds 300 # the stand-in kubelet's poll interval, not a wait of the test
        }
    }
    $script:kubelet = Start-ThreadJob -ScriptBlock $sync -ArgumentList $cluster.Url, $promDir, $amDir, $pause
    Set-Content (Join-Path $promDir 'prometheus.yml') "global:`n  evaluation_interval: 1s`nrule_files:`n  - '*.rules.yml'`n"
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while (-not ((Test-Path (Join-Path $promDir 'kubeops-revision.rules.yml')) -and (Test-Path (Join-Path $amDir 'alertmanager.yml')))) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "the kubelet job did not copy the files: $($kubelet | Receive-Job 2>&1)" }
        Start-Sleep -Milliseconds 200
    }

    $script:promPort = Get-FreePort
    $script:prom = Start-Process prometheus -PassThru -RedirectStandardError (Join-Path $work 'prom.err') -RedirectStandardOutput (Join-Path $work 'prom.out') -ArgumentList @(
        "--config.file=$promDir/prometheus.yml", "--storage.tsdb.path=$work/prom-data", "--web.listen-address=127.0.0.1:$promPort",
        '--web.enable-lifecycle', '--web.route-prefix=/prometheus')
    $script:amPort = Get-FreePort
    $script:am = Start-Process prometheus-alertmanager -PassThru -RedirectStandardError (Join-Path $work 'am.err') -RedirectStandardOutput (Join-Path $work 'am.out') -ArgumentList @(
        "--config.file=$amDir/alertmanager.yml", "--storage.path=$work/am-data", "--web.listen-address=127.0.0.1:$amPort",
        '--cluster.listen-address=', '--web.route-prefix=/alertmanager')
    Wait-Ready "http://127.0.0.1:$promPort/prometheus/-/ready"
    Wait-Ready "http://127.0.0.1:$amPort/alertmanager/-/ready"
    Invoke-RestMethod -Method Put -Uri "$($cluster.Url)/fake/service-proxies" -ContentType 'application/json' -Body (@{
        'monitoring/prometheus:9090' = "http://127.0.0.1:$promPort"; 'monitoring/alertmanager:9093' = "http://127.0.0.1:$amPort" } | ConvertTo-Json) | Out-Null
}

AfterAll {
    foreach ($p in $script:prom, $script:am) { if ($p -and -not $p.HasExited) { $p | Stop-Process -Force } }
    if ($script:kubelet) { $script:kubelet | Stop-Job -PassThru | Remove-Job -Force }
    Stop-KoFakeCluster $script:cluster
}

Describe 'Add-KoAlertRule' {
    It 'applies the rule, reloads Prometheus through the service proxy and confirms the rule is loaded' {
        $r = New-KoAlertRule -Name HighLoad -Expr 'node_load1 > 10' -For 10m | Add-KoAlertRule -KubeConfig $kc -Timeout 00:01:00
        $r.Component | Should -Be 'prometheus'
        $r.Loaded | Should -BeTrue -Because $r.Status
        (Invoke-KoKubectl $kc get configmap prometheus-config -n monitoring -o 'jsonpath={.data.custom\.rules\.yml}') -join "`n" | Should -Match 'alert: HighLoad'
        $rules = Invoke-RestMethod "http://127.0.0.1:$promPort/prometheus/api/v1/rules?type=alert"
        $rules.data.groups.rules.name | Should -Contain 'HighLoad'
        $rules.data.groups.rules.name | Should -Contain 'TargetDown'
        # The reload went through the API server's service proxy, as the seed's curl went to the service.
        (Get-KoFakeRequests $cluster).path | Should -Contain '/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/prometheus/-/reload'
    }

    It 'replaces a rule of the same name instead of adding a second one' {
        $r = New-KoAlertRule -Name HighLoad -Expr 'node_load1 > 20' -For 10m | Add-KoAlertRule -KubeConfig $kc -Timeout 00:01:00
        $r.Loaded | Should -BeTrue -Because $r.Status
        $rules = Invoke-RestMethod "http://127.0.0.1:$promPort/prometheus/api/v1/rules?type=alert"
        @($rules.data.groups.rules | Where-Object name -eq HighLoad).Count | Should -Be 1
        ($rules.data.groups.rules | Where-Object name -eq HighLoad).query | Should -Be 'node_load1 > 20'
    }

    It 'reports that the new rules were not loaded when the ConfigMap never reaches the pod' {
        New-Item -ItemType File $pause -Force | Out-Null
        try {
            $r = New-KoAlertRule -Name NeverArrives -Expr 'up == 0' | Add-KoAlertRule -KubeConfig $kc -Timeout 00:00:12 -ErrorVariable err -ErrorAction SilentlyContinue
            $r.Loaded | Should -BeFalse
            $r.Status | Should -Match 'previous config'
            $r.Attempts | Should -BeGreaterThan 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ReloadNotConfirmed*'
            (Invoke-RestMethod "http://127.0.0.1:$promPort/prometheus/api/v1/rules?type=alert").data.groups.rules.name | Should -Not -Contain 'NeverArrives'
        }
        finally { Remove-Item $pause -Force }
    }

    It 'changes nothing with -WhatIf' {
        Clear-KoFakeRequests $cluster
        New-KoAlertRule -Name WhatIfRule -Expr 'up == 0' | Add-KoAlertRule -KubeConfig $kc -WhatIf
        @(Get-KoFakeRequests $cluster | Where-Object method -ne 'GET').Count | Should -Be 0
    }

    It 'fails clearly when the stack is not installed' {
        { New-KoAlertRule -Name A -Expr up | Add-KoAlertRule -Namespace nowhere -KubeConfig $kc -ErrorAction Stop } | Should -Throw -ErrorId 'MonitoringNotInstalled*'
    }
}

Describe 'Update-KoMonitoringConfig' {
    It 'applies a new alertmanager.yml, reloads Alertmanager and confirms its config hash' {
        $file = Join-Path $TestDrive 'alertmanager.yml'
        Set-Content $file "route:`n  receiver: team`nreceivers:`n  - name: team`n  - name: 'null'`n"
        $r = Update-KoMonitoringConfig -AlertmanagerConfig $file -KubeConfig $kc -Timeout 00:01:00
        $r.Component | Should -Be 'alertmanager'
        $r.Loaded | Should -BeTrue -Because $r.Status
        (Invoke-RestMethod "http://127.0.0.1:$amPort/alertmanager/api/v2/status").config.original | Should -Match 'receiver: team'
    }

    It 'adds a rule file checked by promtool and confirms Prometheus loaded it' {
        $file = Join-Path $TestDrive 'web.rules.yml'
        Set-Content $file "groups:`n  - name: web`n    rules:`n      - alert: WebDown`n        expr: up{job=`"web`"} == 0`n"
        $r = Update-KoMonitoringConfig -RuleFile $file -KubeConfig $kc -Timeout 00:01:00
        $r.Loaded | Should -BeTrue -Because $r.Status
        (Invoke-RestMethod "http://127.0.0.1:$promPort/prometheus/api/v1/rules").data.groups.name | Should -Contain 'web'
    }

    It 'refuses a rule file promtool rejects, and applies nothing' {
        $file = Join-Path $TestDrive 'bad.rules.yml'
        Set-Content $file "groups:`n  - name: bad`n    rules:`n      - alert: Bad`n        expr: rate(up[5m] > 1`n"
        Clear-KoFakeRequests $cluster
        { Update-KoMonitoringConfig -RuleFile $file -KubeConfig $kc -ErrorAction Stop } | Should -Throw -ErrorId 'ConfigCheckFailed*'
        @(Get-KoFakeRequests $cluster | Where-Object method -ne 'GET').Count | Should -Be 0
    }

    It 'refuses an alertmanager.yml amtool rejects' {
        $file = Join-Path $TestDrive 'bad-am.yml'
        Set-Content $file "route:`n  receiver: nobody`nreceivers:`n  - name: team`n"
        { Update-KoMonitoringConfig -AlertmanagerConfig $file -KubeConfig $kc -ErrorAction Stop } | Should -Throw -ErrorId 'ConfigCheckFailed*' -ExpectedMessage '*nobody*'
    }

    It 'without files, reloads both servers and confirms they run what their ConfigMaps hold' {
        $r = Update-KoMonitoringConfig -KubeConfig $kc -Timeout 00:01:00
        $r.Component | Sort-Object | Should -Be @('alertmanager', 'prometheus')
        $r.Loaded | Should -Be @($true, $true)
    }

    It 'reports a reload that cannot reach the server, after the ConfigMap was applied' {
        $null = Install-KoMonitoring -Namespace mon-nopods -KubeConfig $kc
        $file = Join-Path $TestDrive 'other.rules.yml'
        Set-Content $file "groups:`n  - name: other`n    rules:`n      - alert: Other`n        expr: up == 0`n"
        $r = Update-KoMonitoringConfig -Namespace mon-nopods -RuleFile $file -KubeConfig $kc -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ReloadFailed*'
        "$($err[0])" | Should -Match 'no endpoints available'
        (Invoke-KoKubectl $kc get configmap prometheus-config -n mon-nopods -o 'jsonpath={.data.other\.rules\.yml}') -join "`n" | Should -Match 'alert: Other'
    }

    It 'refuses a prometheus.yml that would not load the rule files' {
        $file = Join-Path $TestDrive 'prometheus.yml'
        Set-Content $file "global:`n  scrape_interval: 1m`n"
        { Update-KoMonitoringConfig -PrometheusConfig $file -KubeConfig $kc -ErrorAction Stop } | Should -Throw -ExpectedMessage "*rule_files*"
    }

    # Last: it leaves a file Prometheus refuses in the ConfigMap and in the "pod".
    It 'without promtool, warns that nothing was checked and reports the reload Prometheus refuses' {
        $file = Join-Path $TestDrive 'broken.rules.yml'
        Set-Content $file "groups:`n  - name: broken`n    rules:`n      - alert: Broken`n        expr: rate(up[5m] > 1`n"
        $empty = Join-Path $TestDrive 'no-tools'
        New-Item -ItemType Directory $empty -Force | Out-Null
        $r = Invoke-KoChildPwsh -Environment @{ PATH = $empty } -Command @"
Import-Module '$env:KO_MODULE'
`$r = Update-KoMonitoringConfig -RuleFile '$file' -KubeConfig '$kc' -Timeout 00:01:00 -ErrorVariable err -ErrorAction SilentlyContinue
"LOADED=`$(`$r.Loaded) STATUS=`$(`$r.Status) ERROR=`$(`$err[0].FullyQualifiedErrorId)"
"@
        $r.Output | Should -Match 'promtool is not on PATH'
        $r.Output | Should -Match 'LOADED=False'
        $r.Output | Should -Match 'the reload failed \(500\)'
        $r.Output | Should -Match 'ERROR=ReloadNotConfirmed'
    }
}
