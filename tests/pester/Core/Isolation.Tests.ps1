# Dependency isolation: KubeOpsPS loads its YamlDotNet and KubernetesClient into its own AssemblyLoadContext, so it
# works in a session where another module (powershell-yaml does this) loaded an older YamlDotNet first.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $script:oldYaml = Join-Path $packages 'yamldotnet/11.2.1/lib/netstandard2.1/YamlDotNet.dll'
}

Describe 'Dependency isolation' {
    It 'has the older YamlDotNet to load first (restored by build/Tools.csproj)' {
        Test-Path $oldYaml | Should -BeTrue
    }

    It 'imports and round-trips YAML after another YamlDotNet was loaded into the default context' {
        $script = @"
`$ErrorActionPreference = 'Stop'
Add-Type -LiteralPath '$oldYaml'
`$before = [YamlDotNet.Serialization.Serializer].Assembly
Import-Module '$env:KO_MODULE'
`$out = "apiVersion: apps/v1`nkind: Deployment`nmetadata: {name: web}`nspec:`n  selector: {matchLabels: {app: web}}`n  template:`n    metadata: {labels: {app: web}}`n    spec: {containers: [{name: web, image: nginx}]}" | ConvertFrom-KoYaml | ConvertTo-KoYaml
`$ours = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' -and `$_ -ne `$before }
'FIRST ' + `$before.GetName().Version + ' ' + [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$before).Name
'OURS ' + `$ours.GetName().Version + ' ' + [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$ours).Name
'TYPE ' + ("apiVersion: v1`nkind: Namespace`nmetadata: {name: x}" | ConvertFrom-KoYaml).GetType().FullName
`$out
Import-Module '$env:KO_MODULE' -Force
'AGAIN ' + (Get-Command -Module KubeOpsPS).Count
'AGAIN-YAML ' + (("apiVersion: v1`nkind: Namespace`nmetadata: {name: y}" | ConvertFrom-KoYaml | ConvertTo-KoYaml) -replace "`n", ' ')
'COPIES ' + @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' }).Count + ' ' + @([Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'KubeOpsPS').Count
Remove-Module KubeOpsPS
Import-Module '$env:KO_MODULE'
'REMOVED-AND-BACK ' + (("apiVersion: v1`nkind: ConfigMap`nmetadata: {name: z}`ndata: {port: '8080'}" | ConvertFrom-KoYaml | ConvertTo-KoYaml) -replace "`n", ' ')
"@
        $r = Invoke-KoChildPwsh $script
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Output | Should -Match 'FIRST 11\.\d+\.\d+\.\d+ Default'
        $r.Output | Should -Match 'OURS 18\.\d+\.\d+\.\d+ KubeOpsPS'
        $r.Output | Should -Match 'TYPE k8s\.Models\.V1Namespace'
        $r.Output | Should -Match 'kind: Deployment'
        $r.Output | Should -Match 'image: nginx'
        $r.Output | Should -Match 'AGAIN [1-9]\d*'
        $r.Output | Should -Match "AGAIN-YAML apiVersion: v1 kind: Namespace metadata:   name: 'y'"
        # A re-import reuses the module's load context: still exactly two YamlDotNet copies and one KubeOpsPS context.
        $r.Output | Should -Match 'COPIES 2 1'
        $r.Output | Should -Match "REMOVED-AND-BACK apiVersion: v1 kind: ConfigMap metadata:   name: z data:   port: '8080'"
    }
}
