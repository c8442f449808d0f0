BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:cluster = Start-KoFakeCluster -ClockSpeed 10
    $script:kc = $cluster.KubeConfig
    Connect-KoCluster -KubeConfig $kc | Out-Null
    @(
        "apiVersion: storage.k8s.io/v1`nkind: StorageClass`nmetadata: {name: keep}`nprovisioner: example.com/nfs`nreclaimPolicy: Retain"
        "apiVersion: storage.k8s.io/v1`nkind: StorageClass`nmetadata: {name: scratch}`nprovisioner: example.com/nfs`nreclaimPolicy: Delete"
    ) | ConvertFrom-KoYaml | Publish-KoResource | Out-Null
    function New-BoundClaim([string] $Name, [string] $Class) {
        New-KoVolumeClaim -Name $Name -Size 1Gi -StorageClass $Class -Namespace default | Publish-KoResource | Wait-KoVolumeClaim -Timeout 00:01:00
    }
    function Test-Claim([string] $Name) { [bool](Get-KoResource PersistentVolumeClaim -Namespace default | Where-Object Name -eq $Name) }
    # A child PowerShell that can be asked (stdin answers the question), as a person at a console would be.
    function Invoke-Answered([string] $Answer, [string] $Command) {
        $full = "Import-Module '$env:KO_MODULE'; $Command"
        $Answer | & ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -Command $full 2>&1 | Out-String
    }
}
AfterAll { Stop-KoFakeCluster $script:cluster }

Describe 'Remove-KoVolumeClaim' {
    It 'deletes a claim whose data is kept and says where the data stays' {
        $pvc = New-BoundClaim keep-1 keep
        $r = Remove-KoVolumeClaim -Name keep-1 -Namespace default -Confirm:$false
        $r.GetType().Name | Should -Be 'VolumeDeleteRisk'
        $r.Fate | Should -Be 'Retained'
        $r.Volume | Should -Be $pvc.Spec.VolumeName
        $r.ReclaimPolicy | Should -Be 'Retain'
        $r.Location | Should -Match '^nfs\.fake\.local:/exports/pvc-'
        $r.Message | Should -Match 'keeps its data'
        Test-Claim keep-1 | Should -BeFalse
        # The volume stays, Released, with the data.
        $pv = Get-KoResource PersistentVolume $pvc.Spec.VolumeName
        $pv | Should -Not -BeNullOrEmpty
    }

    It 'says what would happen with -WhatIf and deletes nothing' {
        New-BoundClaim whatif-1 scratch | Out-Null
        Clear-KoFakeRequests $cluster
        # What if: lines go to the host, so read them from a child PowerShell's output.
        $out = (Invoke-KoChildPwsh -Command "Import-Module '$env:KO_MODULE'; Remove-KoVolumeClaim -Name whatif-1 -Namespace default -KubeConfig '$kc' -WhatIf").Output
        Test-Claim whatif-1 | Should -BeTrue
        @(Get-KoFakeRequests $cluster | Where-Object method -ne 'GET').Count | Should -Be 0
        $out | Should -Match 'What if: Deleting claim default/whatif-1 DESTROYS its data'
        $out | Should -Match 'reclaim policy Delete'
    }

    It 'refuses to destroy data where nobody can be asked, and deletes nothing' {
        New-BoundClaim scratch-1 scratch | Out-Null
        $err = $null
        Remove-KoVolumeClaim -Name scratch-1 -Namespace default -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DataWouldBeDestroyed*'
        $err[0].Exception.Message | Should -Match 'DESTROYS its data'
        $err[0].ErrorDetails.RecommendedAction | Should -Match '-Force'
        $err[0].TargetObject | Should -Be 'PersistentVolumeClaim default/scratch-1'
        Test-Claim scratch-1 | Should -BeTrue
    }

    It 'asks before destroying data: No keeps the claim, Yes deletes it' {
        New-BoundClaim asked-1 scratch | Out-Null
        $command = "Remove-KoVolumeClaim -Name asked-1 -Namespace default -KubeConfig '$kc' -Confirm:`$false | ForEach-Object { 'FATE=' + `$_.Fate }"
        $no = Invoke-Answered 'n' $command
        $no | Should -Match 'The claim''s data will be destroyed'
        $no | Should -Match 'Delete the claim anyway\?'
        $no | Should -Not -Match 'FATE='
        Test-Claim asked-1 | Should -BeTrue
        $yes = Invoke-Answered 'y' $command
        $yes | Should -Match 'FATE=Destroyed'
        Test-Claim asked-1 | Should -BeFalse
    }

    It 'does not ask with -Force' {
        $pvc = New-BoundClaim forced-1 scratch
        $r = Remove-KoVolumeClaim -Name forced-1 -Namespace default -Force -Confirm:$false
        $r.Fate | Should -Be 'Destroyed'
        $r.DestroysData | Should -BeTrue
        Test-Claim forced-1 | Should -BeFalse
    }

    It 'takes claims from Get-KoResource and reports a missing one' {
        New-BoundClaim piped-1 keep | Out-Null
        Get-KoResource PersistentVolumeClaim piped-1 -Namespace default | Remove-KoVolumeClaim -Confirm:$false | Should -HaveCount 1
        $err = $null
        Remove-KoVolumeClaim -Name piped-1 -Namespace default -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NotFound*'
    }

    It 'refuses a bad name before asking the cluster' {
        Clear-KoFakeRequests $cluster
        { Remove-KoVolumeClaim -Name 'Bad Name' -Confirm:$false -ErrorAction Stop } | Should -Throw -ExpectedMessage '*-Name*'
        @(Get-KoFakeRequests $cluster).Count | Should -Be 0
    }
}

Describe 'Remove-KoResource on claims' {
    It 'applies the same check: refuses without -Force, deletes with it' {
        New-BoundClaim generic-1 scratch | Out-Null
        $err = $null
        Remove-KoResource -Kind pvc -Name generic-1 -Namespace default -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DataWouldBeDestroyed*'
        Test-Claim generic-1 | Should -BeTrue
        Get-KoResource PersistentVolumeClaim generic-1 -Namespace default | Remove-KoResource -Force -Confirm:$false
        Test-Claim generic-1 | Should -BeFalse
    }

    It 'deletes a claim whose data is kept without a second question' {
        New-BoundClaim generic-2 keep | Out-Null
        Remove-KoResource -Kind PersistentVolumeClaim -Name generic-2 -Namespace default -Confirm:$false
        Test-Claim generic-2 | Should -BeFalse
    }
}
