BeforeAll { Import-Module $env:KO_MODULE -Force }

Describe 'New-KoStatefulSet' {
    It 'builds the seed''s MySQL with a claim template kept on delete and scale-down' {
        $s = New-KoStatefulSet -Name mysql -Image mysql:8.4 -Replicas 2 -Port 3306 -EnvFromSecret mysql-root -ReadinessProbe tcp:3306 -VolumeClaimTemplate data=10Gi:/var/lib/mysql -StorageClass nfs -Cpu 250m -Memory 512Mi
        $s.GetType().Name | Should -Be 'V1StatefulSet'
        $s.Spec.Replicas | Should -Be 2
        $s.Spec.ServiceName | Should -Be 'mysql'
        $s.Spec.Selector.MatchLabels['app.kubernetes.io/name'] | Should -Be 'mysql'
        $s.Spec.Template.Metadata.Labels['app.kubernetes.io/name'] | Should -Be 'mysql'
        $t = $s.Spec.VolumeClaimTemplates[0]
        $t.Name | Should -Be 'data'
        $t.Spec.StorageClassName | Should -Be 'nfs'
        $t.Spec.Resources.Requests['storage'].ToString() | Should -Be '10Gi'
        $s.Spec.Template.Spec.Containers[0].VolumeMounts[0].MountPath | Should -Be '/var/lib/mysql'
        $s.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted | Should -Be 'Retain'
        $s.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled | Should -Be 'Retain'
        $s.Spec.Template.Spec.Containers[0].ReadinessProbe.TcpSocket.Port.Value | Should -Be '3306'
    }

    It 'emits the headless Service first with -WithHeadlessService' {
        $out = @(New-KoStatefulSet -Name pg -Image postgres:18 -Port 5432 -VolumeClaimTemplate data=5Gi:/var/lib/postgresql -WithHeadlessService)
        $out.Kind | Should -Be @('Service', 'StatefulSet')
        $out[0].Spec.ClusterIP | Should -Be 'None'
        $out[0].Name | Should -Be $out[1].Spec.ServiceName
        $out[0].Spec.Ports[0].Port | Should -Be 5432
    }

    It 'writes manifests with ConvertTo-KoYaml -OutputDirectory' {
        $dir = Join-Path $TestDrive 'pg'
        $files = New-KoStatefulSet -Name pg -Image postgres:18 -VolumeClaimTemplate data=5Gi:/var/lib/postgresql -WithHeadlessService | ConvertTo-KoYaml -OutputDirectory $dir
        $files | Should -HaveCount 2
        (Get-Content -Raw ($files | Where-Object Name -like '*statefulset*').FullName) | Should -Match 'volumeClaimTemplates:'
    }

    It 'refuses <Case>' -ForEach @(
        @{ Case = 'a template without a mount path'; Splat = @{ VolumeClaimTemplate = 'data=10Gi' }; Message = "*-VolumeClaimTemplate 'data=10Gi'*" }
        @{ Case = 'a template with a bad size'; Splat = @{ VolumeClaimTemplate = 'data=lots:/d' }; Message = "*-VolumeClaimTemplate 'data=lots:/d'*quantity*" }
        @{ Case = 'a probe that does not parse'; Splat = @{ ReadinessProbe = 'tcp:http' }; Message = "*-ReadinessProbe 'tcp:http'*" }
        @{ Case = 'an unknown access mode'; Splat = @{ VolumeClaimTemplate = 'data=1Gi:/d'; AccessMode = 'Shared' }; Message = "*-AccessMode 'Shared'*" }
        @{ Case = 'a dotted name'; Splat = @{ Name = 'my.db' }; Message = "*-Name 'my.db'*" }
        @{ Case = 'a claim without a path'; Splat = @{ VolumeClaim = 'backup' }; Message = "*-VolumeClaim 'backup'*" }
    ) {
        $base = @{ Name = 'db'; Image = 'mysql:8.4' }
        foreach ($k in $Splat.Keys) { $base[$k] = $Splat[$k] }
        { New-KoStatefulSet @base -ErrorAction Stop } | Should -Throw -ExpectedMessage $Message
    }
}
