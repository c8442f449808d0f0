# Basic-auth secrets for both NGINX controllers, checked by the real consumers: Debian's htpasswd -vb and a real nginx
# whose auth_basic_user_file is the secret's content (200 with the right password, 401 with a wrong one).
BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:password = 'Tr0ub4dor&3:colon é'
    $script:cred = [pscredential]::new('admin', (ConvertTo-SecureString $password -AsPlainText -Force))
    function Get-Content64($secret) {
        $key = if ($secret.Type -eq 'nginx.org/htpasswd') { 'htpasswd' } else { 'auth' }
        [Text.Encoding]::UTF8.GetString($secret.Data[$key])
    }
}

Describe 'New-KoBasicAuthSecret' {
    Context 'the secret format of each controller' {
        It 'writes an nginx.org/htpasswd secret with key htpasswd for F5 NGINX (the default)' {
            $s = New-KoBasicAuthSecret -Name dash-auth -Namespace kube-system -Credential $cred
            $s.Type | Should -Be 'nginx.org/htpasswd'
            $s.Data.Keys | Should -Be @('htpasswd')
            (Get-Content64 $s) | Should -Match '^admin:\$2y\$10\$[./A-Za-z0-9]{53}\n$'
        }

        It 'writes an Opaque secret with key auth for ingress-nginx' {
            $s = New-KoBasicAuthSecret -Name dash-auth -Credential $cred -Controller IngressNginx -Algorithm Sha512
            $s.Type | Should -Be 'Opaque'
            $s.Data.Keys | Should -Be @('auth')
            (Get-Content64 $s) | Should -Match '^admin:\$6\$'
        }

        It 'appends users to a piped secret and replaces a user given again' {
            $bob = [pscredential]::new('bob', (ConvertTo-SecureString 'x' -AsPlainText -Force))
            $first = New-KoBasicAuthSecret -Name a -Credential $cred, $bob -Algorithm Apr1 -WarningAction SilentlyContinue
            $second = $first | New-KoBasicAuthSecret -Name a -Credential $bob
            $lines = (Get-Content64 $second).TrimEnd("`n") -split "`n"
            $lines | Should -HaveCount 2
            $lines[0] | Should -Match '^admin:\$apr1\$'
            $lines[1] | Should -Match '^bob:\$2y\$'
            $second.Type | Should -Be 'nginx.org/htpasswd'
        }
    }

    Context 'checked by Debian''s htpasswd and a real nginx' {
        BeforeAll {
            $script:cases = foreach ($controller in 'NginxInc', 'IngressNginx') {
                foreach ($algorithm in 'Bcrypt', 'Sha512', 'Apr1') {
                    $secret = New-KoBasicAuthSecret -Name auth -Credential $cred -Controller $controller -Algorithm $algorithm -WarningAction SilentlyContinue
                    $file = Join-Path $TestDrive "$controller-$algorithm.htpasswd"
                    [IO.File]::WriteAllText($file, (Get-Content64 $secret))
                    [pscustomobject]@{ Name = "$controller-$algorithm".ToLowerInvariant(); File = $file }
                }
            }
            $locations = ($cases | ForEach-Object { "location /$($_.Name)/ { auth_basic `"t`"; auth_basic_user_file $($_.File); alias {ROOT}/; }" }) -join "`n"
            $script:nginx = Start-KoNginx -ServerBlock $locations
        }
        AfterAll { Stop-KoNginx $script:nginx }

        It 'htpasswd -vb accepts the right password and refuses a wrong one (<_>)' -ForEach @('nginxinc-bcrypt', 'nginxinc-sha512', 'nginxinc-apr1', 'ingressnginx-bcrypt', 'ingressnginx-sha512', 'ingressnginx-apr1') {
            $case = $cases | Where-Object Name -eq $_
            & htpasswd -vb $case.File admin $password 2>&1 | Out-Null
            $LASTEXITCODE | Should -Be 0
            & htpasswd -vb $case.File admin 'wrong' 2>&1 | Out-Null
            $LASTEXITCODE | Should -Not -Be 0
        }

        It 'nginx answers 200 with the right password and 401 with a wrong one (<_>)' -ForEach @('nginxinc-bcrypt', 'nginxinc-sha512', 'nginxinc-apr1', 'ingressnginx-bcrypt', 'ingressnginx-sha512', 'ingressnginx-apr1') {
            $url = "http://127.0.0.1:$($nginx.Port)/$_/"
            & curl -s -o /dev/null -w '%{http_code}' -u "admin:$password" $url | Should -Be '200'
            & curl -s -o /dev/null -w '%{http_code}' -u 'admin:wrong' $url | Should -Be '401'
            & curl -s -o /dev/null -w '%{http_code}' $url | Should -Be '401'
        }
    }

    Context 'passwords stay secret' {
        It 'never writes the password to any stream, even with -Verbose and -Debug' {
            $text = Invoke-KoCaptured { New-KoBasicAuthSecret -Name s -Credential $cred -Verbose -Debug; try { New-KoBasicAuthSecret -Name 'Bad_Name' -Credential $cred -Verbose } catch { $_ } }
            $text | Should -Match 'Hashed the password of admin'
            $text | Should -Not -Match ([regex]::Escape($password))
            $text | Should -Not -Match 'Tr0ub4dor'
        }

        It 'asks for -Credential instead of prompting in a non-interactive session' {
            $r = Invoke-KoChildPwsh "Import-Module '$env:KO_MODULE'; New-KoBasicAuthSecret -Name s"
            $r.Output | Should -Match '-Credential is required in a non-interactive session'
        }
    }

    Context 'with a cluster' {
        BeforeAll {
            $script:cluster = Start-KoFakeCluster
            Connect-KoCluster -KubeConfig $cluster.KubeConfig | Out-Null
        }
        AfterAll { Stop-KoFakeCluster $script:cluster }

        It 'writes the format of the default IngressClass''s controller, and -Append merges into the stored secret' {
            Install-KoIngressController -Controller IngressNginx -AsDefaultClass -WarningAction SilentlyContinue | Out-Null
            $s = New-KoBasicAuthSecret -Name web-auth -Credential $cred
            $s.Data.Keys | Should -Be @('auth')
            $s | Publish-KoResource | Out-Null
            $bob = [pscredential]::new('bob', (ConvertTo-SecureString 'x' -AsPlainText -Force))
            $merged = New-KoBasicAuthSecret -Name web-auth -Credential $bob -Append
            ((Get-Content64 $merged) -split "`n" | Where-Object { $_ }).ForEach({ ($_ -split ':')[0] }) | Should -Be @('admin', 'bob')
            (Invoke-KoKubectl $cluster.KubeConfig get secret web-auth -o 'jsonpath={.type}') | Should -Be 'Opaque'
        }
    }
}
