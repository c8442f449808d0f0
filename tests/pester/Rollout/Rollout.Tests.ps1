BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    # A fast clock: a 60 s progress deadline passes in 3 s.
    $script:cluster = Start-KoFakeCluster -ClockSpeed 20 -PodReadyDelayMs 2000
    $script:kc = $cluster.KubeConfig
    Connect-KoCluster -KubeConfig $kc | Out-Null
    function Publish-TestDeployment([string] $Name, [int] $Replicas = 3, [string] $Image = 'nginx:1.29') {
        "apiVersion: apps/v1`nkind: Deployment`nmetadata: {name: $Name, namespace: default}`nspec:`n  replicas: $Replicas`n  progressDeadlineSeconds: 60`n  selector: {matchLabels: {app: $Name}}`n  template:`n    metadata: {labels: {app: $Name}}`n    spec: {containers: [{name: web, image: '$Image'}]}" |
            ConvertFrom-KoYaml | Publish-KoResource | Out-Null
        Wait-KoRollout -Name $Name -Timeout 00:01:00 | Out-Null
    }
}
AfterAll { Stop-KoFakeCluster $script:cluster }

Describe 'Start-KoRollingUpdate' {
    It 'rolls out a new image and records the change cause' {
        Publish-TestDeployment good
        $r = Start-KoRollingUpdate -Name good -Image nginx:1.30 -ChangeCause 'upgrade to 1.30' -Timeout 00:01:00
        $r.Outcome | Should -Be 'RolledOut'
        (Get-KoResource Deployment -Name good).Spec.Template.Spec.Containers[0].Image | Should -Be 'nginx:1.30'
        (Get-KoRolloutHistory -Name good | Where-Object Current).ChangeCause | Should -Be 'upgrade to 1.30'
        (Invoke-KoKubectl $kc rollout status deployment/good --timeout=10s) | Should -Match 'successfully rolled out'
    }

    It 'rolls a broken image back by itself, and the error says why' {
        Publish-TestDeployment bad
        $err = $null
        $r = Start-KoRollingUpdate -Name bad -Image nginx:broken -Timeout 00:01:00 -ErrorVariable err -ErrorAction SilentlyContinue
        $? | Should -BeFalse
        $r.Outcome | Should -Be 'RolledBack'
        $err[0].FullyQualifiedErrorId | Should -Match '^RolloutFailed'
        $err[0].Exception.Message | Should -Match 'exceeded its progress deadline'
        $err[0].Exception.Message | Should -Match 'ErrImagePull|ImagePullBackOff'  # the kubelet alternates between the two
        $err[0].Exception.Message | Should -Match 'rolled back to revision 1'
        $d = Get-KoResource Deployment -Name bad
        $d.Spec.Template.Spec.Containers[0].Image | Should -Be 'nginx:1.29'
        $d.Status.AvailableReplicas | Should -Be 3
        # The restored revision says what produced it (nothing: it was published without a cause), not the failed image.
        $current = Get-KoRolloutHistory -Name bad | Where-Object Current
        $current.Images | Should -Be 'web=nginx:1.29'
        $current.ChangeCause | Should -BeNullOrEmpty
        (Invoke-KoKubectl $kc rollout history deployment/bad) -join "`n" | Should -Match '(?m)^3\s+<none>\s*$' -Because 'revision 3 is revision 1 restored; only revision 2 names the broken image'
        $event = Get-KoResource Event | Where-Object { $_.InvolvedObject.Name -eq 'bad' -and $_.Reason -eq 'RolledBack' }
        $event | Should -HaveCount 1
        $event.Message | Should -Match 'revision 1'
        $event.Message | Should -Match 'nginx:broken'
    }

    It 'throws in a script with -ErrorAction Stop, and -NoRollback leaves the rollout where it stopped' {
        Publish-TestDeployment stuck
        { Start-KoRollingUpdate -Name stuck -Image nginx:broken -Timeout 00:01:00 -NoRollback -ErrorAction Stop } | Should -Throw -ExpectedMessage '*-NoRollback*'
        (Get-KoResource Deployment -Name stuck).Spec.Template.Spec.Containers[0].Image | Should -Be 'nginx:broken'
    }

    It 'refuses bad input before changing anything' {
        Publish-TestDeployment guarded
        Clear-KoFakeRequests $cluster
        { Start-KoRollingUpdate -Name guarded -Image nginx:1.30 -MaxSurge 'lots' -ErrorAction Stop } | Should -Throw -ExpectedMessage "*-MaxSurge 'lots'*"
        { Start-KoRollingUpdate -Name guarded -Image @{ sidecar = 'x:1' } -ErrorAction Stop } | Should -Throw -ExpectedMessage "*no container 'sidecar'*"
        { Start-KoRollingUpdate -Name missing -Image nginx:1.30 -ErrorAction Stop } | Should -Throw -ExpectedMessage '*not found*'
        @(Get-KoFakeRequests $cluster | Where-Object method -ne 'GET').Count | Should -Be 0
        Start-KoRollingUpdate -Name guarded -Image nginx:1.31 -WhatIf
        (Get-KoResource Deployment -Name guarded).Spec.Template.Spec.Containers[0].Image | Should -Be 'nginx:1.29'
    }
}

Describe 'Get-KoRolloutHistory, Undo-KoRollout and Wait-KoRollout' {
    It 'lists revisions and undoes to the previous one, as kubectl sees it' {
        Publish-TestDeployment hist
        Start-KoRollingUpdate -Name hist -Image nginx:1.30 | Out-Null
        $h = Get-KoRolloutHistory -Name hist
        $h.Revision | Should -Be @(1, 2)
        ($h | Where-Object Current).Images | Should -Be 'web=nginx:1.30'
        (Undo-KoRollout -Name hist -Wait).Revision | Should -Be 1
        (Get-KoResource Deployment -Name hist).Spec.Template.Spec.Containers[0].Image | Should -Be 'nginx:1.29'
        $history = (Invoke-KoKubectl $kc rollout history deployment/hist) -join "`n"
        $history | Should -Match '(?m)^3\s+<none>\s*$' -Because 'revision 3 is revision 1 restored, with its annotations'
        $history | Should -Match '(?m)^2\s+Start-KoRollingUpdate -Image nginx:1.30\s*$'
        (Get-KoRolloutHistory -Name hist | Where-Object Current).ChangeCause | Should -BeNullOrEmpty
        (Get-KoResource Event | Where-Object { $_.InvolvedObject.Name -eq 'hist' -and $_.Reason -eq 'RolledBack' }).Message | Should -Match 'revision 1'
        (Get-KoResource ReplicaSet -LabelSelector app=hist).Count | Should -Be 2   # the old ReplicaSet was reused
    }

    It 'stops at once on Ctrl+C (the pipeline stop), closing its watch' {
        "apiVersion: apps/v1`nkind: Deployment`nmetadata: {name: stopped, namespace: default}`nspec:`n  progressDeadlineSeconds: 3600`n  selector: {matchLabels: {app: stopped}}`n  template:`n    metadata: {labels: {app: stopped}}`n    spec: {containers: [{name: web, image: 'nginx:broken'}]}" | ConvertFrom-KoYaml | Publish-KoResource | Out-Null
        Clear-KoFakeRequests $cluster
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$env:KO_MODULE'; Wait-KoRollout -Name stopped -KubeConfig '$kc' -Timeout 01:00:00")
            $running = $ps.BeginInvoke()
            # The wait lists the Deployment first, then watches it: stop it once the list has been answered.
            $deadline = (Get-Date).AddSeconds(30)
            while (-not (Get-KoFakeRequests $cluster | Where-Object { $_.path -eq '/apis/apps/v1/namespaces/default/deployments' -and $_.query -notmatch 'watch=true' -and $_.query -match 'stopped' }) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $stopping = $ps.BeginStop($null, $null)
            $stopping.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(60)) | Should -BeTrue -Because 'a stopped pipeline cancels the wait instead of letting it run for an hour'
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            # The fake logs a watch when its stream closes.
            $deadline = (Get-Date).AddSeconds(30)
            while (-not (Get-KoFakeRequests $cluster | Where-Object { $_.query -match 'watch=true' -and $_.query -match 'stopped' }) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
            @(Get-KoFakeRequests $cluster | Where-Object { $_.query -match 'watch=true' -and $_.query -match 'stopped' }).Count | Should -Be 1
        } finally { $ps.Dispose() }
    }

    It 'waits by watching, and fails on a Deployment past its deadline' {
        Publish-TestDeployment watched
        "apiVersion: apps/v1`nkind: Deployment`nmetadata: {name: watched, namespace: default}`nspec:`n  selector: {matchLabels: {app: watched}}`n  template:`n    metadata: {labels: {app: watched}}`n    spec: {containers: [{name: web, image: 'nginx:broken'}]}" | ConvertFrom-KoYaml | Publish-KoResource -Force | Out-Null
        Clear-KoFakeRequests $cluster
        $err = $null
        Wait-KoRollout -Name watched -Timeout 00:01:00 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -Match 'exceeded its progress deadline'
        # The fake logs a watch when it ends, which is just after the wait returns.
        $deadline = (Get-Date).AddSeconds(5)
        do { $requests = @(Get-KoFakeRequests $cluster); Start-Sleep -Milliseconds 100 } until (@($requests | Where-Object { $_.query -match 'watch=true' }).Count -gt 0 -or (Get-Date) -gt $deadline)
        @($requests | Where-Object { $_.query -match 'watch=true' }).Count | Should -BeGreaterThan 0
        $requests.Count | Should -BeLessThan 15 -Because 'a watch needs a handful of requests, not one per second'
    }
}
