# Ingress, HTTPRoute, Service and the controller install: offline as manifests, and on the fake cluster read back by kubectl.
BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    # A TLS secret made with Debian's openssl (an independent issuer), for the pipeline into New-KoIngress.
    $dir = Join-Path $TestDrive 'tls'
    $null = New-Item -ItemType Directory $dir
    & openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/tls.key" -out "$dir/tls.crt" -days 30 -subj '/CN=dash.example.com' -addext 'subjectAltName=DNS:dash.example.com,DNS:www.dash.example.com' 2>&1 | Out-Null
    $crt = [Convert]::ToBase64String([IO.File]::ReadAllBytes("$dir/tls.crt"))
    $key = [Convert]::ToBase64String([IO.File]::ReadAllBytes("$dir/tls.key"))
    $script:tlsSecret = "apiVersion: v1`nkind: Secret`nmetadata: {name: dash-tls, namespace: kube-system}`ntype: kubernetes.io/tls`ndata: {tls.crt: $crt, tls.key: $key}" | ConvertFrom-KoYaml
}

Describe 'New-KoIngress' {
    It 'takes the TLS hosts from a piped TLS secret and passes the secret on' {
        $out = $tlsSecret | New-KoIngress dashboard -Namespace kube-system -Host dash.example.com -ServiceName headlamp -ServicePort 80
        $out | Should -HaveCount 2
        $out[0].Kind | Should -Be 'Secret'
        $ingress = $out[1]
        $ingress.Spec.Tls[0].SecretName | Should -Be 'dash-tls'
        $ingress.Spec.Tls[0].Hosts | Should -Be @('dash.example.com', 'www.dash.example.com')
        $ingress.Spec.Rules[0].Http.Paths[0].Backend.Service.Port.Number | Should -Be 80
    }

    It 'refuses a host the piped certificate does not cover' {
        { $tlsSecret | New-KoIngress dashboard -Host other.example.com -ServiceName headlamp -ServicePort 80 -ErrorAction Stop } | Should -Throw '*covers dash.example.com, www.dash.example.com, not other.example.com*'
    }

    It 'writes several rules at once and a sub-path for an app served under a prefix' {
        $i = New-KoIngress apps -Host apps.example.com -ServiceName web -ServicePort http -Rule @{ Path = '/kibana'; ServiceName = 'kibana'; ServicePort = 5601 } -Controller IngressNginx
        $i.Spec.Rules[0].Http.Paths.Path | Should -Be @('/', '/kibana')
        $k = New-KoIngress kibana -Host logs.example.com -Path /kibana -ServiceName kibana -ServicePort 5601 -StripPathPrefix
        $k.Metadata.Annotations['nginx.org/rewrites'] | Should -Be 'serviceName=kibana rewrite=/'
    }

    It 'rejects bad input before building anything' -ForEach @(
        @{ Extra = @{ Host = 'bad host' }; Message = '*not a valid host name*' }
        @{ Extra = @{ Path = 'kibana' }; Message = "*must start with '/'*" }
        @{ Extra = @{ ServicePort = 70000 }; Message = '*out of range*' }
        @{ Extra = @{ ServiceName = 'Not_A_Label' }; Message = '*DNS-1123 label*' }
    ) {
        $base = @{ Name = 'x'; Host = 'a.example.com'; ServiceName = 'web'; ServicePort = 80 }
        foreach ($k in $Extra.Keys) { $base[$k] = $Extra[$k] }
        { New-KoIngress @base -ErrorAction Stop } | Should -Throw $Message
    }
}

Describe 'New-KoService' {
    It 'puts a NodePort Service with externalIPs in front of a piped Deployment (the seed''s exposure)' {
        $out = New-KoDeployment web -Image nginx:1.29 -Port 8080 | New-KoService -Type NodePort -Port 80 -TargetPort 8080 -NodePort 30080 -ExternalIP 192.168.1.10 -WarningVariable warned -WarningAction SilentlyContinue
        $out.Kind | Should -Be @('Deployment', 'Service')
        $warned | Should -HaveCount 1
        "$warned" | Should -Match 'deprecated since Kubernetes 1\.36.*off by default from 1\.40.*LoadBalancer'
        New-KoService web -Selector @{ app = 'web' } -Port 80 -WarningVariable none -WarningAction SilentlyContinue | Out-Null
        $none | Should -BeNullOrEmpty
        $out[1].Spec.Selector['app.kubernetes.io/name'] | Should -Be 'web'
        $out[1].Spec.ExternalIPs | Should -Be @('192.168.1.10')
        $out[1].Spec.Ports[0].NodePort | Should -Be 30080
    }
}

Describe 'New-KoHttpRoute and Convert-KoIngress' {
    It 'writes an HTTPRoute with the same parameters as New-KoIngress, and a ListenerSet for TLS' {
        $out = $tlsSecret | New-KoHttpRoute dashboard -Namespace kube-system -Host dash.example.com -ServiceName headlamp -ServicePort 80
        $out.Kind | Should -Be @('Secret', 'ListenerSet', 'HTTPRoute')
        $yaml = $out[2] | ConvertTo-KoYaml
        $yaml | Should -Match 'kind: ListenerSet'
        $yaml | Should -Match 'hostnames:\s+- dash.example.com'
    }

    It 'converts an Ingress and warns about each annotation with no Gateway API equivalent' {
        $auth = New-KoIngress d -Host a.example.com -ServiceName web -ServicePort 80 -BasicAuthSecret auth
        $routes = $auth | Convert-KoIngress -To HttpRoute -WarningVariable w -WarningAction SilentlyContinue
        $routes.Kind | Should -Be 'HTTPRoute'
        $w | Should -HaveCount 1
        "$w" | Should -Match 'basic auth \(nginx.org/basic-auth-secret, nginx.org/basic-auth-realm; -Implementation EnvoyGateway or NginxGatewayFabric'
    }

    It 'converts basic auth to the chosen implementation''s own resource' {
        $auth = New-KoIngress d -Namespace web -Host a.example.com -ServiceName web -ServicePort 80 -BasicAuthSecret auth -Controller IngressNginx
        $out = $auth | Convert-KoIngress -To HttpRoute -Implementation EnvoyGateway -WarningVariable w -WarningAction SilentlyContinue
        $out.Kind | Should -Be @('HTTPRoute', 'SecurityPolicy')
        $out[1].ApiVersion | Should -Be 'gateway.envoyproxy.io/v1alpha1'
        "$w" | Should -Match '\.htpasswd'
        $nginx = $auth | Convert-KoIngress -To HttpRoute -Implementation NginxGatewayFabric -WarningAction SilentlyContinue
        $nginx.Kind | Should -Be @('HTTPRoute', 'AuthenticationFilter')
        ($nginx[0] | ConvertTo-KoYaml) | Should -Match 'kind: AuthenticationFilter'
    }
}

Describe 'Install-KoIngressController' {
    It 'writes the controller as manifests with the seed''s port 8080' {
        $out = Join-Path $TestDrive 'ingress'
        $files = Install-KoIngressController -HttpPort 8080 -HttpsPort 8443 -WatchNamespace apps -Config @{ 'client-max-body-size' = '20m' } -OutputDirectory $out
        $files | Should -HaveCount 10
        $objects = Get-ChildItem $out -Filter *.yaml | ConvertFrom-KoYaml
        ($objects | Where-Object Kind -eq Deployment).Spec.Template.Spec.Containers[0].Args | Should -Contain '-default-http-listener-port=8080'
    }

    It 'warns that the community controller is retired' {
        $null = Install-KoIngressController -Controller IngressNginx -OutputDirectory (Join-Path $TestDrive 'community') -WarningVariable w -WarningAction SilentlyContinue
        "$w" | Should -Match 'retired upstream in March 2026'
    }

    Context 'on a cluster' {
        BeforeAll {
            $script:cluster = Start-KoFakeCluster -ClockSpeed 10 -PodReadyDelayMs 300
            $script:kc = $cluster.KubeConfig
            Connect-KoCluster -KubeConfig $kc | Out-Null
        }
        AfterAll { Stop-KoFakeCluster $script:cluster }

        It 'sends nothing with -WhatIf' {
            Clear-KoFakeRequests $cluster
            Install-KoIngressController -WhatIf
            @(Get-KoFakeRequests $cluster | Where-Object { $_.method -ne 'GET' -and $_.path -notmatch '^/apis/(authorization|authentication)\.k8s\.io/' }).Count | Should -Be 0 -Because 'only the access reviews of the permission check, which store nothing'
        }

        It 'installs, waits for the controller, and kubectl reads the IngressClass and Deployment back' {
            Install-KoIngressController -HttpPort 8080 -AsDefaultClass -Wait -Timeout 00:01:00 | Out-Null
            Invoke-KoKubectl $kc get ingressclass nginx -o 'jsonpath={.spec.controller}' | Should -Be 'nginx.org/ingress-controller'
            Invoke-KoKubectl $kc -n nginx-ingress get deployment nginx-ingress -o 'jsonpath={.status.readyReplicas}' | Should -Be '1'
        }

        It 'publishes the dashboard case: TLS and basic auth for the class''s controller, read back by kubectl' {
            $cred = [pscredential]::new('admin', (ConvertTo-SecureString 'pw-123' -AsPlainText -Force))
            $auth = New-KoBasicAuthSecret dash-auth -Namespace kube-system -Credential $cred
            $tlsSecret | New-KoIngress dashboard -Namespace kube-system -Host dash.example.com -ServiceName headlamp -ServicePort 80 -BasicAuthSecret $auth | Publish-KoResource | Out-Null
            $json = Invoke-KoKubectl $kc -n kube-system get ingress dashboard -o json | ConvertFrom-Json
            $json.metadata.annotations.'nginx.org/basic-auth-secret' | Should -Be 'dash-auth'
            $json.spec.tls[0].secretName | Should -Be 'dash-tls'
            Invoke-KoKubectl $kc -n kube-system get secret dash-auth -o 'jsonpath={.type}' | Should -Be 'nginx.org/htpasswd'
        }

        It 'warns when the IngressClass cannot be read, instead of guessing its controller silently' {
            Set-KoFakeFaults $cluster @{ errorRate = 1; errorCodes = @(403) }
            try { $ing = New-KoIngress guess -Host guess.example.com -ServiceName web -ServicePort 80 -WarningVariable w -WarningAction SilentlyContinue }
            finally { Set-KoFakeFaults $cluster @{ errorRate = 0 } }
            "$w" | Should -Match 'Could not read the IngressClass'
            "$w" | Should -Match '-Controller'
            $ing.Kind | Should -Be 'Ingress'
        }

        It 'publishes an HTTPRoute that kubectl reads back' {
            New-KoHttpRoute web -Namespace default -Host web.example.com -ServiceName web -ServicePort 80 | Publish-KoResource | Out-Null
            Invoke-KoKubectl $kc get httproute web -o 'jsonpath={.spec.hostnames[0]}' | Should -Be 'web.example.com'
        }
    }
}
