BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
}

Describe 'Install-KoNfsStorage' {
    Context 'offline' {
        It 'writes the in-cluster NFS server as manifests that read back as typed objects' {
            $dir = Join-Path $TestDrive 'nfs'
            $files = Install-KoNfsStorage -HostPath /srv/nfs -NodeName node-1 -OutputDirectory $dir
            $files | Should -HaveCount 9
            $objects = Get-ChildItem $dir -Filter *.yaml | ConvertFrom-KoYaml
            ($objects.Kind | Sort-Object) | Should -Be @('ClusterRole', 'ClusterRoleBinding', 'Namespace', 'Role', 'RoleBinding', 'Service', 'ServiceAccount', 'StatefulSet', 'StorageClass')
            $set = $objects | Where-Object Kind -eq StatefulSet
            $set.Spec.Template.Spec.Volumes[0].HostPath.Path | Should -Be '/srv/nfs'
            $set.Spec.Template.Spec.NodeSelector['kubernetes.io/hostname'] | Should -Be 'node-1'
            $set.Spec.Template.Spec.Containers[0].Image | Should -Be 'registry.k8s.io/sig-storage/nfs-provisioner:v4.0.8'
            $sc = $objects | Where-Object Kind -eq StorageClass
            $sc.Name | Should -Be 'nfs'
            $sc.ReclaimPolicy | Should -Be 'Retain'
            $sc.MountOptions | Should -Be @('nfsvers=4.1')
            ($objects | Where-Object Kind -eq Namespace).Name | Should -Be 'kubeops-storage'
        }

        It 'warns that an unpinned server may move away from its data' {
            $null = Install-KoNfsStorage -HostPath /srv/nfs -OutputDirectory (Join-Path $TestDrive 'unpinned') -WarningVariable w -WarningAction SilentlyContinue
            "$w" | Should -Match '-NodeName'
        }

        It 'writes csi-driver-nfs and an onDelete class for an existing server' {
            $dir = Join-Path $TestDrive 'csi'
            $files = Install-KoNfsStorage -Server nas01.example.com -Share /k8s -OnDelete Archive -StorageClassName nas -Default -MountOption nfsvers=4.1, hard -OutputDirectory $dir
            $files | Should -HaveCount 11
            $objects = Get-ChildItem $dir -Filter *.yaml | ConvertFrom-KoYaml
            $sc = $objects | Where-Object Kind -eq StorageClass
            $sc.Provisioner | Should -Be 'nfs.csi.k8s.io'
            $sc.Parameters['server'] | Should -Be 'nas01.example.com'
            $sc.Parameters['share'] | Should -Be '/k8s'
            $sc.Parameters['onDelete'] | Should -Be 'archive'
            $sc.MountOptions | Should -Be @('nfsvers=4.1', 'hard')
            $sc.Metadata.Annotations['storageclass.kubernetes.io/is-default-class'] | Should -Be 'true'
            ($objects | Where-Object Kind -eq CSIDriver).Name | Should -Be 'nfs.csi.k8s.io'
            ($objects | Where-Object Kind -eq DaemonSet).Spec.Template.Spec.Containers.Name | Should -Contain 'node-driver-registrar'
        }

        It 'warns when the data would be deleted with its claims' {
            $null = Install-KoNfsStorage -Server nas01 -Share /k8s -OnDelete Delete -OutputDirectory (Join-Path $TestDrive 'del') -WarningVariable w -WarningAction SilentlyContinue
            "$w" | Should -Match 'deletes a volume''s data'
            $null = Install-KoNfsStorage -Server nas01 -Share /k8s -OutputDirectory (Join-Path $TestDrive 'keep') -WarningVariable w2 -WarningAction SilentlyContinue
            "$w2" | Should -Not -Match 'deletes'
        }

        It 'writes nothing with -WhatIf' {
            $dir = Join-Path $TestDrive 'ghost'
            Install-KoNfsStorage -HostPath /srv/nfs -NodeName node-1 -OutputDirectory $dir -WhatIf
            Test-Path $dir | Should -BeFalse
        }

        It 'refuses <Case> before anything is written' -ForEach @(
            @{ Case = 'a relative host path'; Splat = @{ HostPath = 'srv/nfs' }; Message = "*-HostPath 'srv/nfs'*absolute*" }
            @{ Case = 'the root directory'; Splat = @{ HostPath = '/' }; Message = "*whole file system*" }
            @{ Case = 'a bad node name'; Splat = @{ HostPath = '/srv'; NodeName = 'Node One' }; Message = "*-NodeName*" }
            @{ Case = 'a bad class name'; Splat = @{ HostPath = '/srv'; StorageClassName = 'NFS_Class' }; Message = "*-StorageClassName*" }
            @{ Case = 'a relative share'; Splat = @{ Server = 'nas01'; Share = 'k8s' }; Message = "*-Share 'k8s'*" }
            @{ Case = 'a bad server'; Splat = @{ Server = 'nas 01'; Share = '/k8s' }; Message = "*-Server 'nas 01'*" }
            @{ Case = 'a mount option with a comma'; Splat = @{ HostPath = '/srv'; MountOption = 'vers=3,hard' }; Message = "*-MountOption*" }
        ) {
            $dir = Join-Path $TestDrive "bad-$([Guid]::NewGuid().ToString('N'))"
            { Install-KoNfsStorage @Splat -OutputDirectory $dir -ErrorAction Stop -WarningAction SilentlyContinue } | Should -Throw -ExpectedMessage $Message
            Test-Path $dir | Should -BeFalse
        }

        It 'refuses an unknown -OnDelete or -ReclaimPolicy at binding' {
            { Install-KoNfsStorage -Server nas01 -Share /k8s -OnDelete Shred -OutputDirectory $TestDrive } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
            { Install-KoNfsStorage -HostPath /srv -ReclaimPolicy Recycle -OutputDirectory $TestDrive } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        }
    }

    Context 'on the fake cluster' {
        BeforeAll {
            $script:cluster = Start-KoFakeCluster -ClockSpeed 10
            $script:kc = $cluster.KubeConfig
        }
        AfterAll { Stop-KoFakeCluster $script:cluster }

        It 'applies the in-cluster server, waits for it, and the class is the default one' {
            $r = Install-KoNfsStorage -HostPath /srv/nfs -NodeName node-1 -Default -Wait -Timeout 00:01:00 -KubeConfig $kc
            $r | Should -HaveCount 9
            $r.Outcome | Sort-Object -Unique | Should -Be 'Created'
            $set = Get-KoResource StatefulSet nfs-server -Namespace kubeops-storage -KubeConfig $kc
            $set.Status.ReadyReplicas | Should -Be 1
            (Invoke-KoKubectl $kc get storageclass nfs -o 'jsonpath={.metadata.annotations.storageclass\.kubernetes\.io/is-default-class}') | Should -Be 'true'
        }

        It 'installs again without changes' {
            $r = Install-KoNfsStorage -HostPath /srv/nfs -NodeName node-1 -Default -KubeConfig $kc -WarningAction SilentlyContinue
            $r.Outcome | Sort-Object -Unique | Should -Be 'Unchanged'
        }

        It 'warns when another class is already the default' {
            $null = Install-KoNfsStorage -Server nas01 -Share /k8s -StorageClassName nas -Default -KubeConfig $kc -WarningVariable w -WarningAction SilentlyContinue
            "$w" | Should -Match 'nfs is also marked default'
        }

        It 'applies nothing with -WhatIf' {
            Clear-KoFakeRequests $cluster
            Install-KoNfsStorage -HostPath /srv/other -Namespace other-storage -KubeConfig $kc -WhatIf -WarningAction SilentlyContinue
            @(Get-KoFakeRequests $cluster | Where-Object { $_.method -ne 'GET' -and $_.path -notmatch '^/apis/(authorization|authentication)\.k8s\.io/' }).Count | Should -Be 0 -Because 'only the access reviews of the permission check, which store nothing'
        }
    }
}
