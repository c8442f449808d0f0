# The TLS pipeline checked by the tools that consume its artifacts: Debian's openssl (req -verify, verify -CAfile,
# public-key comparison, pkcs12), a real nginx serving the certificate (openssl s_client -verify_return_error), and
# kubectl, a Go client stricter about SANs than openssl.
BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:d = Join-Path $TestDrive 'pki'
    $null = New-Item -ItemType Directory $d
    $script:ca = New-KoCertificateAuthority 'KubeOpsPS Test Root CA' -Path "$d/ca.crt" -KeyPath "$d/ca.key"
    $script:key = New-KoPrivateKey -Path "$d/dash.key"
    $script:req = $key | New-KoCertificateRequest -CommonName dash.example.com -DnsName www.dash.example.com -IpAddress 127.0.0.1 -Path "$d/dash.csr"
    $script:cert = $req | New-KoCertificate -Issuer $ca -ValidDays 90 -Path "$d/dash.crt"
    function Invoke-OpenSsl { $out = & openssl @args 2>&1; [pscustomobject]@{ Exit = $LASTEXITCODE; Text = ($out | Out-String) } }
}

Describe 'New-KoPrivateKey' {
    It 'writes <Algorithm> keys that openssl reads (<Label>)' -ForEach @(
        @{ Algorithm = 'RSA'; Extra = @{ KeySize = 3072 }; Label = 'RSA 3072'; Expect = 'Private-Key: \(3072 bit' }
        @{ Algorithm = 'ECDSA'; Extra = @{ Curve = 'P256' }; Label = 'P-256'; Expect = 'NIST CURVE: P-256' }
        @{ Algorithm = 'ECDSA'; Extra = @{ Curve = 'P384' }; Label = 'P-384'; Expect = 'NIST CURVE: P-384' }
    ) {
        $file = Join-Path $d "$Label.key".Replace(' ', '')
        $k = New-KoPrivateKey -Algorithm $Algorithm @Extra -Path $file
        $k.Path | Should -Be $file
        (Invoke-OpenSsl pkey -in $file -noout -text).Text | Should -Match $Expect
        (Get-Content $file -Raw) | Should -Match '^-----BEGIN PRIVATE KEY-----'
    }

    It 'writes the file owner-only (0600)' {
        if ($IsWindows) { Set-ItResult -Inconclusive -Because 'Unix file modes'; return }
        $ownerOnly = [IO.UnixFileMode]::UserRead -bor [IO.UnixFileMode]::UserWrite
        (Get-Item "$d/dash.key").UnixFileMode | Should -Be $ownerOnly
        $file = "$d/exists.key"
        Set-Content $file 'old'; & chmod 0644 $file
        $null = New-KoPrivateKey -Path $file
        (Get-Item $file).UnixFileMode | Should -Be $ownerOnly
    }

    It 'writes PKCS#1 for old tools and encrypted PKCS#8 with a passphrase' {
        $null = New-KoPrivateKey -Path "$d/old.key" -Format Pkcs1
        (Get-Content "$d/old.key" -Raw) | Should -Match '^-----BEGIN RSA PRIVATE KEY-----'
        $pass = ConvertTo-SecureString 'k3y-pass' -AsPlainText -Force
        $null = New-KoPrivateKey -Path "$d/enc.key" -Passphrase $pass
        (Get-Content "$d/enc.key" -Raw) | Should -Match '^-----BEGIN ENCRYPTED PRIVATE KEY-----'
        (Invoke-OpenSsl pkey -in "$d/enc.key" -passin pass:k3y-pass -noout).Exit | Should -Be 0
        (Invoke-OpenSsl pkey -in "$d/enc.key" -passin pass:wrong -noout).Exit | Should -Not -Be 0
        { New-KoCertificateRequest -Key "$d/enc.key" -CommonName a.example.com -Passphrase (ConvertTo-SecureString 'wrong' -AsPlainText -Force) -ErrorAction Stop } | Should -Throw '*passphrase is wrong*'
        (New-KoCertificateRequest -Key "$d/enc.key" -CommonName a.example.com -Passphrase $pass).Subject | Should -Be 'CN=a.example.com'
    }
}

Describe 'New-KoCertificateRequest' {
    It 'writes a CSR that openssl verifies, with the SANs and the seed''s v3_req extensions' {
        $r = Invoke-OpenSsl req -in "$d/dash.csr" -noout -verify -text
        $r.Text | Should -Match 'verify OK'   # OpenSSL 3.0's exit code cannot be trusted for req -verify
        $r.Text | Should -Match 'DNS:dash.example.com, DNS:www.dash.example.com, IP Address:127.0.0.1'
        $r.Text | Should -Match 'CA:FALSE'
        $r.Text | Should -Match 'Digital Signature, Key Encipherment'
        $r.Text | Should -Match 'TLS Web Server Authentication'
    }

    It 'reads the [alt_names] of an existing openssl.conf' {
        Set-Content "$d/openssl.conf" "[req]`nreq_extensions = v3_req`n[ v3_req ]`nbasicConstraints = CA:FALSE`nsubjectAltName = @alt_names`n[alt_names]`nDNS.1 = kube-master.example.com`nIP.1 = 10.0.0.10`n"
        $r = $key | New-KoCertificateRequest -CommonName api.example.com -OpenSslConfig "$d/openssl.conf"
        $r.DnsNames | Should -Be @('api.example.com', 'kube-master.example.com')
        $r.IpAddresses | Should -Be @('10.0.0.10')
    }

    It 'refuses <Why>' -ForEach @(
        @{ Why = 'a common name that is not an FQDN'; Extra = @{ CommonName = 'dashboard' }; Message = '*not a fully qualified domain name*' }
        @{ Why = 'an invalid IP address'; Extra = @{ CommonName = 'a.example.com'; IpAddress = '10.0.0' }; Message = "*'10.0.0' is not an IP address*" }
        @{ Why = 'a key file that is not PEM'; Extra = @{ CommonName = 'a.example.com'; Key = '__CSR__' }; Message = '*is not a PEM private key*' }
    ) {
        $splat = @{ Key = $key }
        foreach ($k in $Extra.Keys) { $splat[$k] = if ($Extra[$k] -eq '__CSR__') { "$d/dash.csr" } else { $Extra[$k] } }
        { New-KoCertificateRequest @splat -ErrorAction Stop } | Should -Throw $Message
    }

    It 'relaxes the FQDN rule with -AllowShortName' {
        (New-KoCertificateRequest -Key $key -CommonName dashboard -DnsName dashboard -AllowShortName).DnsNames | Should -Be @('dashboard')
    }
}

Describe 'New-KoCertificate and New-KoCertificateAuthority' {
    It 'signs a certificate that openssl verifies against the lab CA' {
        $r = Invoke-OpenSsl verify -CAfile "$d/ca.crt" "$d/dash.crt"
        $r.Text | Should -Match 'dash.crt: OK'
        (Invoke-OpenSsl x509 -in "$d/ca.crt" -noout -text).Text | Should -Match 'CA:TRUE, pathlen:0'
        $text = (Invoke-OpenSsl x509 -in "$d/dash.crt" -noout -text).Text
        $text | Should -Match 'CA:FALSE'
        $text | Should -Match 'DNS:dash.example.com, DNS:www.dash.example.com, IP Address:127.0.0.1'
    }

    It 'signs a CSR made by openssl (the corporate workflow) without copying a CA:TRUE request' {
        & openssl req -new -newkey rsa:2048 -nodes -keyout "$d/evil.key" -out "$d/evil.csr" -subj '/CN=evil.example.com' -addext 'basicConstraints=critical,CA:TRUE' -addext 'subjectAltName=DNS:evil.example.com' 2>&1 | Out-Null
        $c = New-KoCertificate -Request "$d/evil.csr" -Issuer "$d/ca.crt" -IssuerKey "$d/ca.key" -Path "$d/evil.crt"
        $c.IsCa | Should -BeFalse
        (Invoke-OpenSsl x509 -in "$d/evil.crt" -noout -text).Text | Should -Match 'CA:FALSE'
        (Invoke-OpenSsl verify -CAfile "$d/ca.crt" "$d/evil.crt").Text | Should -Match 'OK'
    }

    It 'the key matches the certificate (openssl compares the public keys)' {
        $fromKey = (Invoke-OpenSsl pkey -in "$d/dash.key" -pubout).Text
        $fromCert = (Invoke-OpenSsl x509 -in "$d/dash.crt" -noout -pubkey).Text
        $fromCert | Should -Be $fromKey
    }

    It 'makes a self-signed certificate from a piped request' {
        $self = New-KoPrivateKey ECDSA | New-KoCertificateRequest -CommonName self.example.com | New-KoCertificate -SelfSigned -Path "$d/self.crt"
        $self.Issuer | Should -Be $self.Subject
        $self.HasPrivateKey | Should -BeTrue
        (Invoke-OpenSsl verify -CAfile "$d/self.crt" "$d/self.crt").Text | Should -Match 'OK'
    }
}

Describe 'Import-KoCertificate' {
    It 'reads a PFX with its password, chain and key, and a DER certificate' {
        & openssl pkcs12 -export -in "$d/dash.crt" -inkey "$d/dash.key" -out "$d/dash.pfx" -passout pass:pfx-pass 2>&1 | Out-Null
        $p = Import-KoCertificate "$d/dash.pfx" -Password (ConvertTo-SecureString 'pfx-pass' -AsPlainText -Force)
        $p.Subject | Should -Be 'CN=dash.example.com'
        $p.HasPrivateKey | Should -BeTrue
        { Import-KoCertificate "$d/dash.pfx" -Password (ConvertTo-SecureString 'nope' -AsPlainText -Force) -ErrorAction Stop } | Should -Throw '*PFX password is wrong*'
        & openssl x509 -in "$d/dash.crt" -outform der -out "$d/dash.der" 2>&1 | Out-Null
        (Import-KoCertificate "$d/dash.der").Thumbprint | Should -Be $cert.Thumbprint
    }

    It 'orders a chain given root first, leaf first' {
        Set-Content "$d/backwards.pem" ((Get-Content "$d/ca.crt" -Raw) + (Get-Content "$d/dash.crt" -Raw | ForEach-Object { $_.Substring(0, $_.IndexOf('-----END CERTIFICATE-----') + 25) }))
        $c = Import-KoCertificate "$d/backwards.pem" -Key "$d/dash.key"
        $c.Subject | Should -Be 'CN=dash.example.com'
        $s = $c | New-KoTlsSecret -Name t
        ([Text.Encoding]::ASCII.GetString($s.Data['tls.crt']) -split '-----BEGIN CERTIFICATE-----').Count | Should -Be 3
    }

    It 'refuses a file that is not a certificate' {
        { Import-KoCertificate "$d/dash.key" -ErrorAction Stop } | Should -Throw '*is not a certificate*'
    }
}

Describe 'New-KoTlsSecret' {
    It 'builds a kubernetes.io/tls secret, leaf first, that pipes into New-KoIngress' {
        $s = New-KoTlsSecret -Name dash-tls -Namespace kube-system -Certificate "$d/dash.crt" -Key "$d/dash.key"
        $s.Type | Should -Be 'kubernetes.io/tls'
        $crt = [Text.Encoding]::ASCII.GetString($s.Data['tls.crt'])
        $crt.IndexOf((Get-Content "$d/dash.crt" -Raw).Split("`n")[1]) | Should -BeLessThan 70
        $ingress = $s | New-KoIngress dash -Namespace kube-system -Host dash.example.com -ServiceName headlamp -ServicePort 80 | Select-Object -Last 1
        $ingress.Spec.Tls[0].Hosts | Should -Be @('dash.example.com', 'www.dash.example.com')
    }

    It 'refuses a key that does not match, naming the file and not the key' {
        $e = { New-KoTlsSecret -Name t -Certificate "$d/dash.crt" -Key "$d/ca.key" -ErrorAction Stop } | Should -Throw -PassThru '*does not match the certificate*'
        "$e $($e.ErrorDetails) $($e.TargetObject)" | Should -Not -MatchExactly 'BEGIN|MII'
        "$e" | Should -Match 'ca.key'
    }

    It 'warns when the certificate expires within 30 days' {
        $short = $req | New-KoCertificate -Issuer $ca -ValidDays 10
        $null = $short | New-KoTlsSecret -Name t -WarningVariable w -WarningAction SilentlyContinue
        "$w" | Should -Match 'expires on .* \(9 days left\)'
    }
}

Describe 'Get-KoCertificate' {
    It 'lists certificate files with days left and filters with -ExpiringWithin' {
        $all = Get-KoCertificate -Path "$d/dash.crt", "$d/ca.crt"
        $all.Subject | Should -Be @('CN=dash.example.com', 'CN=KubeOpsPS Test Root CA')
        $all[0].DaysLeft | Should -BeIn 88, 89
        (Get-KoCertificate -Path "$d/dash.crt", "$d/ca.crt" -ExpiringWithin 100d).Subject | Should -Be 'CN=dash.example.com'
        Get-KoCertificate -Path "$d/dash.crt" -ExpiringWithin 30d | Should -BeNullOrEmpty
    }

    Context 'on a cluster' {
        BeforeAll {
            $script:cluster = Start-KoFakeCluster
            Connect-KoCluster -KubeConfig $cluster.KubeConfig | Out-Null
        }
        AfterAll { Stop-KoFakeCluster $script:cluster }

        It 'finds the TLS secrets that expire soon across all namespaces' {
            "apiVersion: v1`nkind: Namespace`nmetadata: {name: web}" | ConvertFrom-KoYaml | Publish-KoResource | Out-Null
            $cert | New-KoTlsSecret -Name dash-tls -Namespace default | Publish-KoResource | Out-Null
            $req | New-KoCertificate -Issuer $ca -ValidDays 7 | New-KoTlsSecret -Name soon-tls -Namespace web -WarningAction SilentlyContinue | Publish-KoResource | Out-Null
            (Get-KoCertificate -AllNamespaces).Source | Should -Be @('default/dash-tls', 'web/soon-tls')
            $soon = Get-KoCertificate -AllNamespaces -ExpiringWithin 30d
            $soon.Source | Should -Be 'web/soon-tls'
            $soon.DaysLeft | Should -BeIn 6, 7
            (Get-KoCertificate dash-tls).DnsNames | Should -Contain 'www.dash.example.com'
            Invoke-KoKubectl $cluster.KubeConfig -n web get secret soon-tls -o 'jsonpath={.type}' | Should -Be 'kubernetes.io/tls'
        }
    }
}

Describe 'A real TLS handshake' {
    BeforeAll {
        $script:nginx = Start-KoNginx -ServerBlock "listen 127.0.0.1:{PORT} ssl;`nserver_name dash.example.com;`nssl_certificate $d/dash.crt;`nssl_certificate_key $d/dash.key;`nlocation / { alias {ROOT}/; }"
    }
    AfterAll { Stop-KoNginx $script:nginx }

    It 'nginx serves the certificate and openssl s_client verifies it against the lab CA' {
        $out = '' | & openssl s_client -connect "127.0.0.1:$($nginx.Port)" -servername dash.example.com -CAfile "$d/ca.crt" -verify_return_error -brief 2>&1 | Out-String
        $out | Should -Match 'Verification: OK'
        $out | Should -Not -Match 'verify error'
    }

    It 'kubectl (a Go client) accepts the certificate for the host name and refuses another name' {
        $kc = Join-Path $TestDrive 'probe.kubeconfig'
        Set-Content $kc "apiVersion: v1`nkind: Config`nclusters: []`ncontexts: []`nusers: []`n"
        $ok = & kubectl --kubeconfig $kc --server "https://127.0.0.1:$($nginx.Port)" --certificate-authority "$d/ca.crt" --tls-server-name dash.example.com --token probe get --raw / 2>&1 | Out-String
        $ok | Should -Not -Match 'x509'
        $ok.Trim() | Should -Be 'ok'   # nginx's index.html: the handshake completed and the request was served
        $bad = & kubectl --kubeconfig $kc --server "https://127.0.0.1:$($nginx.Port)" --certificate-authority "$d/ca.crt" --tls-server-name other.example.com --token probe get --raw / 2>&1 | Out-String
        $bad | Should -Match 'x509'
    }
}
