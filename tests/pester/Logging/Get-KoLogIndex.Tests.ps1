BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:cluster = Start-KoFakeCluster
    $script:kc = $cluster.KubeConfig
    $null = Install-KoLogging -AllowIndexListing -KubeConfig $kc
    # Elasticsearch itself is a test double behind the service proxy; "locked" is one that wants credentials.
    $script:elasticsearch = Start-KoFakeElasticsearch $cluster -Open 'kubeops-logging/elasticsearch:9200' -Secured 'kubeops-logging/locked:9200'
}
AfterAll {
    Stop-KoFakeElasticsearch $script:elasticsearch
    Stop-KoFakeCluster $script:cluster
}

Describe 'Get-KoLogIndex' {
    It 'returns the indices as objects through the service proxy' {
        Clear-KoFakeRequests $cluster
        $indices = Get-KoLogIndex -KubeConfig $kc
        $indices | Should -HaveCount 2
        $indices[0].GetType().FullName | Should -Be 'KubeOpsPS.Engine.Manifests.Logging.LogIndex'
        $indices.Index | Should -Be @('k8s-logs-2026.11.24', 'k8s-logs-2026.11.25')
        $indices[0].Docs | Should -Be 15230
        $indices[0].SizeBytes | Should -Be 7340032
        $indices[1].Health | Should -Be 'yellow'
        $indices[1].Created.UtcDateTime.ToString('o') | Should -Be '2026-11-25T00:00:00.0000000Z'
        $proxy = @(Get-KoFakeRequests $cluster | Where-Object path -like '*/proxy/*')
        $proxy | Should -HaveCount 1
        $proxy[0].path | Should -Be '/api/v1/namespaces/kubeops-logging/services/elasticsearch:9200/proxy/_cat/indices'
    }

    It 'filters by name with wildcards' {
        (Get-KoLogIndex '*11.25' -KubeConfig $kc).Index | Should -Be 'k8s-logs-2026.11.25'
        Get-KoLogIndex 'nothing-*' -KubeConfig $kc | Should -BeNullOrEmpty
    }

    It 'shows a table with sizes a person can read' {
        $text = Get-KoLogIndex -KubeConfig $kc | Out-String
        $text | Should -Match 'INDEX\s+HEALTH\s+STATUS\s+DOCS\s+SIZE\s+CREATED'
        $text | Should -Match 'k8s-logs-2026\.11\.24\s+green\s+open\s+15230\s+7\.0 MiB\s+2026-11-24 00:00'
    }

    It 'says so when Elasticsearch is not there' {
        { Get-KoLogIndex -Namespace nowhere -KubeConfig $kc -ErrorAction Stop } | Should -Throw -ErrorId 'NotFound*'
    }

    It 'says what to do when Elasticsearch wants credentials' {
        $locked = @{ apiVersion = 'v1'; kind = 'Service'; metadata = @{ name = 'locked'; namespace = 'kubeops-logging'; labels = @{ 'app.kubernetes.io/name' = 'elasticsearch' } }; spec = @{ ports = @(@{ port = 9200 }); selector = @{ 'app.kubernetes.io/name' = 'elasticsearch' } } }
        $null = $locked | Publish-KoResource -KubeConfig $kc
        $err = $null
        try { Get-KoLogIndex -ServiceName locked -KubeConfig $kc -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ServiceUnauthorized*'
        $err.ErrorDetails.RecommendedAction | Should -Match 'AllowIndexListing'
    }

    It 'refuses a bad namespace before sending anything' {
        Clear-KoFakeRequests $cluster
        { Get-KoLogIndex -Namespace 'Bad_NS' -KubeConfig $kc -ErrorAction Stop } | Should -Throw -ExpectedMessage "*-Namespace 'Bad_NS'*"
        @(Get-KoFakeRequests $cluster).Count | Should -Be 0
    }
}
