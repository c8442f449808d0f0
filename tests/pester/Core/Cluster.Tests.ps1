# Cluster access end to end: what a user types, against the standalone fake API server, with kubectl as the
# independent reader.
BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:cluster = Start-KoFakeCluster
    $script:kc = $cluster.KubeConfig
    function New-TestDeployment([string] $Name, [string] $Namespace, [int] $Replicas = 2) {
        @"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $Name
  namespace: $Namespace
  labels: {app: $Name, tier: web}
spec:
  replicas: $Replicas
  selector:
    matchLabels: {app: $Name}
  template:
    metadata:
      labels: {app: $Name}
    spec:
      containers:
      - name: web
        image: nginx:1.29
        ports: [{containerPort: 80}]
"@ | ConvertFrom-KoYaml
    }
}
AfterAll {
    Stop-KoFakeCluster $script:cluster
}

Describe 'Connect-KoCluster' {
    It 'connects with a kubeconfig and remembers the connection' {
        $c = Connect-KoCluster -KubeConfig $kc
        $c.Context | Should -Be 'fake'
        $c.Namespace | Should -Be 'default'
        (Get-KoResource Namespace -Name default).Name | Should -Be 'default'
    }

    It 'lists the contexts with the current one marked' {
        $ctx = Get-KoContext -KubeConfig $kc
        $ctx.Name | Should -Contain 'fake'
        ($ctx | Where-Object Name -eq 'fake').IsCurrent | Should -BeTrue
    }

    It 'says how to connect when there is no kubeconfig anywhere' {
        $home2 = Join-Path $TestDrive 'emptyhome'
        New-Item -ItemType Directory $home2 | Out-Null
        $r = Invoke-KoChildPwsh -Environment @{ HOME = $home2; KUBECONFIG = $null } "Import-Module '$env:KO_MODULE'; try { Connect-KoCluster -ErrorAction Stop } catch { 'ID=' + `$_.FullyQualifiedErrorId; 'ACTION=' + `$_.ErrorDetails.RecommendedAction; 'CAT=' + `$_.CategoryInfo.Category }"
        $r.Output | Should -Match 'ID=NoKubeConfig'
        $r.Output | Should -Match 'ACTION=Connect with Connect-KoCluster -KubeConfig'
        $r.Output | Should -Match 'CAT=ObjectNotFound'
    }

    It 'fails with one clear error, no stack trace, when the cluster is unreachable' {
        $bad = Join-Path $TestDrive 'unreachable.yaml'
        (Get-Content $kc -Raw) -replace 'https?://127\.0\.0\.1:\d+', 'https://127.0.0.1:9' | Set-Content $bad
        $err = $null
        $sw = [Diagnostics.Stopwatch]::StartNew()
        try { Connect-KoCluster -KubeConfig $bad -ConnectTimeout 00:00:03 -ErrorAction Stop } catch { $err = $_ }
        $sw.Stop()
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Match '^ConnectionFailed'
        $err.Exception.Message | Should -Match 'cannot reach the cluster at https://127.0.0.1:9'
        $err.Exception.Message | Should -Not -Match '   at '
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        Connect-KoCluster -KubeConfig $kc | Out-Null
    }
}

Describe 'Publish-KoResource' {
    BeforeAll { Connect-KoCluster -KubeConfig $kc | Out-Null }

    It 'applies a mixed batch in dependency order and reports created, then unchanged' {
        $objects = @(
            New-TestDeployment -Name web -Namespace shop
            "apiVersion: v1`nkind: Service`nmetadata: {name: web, namespace: shop}`nspec:`n  selector: {app: web}`n  ports: [{port: 80}]" | ConvertFrom-KoYaml
            "apiVersion: v1`nkind: Namespace`nmetadata: {name: shop}" | ConvertFrom-KoYaml
        )
        $first = $objects | Publish-KoResource
        $results = $first | Where-Object { $_.PSObject.TypeNames[0] -eq 'KubeOpsPS.Engine.Cluster.ApplyResult' }
        $results.Outcome | Should -Be @('Created', 'Created', 'Created')
        ($first | Select-Object -Last 1).ToString() | Should -Be '3 created, 0 configured, 0 unchanged, 0 failed'
        $second = $objects | Publish-KoResource
        ($second | Select-Object -Last 1).Unchanged | Should -Be 3
    }

    It 'is read back the same by kubectl' {
        $json = Invoke-KoKubectl $kc get deployment web -n shop -o json --show-managed-fields | Out-String | ConvertFrom-Json
        $json.spec.replicas | Should -Be 2
        $json.spec.template.spec.containers[0].image | Should -Be 'nginx:1.29'
        $json.metadata.labels.tier | Should -Be 'web'
        ($json.metadata.managedFields | Where-Object manager -eq 'kubeops').operation | Should -Be 'Apply'
        $log = Get-KoFakeRequests $cluster
        @($log | Where-Object { $_.userAgent -like 'kubectl/v1.32.*' }).Count | Should -BeGreaterThan 0
    }

    It 'reports a changed object as configured' {
        (New-TestDeployment -Name web -Namespace shop -Replicas 3 | Publish-KoResource | Select-Object -First 1).Outcome | Should -Be 'Configured'
    }

    It 'names the fields and the manager on a conflict, and takes them over with -Force' {
        Invoke-KoKubectl $kc patch deployment web -n shop --type merge -p '{"spec":{"replicas":5}}' --field-manager ops-team | Out-Null
        $err = $null
        New-TestDeployment -Name web -Namespace shop -Replicas 3 | Publish-KoResource -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Match '^ApplyConflict'
        $err[0].Exception.Message | Should -Match 'ops-team'
        $err[0].Exception.Message | Should -Match 'spec.replicas'
        $err[0].ErrorDetails.RecommendedAction | Should -Match '-Force'
        (New-TestDeployment -Name web -Namespace shop -Replicas 3 | Publish-KoResource -Force | Select-Object -First 1).Outcome | Should -Be 'Configured'
        (Invoke-KoKubectl $kc get deployment web -n shop -o jsonpath='{.spec.replicas}') | Should -Be '3'
    }

    It 'sends nothing with -WhatIf' {
        Clear-KoFakeRequests $cluster
        New-TestDeployment -Name whatif -Namespace shop | Publish-KoResource -WhatIf
        $log = @(Get-KoFakeRequests $cluster)
        $log.Count | Should -Be 0 -Because ($log | ForEach-Object { "$($_.method) $($_.path)" } | Out-String)
        Get-KoResource Deployment -Name whatif -Namespace shop -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses an object without a kind or a name and sends nothing for it' {
        Clear-KoFakeRequests $cluster
        $err = $null
        @{ apiVersion = 'v1'; metadata = @{ name = 'x' } }, @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{} } |
            Publish-KoResource -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err.Count | Should -Be 2
        $err[0].Exception.Message | Should -Match 'kind'
        $err[1].Exception.Message | Should -Match 'metadata.name'
        $log = @(Get-KoFakeRequests $cluster)
        $log.Count | Should -Be 0 -Because ($log | ForEach-Object { "$($_.method) $($_.path)" } | Out-String)
    }

    It 'says when the namespace does not exist and creates it with -CreateNamespace' {
        $cm = "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: c, namespace: nowhere}`ndata: {a: b}" | ConvertFrom-KoYaml
        $err = $null
        $cm | Publish-KoResource -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -Match '^NamespaceNotFound'
        $err[0].ErrorDetails.RecommendedAction | Should -Match '-CreateNamespace'
        ($cm | Publish-KoResource -CreateNamespace | Select-Object -First 1).Outcome | Should -Be 'Created'
        (Get-KoResource Namespace -Name nowhere).Name | Should -Be 'nowhere'
    }

    It 'passes objects read from the cluster through without applying them again' {
        New-TestDeployment -Name from -Namespace passthru | Publish-KoResource -CreateNamespace | Out-Null
        $writes = { (Invoke-RestMethod "$($cluster.Url)/fake/writes?plural=deployments&namespace=passthru&name=from").writes }
        $before = & $writes
        $r = Get-KoResource Deployment -Name from -Namespace passthru | New-KoService -Port 80 | Publish-KoResource
        ($r | Where-Object Kind -eq 'Deployment').Outcome | Should -Be 'Skipped'
        ($r | Where-Object Kind -eq 'Service').Outcome | Should -Be 'Created'
        & $writes | Should -Be $before
    }

    It 'sends no server or controller fields when asked to apply an object read from the cluster' {
        Wait-KoRollout -Name from -Namespace passthru -Timeout 00:01:00 | Out-Null   # the controller has written its revision
        $d = Get-KoResource Deployment -Name from -Namespace passthru
        $d.Metadata.Annotations['deployment.kubernetes.io/revision'] | Should -Not -BeNullOrEmpty -Because 'the premise: the controller set it'
        $d.Spec.Replicas = 4
        ($d | Publish-KoResource -Reapply | Where-Object Kind -eq 'Deployment').Outcome | Should -Be 'Configured'
        $live = Invoke-KoKubectl $kc get deployment from -n passthru -o json --show-managed-fields | ConvertFrom-Json
        $live.spec.replicas | Should -Be 4
        $owned = ($live.metadata.managedFields | Where-Object { $_.manager -eq 'kubeops' -and $_.operation -eq 'Apply' }).fieldsV1 | ConvertTo-Json -Depth 50 -Compress
        $owned | Should -Match 'f:replicas'
        foreach ($field in 'f:status', 'f:resourceVersion', 'f:uid', 'f:creationTimestamp', 'f:generation', 'f:managedFields', 'f:deployment.kubernetes.io/revision') {
            $owned | Should -Not -Match ([regex]::Escape($field)) -Because "$field belongs to the server or a controller"
        }
    }

    It 'validates on the server with -DryRun and stores nothing' {
        New-TestDeployment -Name dry -Namespace shop | Publish-KoResource -DryRun | Out-Null
        Get-KoResource Deployment -Name dry -Namespace shop -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'reports with -DryRun what an apply would create, change or leave alone, and changes nothing' {
        $cm = { param($Name, $Value) "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: $Name, namespace: shop}`ndata: {k: $Value}" | ConvertFrom-KoYaml }
        (& $cm dry-same a), (& $cm dry-change a) | Publish-KoResource | Out-Null
        # Three ConfigMaps in one namespace: the batch lists them once.
        $r = (& $cm dry-same a), (& $cm dry-change b), (& $cm dry-new a) | Publish-KoResource -DryRun
        ($r | Where-Object Name -eq 'dry-same').Outcome | Should -Be 'Unchanged'
        ($r | Where-Object Name -eq 'dry-change').Outcome | Should -Be 'Configured'
        ($r | Where-Object Name -eq 'dry-new').Outcome | Should -Be 'Created'
        # A lone object is read with a GET first.
        (& $cm dry-change c | Publish-KoResource -DryRun).Outcome | Should -Be 'Configured'
        (& $cm dry-same a | Publish-KoResource -DryRun).Outcome | Should -Be 'Unchanged'
        Invoke-KoKubectl $kc get configmap dry-change -n shop -o jsonpath='{.data.k}' | Should -Be 'a'
        Invoke-KoKubectl $kc get configmap -n shop -o name | Should -Not -Contain 'configmap/dry-new'
    }
}

Describe 'Get-KoResource, Compare-KoResource and Remove-KoResource' {
    BeforeAll { Connect-KoCluster -KubeConfig $kc -Namespace shop | Out-Null }

    It 'gets by kind alias, wildcard, label selector and across namespaces' {
        (Get-KoResource deploy -Name 'we*').Name | Should -Be 'web'
        (Get-KoResource Deployment -LabelSelector 'tier=web').Name | Should -Be 'web'
        (Get-KoResource cm -AllNamespaces | Where-Object Name -eq 'c').Namespace | Should -Be 'nowhere'
        Get-KoResource Deployment -Name ghost -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -Match '^NotFound'
    }

    It 'shows what an apply would change, field by field' {
        $changes = New-TestDeployment -Name web -Namespace shop -Replicas 4 | Compare-KoResource
        $replicas = $changes | Where-Object Path -eq 'spec.replicas'
        $replicas.Live | Should -Be '3'
        $replicas.Desired | Should -Be '4'
        (Get-KoResource Deployment -Name web).Spec.Replicas | Should -Be 3
    }

    It 'removes piped objects and waits until they are gone' {
        Get-KoResource Service -Name web | Remove-KoResource -WhatIf
        (Get-KoResource Service -Name web).Name | Should -Be 'web'
        Get-KoResource Service -Name web | Remove-KoResource -Wait
        Get-KoResource Service -Name web -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Invoke-KoKubectl $kc get service -n shop -o name | Should -Not -Contain 'service/web'
    }
}
