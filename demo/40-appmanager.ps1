# Recipe 4: the in-cluster app-manager with a folder of app manifests, and a static pod, as files.
param([string] $OutputDirectory)
$ErrorActionPreference = 'Stop'
$apps = Join-Path $OutputDirectory 'apps-source'
New-Item -ItemType Directory $apps -Force | Out-Null
@"
apiVersion: v1
kind: ConfigMap
metadata:
  name: shop-settings
  namespace: apps
data:
  mode: production
"@ | Set-Content (Join-Path $apps 'shop-settings.yaml')
Install-KoAppManager -Path $apps -Namespace apps -OutputDirectory (Join-Path $OutputDirectory 'app-manager') | Out-Null
New-KoStaticPod -Name node-agent -Image busybox:1.37 -Command sleep, infinity -ManifestPath (Join-Path $OutputDirectory 'static-pods') | Out-Null
