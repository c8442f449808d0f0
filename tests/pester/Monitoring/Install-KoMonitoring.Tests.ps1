BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:smtp = [pscredential]::new('alerts', (ConvertTo-SecureString 'Smtp-Secret-4711' -AsPlainText -Force))
    $script:grafana = [pscredential]::new('admin', (ConvertTo-SecureString 'Grafana-Secret-0815' -AsPlainText -Force))
    function script:Get-ConfigFile($objects, $configMap, $key) { ($objects | Where-Object { $_.Kind -eq 'ConfigMap' -and $_.Name -eq $configMap }).Data[$key] }
}

Describe 'Install-KoMonitoring' {
    Context 'offline' {
        BeforeAll {
            $script:dir = Join-Path $TestDrive 'mon'
            $rule = New-KoAlertRule -Name HighLoad -Expr 'node_load1 > 10' -For 10m
            $script:files = Install-KoMonitoring -StorageClass nfs -Retention 30d -StorageSize 50Gi -SmtpServer smtp.example.com:587 -From alerts@example.com -To ops@example.com, dev@example.com `
                -SmtpCredential $smtp -GrafanaCredential $grafana -Rule $rule -Ingress @{ Host = 'mon.example.com'; TlsSecretName = 'mon-tls'; BasicAuthSecret = 'mon-auth' } -OutputDirectory $dir
            $script:objects = Get-ChildItem $dir -Filter *.yaml | ConvertFrom-KoYaml
        }

        It 'writes the whole stack as manifests that read back as typed objects' {
            $files | Should -HaveCount $objects.Count
            ($objects | Where-Object Kind -eq DaemonSet).Name | Should -Be 'node-exporter'
            ($objects | Where-Object Kind -eq StatefulSet).Name | Sort-Object | Should -Be @('alertmanager', 'prometheus')
            ($objects | Where-Object Kind -eq Deployment).Name | Sort-Object | Should -Be @('grafana', 'kube-state-metrics')
            ($objects | Where-Object Kind -eq Ingress).Name | Sort-Object | Should -Be @('alertmanager', 'grafana', 'prometheus')
            ($objects | Where-Object Kind -eq Namespace).Name | Should -Be 'monitoring'
            $prom = $objects | Where-Object { $_.Kind -eq 'StatefulSet' -and $_.Name -eq 'prometheus' }
            $prom.Spec.Template.Spec.Containers[0].Args | Should -Contain '--web.enable-lifecycle'
            $prom.Spec.Template.Spec.Containers[0].Args | Should -Contain '--storage.tsdb.retention.time=30d'
            $prom.Spec.VolumeClaimTemplates[0].Spec.StorageClassName | Should -Be 'nfs'
        }

        It 'keeps each config file in a ConfigMap key named like the file' {
            (Get-ConfigFile $objects prometheus-config prometheus.yml) | Should -Match 'scrape_configs:'
            (Get-ConfigFile $objects prometheus-config kubeops-default.rules.yml) | Should -Match 'alert: TargetDown'
            (Get-ConfigFile $objects prometheus-config custom.rules.yml) | Should -Match 'alert: HighLoad'
            (Get-ConfigFile $objects alertmanager-config alertmanager.yml) | Should -Match 'smtp_smarthost: smtp.example.com:587'
            (Get-ConfigFile $objects grafana-datasources datasources.yaml) | Should -Match 'type: prometheus'
            (Get-ConfigFile $objects grafana-dashboard-providers dashboards.yaml) | Should -Match 'type: file'
            (Get-ConfigFile $objects grafana-dashboards kubeops-node.json) | Should -Match '"uid":"kubeops-node"'
        }

        It 'writes a prometheus.yml and rules that promtool accepts, read back from the manifests' {
            $check = Join-Path $TestDrive 'promcheck'
            New-Item -ItemType Directory $check -Force | Out-Null
            $cm = $objects | Where-Object { $_.Kind -eq 'ConfigMap' -and $_.Name -eq 'prometheus-config' }
            foreach ($k in $cm.Data.Keys) { Set-Content -Path (Join-Path $check $k) -Value $cm.Data[$k] -NoNewline }
            # Debian's promtool has no Kubernetes discovery: check the config's syntax on a copy with those blocks
            # stubbed, and every rule file for real.
            $yml = Get-Content (Join-Path $check prometheus.yml) -Raw
            $yml -replace '(?m)^(\s*)kubernetes_sd_configs:\n(\1  - .*\n(\1    .*\n)*)', "`$1static_configs:`n`$1  - targets: ['stub:80']`n" | Set-Content (Join-Path $check stubbed.yml) -NoNewline
            $out = & promtool check config --syntax-only (Join-Path $check stubbed.yml) 2>&1
            $LASTEXITCODE | Should -Be 0 -Because "$out"
            $out = & promtool check rules (Get-ChildItem $check -Filter *.rules.yml).FullName 2>&1
            $LASTEXITCODE | Should -Be 0 -Because "$out"
            "$out" | Should -Match 'SUCCESS: 6 rules found'
        }

        It 'writes an alertmanager.yml that amtool accepts' {
            $file = Join-Path $TestDrive 'alertmanager.yml'
            Set-Content -Path $file -Value (Get-ConfigFile $objects alertmanager-config alertmanager.yml) -NoNewline
            $out = & amtool check-config $file 2>&1
            $LASTEXITCODE | Should -Be 0 -Because "$out"
            "$out" | Should -Match '2 receivers'
        }

        It 'keeps the SMTP password out of the ConfigMap and out of every stream' {
            $streams = Invoke-KoCaptured { Install-KoMonitoring -SmtpServer smtp.example.com:465 -From a@example.com -To b@example.com -SmtpCredential $smtp -SmtpRequireTls $false -GrafanaCredential $grafana -OutputDirectory (Join-Path $TestDrive 'captured') }
            $streams | Should -Not -Match 'Smtp-Secret-4711'
            $streams | Should -Not -Match 'Grafana-Secret-0815'
            (Get-ConfigFile $objects alertmanager-config alertmanager.yml) | Should -Not -Match 'Smtp-Secret'
            ($objects | Where-Object { $_.Kind -eq 'Secret' -and $_.Name -eq 'alertmanager-smtp' }).StringData['smtp-password'] | Should -Be 'Smtp-Secret-4711'
            # The Secret manifests are readable by their owner only; the other manifests are not secret.
            (Get-Item (Join-Path $dir '03-secret-monitoring-alertmanager-smtp.yaml')).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
            (Get-Item (Join-Path $dir '03-secret-monitoring-grafana-admin.yaml')).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
        }

        It 'scrapes the kubelets without skipping verification unless asked, and warns when asked' {
            (Get-ConfigFile $objects prometheus-config prometheus.yml) | Should -Not -Match 'insecure_skip_verify'
            $d = Join-Path $TestDrive 'insecure'
            $null = Install-KoMonitoring -InsecureSkipVerify -OutputDirectory $d -WarningVariable w -WarningAction SilentlyContinue
            "$w" | Should -Match 'without verifying'
            (Get-Content (Join-Path $d '03-configmap-monitoring-prometheus-config.yaml') -Raw) | Should -Match 'insecure_skip_verify: true'
        }

        It 'verifies the kubelets with -CaFile' {
            $ca = Join-Path $TestDrive 'kubelet-ca.crt'
            & openssl req -x509 -newkey rsa:2048 -nodes -keyout (Join-Path $TestDrive 'ca.key') -out $ca -days 1 -subj '/CN=kubelet-ca' 2>$null
            $d = Join-Path $TestDrive 'ca'
            $null = Install-KoMonitoring -CaFile $ca -OutputDirectory $d
            $o = Get-ChildItem $d -Filter *.yaml | ConvertFrom-KoYaml
            (Get-ConfigFile $o prometheus-kubelet-ca ca.crt) | Should -Match 'BEGIN CERTIFICATE'
            (Get-ConfigFile $o prometheus-config prometheus.yml) | Should -Match 'ca_file: /etc/prometheus/kubelet-ca/ca.crt'
        }

        It 'writes nothing with -WhatIf' {
            $d = Join-Path $TestDrive 'ghost'
            Install-KoMonitoring -OutputDirectory $d -WhatIf
            Test-Path $d | Should -BeFalse
        }

        It 'refuses <Case> before anything is written' -ForEach @(
            @{ Case = 'a retention that is not a duration'; Splat = @{ Retention = 'forever' }; Message = "*-Retention 'forever' is not a duration*" }
            @{ Case = 'a size that is not a quantity'; Splat = @{ StorageSize = 'big' }; Message = "*-StorageSize 'big'*" }
            @{ Case = 'a sender that is not an address'; Splat = @{ SmtpServer = 'smtp.example.com:25'; From = 'alerts'; To = 'ops@example.com' }; Message = "*-From 'alerts' is not a mail address*" }
            @{ Case = 'a recipient that is not an address'; Splat = @{ SmtpServer = 'smtp.example.com:25'; From = 'a@example.com'; To = 'ops at example' }; Message = "*-To 'ops at example' is not a mail address*" }
            @{ Case = 'an SMTP server without a port'; Splat = @{ SmtpServer = 'smtp.example.com'; From = 'a@example.com'; To = 'b@example.com' }; Message = "*-SmtpServer*host:port*" }
            @{ Case = 'mail settings without a server'; Splat = @{ To = 'b@example.com' }; Message = "*-SmtpServer*" }
            @{ Case = 'an ingress without a host'; Splat = @{ Ingress = @{ TlsSecretName = 'x' } }; Message = "*needs a Host*" }
            @{ Case = 'both -CaFile and -InsecureSkipVerify'; Splat = @{ CaFile = '/nope'; InsecureSkipVerify = $true }; Message = "*contradict*" }
        ) {
            $d = Join-Path $TestDrive "bad-$([Guid]::NewGuid().ToString('N'))"
            { Install-KoMonitoring @Splat -OutputDirectory $d -ErrorAction Stop -WarningAction SilentlyContinue } | Should -Throw -ExpectedMessage $Message
            Test-Path $d | Should -BeFalse
        }
    }

    Context 'on the fake cluster' {
        BeforeAll {
            $script:cluster = Start-KoFakeCluster -ClockSpeed 10
            $script:kc = $cluster.KubeConfig
        }
        AfterAll { Stop-KoFakeCluster $script:cluster }

        It 'applies the stack, and kubectl reads back the config files' {
            $r = Install-KoMonitoring -GrafanaCredential $grafana -Wait -Timeout 00:01:00 -KubeConfig $kc
            $r.Outcome | Sort-Object -Unique | Should -Be 'Created'
            (Invoke-KoKubectl $kc get configmap prometheus-config -n monitoring -o 'jsonpath={.data.prometheus\.yml}') -join "`n" | Should -Match 'job_name: kubernetes-cadvisor'
            (Invoke-KoKubectl $kc get configmap alertmanager-config -n monitoring -o 'jsonpath={.data.alertmanager\.yml}') -join "`n" | Should -Match "receiver: 'null'"
            (Invoke-KoKubectl $kc get daemonset node-exporter -n monitoring -o 'jsonpath={.spec.template.spec.hostPID}') | Should -Be 'true'
            (Invoke-KoKubectl $kc get statefulset prometheus -n monitoring -o 'jsonpath={.status.readyReplicas}') | Should -Be '1'
        }

        It 'installs again without changes and keeps the generated Grafana password' {
            $r = Install-KoMonitoring -KubeConfig $kc
            $r.Outcome | Sort-Object -Unique | Should -Be 'Unchanged'
            $r.Name | Should -Not -Contain 'grafana-admin'
        }

        It 'stops before anything is written when the Grafana Secret cannot be read: only a 404 means absent' {
            Clear-KoFakeRequests $cluster
            $caught = Invoke-KoFaulted $cluster 403 { Install-KoMonitoring -KubeConfig $kc -ErrorAction SilentlyContinue }
            $caught | Should -Not -BeNullOrEmpty -Because 'an unreadable Secret is not an absent one'
            $caught.FullyQualifiedErrorId | Should -BeLike 'Forbidden,*'
            # The permission check asks about the Secret first (one access review per permission), and the refusal stops it there.
            $caught.Exception.Message | Should -BeLike '*secrets "grafana-admin" in namespace "monitoring"*'
            @(Get-KoFakeRequests $cluster | Where-Object { $_.path -notmatch '^/apis/(authorization|authentication)\.k8s\.io/' }).Count | Should -Be 0 -Because 'nothing else is read or written'
        }

        It 'applies nothing with -WhatIf' {
            Clear-KoFakeRequests $cluster
            Install-KoMonitoring -Namespace other-mon -KubeConfig $kc -WhatIf
            @(Get-KoFakeRequests $cluster | Where-Object { $_.method -ne 'GET' -and $_.path -notmatch '^/apis/(authorization|authentication)\.k8s\.io/' }).Count | Should -Be 0 -Because 'only the access reviews of the permission check, which store nothing'
        }
    }
}
