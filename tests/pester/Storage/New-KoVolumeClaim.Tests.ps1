BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
}

Describe 'New-KoVolumeClaim' {
    It 'builds a claim with the class in spec.storageClassName' {
        $c = New-KoVolumeClaim -Name mysql-data -Size 10Gi -AccessMode ReadWriteMany -StorageClass nfs -Namespace db -Label @{ app = 'mysql' }
        $c.GetType().Name | Should -Be 'V1PersistentVolumeClaim'
        $c.Name | Should -Be 'mysql-data'
        $c.Namespace | Should -Be 'db'
        $c.Spec.AccessModes | Should -Be @('ReadWriteMany')
        $c.Spec.StorageClassName | Should -Be 'nfs'
        $c.Spec.Resources.Requests['storage'].ToString() | Should -Be '10Gi'
        $c.Metadata.Labels['app'] | Should -Be 'mysql'
        $c.Metadata.Annotations | Should -BeNullOrEmpty
    }

    It 'writes YAML that reads back as the same claim' {
        $dir = Join-Path $TestDrive 'claims'
        New-KoVolumeClaim -Name pg-data -Size 5Gi | ConvertTo-KoYaml -OutputDirectory $dir | Out-Null
        $back = Get-ChildItem $dir | ConvertFrom-KoYaml
        $back.Kind | Should -Be 'PersistentVolumeClaim'
        $back.Spec.AccessModes | Should -Be @('ReadWriteOnce')
        $back.Spec.StorageClassName | Should -BeNullOrEmpty
    }

    It 'refuses <Case>' -ForEach @(
        @{ Case = 'a size that is not a quantity'; Splat = @{ Name = 'd'; Size = 'ten' }; Message = "*-Size 'ten'*quantity*" }
        @{ Case = 'a size in the wrong unit'; Splat = @{ Name = 'd'; Size = '10GB' }; Message = "*-Size '10GB'*" }
        @{ Case = 'an access mode that does not exist'; Splat = @{ Name = 'd'; Size = '1Gi'; AccessMode = 'ReadWriteSometimes' }; Message = "*-AccessMode 'ReadWriteSometimes'*ReadWriteMany*" }
        @{ Case = 'an invalid name'; Splat = @{ Name = 'My_Data'; Size = '1Gi' }; Message = "*-Name*" }
        @{ Case = 'an invalid namespace'; Splat = @{ Name = 'd'; Size = '1Gi'; Namespace = 'Bad NS' }; Message = "*-Namespace*" }
    ) {
        $err = $null
        try { New-KoVolumeClaim @Splat -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.Exception.Message | Should -BeLike $Message
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
    }

    Context 'connected' {
        BeforeAll {
            $script:cluster = Start-KoFakeCluster
            "apiVersion: storage.k8s.io/v1`nkind: StorageClass`nmetadata: {name: fast}`nprovisioner: example.com/fast" | ConvertFrom-KoYaml | Publish-KoResource -KubeConfig $cluster.KubeConfig | Out-Null
        }
        AfterAll { Stop-KoFakeCluster $script:cluster }

        It 'warns with the classes there are when the class does not exist' {
            $c = New-KoVolumeClaim -Name d -Size 1Gi -StorageClass nfs -KubeConfig $cluster.KubeConfig -WarningVariable w -WarningAction SilentlyContinue
            $c | Should -Not -BeNullOrEmpty
            "$w" | Should -Match "Storage class 'nfs' does not exist"
            "$w" | Should -Match 'Classes: fast'
        }

        It 'warns when there is no default class for a claim without one' {
            $null = New-KoVolumeClaim -Name d -Size 1Gi -KubeConfig $cluster.KubeConfig -WarningVariable w -WarningAction SilentlyContinue
            "$w" | Should -Match 'no default storage class'
        }

        It 'says nothing when the class exists' {
            $null = New-KoVolumeClaim -Name d -Size 1Gi -StorageClass fast -KubeConfig $cluster.KubeConfig -WarningVariable w
            $w | Should -BeNullOrEmpty
        }
    }
}
