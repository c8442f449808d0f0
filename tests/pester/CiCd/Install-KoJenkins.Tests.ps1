BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:password = 'Adm1n-Secret-77f3'
    $script:regPassword = 'Reg-Token-51c9'
    $script:admin = [pscredential]::new('admin', (ConvertTo-SecureString $password -AsPlainText -Force))
    $script:robot = [pscredential]::new('robot', (ConvertTo-SecureString $regPassword -AsPlainText -Force))
    $script:b64 = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($password))

    # The configuration-as-code keys this module writes, per path, with the type each value must have; taken from the
    # configuration-as-code, credentials and kubernetes plugins' documented attributes (Jenkins has no schema file
    # to validate against outside a running controller).
    $script:cascSchema = @{
        '' = @{ jenkins = 'map'; unclassified = 'map' }
        'jenkins' = @{ systemMessage = 'string'; numExecutors = 'int'; mode = 'NORMAL|EXCLUSIVE'; slaveAgentPort = 'int'; securityRealm = 'map'; authorizationStrategy = 'map'; clouds = 'list' }
        'jenkins.securityRealm' = @{ local = 'map' }
        'jenkins.securityRealm.local' = @{ allowsSignup = 'bool'; users = 'list' }
        'jenkins.securityRealm.local.users[]' = @{ id = 'string'; password = 'string' }
        'jenkins.authorizationStrategy' = @{ loggedInUsersCanDoAnything = 'map' }
        'jenkins.authorizationStrategy.loggedInUsersCanDoAnything' = @{ allowAnonymousRead = 'bool' }
        'jenkins.clouds[]' = @{ kubernetes = 'map' }
        'jenkins.clouds[].kubernetes' = @{ name = 'string'; namespace = 'string'; jenkinsUrl = 'url'; webSocket = 'bool'; containerCapStr = 'string'; templates = 'list' }
        'jenkins.clouds[].kubernetes.templates[]' = @{ name = 'string'; label = 'string'; namespace = 'string'; serviceAccount = 'string'; nodeUsageMode = 'NORMAL|EXCLUSIVE'; idleMinutes = 'int'; yaml = 'string' }
        'unclassified' = @{ location = 'map' }
        'unclassified.location' = @{ url = 'url' }
    }
    function Test-CascSchema($Node, [string] $Path = '') {
        $allowed = $cascSchema[$Path]
        if (-not $allowed) { throw "no schema for '$Path'" }
        foreach ($key in $Node.Keys) {
            $type = $allowed[$key]
            if (-not $type) { throw "'$Path.$key' is not a documented key" }
            $value = $Node[$key]
            $child = if ($Path) { "$Path.$key" } else { $key }
            $ok = switch -regex ($type) {
                '^map$' { $value -is [System.Collections.IDictionary]; if ($value -is [System.Collections.IDictionary]) { Test-CascSchema $value $child } }
                '^list$' { $value -is [array]; foreach ($item in $value) { if ($item -is [System.Collections.IDictionary]) { Test-CascSchema $item "$child[]" } else { throw "$child has a non-map item" } } }
                '^string$' { $value -is [string] }
                '^int$' { $value -is [long] -or $value -is [int] }
                '^bool$' { $value -is [bool] }
                '^url$' { $value -is [string] -and [uri]::IsWellFormedUriString($value, 'Absolute') -and $value.EndsWith('/') }
                '\|' { $value -in ($type -split '\|') }
            }
            if (@($ok)[0] -ne $true) { throw "'$child' = '$value' is not a $type" }
        }
    }
    function Get-Casc([string] $Yaml) {
        (ConvertFrom-KoYaml -Yaml "apiVersion: casc.kubeops.io/v1`nkind: Casc`n$Yaml").Body.ToJsonString() | ConvertFrom-Json -AsHashtable | ForEach-Object { $_.Remove('apiVersion'); $_.Remove('kind'); $_ }
    }
}

Describe 'Install-KoJenkins' {
    Context 'offline' {
        BeforeAll {
            $script:dir = Join-Path $TestDrive 'jenkins'
            $script:files = Install-KoJenkins -AdminCredential $admin -StorageClass nfs -Registry https://registry.example.com:5000/team -RegistryCredential $robot `
                -Ingress @{ Host = 'jenkins.example.com'; TlsSecretName = 'jenkins-tls' } -OutputDirectory $dir
            $script:objects = Get-ChildItem $dir -Filter *.yaml | ConvertFrom-KoYaml
            $script:casc = ($objects | Where-Object { $_.Kind -eq 'ConfigMap' -and $_.Name -eq 'jenkins-casc' }).Data['jenkins.yaml']
        }

        It 'writes the controller, its RBAC, secrets, configuration, services and ingress' {
            $files | Should -HaveCount 13
            ($objects.Kind | Sort-Object) | Should -Be @('ConfigMap', 'ConfigMap', 'Ingress', 'Namespace', 'Role', 'RoleBinding', 'Secret', 'Secret', 'Service', 'Service', 'ServiceAccount', 'ServiceAccount', 'StatefulSet')
            $set = $objects | Where-Object Kind -eq StatefulSet
            $set.Spec.Template.Spec.SecurityContext.RunAsUser | Should -Be 1000
            $set.Spec.Template.Spec.SecurityContext.RunAsNonRoot | Should -BeTrue
            $set.Spec.Template.Spec.Containers[0].SecurityContext.AllowPrivilegeEscalation | Should -BeFalse
            $set.Spec.VolumeClaimTemplates[0].Spec.StorageClassName | Should -Be 'nfs'
            ($objects | Where-Object Kind -eq Ingress).Spec.Rules[0].Host | Should -Be 'jenkins.example.com'
            ($objects | Where-Object Kind -eq Role).Rules.Resources | Should -Be @('pods', 'pods/exec', 'pods/log', 'events')
        }

        It 'writes the secrets owner-only and keeps the password out of the configuration' {
            foreach ($f in Get-ChildItem $dir -Filter 'secret-*.yaml') { [int] $f.UnixFileMode | Should -Be 384 -Because "$($f.Name) should be 0600" }
            [int] (Get-Item (Join-Path $dir '03-configmap-jenkins-jenkins-casc.yaml')).UnixFileMode | Should -Not -Be 384
            $casc | Should -Not -Match ([regex]::Escape($password))
            $casc | Should -Match '\$\{JENKINS_ADMIN_PASSWORD\}'
        }

        It 'writes configuration as code whose every key is documented and typed' {
            $doc = Get-Casc $casc
            { Test-CascSchema $doc } | Should -Not -Throw
            $doc.jenkins.clouds[0].kubernetes.templates.label | Should -Be @('maven', 'nodejs', 'buildkit', 'kubeops')
            $doc.unclassified.location.url | Should -Be 'https://jenkins.example.com/'
        }

        It 'fails the schema check for an undocumented key (the check can fail)' {
            { Test-CascSchema (Get-Casc ($casc -replace 'webSocket:', 'webSockets:')) } | Should -Throw "*webSockets*"
            { Test-CascSchema (Get-Casc ($casc -replace 'numExecutors: 0', 'numExecutors: none')) } | Should -Throw "*numExecutors*"
        }

        It 'never shows the passwords in any stream' {
            $text = Invoke-KoCaptured { Install-KoJenkins -AdminCredential $admin -Registry registry.example.com -RegistryCredential $robot -OutputDirectory (Join-Path $TestDrive 'quiet') -Verbose -Debug }
            $text | Should -Match '03-secret-jenkins-jenkins-admin.yaml'
            foreach ($s in $password, $regPassword, $b64) { $text | Should -Not -Match ([regex]::Escape($s)) }
        }

        It 'warns about what the cluster must already have' {
            $null = Install-KoJenkins -Registry registry.example.com -Ingress @{ Host = 'ci.example.com' } -OutputDirectory (Join-Path $TestDrive 'warn') -WarningVariable w -WarningAction SilentlyContinue
            "$w" | Should -Match 'jenkins-admin'
            "$w" | Should -Match 'jenkins-registry'
            "$w" | Should -Match 'plain HTTP'
        }

        It 'writes nothing with -WhatIf' {
            $ghost = Join-Path $TestDrive 'ghost'
            Install-KoJenkins -AdminCredential $admin -OutputDirectory $ghost -WhatIf
            Test-Path $ghost | Should -BeFalse
        }

        It 'refuses <Case> before anything is written' -ForEach @(
            @{ Case = 'a registry that is not a URL'; Splat = @{ Registry = 'not a registry' }; Message = "*-Registry 'not a registry' is not a registry URL*" }
            @{ Case = 'a registry URL with another scheme'; Splat = @{ Registry = 'ftp://registry.example.com' }; Message = "*-Registry*not a registry URL*" }
            @{ Case = 'credentials in the registry URL'; Splat = @{ Registry = 'https://u:p@registry.example.com' }; Message = "*must not carry credentials*" }
            @{ Case = 'a bad namespace'; Splat = @{ Namespace = 'CI Space' }; Message = "*-Namespace*" }
            @{ Case = 'a bad storage size'; Splat = @{ StorageSize = 'lots' }; Message = "*lots*" }
            @{ Case = 'an ingress without a host'; Splat = @{ Ingress = @{ TlsSecretName = 'x' } }; Message = "*-Ingress needs a Host*" }
        ) {
            $out = Join-Path $TestDrive "bad-$([Guid]::NewGuid().ToString('N'))"
            { Install-KoJenkins @Splat -OutputDirectory $out -ErrorAction Stop -WarningAction SilentlyContinue } | Should -Throw -ExpectedMessage $Message -ErrorId 'InvalidArgument*'
            Test-Path $out | Should -BeFalse
        }
    }

    Context 'on the fake cluster' {
        BeforeAll {
            $script:cluster = Start-KoFakeCluster -ClockSpeed 10
            $script:kc = $cluster.KubeConfig
        }
        AfterAll { Stop-KoFakeCluster $script:cluster }

        It 'applies the bundle and kubectl reads it back' {
            $r = Install-KoJenkins -Namespace ci -AdminCredential $admin -Registry registry.example.com/team -RegistryCredential $robot -Ingress @{ Host = 'jenkins.example.com'; TlsSecretName = 'jenkins-tls' } -Wait -Timeout 00:01:00 -KubeConfig $kc
            $r | Should -HaveCount 13
            $r.Outcome | Sort-Object -Unique | Should -Be 'Created'
            (Invoke-KoKubectl $kc get statefulset jenkins -n ci -o 'jsonpath={.spec.template.spec.securityContext.runAsUser}') | Should -Be '1000'
            (Invoke-KoKubectl $kc get role jenkins-agents -n ci -o 'jsonpath={.rules[0].resources[0]}') | Should -Be 'pods'
            (Invoke-KoKubectl $kc get secret jenkins-registry -n ci -o 'jsonpath={.type}') | Should -Be 'kubernetes.io/dockerconfigjson'
            $live = Invoke-KoKubectl $kc get secret jenkins-admin -n ci -o 'jsonpath={.data.password}'
            [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($live)) | Should -Be $password
            (Invoke-KoKubectl $kc get ingress jenkins -n ci -o 'jsonpath={.spec.rules[0].http.paths[0].backend.service.port.number}') | Should -Be '8080'
            (Invoke-KoKubectl $kc get configmap jenkins-casc -n ci -o 'jsonpath={.data.jenkins\.yaml}') -join "`n" | Should -Match 'webSocket: true'
        }

        It 'installs again without changes' {
            $r = Install-KoJenkins -Namespace ci -AdminCredential $admin -Registry registry.example.com/team -RegistryCredential $robot -Ingress @{ Host = 'jenkins.example.com'; TlsSecretName = 'jenkins-tls' } -KubeConfig $kc
            $r.Outcome | Sort-Object -Unique | Should -Be 'Unchanged'
        }

        It 'writes agent pods the API server accepts' {
            $cm = Get-KoResource ConfigMap jenkins-casc -Namespace ci -KubeConfig $kc
            $doc = Get-Casc $cm.Data['jenkins.yaml']
            foreach ($t in $doc.jenkins.clouds[0].kubernetes.templates) {
                $pod = $t.yaml | ConvertFrom-KoYaml
                $pod.Kind | Should -Be 'Pod'
                $pod.Metadata.Name = "probe-$($t.name)"; $pod.Metadata.NamespaceProperty = 'ci'
                $pod.Spec.ServiceAccountName = $t.serviceAccount
                ($pod | Publish-KoResource -KubeConfig $kc).Outcome | Should -Be 'Created'
                (Invoke-KoKubectl $kc get pod "probe-$($t.name)" -n ci -o 'jsonpath={.spec.securityContext.runAsNonRoot}') | Should -Be 'true'
            }
        }

        It 'applies nothing with -WhatIf' {
            Clear-KoFakeRequests $cluster
            Install-KoJenkins -Namespace other -AdminCredential $admin -KubeConfig $kc -WhatIf
            @(Get-KoFakeRequests $cluster | Where-Object { $_.method -ne 'GET' -and $_.path -notmatch '^/apis/(authorization|authentication)\.k8s\.io/' }).Count | Should -Be 0 -Because 'only the access reviews of the permission check, which store nothing'
        }
    }
}
