# Secret hygiene: every command that handles a Secret, a token or a credential runs with -Verbose and -Debug and all
# six streams are scanned for the secret's value (plain and base64).
BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:cluster = Start-KoFakeCluster
    $script:secret = 'S3cret-Value-9f7c1e'
    $script:secretB64 = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($secret))
    # A cluster-admin token of its own (the fake refuses tokens it did not issue), to scan every stream for.
    $admin = New-KoFakeUser $cluster -Name 'hygiene-admin' -Groups 'system:masters'
    $script:token = $admin.Token
    $script:kc = $admin.KubeConfig
    $script:checks = 0; $script:leaks = 0
    function Assert-NoSecret([string] $Text, [string[]] $Values) {
        foreach ($v in $Values) {
            $script:checks++
            if ($Text -match [regex]::Escape($v)) { $script:leaks++ }
            $Text | Should -Not -Match ([regex]::Escape($v)) -Because 'a secret value reached an output stream'
        }
    }
    $script:secretYaml = "apiVersion: v1`nkind: Secret`nmetadata: {name: db-password, namespace: default}`ntype: Opaque`nstringData:`n  password: $secret`n"
}
AfterAll {
    Stop-KoFakeCluster $script:cluster
    $line = "secret-hygiene checks (all six streams under -Verbose -Debug scanned for a secret, its base64 or a token): $script:checks, secrets leaked: $script:leaks"
    Write-Host $line
    if ($env:KO_BENCH_FILE) { Add-Content $env:KO_BENCH_FILE "- $line" }
}

Describe 'Secret hygiene' {
    It 'keeps private keys, passphrases and basic-auth passwords out of every stream' {
        $dir = Join-Path $TestDrive 'keys'
        $null = New-Item -ItemType Directory $dir
        $pass = ConvertTo-SecureString $secret -AsPlainText -Force
        $key = New-KoPrivateKey -Path "$dir/k.pem"
        $body = ($key.Pem -split "`n")[1]   # a line of the key's base64 body
        $text = Invoke-KoCaptured {
            New-KoPrivateKey -Path "$dir/enc.pem" -Passphrase $pass -Verbose -Debug | Out-Null
            try { New-KoCertificateRequest -Key "$dir/enc.pem" -CommonName a.example.com -Passphrase (ConvertTo-SecureString 'wrong-pass' -AsPlainText -Force) -Verbose } catch { $_ }
            $cert = $key | New-KoCertificateRequest -CommonName a.example.com -Verbose -Debug | New-KoCertificate -SelfSigned -Verbose
            $other = New-KoPrivateKey
            try { New-KoTlsSecret -Name t -Certificate $cert -Key $other -Verbose -Debug } catch { $_ }
            $cert | New-KoTlsSecret -Name t -Verbose -Debug | Publish-KoResource -KubeConfig $kc -Verbose -Debug | Out-Null
            New-KoBasicAuthSecret -Name auth -Credential ([pscredential]::new('admin', $pass)) -Verbose -Debug | Publish-KoResource -KubeConfig $kc -Verbose -Debug | Out-Null
        }
        Assert-NoSecret $text @($secret, $secretB64, $body, 'wrong-pass')
    }

    It 'applies a Secret without its value in any stream, and the cluster has it' {
        $text = Invoke-KoCaptured { $secretYaml | ConvertFrom-KoYaml | Publish-KoResource -KubeConfig $kc -Verbose -Debug }
        $text | Should -Match 'PATCH /api/v1/namespaces/default/secrets/db-password'   # -Verbose narrates the call
        Assert-NoSecret $text @($secret, $secretB64, $token)
        $live = Invoke-KoKubectl $cluster.KubeConfig get secret db-password -o jsonpath='{.data.password}'
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($live)) | Should -Be $secret
    }

    It 'keeps the value out of errors when the apply fails' {
        $bad = $secretYaml -replace 'namespace: default', 'namespace: no-such-ns'
        $text = Invoke-KoCaptured { $bad | ConvertFrom-KoYaml | Publish-KoResource -KubeConfig $kc -Verbose -Debug -ErrorAction Continue }
        $text | Should -Match 'NamespaceNotFound|namespaces "no-such-ns" not found'
        Assert-NoSecret $text @($secret, $secretB64, $token)
    }

    It 'writes base64 as Kubernetes expects, but -Verbose never echoes it' {
        $yaml = $null
        $streams = Invoke-KoCaptured { $script:yaml = $secretYaml | ConvertFrom-KoYaml | ConvertTo-KoYaml -Verbose -Debug; 'done' }
        Assert-NoSecret $streams @($secret, $secretB64)
        # Secret data is base64 on the way in and on the way out, never decoded.
        $out = "apiVersion: v1`nkind: Secret`nmetadata: {name: db}`ndata:`n  password: $secretB64`n" | ConvertFrom-KoYaml | ConvertTo-KoYaml -Verbose 4>$null
        $out | Should -Match "password: $([regex]::Escape($secretB64))"
        $out | Should -Not -Match ([regex]::Escape($secret))
    }

    It 'never shows the kubeconfig token: connecting, listing contexts, the connection object, errors' {
        $text = Invoke-KoCaptured {
            $c = Connect-KoCluster -KubeConfig $kc -Verbose -Debug
            $c | Format-List * -Force | Out-String
            Get-KoContext -KubeConfig $kc | Format-List * -Force | Out-String
            Get-KoResource Secret -Name missing -KubeConfig $kc -Verbose -Debug -ErrorAction Continue
        }
        $text | Should -Match 'fake'
        Assert-NoSecret $text @($token, $secret, $secretB64)
    }

    It 'uses an exec credential plugin as kubectl does, without printing its token' {
        $plugin = Join-Path $TestDrive 'cred-plugin.sh'
        $marker = Join-Path $TestDrive 'plugin-ran'
        Set-Content $plugin "#!/bin/sh`ntouch '$marker'`necho '{""apiVersion"":""client.authentication.k8s.io/v1"",""kind"":""ExecCredential"",""status"":{""token"":""$token""}}'`n"
        chmod +x $plugin
        $exec = Join-Path $TestDrive 'exec.yaml'
        $server = (Get-Content $cluster.KubeConfig | Select-String 'server: (\S+)').Matches[0].Groups[1].Value
        $ca = (Get-Content $cluster.KubeConfig | Select-String 'certificate-authority-data: (\S+)').Matches[0].Groups[1].Value
        Set-Content $exec @"
apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster: {server: '$server', certificate-authority-data: '$ca'}
users:
- name: exec-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: '$plugin'
      interactiveMode: Never
contexts:
- name: exec
  context: {cluster: fake, user: exec-user, namespace: default}
current-context: exec
"@
        $text = Invoke-KoCaptured { Connect-KoCluster -KubeConfig $exec -Verbose -Debug | Format-List * -Force | Out-String; Get-KoResource Namespace -Name default -KubeConfig $exec | Out-String }
        Test-Path $marker | Should -BeTrue -Because 'the exec plugin supplies the credential'
        $text | Should -Match 'default'
        Assert-NoSecret $text @($token)
        $log = @(Get-KoFakeRequests $cluster)
        $log.Count | Should -BeGreaterThan 0
    }

    It 'keeps TLS verification on: a server whose certificate the kubeconfig CA did not sign is refused' {
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'tls') -Force
        & openssl req -x509 -newkey rsa:2048 -nodes -keyout (Join-Path $dir 'srv.key') -out (Join-Path $dir 'srv.crt') -days 1 -subj '/CN=127.0.0.1' -addext 'subjectAltName=IP:127.0.0.1' 2>$null
        & openssl req -x509 -newkey rsa:2048 -nodes -keyout (Join-Path $dir 'ca.key') -out (Join-Path $dir 'other-ca.crt') -days 1 -subj '/CN=Other CA' 2>$null
        $port = Get-Random -Minimum 20000 -Maximum 30000
        $server = Start-Process openssl -ArgumentList 's_server', '-accept', "127.0.0.1:$port", '-cert', (Join-Path $dir 'srv.crt'), '-key', (Join-Path $dir 'srv.key'), '-www', '-quiet' -PassThru -RedirectStandardOutput (Join-Path $dir 's.log') -RedirectStandardError (Join-Path $dir 's.err')
        try {
            # Wait until the server accepts connections (the state the test needs), not for a fixed time.
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            $listening = $false
            while (-not $listening -and [DateTime]::UtcNow -lt $deadline -and -not $server.HasExited) {
                $probe = [System.Net.Sockets.TcpClient]::new()
                try { $probe.Connect('127.0.0.1', $port); $listening = $true } catch { Start-Sleep -Milliseconds 50 } finally { $probe.Dispose() }
            }
            $listening | Should -BeTrue -Because 'openssl s_server must be up before the client is refused by it'
            $ca = [Convert]::ToBase64String([IO.File]::ReadAllBytes((Join-Path $dir 'other-ca.crt')))
            $tlsKc = Join-Path $dir 'tls.yaml'
            Set-Content $tlsKc "apiVersion: v1`nkind: Config`nclusters:`n- name: t`n  cluster: {server: 'https://127.0.0.1:$port', certificate-authority-data: $ca}`nusers:`n- name: u`n  user: {token: $token}`ncontexts:`n- name: t`n  context: {cluster: t, user: u}`ncurrent-context: t`n"
            $err = $null
            try { Connect-KoCluster -KubeConfig $tlsKc -ConnectTimeout 00:00:05 -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Match '^ConnectionFailed'
            $err.Exception.Message | Should -Match 'TLS|certificate|SSL'
            Assert-NoSecret ($err | Out-String) @($token)
        } finally {
            $server | Stop-Process -Force -ErrorAction SilentlyContinue
        }
    }

    It 'keeps the SMTP and Grafana passwords out of every stream when installing monitoring, and the cluster has them' {
        $smtp = [pscredential]::new('alerts', (ConvertTo-SecureString $secret -AsPlainText -Force))
        $admin = [pscredential]::new('admin', (ConvertTo-SecureString $secret -AsPlainText -Force))
        $text = Invoke-KoCaptured {
            Install-KoMonitoring -Namespace mon-secrets -SmtpServer smtp.example.com:587 -From a@example.com -To b@example.com -SmtpCredential $smtp -GrafanaCredential $admin -KubeConfig $kc -Verbose -Debug
            try { Install-KoMonitoring -Namespace mon-secrets -SmtpServer smtp.example.com -From a@example.com -To b@example.com -SmtpCredential $smtp -KubeConfig $kc -Verbose -Debug -ErrorAction Stop } catch { $_ }
        }
        $text | Should -Match 'alertmanager-smtp'
        Assert-NoSecret $text @($secret, $secretB64, $token)
        $stored = Invoke-KoKubectl $kc get secret alertmanager-smtp -n mon-secrets -o 'jsonpath={.data.smtp-password}'
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($stored)) | Should -Be $secret
        (Invoke-KoKubectl $kc get configmap alertmanager-config -n mon-secrets -o 'jsonpath={.data.alertmanager\.yml}') -join "`n" | Should -Not -Match ([regex]::Escape($secret))
    }
}
