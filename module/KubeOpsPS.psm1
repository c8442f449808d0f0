# Loads the module through its loader: KubeOpsPS.Loader.dll is the only assembly in PowerShell's own load context.
# It creates the module's AssemblyLoadContext (once per process, so a re-import reuses it) and loads the cmdlets,
# the engine and the packages (KubernetesClient, YamlDotNet, BouncyCastle) from bin/ into it.
if (-not ('KubeOpsPS.Loader.KoLoadContext' -as [type])) {
    Add-Type -LiteralPath ([System.IO.Path]::Combine($PSScriptRoot, 'KubeOpsPS.Loader.dll'))
}
$assembly = [KubeOpsPS.Loader.KoLoadContext]::Initialize([System.IO.Path]::Combine($PSScriptRoot, 'bin'))
Import-Module -Assembly $assembly -Force
