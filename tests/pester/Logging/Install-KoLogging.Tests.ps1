BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
}

Describe 'Install-KoLogging' {
    Context 'offline' {
        It 'writes Fluent Bit, Elasticsearch and Kibana as manifests that read back as typed objects' {
            $dir = Join-Path $TestDrive 'logging'
            $files = Install-KoLogging -StorageClass nfs -StorageSize 50Gi -OutputDirectory $dir
            $files | Should -HaveCount 15
            $objects = Get-ChildItem $dir -Filter *.yaml | ConvertFrom-KoYaml
            ($objects.Kind | Sort-Object -Unique) | Should -Be @('ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'DaemonSet', 'Deployment', 'Job', 'Namespace', 'Secret', 'Service', 'ServiceAccount', 'StatefulSet')
            $objects | ForEach-Object { if ($_.Kind -notin 'Namespace', 'ClusterRole', 'ClusterRoleBinding') { $_.Metadata.NamespaceProperty | Should -Be 'kubeops-logging' } }
            $es = $objects | Where-Object Kind -eq StatefulSet
            $es.Spec.VolumeClaimTemplates[0].Spec.StorageClassName | Should -Be 'nfs'
            $es.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests['storage'].ToString() | Should -Be '50Gi'
            $es.Spec.Template.Spec.InitContainers[0].Command[-1] | Should -Be 'sysctl -w vm.max_map_count=262144'
            ($objects | Where-Object Kind -eq DaemonSet).Name | Should -Be 'fluent-bit'
            $kibana = ($objects | Where-Object Kind -eq Deployment).Spec.Template.Spec.Containers[0].Env
            ($kibana | Where-Object Name -eq SERVER_BASEPATH).Value | Should -Be '/kibana'
            ($kibana | Where-Object Name -eq SERVER_REWRITEBASEPATH).Value | Should -Be 'true'
        }

        It 'generates new strong passwords into the Secret on every run' {
            $a = Install-KoLogging -OutputDirectory (Join-Path $TestDrive 'a') | Where-Object Name -like '03-secret-*' | ForEach-Object { ConvertFrom-KoYaml -LiteralPath $_.FullName }
            $b = Install-KoLogging -OutputDirectory (Join-Path $TestDrive 'b') | Where-Object Name -like '03-secret-*' | ForEach-Object { ConvertFrom-KoYaml -LiteralPath $_.FullName }
            foreach ($key in 'elastic-password', 'kibana-password', 'shipper-password') {
                $a.StringData[$key] | Should -Match '^[A-Za-z0-9]{32}$'
                $a.StringData[$key] | Should -Not -Be $b.StringData[$key]
            }
            $a.StringData['elastic-password'] | Should -Not -Be $a.StringData['kibana-password']
        }

        It 'ships with fluentd when asked' {
            $dir = Join-Path $TestDrive 'fluentd'
            $null = Install-KoLogging -Shipper Fluentd -OutputDirectory $dir
            $objects = Get-ChildItem $dir -Filter *.yaml | ConvertFrom-KoYaml
            ($objects | Where-Object Kind -eq DaemonSet).Name | Should -Be 'fluentd'
            $conf = ($objects | Where-Object { $_.Kind -eq 'ConfigMap' -and $_.Name -eq 'fluentd-config' }).Data['fluent.conf']
            $conf | Should -Match '(?m)^\s*suppress_type_name true$'
            $conf | Should -Match '(?m)^\s*@type cri$'
        }

        It 'exposes Kibana through an Ingress on its sub-path' {
            $dir = Join-Path $TestDrive 'ingress'
            $null = Install-KoLogging -KibanaPath /logs -Ingress @{ Host = 'ops.example.com'; TlsSecretName = 'ops-tls'; BasicAuthSecret = 'ops-auth'; Controller = 'IngressNginx' } -OutputDirectory $dir
            $objects = Get-ChildItem $dir -Filter *.yaml | ConvertFrom-KoYaml
            $ing = $objects | Where-Object Kind -eq Ingress
            $ing.Spec.Rules[0].Host | Should -Be 'ops.example.com'
            $ing.Spec.Rules[0].Http.Paths[0].Path | Should -Be '/logs'
            $ing.Spec.Rules[0].Http.Paths[0].Backend.Service.Name | Should -Be 'kibana'
            $ing.Spec.Tls[0].SecretName | Should -Be 'ops-tls'
            $ing.Metadata.Annotations['nginx.ingress.kubernetes.io/auth-secret'] | Should -Be 'ops-auth'
            $env = ($objects | Where-Object Kind -eq Deployment).Spec.Template.Spec.Containers[0].Env
            ($env | Where-Object Name -eq SERVER_PUBLICBASEURL).Value | Should -Be 'https://ops.example.com/logs'
        }

        It 'warns about CORS for every origin' {
            $null = Install-KoLogging -CorsAllowOrigin '*' -OutputDirectory (Join-Path $TestDrive 'cors') -WarningVariable w -WarningAction SilentlyContinue
            "$w" | Should -Match 'any web site'
            $null = Install-KoLogging -CorsAllowOrigin 'https://grafana.example.com' -OutputDirectory (Join-Path $TestDrive 'cors2') -WarningVariable w2 -WarningAction SilentlyContinue
            "$w2" | Should -BeNullOrEmpty
        }

        It 'writes nothing with -WhatIf' {
            $dir = Join-Path $TestDrive 'ghost'
            Install-KoLogging -OutputDirectory $dir -WhatIf
            Test-Path $dir | Should -BeFalse
        }

        It 'refuses <Case> before anything is written' -ForEach @(
            @{ Case = 'a memory size that is not a quantity'; Splat = @{ Memory = 'lots' }; Message = "*-Memory 'lots'*quantity*" }
            @{ Case = 'a heap larger than the container limit'; Splat = @{ Memory = '2Gi'; Heap = '3Gi' }; Message = "*-Heap '3Gi'*larger than the container's memory limit*" }
            @{ Case = 'a retention of zero'; Splat = @{ RetentionDays = 0 }; Message = "*-RetentionDays 0*" }
            @{ Case = 'a negative retention'; Splat = @{ RetentionDays = -7 }; Message = "*-RetentionDays -7*" }
            @{ Case = 'a sub-path without a leading slash'; Splat = @{ KibanaPath = 'kibana' }; Message = "*-KibanaPath 'kibana' must start with '/'*" }
            @{ Case = 'a sub-path with a trailing slash'; Splat = @{ KibanaPath = '/kibana/' }; Message = "*-KibanaPath '/kibana/'*trailing*" }
            @{ Case = 'an -Ingress without a host'; Splat = @{ Ingress = @{ TlsSecretName = 'x' } }; Message = "*-Ingress needs a Host*" }
            @{ Case = 'a bad storage class'; Splat = @{ StorageClass = 'Fast SSD' }; Message = "*-StorageClass*" }
        ) {
            $dir = Join-Path $TestDrive "bad-$([Guid]::NewGuid().ToString('N'))"
            { Install-KoLogging @Splat -OutputDirectory $dir -ErrorAction Stop } | Should -Throw -ExpectedMessage $Message
            Test-Path $dir | Should -BeFalse
        }

        It 'refuses an unknown shipper at binding, naming the ones there are' {
            { Install-KoLogging -Shipper Logstash -OutputDirectory $TestDrive } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage*' -ExpectedMessage '*FluentBit, Fluentd*'
        }
    }

    Context 'on the fake cluster' {
        BeforeAll {
            $script:cluster = Start-KoFakeCluster -ClockSpeed 10
            $script:kc = $cluster.KubeConfig
        }
        AfterAll { Stop-KoFakeCluster $script:cluster }

        It 'applies the stack, and kubectl reads back the shipper, Elasticsearch, the setup Job and the Ingress' {
            $r = Install-KoLogging -StorageClass nfs -Ingress @{ Host = 'ops.example.com' } -KubeConfig $kc
            $r | Should -HaveCount 16
            $r.Outcome | Sort-Object -Unique | Should -Be 'Created'
            (Invoke-KoKubectl $kc get daemonset fluent-bit -n kubeops-logging -o 'jsonpath={.spec.template.spec.containers[0].image}') | Should -Be 'cr.fluentbit.io/fluent/fluent-bit:5.1.2'
            (Invoke-KoKubectl $kc get statefulset elasticsearch -n kubeops-logging -o 'jsonpath={.spec.volumeClaimTemplates[0].spec.storageClassName}') | Should -Be 'nfs'
            (Invoke-KoKubectl $kc get jobs -n kubeops-logging -o 'jsonpath={.items[0].metadata.name}') | Should -Match '^elasticsearch-setup-[0-9a-f]{10}$'
            (Invoke-KoKubectl $kc get ingress kibana -n kubeops-logging -o 'jsonpath={.spec.rules[0].http.paths[0].path}') | Should -Be '/kibana'
            $yml = Invoke-KoKubectl $kc get configmap elasticsearch-config -n kubeops-logging -o 'jsonpath={.data.elasticsearch\.yml}'
            ($yml -join "`n") | Should -Match 'xpack.security.enabled: true'
        }

        It 'keeps the existing passwords when installed again, and changes nothing' {
            $before = Invoke-KoKubectl $kc get secret elasticsearch-credentials -n kubeops-logging -o 'jsonpath={.data.elastic-password}'
            $r = Install-KoLogging -StorageClass nfs -Ingress @{ Host = 'ops.example.com' } -KubeConfig $kc
            $r.Kind | Should -Not -Contain 'Secret'
            $r.Outcome | Sort-Object -Unique | Should -Be 'Unchanged'
            Invoke-KoKubectl $kc get secret elasticsearch-credentials -n kubeops-logging -o 'jsonpath={.data.elastic-password}' | Should -Be $before
        }

        It 'never shows a password in its output streams' {
            $out = Invoke-KoCaptured { Install-KoLogging -Namespace logs-two -KubeConfig $kc -Verbose }
            $encoded = Invoke-KoKubectl $kc get secret elasticsearch-credentials -n logs-two -o 'jsonpath={.data.elastic-password}'
            $password = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String("$encoded"))
            $password | Should -Match '^[A-Za-z0-9]{32}$'
            $out | Should -Not -BeNullOrEmpty
            $out | Should -Not -Match $password
        }

        It 'stops before anything is written when the credentials Secret cannot be read (<Code>): only a 404 means absent' -ForEach @(
            @{ Code = 403; Reason = 'Forbidden'; Message = '*secrets "elasticsearch-credentials" in namespace "kubeops-logging"*' }
            @{ Code = 500; Reason = 'ServerError'; Message = 'Asking who the current user is:*' }
        ) {
            Clear-KoFakeRequests $cluster
            $caught = Invoke-KoFaulted $cluster $Code { Install-KoLogging -Namespace kubeops-logging -KubeConfig $kc -ErrorAction SilentlyContinue }
            $caught | Should -Not -BeNullOrEmpty -Because 'an unreadable Secret is not an absent one'
            $caught.FullyQualifiedErrorId | Should -BeLike "$Reason,*"
            # The permission check runs first (who the user is, then one access review per permission): the failure stops it there.
            $caught.Exception.Message | Should -BeLike $Message
            @(Get-KoFakeRequests $cluster | Where-Object { $_.path -notmatch '^/apis/(authorization|authentication)\.k8s\.io/' }).Count | Should -Be 0 -Because 'nothing else is read or written'
        }

        It 'applies nothing with -WhatIf' {
            Clear-KoFakeRequests $cluster
            Install-KoLogging -Namespace logs-ghost -KubeConfig $kc -WhatIf
            @(Get-KoFakeRequests $cluster | Where-Object { $_.method -ne 'GET' -and $_.path -notmatch '^/apis/(authorization|authentication)\.k8s\.io/' }).Count | Should -Be 0 -Because 'only the access reviews of the permission check, which store nothing'
        }
    }
}
