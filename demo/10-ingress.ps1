# Recipe 1: the seed's dashboard case. An NGINX Ingress controller listening on 8080 (port 80 was blocked), and the
# cluster's web UI behind it with TLS and basic auth. The Kubernetes Dashboard was archived in January 2026: the UI is
# its successor, Headlamp. Written as manifests; `Publish-KoResource` applies the same objects.
param([string] $OutputDirectory)
$ErrorActionPreference = 'Stop'

# The maintained F5 NGINX Ingress Controller on the nodes' port 8080/8443, one per node, as the default class.
Install-KoIngressController -HttpPort 8080 -HttpsPort 8443 -HostNetwork -DaemonSet -AsDefaultClass `
    -Config @{ 'client-max-body-size' = '20m' } -OutputDirectory (Join-Path $OutputDirectory 'ingress-controller') | Out-Null

# Recipe 1b: a lab CA and a certificate for the dashboard's host, as files (the CA certificate is what browsers must
# trust; keys are written owner-only) and as the TLS secret.
$pki = Join-Path $OutputDirectory 'pki'
$null = New-Item -ItemType Directory $pki -Force
$ca = New-KoCertificateAuthority -CommonName 'KubeOpsPS Demo Root CA' -Path "$pki/ca.crt" -KeyPath "$pki/ca.key"
$tls = New-KoPrivateKey -Path "$pki/dash.key" |
    New-KoCertificateRequest -CommonName dash.example.com -Path "$pki/dash.csr" |
    New-KoCertificate -Issuer $ca -ValidDays 90 -Path "$pki/dash.crt" |
    New-KoTlsSecret -Name dash-tls -Namespace kube-system

# Headlamp with its Service, behind TLS and basic auth. The basic-auth user gets a random password here so the demo
# runs unattended: use -Credential (Get-Credential admin) for a real one.
$password = ConvertTo-SecureString ([Convert]::ToBase64String([Security.Cryptography.RandomNumberGenerator]::GetBytes(18))) -AsPlainText -Force
$admin = [pscredential]::new('admin', $password)
@(
    New-KoDeployment -Name headlamp -Namespace kube-system -Image ghcr.io/headlamp-k8s/headlamp:v0.42.0 -Port 4466 -ReadinessProbe http:4466/ |
        New-KoService -Port 80 -TargetPort 4466
    New-KoBasicAuthSecret -Name dash-auth -Namespace kube-system -Credential $admin |
        New-KoIngress -Name headlamp -Namespace kube-system -Host dash.example.com -ServiceName headlamp -ServicePort 80 -TlsSecretName dash-tls
    $tls
) | ConvertTo-KoYaml -OutputDirectory (Join-Path $OutputDirectory 'dashboard') | Out-Null

# The same route for a Gateway API cluster, the forward path after ingress-nginx's retirement.
New-KoHttpRoute -Name headlamp -Namespace kube-system -Host dash.example.com -ServiceName headlamp -ServicePort 80 -TlsSecretName dash-tls |
    ConvertTo-KoYaml -OutputDirectory (Join-Path $OutputDirectory 'gateway-api') | Out-Null
