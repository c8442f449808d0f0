# Recipes 2 and 5: Jenkins without privileged pods (agents for maven, nodejs, rootless BuildKit and the KubeOpsPS
# deploy step; behind an ingress with TLS) and a supervisord.conf for a two-process container, as files.
param([string] $OutputDirectory)
$ErrorActionPreference = 'Stop'

# The admin password is not in the script: without -AdminCredential the controller waits for the Secret
# jenkins/jenkins-admin (keys username, password), created from a vault or with -AdminCredential (Get-Credential).
Install-KoJenkins -StorageClass nfs -Registry https://registry.example.com/team `
    -Ingress @{ Host = 'jenkins.example.com'; TlsSecretName = 'jenkins-tls' } `
    -OutputDirectory (Join-Path $OutputDirectory 'jenkins') -WarningAction SilentlyContinue | Out-Null

# The seed's supervisor example: two programs in one container, restarted when they exit, logging to the container.
$dir = New-Item -ItemType Directory -Force (Join-Path $OutputDirectory 'supervisor')
New-KoSupervisorConfig -Path (Join-Path $dir 'supervisord.conf') -Program @(
    @{ Name = 'app1'; Command = '/usr/local/bin/app1' }
    @{ Name = 'app2'; Command = '/usr/local/bin/app2' }
) | Out-Null
