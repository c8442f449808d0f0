BeforeAll {
    Import-Module $env:KO_MODULE -Force
}

Describe 'The KubeOpsPS module' {
    It 'has a manifest that Test-ModuleManifest accepts' {
        $m = Test-ModuleManifest $env:KO_MODULE
        $m.Name | Should -Be 'KubeOpsPS'
        $m.PowerShellVersion | Should -Be ([version]'7.6')
        $m.CompatiblePSEditions | Should -Be @('Core')
        $m.PrivateData.PSData.Tags | Should -Contain 'Kubernetes'
    }

    It 'exports exactly the cmdlets its assembly defines, listed without wildcards' {
        $data = Import-PowerShellDataFile $env:KO_MODULE
        $data.CmdletsToExport | Should -Not -Contain '*'
        $data.CmdletsToExport | ForEach-Object { $_ | Should -Not -Match '\*' }
        $defined = (Get-Command -Module KubeOpsPS -CommandType Cmdlet).ImplementingType |
            Where-Object { $_.Assembly.GetName().Name -eq 'KubeOpsPS' } |
            ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" }
        $all = $data.CmdletsToExport
        ($defined | Sort-Object) | Should -Be ($all | Sort-Object)
    }

    It 'gives every exported cmdlet a help synopsis' {
        foreach ($c in Get-Command -Module KubeOpsPS) {
            (Get-Help $c.Name).Synopsis | Should -Not -Match "^\s*$($c.Name)" -Because "$($c.Name) needs a help page in docs/cmdlets"
        }
    }

    It 'loads its libraries into its own load context, not PowerShell''s default one' {
        'apiVersion: v1', 'kind: Namespace', 'metadata: {name: x}' | ConvertFrom-KoYaml | ConvertTo-KoYaml | Out-Null
        foreach ($name in 'KubeOpsPS', 'KubeOpsPS.Engine', 'KubernetesClient', 'YamlDotNet') {
            $asm = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $name -and $_.Location -like "*KubeOpsPS*" }
            $asm | Should -Not -BeNullOrEmpty -Because "$name is loaded from the module"
            [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($asm).Name | Should -Be 'KubeOpsPS'
        }
        $loader = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'KubeOpsPS.Loader' }
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($loader).Name | Should -Be 'Default'
    }
}
