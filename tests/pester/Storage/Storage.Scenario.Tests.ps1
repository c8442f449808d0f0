# The storage recipe end to end on the fake cluster: NFS storage installed, a claim and a StatefulSet with
# volumeClaimTemplates bound, the StatefulSet deleted with its claims still there, and the safe delete.
BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:cluster = Start-KoFakeCluster -ClockSpeed 10 -PodReadyDelayMs 500
    $script:kc = $cluster.KubeConfig
    Connect-KoCluster -KubeConfig $kc | Out-Null
}
AfterAll { Stop-KoFakeCluster $script:cluster }

Describe 'The storage recipe on a cluster' {
    It 'installs NFS storage as the default class' {
        Install-KoNfsStorage -HostPath /srv/nfs -NodeName node-1 -Default -Wait -Timeout 00:01:00 | Out-Null
        (Get-KoResource StorageClass nfs).ReclaimPolicy | Should -Be 'Retain'
    }

    It 'binds PostgreSQL''s claim and runs it as a Deployment' {
        $objects = @(
            New-KoVolumeClaim -Name pg-data -Size 10Gi -StorageClass nfs
            New-KoDeployment -Name pg -Image postgres:18 -Port 5432 -VolumeClaim pg-data:/var/lib/postgresql -ReadinessProbe tcp:5432
        )
        $claim = $objects | Publish-KoResource | Wait-KoVolumeClaim -Timeout 00:01:00
        $claim.Status.Phase | Should -Be 'Bound'
        (Wait-KoRollout -Name pg -Timeout 00:01:00).Outcome | Should -Be 'RolledOut'
    }

    It 'binds one claim per MySQL pod from the volumeClaimTemplates' {
        New-KoStatefulSet -Name mysql -Image mysql:8.4 -Replicas 2 -Port 3306 -VolumeClaimTemplate data=10Gi:/var/lib/mysql -StorageClass nfs -WithHeadlessService | Publish-KoResource | Out-Null
        (Wait-KoRollout -Name mysql -Kind StatefulSet -Timeout 00:01:00).Outcome | Should -Be 'RolledOut'
        $claims = Wait-KoVolumeClaim -Name data-mysql-0, data-mysql-1 -Timeout 00:01:00
        $claims.Status.Phase | Should -Be @('Bound', 'Bound')
        (Invoke-KoKubectl $kc get pvc data-mysql-1 -o 'jsonpath={.status.phase}') | Should -Be 'Bound'
    }

    It 'keeps the claims when the StatefulSet is deleted' {
        Remove-KoResource -Kind StatefulSet -Name mysql -Wait -Timeout 00:01:00
        Get-KoResource StatefulSet | Where-Object Name -eq mysql | Should -BeNullOrEmpty
        $left = Get-KoResource PersistentVolumeClaim | Where-Object Name -like 'data-mysql-*'
        $left.Name | Sort-Object | Should -Be @('data-mysql-0', 'data-mysql-1')
        $left.Status.Phase | Should -Be @('Bound', 'Bound')
    }

    It 'deletes a retained claim and says the data stays' {
        $r = Remove-KoVolumeClaim -Name data-mysql-1 -Confirm:$false
        $r.Fate | Should -Be 'Retained'
        (Get-KoResource PersistentVolume $r.Volume).Spec.PersistentVolumeReclaimPolicy | Should -Be 'Retain'
    }

    It 'guards a claim whose data would be destroyed: -WhatIf, refusal, -Force' {
        "apiVersion: storage.k8s.io/v1`nkind: StorageClass`nmetadata: {name: nfs-scratch}`nprovisioner: nfs.kubeops.io/kubeops-storage`nreclaimPolicy: Delete" | ConvertFrom-KoYaml | Publish-KoResource | Out-Null
        $pvc = New-KoVolumeClaim -Name scratch -Size 1Gi -StorageClass nfs-scratch | Publish-KoResource | Wait-KoVolumeClaim
        Remove-KoVolumeClaim -Name scratch -WhatIf
        { Remove-KoVolumeClaim -Name scratch -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'DataWouldBeDestroyed*'
        Get-KoResource PersistentVolumeClaim scratch | Should -Not -BeNullOrEmpty
        (Remove-KoVolumeClaim -Name scratch -Force -Confirm:$false).Fate | Should -Be 'Destroyed'
        Get-KoResource PersistentVolumeClaim | Where-Object Name -eq scratch | Should -BeNullOrEmpty
        # The volume went with it.
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while ((Get-KoResource PersistentVolume | Where-Object Name -eq $pvc.Spec.VolumeName) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
        Get-KoResource PersistentVolume | Where-Object Name -eq $pvc.Spec.VolumeName | Should -BeNullOrEmpty
    }
}
