BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:cluster = Start-KoFakeCluster
    $script:kc = $cluster.KubeConfig
    Connect-KoCluster -KubeConfig $kc | Out-Null
    function Write-Cm([string] $Dir, [string] $Name, [string] $Value) {
        Set-Content (Join-Path $Dir "$Name.yaml") "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: $Name`n  namespace: default`ndata:`n  v: '$Value'`n"
    }
}
AfterAll { Stop-KoFakeCluster $script:cluster }

Describe 'Start-KoAppManager' {
    It 'reconciles once, writes one event per object, and fails the command when something failed' {
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'once') -Force
        Write-Cm $dir 'once-a' '1'
        Set-Content (Join-Path $dir 'broken.yaml') "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: x"
        $err = $null
        $events = Start-KoAppManager -Path $dir -Once -ErrorVariable err -ErrorAction SilentlyContinue
        ($events | Where-Object Action -eq 'Applied').Name | Should -Be 'once-a'
        ($events | Where-Object Action -eq 'Failed').File | Should -Be 'broken.yaml'
        $err[0].FullyQualifiedErrorId | Should -Match '^AppManagerFailures'
        (Invoke-KoKubectl $kc get configmap once-a -o jsonpath='{.metadata.labels.kubeops\.io/app-manager}') | Should -Be 'once'
    }

    It 'exits non-zero from a scheduled task when a file fails, zero when all is well' {
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'cron') -Force
        Write-Cm $dir 'cron-a' '1'
        $ok = Invoke-KoChildPwsh "Import-Module '$env:KO_MODULE'; Start-KoAppManager -Path '$dir' -Once -KubeConfig '$kc' | Out-Null" -Environment @{ KUBECONFIG = $kc }
        $ok.ExitCode | Should -Be 0 -Because $ok.Output
        Set-Content (Join-Path $dir 'bad.yaml') 'kind: ConfigMap'
        $bad = Invoke-KoChildPwsh "Import-Module '$env:KO_MODULE'; Start-KoAppManager -Path '$dir' -Once -KubeConfig '$kc' | Out-Null; if (-not `$?) { exit 1 }" -Environment @{ KUBECONFIG = $kc }
        $bad.ExitCode | Should -Be 1
    }

    It 'runs as a job and applies a new file within seconds' {
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'job') -Force
        Write-Cm $dir 'job-seed' '0'
        $job = Start-KoAppManager -Path $dir -AsJob -Prune
        try {
            $job.State | Should -Be 'Running'
            # The first reconcile runs once the folder is watched: when it has applied the seed, a new file is the watcher's to find.
            $deadline = (Get-Date).AddSeconds(15)
            while (-not (@(Receive-Job $job -Keep) | Where-Object Name -eq 'job-seed') -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
            @(Receive-Job $job -Keep).Name | Should -Contain 'job-seed'
            Write-Cm $dir 'job-a' '1'
            $deadline = (Get-Date).AddSeconds(15)
            while (-not (Get-KoResource ConfigMap -Name job-a -ErrorAction SilentlyContinue) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
            (Get-KoResource ConfigMap -Name job-a).Data['v'] | Should -Be '1'
            Remove-Item (Join-Path $dir 'job-a.yaml')
            $deadline = (Get-Date).AddSeconds(15)
            while ((Get-KoResource ConfigMap -Name job-a -ErrorAction SilentlyContinue) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Get-KoResource ConfigMap -Name job-a -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            (Receive-Job $job -Keep).Action | Should -Contain 'Pruned'
        } finally {
            Stop-Job $job
            Remove-Job $job -Force
        }
    }

    It 'says clearly when the folder does not exist, and sends nothing' {
        Clear-KoFakeRequests $cluster
        { Start-KoAppManager -Path (Join-Path $TestDrive 'missing') -Once -ErrorAction Stop } | Should -Throw -ExpectedMessage "*does not exist*"
        @(Get-KoFakeRequests $cluster | Where-Object method -ne 'GET').Count | Should -Be 0
    }
}

Describe 'Install-KoAppManager' {
    It 'writes the bundle, and its container command keeps a folder in step when run against a cluster' {
        $src = New-Item -ItemType Directory (Join-Path $TestDrive 'incluster') -Force
        Write-Cm $src 'shipped' 'yes'
        $files = Install-KoAppManager -Path $src -Namespace default -OutputDirectory (Join-Path $TestDrive 'bundle')
        $files.Name | Should -Contain '06-deployment-default-kubeops-app-manager.yaml'
        $deploy = Get-Content ($files | Where-Object Name -like '06-deployment-*').FullName -Raw | ConvertFrom-KoYaml
        $cm = Get-Content ($files | Where-Object Name -like '03-configmap-*').FullName -Raw | ConvertFrom-KoYaml
        # Run the container's own start command here: the ConfigMap's files stand in for the /manifests volume.
        $mount = New-Item -ItemType Directory (Join-Path $TestDrive 'manifests') -Force
        foreach ($k in $cm.Data.Keys) { Set-Content (Join-Path $mount $k) $cm.Data[$k] }
        $command = $deploy.Spec.Template.Spec.Containers[0].Args[0].Replace("'/manifests'", "'$mount'").Replace('Import-Module KubeOpsPS', "Import-Module '$env:KO_MODULE'")
        $proc = Start-Process -FilePath ([Environment]::ProcessPath) -ArgumentList @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command', $command) -Environment @{ KUBECONFIG = $kc } -PassThru -RedirectStandardOutput (Join-Path $TestDrive 'am.log')
        try {
            $deadline = (Get-Date).AddSeconds(30)
            while (-not (Get-KoResource ConfigMap -Name shipped -ErrorAction SilentlyContinue) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 200 }
            (Get-KoResource ConfigMap -Name shipped).Metadata.Labels['kubeops.io/app-manager'] | Should -Be 'kubeops-app-manager'
        } finally {
            $proc | Stop-Process -Force -ErrorAction SilentlyContinue
        }
    }

    It 'applies RBAC scoped to its namespace unless cluster-wide' {
        Install-KoAppManager -Namespace apps-system | Out-Null
        (Get-KoResource Role -Namespace apps-system).Name | Should -Be 'kubeops-app-manager'
        Get-KoResource ClusterRole -Name kubeops-app-manager -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
