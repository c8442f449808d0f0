@{
    RootModule           = 'KubeOpsPS.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '6b0f1f8e-3f57-4f7e-9a55-5d4c1c0b7a21'
    Author               = 'KubeOpsPS contributors'
    CompanyName          = 'KubeOpsPS'
    Copyright            = '(c) KubeOpsPS contributors. MIT License.'
    Description          = 'Run Kubernetes better from PowerShell: ingress, TLS, storage, auto-deploy, logging, monitoring and safe rollouts as cmdlets that pipe real Kubernetes objects, with server-side apply, -WhatIf and offline manifest output.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('formats/Core.Format.ps1xml', 'formats/AppManager.Format.ps1xml', 'formats/Rollout.Format.ps1xml', 'formats/Storage.Format.ps1xml', 'formats/Tls.Format.ps1xml', 'formats/Logging.Format.ps1xml', 'formats/Monitoring.Format.ps1xml', 'formats/Report.Format.ps1xml', 'formats/Kinds.Format.ps1xml', 'KubeOpsPS.Kinds.Format.ps1xml')
    TypesToProcess       = @('KubeOpsPS.Types.ps1xml')
    CmdletsToExport      = @(
        'Add-KoAlertRule'
        'Compare-KoResource'
        'Convert-KoIngress'
        'Connect-KoCluster'
        'ConvertFrom-KoYaml'
        'ConvertTo-KoYaml'
        'Get-KoContext'
        'Get-KoCertificate'
        'Get-KoClusterReport'
        'Get-KoLogIndex'
        'Get-KoResource'
        'Get-KoRolloutHistory'
        'Import-KoCertificate'
        'Import-KoGrafanaDashboard'
        'Install-KoAppManager'
        'Install-KoIngressController'
        'Install-KoJenkins'
        'Install-KoLogging'
        'Install-KoMonitoring'
        'Install-KoNfsStorage'
        'New-KoAlertRule'
        'New-KoBasicAuthSecret'
        'New-KoCertificate'
        'New-KoCertificateAuthority'
        'New-KoCertificateRequest'
        'New-KoDeployment'
        'New-KoHttpRoute'
        'New-KoIngress'
        'New-KoPrivateKey'
        'New-KoStatefulSet'
        'New-KoService'
        'New-KoStaticPod'
        'New-KoSupervisorConfig'
        'New-KoTlsSecret'
        'New-KoVolumeClaim'
        'Publish-KoResource'
        'Remove-KoResource'
        'Remove-KoVolumeClaim'
        'Start-KoAppManager'
        'Start-KoRollingUpdate'
        'Switch-KoBlueGreen'
        'Test-KoAccess'
        'Undo-KoRollout'
        'Update-KoMonitoringConfig'
        'Wait-KoRollout'
        'Wait-KoVolumeClaim'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Kubernetes', 'k8s', 'kubectl', 'DevOps', 'Ingress', 'TLS', 'Prometheus', 'YAML', 'Linux', 'MacOS', 'Windows', 'PSEdition_Core')
            ReleaseNotes = 'First release: YAML object pipeline, cluster access with server-side apply, and the ops recipes as cmdlets.'
        }
    }
}
