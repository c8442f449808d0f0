BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:cluster = Start-KoFakeCluster -ClockSpeed 10
    $script:kc = $cluster.KubeConfig
    Connect-KoCluster -KubeConfig $kc | Out-Null
    "apiVersion: storage.k8s.io/v1`nkind: StorageClass`nmetadata: {name: keep}`nprovisioner: example.com/nfs`nreclaimPolicy: Retain" | ConvertFrom-KoYaml | Publish-KoResource | Out-Null
}
AfterAll { Stop-KoFakeCluster $script:cluster }

Describe 'Wait-KoVolumeClaim' {
    It 'waits for the claims among the objects Publish-KoResource applied and passes over the rest' {
        $objects = @(
            New-KoVolumeClaim -Name web-files -Size 1Gi -StorageClass keep -Namespace default
            New-KoDeployment -Name web -Image nginx:1.29 -VolumeClaim web-files:/usr/share/nginx/html -Namespace default
        )
        $bound = @($objects | Publish-KoResource | Wait-KoVolumeClaim -Timeout 00:01:00)
        $bound | Should -HaveCount 1
        $bound[0].GetType().Name | Should -Be 'V1PersistentVolumeClaim'
        $bound[0].Name | Should -Be 'web-files'
        $bound[0].Status.Phase | Should -Be 'Bound'
        $bound[0].Spec.VolumeName | Should -Not -BeNullOrEmpty
    }

    It 'takes claim objects and names' {
        New-KoVolumeClaim -Name a -Size 1Gi -StorageClass keep -Namespace default | Publish-KoResource | Out-Null
        (Get-KoResource PersistentVolumeClaim a -Namespace default | Wait-KoVolumeClaim).Status.Phase | Should -Be 'Bound'
        (Wait-KoVolumeClaim -Name a -Namespace default).Status.Phase | Should -Be 'Bound'
    }

    It 'times out on a claim that stays Pending, naming its last state' {
        New-KoVolumeClaim -Name stuck -Size 1Gi -StorageClass no-such-class -Namespace default -WarningAction SilentlyContinue | Publish-KoResource | Out-Null
        $err = $null
        Wait-KoVolumeClaim -Name stuck -Namespace default -Timeout 00:00:02 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaitTimeout*'
        $err[0].Exception.Message | Should -Match 'Pending \(class no-such-class\)'
    }

    It 'refuses a bad name before asking the cluster' {
        Clear-KoFakeRequests $cluster
        { Wait-KoVolumeClaim -Name 'Bad_Name' -ErrorAction Stop } | Should -Throw -ExpectedMessage '*-Name*'
        @(Get-KoFakeRequests $cluster).Count | Should -Be 0
    }
}
