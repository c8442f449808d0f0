# Cmdlets under a limited user, against the fake's RBAC: Test-KoAccess reports what is missing, and a refused write
# ends with one error naming the verb, the resource, the namespace and the user, with nothing written.
BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:cluster = Start-KoFakeCluster
    $script:dev = New-KoFakeUser $cluster -Name 'dev-limited' -Groups 'developers'
    $script:cm = "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: tuning`n  namespace: default`ndata:`n  level: '1'`n" | ConvertFrom-KoYaml
}
AfterAll { Stop-KoFakeCluster $script:cluster }

Describe 'Test-KoAccess' {
    It 'reports get, create and patch of each object as allowed for the cluster admin' {
        $r = $cm | Test-KoAccess -KubeConfig $cluster.KubeConfig
        $r | Should -HaveCount 3
        $r.Verb | Should -Be @('get', 'create', 'patch')
        $r.Resource | Sort-Object -Unique | Should -Be 'configmaps'
        $r.Namespace | Sort-Object -Unique | Should -Be 'default'
        $r.Allowed | Sort-Object -Unique | Should -BeTrue
        $r[0].User | Should -Be 'kubernetes-admin'
    }

    It 'reports what a limited user lacks, under that user''s name' {
        $r = $cm | Test-KoAccess -KubeConfig $dev.KubeConfig
        $r.Allowed | Sort-Object -Unique | Should -BeFalse
        $r[0].User | Should -Be 'dev-limited'
    }

    It 'checks another account with -As and sees a new RoleBinding take effect' {
        $deploy = "apiVersion: apps/v1`nkind: Deployment`nmetadata:`n  name: web`n  namespace: default`n" | ConvertFrom-KoYaml
        $before = $deploy | Test-KoAccess -As system:serviceaccount:default:deployer -Verb get, patch -KubeConfig $cluster.KubeConfig
        $before.Allowed | Sort-Object -Unique | Should -BeFalse
        $rbac = @"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deployer, namespace: default}
rules:
- {apiGroups: [apps], resources: [deployments], verbs: [get, patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deployer, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
subjects:
- {kind: ServiceAccount, name: deployer, namespace: default}
"@
        $null = $rbac | ConvertFrom-KoYaml | Publish-KoResource -KubeConfig $cluster.KubeConfig
        $after = $deploy | Test-KoAccess -As system:serviceaccount:default:deployer -Verb get, patch -KubeConfig $cluster.KubeConfig
        $after.Allowed | Sort-Object -Unique | Should -BeTrue
        $after[0].Reason | Should -Match 'RoleBinding "deployer/default" of Role "deployer" to ServiceAccount "deployer/default"'
    }

    It 'for a Role, also checks what it grants and the escalate that would do instead, as the server''s escalation check asks' {
        $role = "apiVersion: rbac.authorization.k8s.io/v1`nkind: Role`nmetadata: {name: exec-runner, namespace: default}`nrules:`n- {apiGroups: [''], resources: [pods/exec], verbs: [create]}`n" | ConvertFrom-KoYaml
        $r = $role | Test-KoAccess -KubeConfig $dev.KubeConfig
        $r | Should -HaveCount 5
        ($r | Where-Object { $_.Resource -eq 'pods' -and $_.Subresource -eq 'exec' -and $_.Verb -eq 'create' -and $_.Namespace -eq 'default' }) | Should -HaveCount 1
        ($r | Where-Object { $_.Verb -eq 'escalate' -and $_.Resource -eq 'roles' -and $_.Name -eq 'exec-runner' }) | Should -HaveCount 1
        $admin = $role | Test-KoAccess -KubeConfig $cluster.KubeConfig
        $admin.Allowed | Sort-Object -Unique | Should -BeTrue
    }

    It 'needs the right to create subjectaccessreviews for -As' {
        { $cm | Test-KoAccess -As someone -KubeConfig $dev.KubeConfig -ErrorAction Stop } | Should -Throw '*cannot create resource "subjectaccessreviews"*'
    }
}

Describe 'A refused write' {
    It 'ends with one error naming verb, resource, namespace and user, and writes nothing' {
        $errors = @()
        $null = $cm | Publish-KoResource -KubeConfig $dev.KubeConfig -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -Match '^Forbidden'
        # Publish-KoResource reads the object first, so the first refused call is the get.
        $errors[0].Exception.Message | Should -Match 'User "dev-limited" cannot get resource "configmaps" in API group "" in the namespace "default"'
        (Invoke-RestMethod "$($cluster.Url)/fake/writes?plural=configmaps&namespace=default&name=tuning").writes | Should -Be 0
    }
}
