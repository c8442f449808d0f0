# Recipe 7: the monitoring stack as manifests: node-exporter, kube-state-metrics, Prometheus and Alertmanager on NFS
# claims with the default alerts plus one of the seed's own, Grafana with its datasource and dashboards provisioned,
# and the three UIs behind one Ingress host with TLS and basic auth. A seed-era dashboard is fixed for provisioning.
param([string] $OutputDirectory)
$ErrorActionPreference = 'Stop'

# The seed mailed alerts through a relay without TLS; here STARTTLS stays on (-SmtpRequireTls $true, the default) and
# the password goes to a Secret. The demo's password is a placeholder: pass Get-Credential in real use.
$smtp = [pscredential]::new('alerts', (ConvertTo-SecureString 'replace-me' -AsPlainText -Force))
$highLoad = New-KoAlertRule -Name NodeHighLoad -Expr 'node_load5 / on (node) count by (node) (node_cpu_seconds_total{mode="idle"}) > 2' `
    -For 15m -Severity warning -Summary 'Node {{ $labels.node }} is overloaded' -Description 'The 5-minute load is {{ $value }} per CPU.'
Install-KoMonitoring -StorageClass nfs -Retention 30d -StorageSize 50Gi `
    -SmtpServer smtp.example.com:587 -From alerts@example.com -To ops@example.com -SmtpCredential $smtp `
    -Rule $highLoad -Ingress @{ Host = 'mon.example.com'; TlsSecretName = 'mon-tls'; BasicAuthSecret = 'mon-auth' } `
    -OutputDirectory (Join-Path $OutputDirectory 'monitoring') -WarningAction SilentlyContinue | Out-Null

# A dashboard of the seed's era (315-style): ${DS_PROMETHEUS} input, a graph panel, the pre-1.16 cAdvisor label.
# The fixed JSON is what Import-KoGrafanaDashboard adds to the grafana-dashboards ConfigMap on a live cluster.
$legacy = Join-Path ([IO.Path]::GetTempPath()) "ko-demo-315-$PID.json"
try {
    Set-Content $legacy '{ "__inputs": [ { "name": "DS_PROMETHEUS", "type": "datasource", "pluginId": "prometheus" } ], "title": "Kubernetes cluster monitoring (via Prometheus)", "panels": [ { "type": "graph", "title": "Pods CPU usage", "datasource": "${DS_PROMETHEUS}", "targets": [ { "expr": "sum (rate (container_cpu_usage_seconds_total{image!=\"\"}[1m])) by (pod_name)", "legendFormat": "{{ pod_name }}" } ] } ] }'
    Import-KoGrafanaDashboard -Path $legacy -OutputDirectory (Join-Path $OutputDirectory 'grafana-dashboards') | Out-Null
} finally {
    Remove-Item $legacy -ErrorAction SilentlyContinue
}
