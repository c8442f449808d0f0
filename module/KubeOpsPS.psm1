# Loads the module through its loader: KubeOpsPS.Loader.dll is the only assembly in PowerShell's own load context.
# It creates the module's AssemblyLoadContext (once per process, so a re-import reuses it) and loads the cmdlets,
# the engine and the packages (KubernetesClient, YamlDotNet, BouncyCastle) from bin/ into it.
$isReload = $true
if (-not ('KubeOpsPS.Loader.KoLoadContext' -as [type])) {
    $isReload = $false
    # Assembly.LoadFrom, not Add-Type: Add-Type would auto-load Microsoft.PowerShell.Utility, about 120 ms of every
    # import for a script that never needs it (bench/00-foundation.ps1 measures the start-up).
    $null = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($PSScriptRoot, 'KubeOpsPS.Loader.dll'))
}
$assembly = [KubeOpsPS.Loader.KoLoadContext]::Initialize([System.IO.Path]::Combine($PSScriptRoot, 'bin'))
$inner = Microsoft.PowerShell.Core\Import-Module -Assembly $assembly -PassThru:$isReload
if ($inner) {
    # On a re-import (Import-Module -Force), PowerShell hands back its cached assembly module without adding the
    # cmdlets to this module's scope (PowerShell/PowerShell#20710), so add them here.
    $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod('AddExportedCmdlet', [System.Reflection.BindingFlags]'Instance, NonPublic')
    foreach ($cmd in $inner.ExportedCmdlets.Values) {
        $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $cmd))
    }
}
