# Every cluster cmdlet under a user who lacks a permission it needs, against the fake's RBAC: it ends with one error
# that names the verb, the resource, the namespace and the user, and nothing is written (the fake's request log, which
# records who made each request, shows no write of that user that the server accepted). Readers are run as a user
# with no rights at all; writers as a user who may read (ClusterRole view, bound in default and monitoring) but not write,
# so a refused write cannot hide behind a refused read.
BeforeDiscovery {
    # Cmdlet, user, what to run, and the refusal the error must quote: verb, resource, API group, namespace ('' = cluster scope).
    $rows = @(
        @{ Cmdlet = 'Get-KoResource'; User = 'nobody'; Run = { Get-KoResource pods -Namespace default }; Verb = 'list'; Resource = 'pods'; Group = ''; Ns = 'default' }
        @{ Cmdlet = 'Get-KoCertificate'; User = 'nobody'; Run = { Get-KoCertificate -Namespace default }; Verb = 'list'; Resource = 'secrets'; Group = ''; Ns = 'default' }
        @{ Cmdlet = 'Get-KoRolloutHistory'; User = 'nobody'; Run = { Get-KoRolloutHistory web -Namespace default }; Verb = 'get'; Resource = 'deployments'; Group = 'apps'; Ns = 'default' }
        @{ Cmdlet = 'Wait-KoRollout'; User = 'nobody'; Run = { Wait-KoRollout web -Namespace default -Timeout 00:00:05 }; Verb = 'get'; Resource = 'deployments'; Group = 'apps'; Ns = 'default' }
        @{ Cmdlet = 'Wait-KoVolumeClaim'; User = 'nobody'; Run = { Wait-KoVolumeClaim data -Namespace default -Timeout 00:00:05 }; Verb = 'list'; Resource = 'persistentvolumeclaims'; Group = ''; Ns = 'default' }
        @{ Cmdlet = 'Get-KoLogIndex'; User = 'nobody'; Run = { Get-KoLogIndex }; Verb = 'get'; Resource = 'services/proxy'; Group = ''; Ns = 'kubeops-logging' }
        @{ Cmdlet = 'Compare-KoResource'; User = 'viewer'; Run = { $cm | Compare-KoResource }; Verb = 'patch'; Resource = 'configmaps'; Group = ''; Ns = 'default' }
        @{ Cmdlet = 'Publish-KoResource'; User = 'viewer'; Run = { $cm | Publish-KoResource }; Verb = 'patch'; Resource = 'configmaps'; Group = ''; Ns = 'default' }
        @{ Cmdlet = 'Remove-KoResource'; User = 'viewer'; Run = { Remove-KoResource deployment web -Namespace default -Confirm:$false }; Verb = 'delete'; Resource = 'deployments'; Group = 'apps'; Ns = 'default' }
        @{ Cmdlet = 'Remove-KoVolumeClaim'; User = 'viewer'; Run = { Remove-KoVolumeClaim data -Namespace default -Confirm:$false }; Verb = 'delete'; Resource = 'persistentvolumeclaims'; Group = ''; Ns = 'default' }
        @{ Cmdlet = 'Start-KoRollingUpdate'; User = 'viewer'; Run = { Start-KoRollingUpdate web -Namespace default -Image nginx:1.29 }; Verb = 'patch'; Resource = 'deployments'; Group = 'apps'; Ns = 'default' }
        @{ Cmdlet = 'Undo-KoRollout'; User = 'viewer'; Run = { Undo-KoRollout web -Namespace default }; Verb = 'patch'; Resource = 'deployments'; Group = 'apps'; Ns = 'default' }
        @{ Cmdlet = 'Switch-KoBlueGreen'; User = 'viewer'; Run = { Switch-KoBlueGreen -ServiceName web -Name web -Namespace default -Image nginx:1.29 -Timeout 00:00:20 }; Verb = 'patch'; Resource = 'deployments'; Group = 'apps'; Ns = 'default' }
        @{ Cmdlet = 'Add-KoAlertRule'; User = 'viewer'; Run = { Add-KoAlertRule -Rule (New-KoAlertRule -Name Down -Expr 'up == 0') -NoReload }; Verb = 'patch'; Resource = 'configmaps'; Group = ''; Ns = 'monitoring' }
        @{ Cmdlet = 'Update-KoMonitoringConfig'; User = 'viewer'; Run = { Update-KoMonitoringConfig -RuleFile $ruleFile -NoReload }; Verb = 'patch'; Resource = 'configmaps'; Group = ''; Ns = 'monitoring' }
        @{ Cmdlet = 'Import-KoGrafanaDashboard'; User = 'viewer'; Run = { Import-KoGrafanaDashboard -Path $dashboard }; Verb = 'patch'; Resource = 'configmaps'; Group = ''; Ns = 'monitoring' }
        @{ Cmdlet = 'Test-KoAccess'; User = 'viewer'; Run = { $cm | Test-KoAccess -As someone }; Verb = 'create'; Resource = 'subjectaccessreviews'; Group = 'authorization.k8s.io'; Ns = '' }
    )
    # The installs check their whole bundle first: one error listing every missing permission, here one line each.
    $installs = @(
        @{ Cmdlet = 'Install-KoIngressController'; Run = { Install-KoIngressController }; Line = 'create deployments.apps in namespace "nginx-ingress"' }
        @{ Cmdlet = 'Install-KoNfsStorage'; Run = { Install-KoNfsStorage -HostPath /srv/nfs -NodeName node-1 }; Line = 'create storageclasses.storage.k8s.io (cluster scope)' }
        @{ Cmdlet = 'Install-KoAppManager'; Run = { Install-KoAppManager }; Line = 'create rolebindings.rbac.authorization.k8s.io in namespace "kubeops-system"' }
        @{ Cmdlet = 'Install-KoJenkins'; Run = { Install-KoJenkins }; Line = 'create pods/exec in namespace "jenkins": for Role jenkins/jenkins-agents, which grants it; RoleBinding jenkins/jenkins-agents, which grants it (Role "jenkins-agents")' }
        @{ Cmdlet = 'Install-KoLogging'; Run = { Install-KoLogging }; Line = 'get secrets "elasticsearch-credentials" in namespace "kubeops-logging"' }
        @{ Cmdlet = 'Install-KoMonitoring'; Run = { Install-KoMonitoring }; Line = 'get non-resource URL "/metrics": for ClusterRole monitoring-prometheus, which grants it' }
    )
}

BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:cluster = Start-KoFakeCluster -ClockSpeed 20 -PodReadyDelayMs 50
    $admin = $cluster.KubeConfig
    $script:users = @{ nobody = New-KoFakeUser $cluster -Name 'hard-nobody'; viewer = New-KoFakeUser $cluster -Name 'hard-viewer' }
    foreach ($ns in 'default', 'monitoring') {
        $null = Publish-KoResource -KubeConfig $admin -InputObject (@"
apiVersion: v1
kind: Namespace
metadata: {name: $ns}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: hard-viewer, namespace: $ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: hard-viewer}
"@ | ConvertFrom-KoYaml)
    }
    # What the cmdlets act on: a Deployment with two revisions behind a Service, a claim, the monitoring stack.
    $web = New-KoDeployment -Name web -Image nginx:1.27 -Namespace default
    $null = $web | Publish-KoResource -KubeConfig $admin
    $null = $web | New-KoService -Port 80 | Publish-KoResource -KubeConfig $admin
    $null = Start-KoRollingUpdate web -Namespace default -Image nginx:1.28 -KubeConfig $admin
    $null = New-KoVolumeClaim -Name data -Size 1Gi -Namespace default | Publish-KoResource -KubeConfig $admin
    $null = Install-KoMonitoring -KubeConfig $admin
    $script:cm = "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: tuning, namespace: default}`ndata: {level: '1'}" | ConvertFrom-KoYaml
    $script:ruleFile = Join-Path $cluster.Directory 'team.rules.yml'
    "groups:`n- name: team`n  rules:`n  - alert: Down`n    expr: up == 0`n" | Set-Content $ruleFile
    $script:dashboard = Join-Path $cluster.Directory 'team.json'
    '{"title": "Team", "uid": "team", "panels": []}' | Set-Content $dashboard

    # The requests of a user that could have written something and that the server accepted (access reviews store nothing).
    function script:AcceptedWrites([string] $user) {
        @(Get-KoFakeRequests $cluster | Where-Object {
                $_.user -eq $user -and $_.method -in 'POST', 'PUT', 'PATCH', 'DELETE' -and $_.status -lt 400 -and $_.path -notmatch '^/apis/(authorization|authentication)\.k8s\.io/' })
    }
    function script:Invoke-As($who, [scriptblock] $run) {
        $PSDefaultParameterValues = @{ '*-Ko*:KubeConfig' = $users[$who].KubeConfig }
        $ErrorActionPreference = 'Continue'
        $errors = [System.Collections.Generic.List[object]]::new()
        try { & $run 2>&1 | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { $errors.Add($_) } } catch { $errors.Add($_) }
        , $errors.ToArray()
    }
}
AfterAll { Stop-KoFakeCluster $script:cluster }

Describe 'Cluster cmdlets under a user without the permission' {
    It '<Cmdlet> as <User>: one error naming <Verb> <Resource> and the user, nothing written' -ForEach $rows {
        Clear-KoFakeRequests $cluster
        $errors = Invoke-As $User $Run
        $name = $users[$User].User
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -Match '^Forbidden,'
        $scope = if ($Ns) { "in the namespace ""$Ns""" } else { 'at the cluster scope' }
        $errors[0].Exception.Message | Should -BeLike "*User ""$name"" cannot $Verb resource ""$Resource"" in API group ""$Group"" $scope*"
        # The server saw the refused request under that user's name, and accepted no write of theirs.
        @(Get-KoFakeRequests $cluster | Where-Object { $_.user -eq $name -and $_.status -eq 403 }) | Should -Not -BeNullOrEmpty
        AcceptedWrites $name | Should -BeNullOrEmpty
    }

    It 'Start-KoAppManager as viewer: the reconcile fails, each Failed event names the refused patch, nothing written' {
        Clear-KoFakeRequests $cluster
        $apps = Join-Path $cluster.Directory 'apps'
        New-Item -ItemType Directory $apps -Force | Out-Null
        "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: app1, namespace: default}`ndata: {a: '1'}" | Set-Content (Join-Path $apps 'app1.yaml')
        $errors = @()
        $events = Start-KoAppManager -Path $apps -Once -KubeConfig $users.viewer.KubeConfig -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -Match '^AppManagerFailures,'
        ($events | Where-Object Action -eq 'Failed').Message | Should -BeLike '*User "hard-viewer" cannot patch resource "configmaps" in API group "" in the namespace "default"*'
        AcceptedWrites 'hard-viewer' | Should -BeNullOrEmpty
    }
}

Describe 'Install-* under a user without the permissions' {
    It '<Cmdlet>: one error listing every missing permission, before anything is written' -ForEach $installs {
        Clear-KoFakeRequests $cluster
        $errors = Invoke-As viewer $Run
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -Match '^InstallForbidden,'
        $errors[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $errors[0].Exception.Message | Should -BeLike "User ""hard-viewer"" lacks * permission(s) that $Cmdlet needs; nothing was written:*"
        ($errors[0].Exception.Message -split "`n" | Where-Object { $_.Trim().StartsWith($Line) }) | Should -Not -BeNullOrEmpty
        AcceptedWrites 'hard-viewer' | Should -BeNullOrEmpty
        # Only reads and access reviews: not one object was sent.
        @(Get-KoFakeRequests $cluster | Where-Object { $_.user -eq 'hard-viewer' -and $_.method -in 'PUT', 'PATCH', 'DELETE' }) | Should -BeNullOrEmpty
    }

    It '-WhatIf shows the plan and the same missing permissions as a warning, and writes nothing' {
        Clear-KoFakeRequests $cluster
        $warnings = @()
        $errors = @()
        $null = Install-KoJenkins -WhatIf -KubeConfig $users.viewer.KubeConfig -WarningVariable warnings -ErrorVariable errors -ErrorAction SilentlyContinue 3>$null
        $errors | Should -BeNullOrEmpty
        $lacks = @($warnings | Where-Object Message -like 'User "hard-viewer" lacks*')
        $lacks | Should -HaveCount 1
        $lacks[0].Message | Should -BeLike 'User "hard-viewer" lacks * permission(s) that Install-KoJenkins needs; nothing was written:*create pods/exec in namespace "jenkins"*'
        $lacks[0].Message | Should -BeLike '*these would do:*escalate roles.rbac.authorization.k8s.io "jenkins-agents" in namespace "jenkins"*bind roles.rbac.authorization.k8s.io "jenkins-agents" in namespace "jenkins"*'
        @(Get-KoFakeRequests $cluster | Where-Object { $_.user -eq 'hard-viewer' -and $_.path -match '/selfsubjectaccessreviews$' }) | Should -Not -BeNullOrEmpty
        AcceptedWrites 'hard-viewer' | Should -BeNullOrEmpty
    }

    It 'the cluster admin passes the check and the install goes through' {
        $r = Install-KoJenkins -KubeConfig $cluster.KubeConfig
        $r.Outcome | Sort-Object -Unique | Should -Be 'Created'
    }
}

Describe 'All namespaces for a user who may read only some' {
    BeforeAll {
        # hard-reader may list namespaces, sees pods through view in default and monitoring, and may list Secrets only in monitoring.
        $script:reader = New-KoFakeUser $cluster -Name 'hard-reader'
        $null = Publish-KoResource -KubeConfig $cluster.KubeConfig -InputObject (@"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: hard-namespace-lister}
rules:
- {apiGroups: [''], resources: [namespaces], verbs: [list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: hard-reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: hard-namespace-lister}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: hard-reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: hard-reader, namespace: monitoring}
rules:
- {apiGroups: [''], resources: [pods, secrets], verbs: [list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: hard-reader, namespace: monitoring}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: hard-reader}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: hard-reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: hard-reader-view, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: User, apiGroup: rbac.authorization.k8s.io, name: hard-reader}
"@ | ConvertFrom-KoYaml)
        $ca = New-KoCertificateAuthority -CommonName 'Hardening CA'
        foreach ($ns in 'default', 'monitoring') {
            $null = New-KoPrivateKey | New-KoCertificateRequest -CommonName "$ns.example.com" | New-KoCertificate -Issuer $ca -ValidDays 30 |
                New-KoTlsSecret -Name "site-$ns" -Namespace $ns -WarningAction SilentlyContinue | Publish-KoResource -KubeConfig $cluster.KubeConfig
        }
        $script:namespaceCount = @(Get-KoResource namespaces -KubeConfig $cluster.KubeConfig).Count
    }

    It 'Get-KoResource -AllNamespaces lists the namespaces the user may read and says so once' {
        $warnings = @()
        $pods = Get-KoResource pods -AllNamespaces -KubeConfig $reader.KubeConfig -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop
        $warnings | Should -HaveCount 1
        $warnings[0].Message | Should -Be "User ""hard-reader"" may not list pods in all namespaces; listed the 2 namespace(s) where they may: default, monitoring (of $namespaceCount)."
        $pods | Should -Not -BeNullOrEmpty
        $pods.Namespace | Sort-Object -Unique | Should -Be @('default', 'monitoring')
        # The same as listing each of them as the admin.
        $pods.Name | Sort-Object | Should -Be (@('default', 'monitoring') | ForEach-Object { Get-KoResource pods -Namespace $_ -KubeConfig $cluster.KubeConfig } | ForEach-Object Name | Sort-Object)
    }

    It 'Get-KoCertificate -AllNamespaces reads the Secrets of the namespaces it may, and says so once' {
        $warnings = @()
        $certs = Get-KoCertificate -AllNamespaces -KubeConfig $reader.KubeConfig -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop
        $warnings | Should -HaveCount 1
        $warnings[0].Message | Should -BeLike 'User "hard-reader" may not list secrets in all namespaces; listed the 1 namespace(s) where they may: monitoring (of *).'
        $certs.Source | Should -Be 'monitoring/site-monitoring'
    }

    It 'a user who may not list namespaces falls back to the context''s namespace, and says that too' {
        $warnings = @()
        $pods = Get-KoResource pods -AllNamespaces -KubeConfig $users.viewer.KubeConfig -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop
        $warnings | Should -HaveCount 1
        $warnings[0].Message | Should -Be 'User "hard-viewer" may not list pods in all namespaces; listed the 1 namespace(s) where they may: default. They may not list namespaces either, so only the context''s namespace "default" was tried.'
        $pods.Namespace | Sort-Object -Unique | Should -Be 'default'
    }

    It 'a user who may list it nowhere gets the server''s refusal, not an empty list' {
        { Get-KoResource pods -AllNamespaces -KubeConfig $users.nobody.KubeConfig -ErrorAction Stop } | Should -Throw '*User "hard-nobody" cannot list resource "pods" in API group "" at the cluster scope*'
    }

    It 'completes names across the namespaces the user may read, and namespaces from the context when namespaces cannot be listed' {
        $complete = { param($kubeconfig, $line) (Invoke-KoChildPwsh @"
Import-Module '$env:KO_MODULE'
Connect-KoCluster -KubeConfig '$kubeconfig' | Out-Null
`$line = '$line'
'COMPLETED=' + ((TabExpansion2 -inputScript `$line -cursorColumn `$line.Length).CompletionMatches.CompletionText -join ',')
"@).Output }
        & $complete $reader.KubeConfig 'Get-KoResource -Kind Secret -AllNamespaces -Name site-' | Should -Match 'COMPLETED=site-monitoring\s*$'
        & $complete $users.viewer.KubeConfig 'Get-KoResource pods -Namespace ' | Should -Match 'COMPLETED=default\s*$'
    }
}
