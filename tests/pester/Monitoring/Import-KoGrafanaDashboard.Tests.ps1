BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    # The shape of the seed's dashboard 315 as grafana.com serves it: a ${DS_PROMETHEUS} input, Angular panels,
    # cAdvisor's pre-1.16 labels, node-exporter's pre-0.16 names and a Docker-only selector.
    $script:legacy = @'
{
  "__inputs": [ { "name": "DS_PROMETHEUS", "label": "prometheus", "type": "datasource", "pluginId": "prometheus", "pluginName": "Prometheus" } ],
  "__requires": [ { "type": "panel", "id": "graph", "name": "Graph" } ],
  "id": 315, "title": "Kubernetes cluster monitoring (via Prometheus)",
  "panels": [
    { "id": 1, "type": "graph", "title": "Pods CPU usage", "datasource": "${DS_PROMETHEUS}",
      "targets": [ { "expr": "sum (rate (container_cpu_usage_seconds_total{image!=\"\",name=~\"^k8s_.*\"}[1m])) by (pod_name)", "legendFormat": "{{ pod_name }}" } ] },
    { "id": 2, "type": "singlestat", "title": "Cluster memory", "datasource": "${DS_PROMETHEUS}",
      "targets": [ { "expr": "sum (node_memory_MemTotal) - sum (node_memory_MemFree)" } ] },
    { "id": 3, "type": "grafana-worldmap-panel", "title": "Where", "datasource": "${DS_PROMETHEUS}" }
  ]
}
'@
}

Describe 'Import-KoGrafanaDashboard' {
    Context 'offline' {
        It 'converts a Grafana 13 v2 dashboard to the classic model and warns about what did not convert' {
            $src = Join-Path $PSScriptRoot '../../KubeOpsPS.Tests/Monitoring/Fixtures/v2-node.json'
            $d = Import-KoGrafanaDashboard -Path $src -OutputDirectory (Join-Path $TestDrive 'v2') -WarningVariable w -WarningAction SilentlyContinue
            $d.Uid | Should -Be 'node-v2'
            $json = Get-Content (Join-Path $TestDrive 'v2/node-v2.json') -Raw | ConvertFrom-Json -AsHashtable
            foreach ($key in 'apiVersion', 'spec', 'elements', 'layout') { $json.Contains($key) | Should -BeFalse }
            $json.panels.type | Should -Be @('row', 'timeseries', 'stat', 'row')
            $json.templating.list.name | Should -Be @('node', 'window')
            $d.Issues.Kind | Should -Contain 'V2Converted'
            "$w" | Should -Match "variable 'detailed': variable kind 'SwitchVariable' has no classic equivalent"
            "$w" | Should -Match "library panel 'Disk latency'"
        }

        It 'writes the fixed dashboard and reports what it changed and what it could not' {
            $src = Join-Path $TestDrive '315.json'
            Set-Content $src $legacy
            $d = Import-KoGrafanaDashboard -Path $src -OutputDirectory (Join-Path $TestDrive 'out') -WarningVariable w -WarningAction SilentlyContinue
            $d.Uid | Should -Be '315'
            $json = Get-Content (Join-Path $TestDrive 'out/315.json') -Raw | ConvertFrom-Json -AsHashtable
            $json.Contains('__inputs') | Should -BeFalse
            $json.id | Should -BeNullOrEmpty
            $json.panels[0].type | Should -Be 'timeseries'
            $json.panels[0].datasource.uid | Should -Be 'prometheus'
            $json.panels[0].targets[0].expr | Should -Match 'by \(pod\)$'
            $json.panels[0].targets[0].legendFormat | Should -Be '{{ pod }}'
            $json.panels[1].type | Should -Be 'stat'
            $json.panels[1].targets[0].expr | Should -Be 'sum (node_memory_MemTotal_bytes) - sum (node_memory_MemFree_bytes)'
            ($d.Issues | Where-Object { -not $_.Fixed }).Kind | Sort-Object | Should -Be @('DockerEraSelector', 'RemovedPanelType')
            "$w" | Should -Match 'grafana-worldmap-panel'
            "$w" | Should -Match 'Docker-era'
        }

        It 'refuses a file that is not a dashboard and goes on with the others' {
            $bad = Join-Path $TestDrive 'bad.json'; Set-Content $bad '{ "title": "no panels" }'
            $good = Join-Path $TestDrive 'good.json'; Set-Content $good '{ "uid": "good", "title": "Good", "panels": [] }'
            $r = Import-KoGrafanaDashboard -Path $bad, $good -OutputDirectory (Join-Path $TestDrive 'out2') -ErrorVariable err -ErrorAction SilentlyContinue
            $r.Uid | Should -Be 'good'
            $err | Should -HaveCount 1
            "$($err[0])" | Should -Match "bad.json is not a Grafana dashboard"
        }
    }

    Context 'on the fake cluster' {
        BeforeAll {
            $script:cluster = Start-KoFakeCluster -ClockSpeed 10
            $script:kc = $cluster.KubeConfig
            $null = Install-KoMonitoring -KubeConfig $kc
        }
        AfterAll { Stop-KoFakeCluster $script:cluster }

        It 'adds the dashboard as a key of the provisioned dashboards, and a new install keeps it' {
            $src = Join-Path $TestDrive '315.json'
            Set-Content $src $legacy
            $null = Import-KoGrafanaDashboard -Path $src -KubeConfig $kc -WarningAction SilentlyContinue
            $keys = (Invoke-KoKubectl $kc get configmap grafana-dashboards -n monitoring -o json | ConvertFrom-Json).data.PSObject.Properties.Name
            $keys | Sort-Object | Should -Be @('315.json', 'kubeops-cluster-overview.json', 'kubeops-node.json')
            $null = Install-KoMonitoring -KubeConfig $kc
            $after = (Invoke-KoKubectl $kc get configmap grafana-dashboards -n monitoring -o json | ConvertFrom-Json).data
            $after.PSObject.Properties.Name | Should -Contain '315.json'
            ($after.'315.json' | ConvertFrom-Json).panels[0].datasource.uid | Should -Be 'prometheus'
        }

        It 'applies nothing with -WhatIf' {
            $src = Join-Path $TestDrive 'w.json'; Set-Content $src '{ "uid": "w", "title": "W", "panels": [] }'
            Clear-KoFakeRequests $cluster
            $null = Import-KoGrafanaDashboard -Path $src -KubeConfig $kc -WhatIf
            @(Get-KoFakeRequests $cluster | Where-Object method -ne 'GET').Count | Should -Be 0
        }
    }
}
