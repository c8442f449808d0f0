# build.ps1 Package makes a .nupkg that PowerShell's own PSResourceGet installs from a local folder repository.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'build.ps1 Package' {
    BeforeAll {
        $root = $env:KO_REPO_ROOT
        $result = Invoke-KoChildPwsh "& '$(Join-Path $root 'build.ps1')' Package"
        $script:packageDir = Join-Path $root 'out/package'
        $script:packOutput = $result.Output
    }

    It 'produces a nupkg named after the module and its version' {
        $version = (Import-PowerShellDataFile $env:KO_MODULE).ModuleVersion
        Test-Path (Join-Path $packageDir "KubeOpsPS.$version.nupkg") | Should -BeTrue -Because $packOutput
    }

    It 'installs with Install-PSResource from a file repository into a clean home and imports' {
        $home2 = Join-Path $TestDrive 'home'
        # .NET reports a missing XDG folder as "", and PSResourceGet then writes its store under the current
        # directory: create them so everything stays in the clean home.
        foreach ($d in '.local/share/powershell/Modules', '.config') { New-Item -ItemType Directory (Join-Path $home2 $d) -Force | Out-Null }
        $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name KoLocal -Uri '$packageDir' -Trusted
`$found = Find-PSResource KubeOpsPS -Repository KoLocal
"FOUND `$(`$found.Name) `$(`$found.Version) `$(`$found.Tags -join ',')"
"DESCRIPTION `$(`$found.Description)"
Install-PSResource KubeOpsPS -Repository KoLocal -Scope CurrentUser -TrustRepository
Import-Module KubeOpsPS
"IMPORTED `$((Get-Module KubeOpsPS).ModuleBase)"
"COMMANDS `$((Get-Command -Module KubeOpsPS).Count)"
"YAML `$(('apiVersion: v1' + [char]10 + 'kind: Namespace' + [char]10 + 'metadata: {name: x}') | ConvertFrom-KoYaml | ConvertTo-KoYaml)"
"@
        $r = Invoke-KoChildPwsh $script -Environment @{ HOME = $home2; XDG_DATA_HOME = "$home2/.local/share"; XDG_CONFIG_HOME = "$home2/.config"; PSModulePath = "$home2/.local/share/powershell/Modules" }
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Output | Should -Match 'FOUND KubeOpsPS \d+\.\d+\.\d+ .*Kubernetes'
        $r.Output | Should -Match 'DESCRIPTION Run Kubernetes better'
        $r.Output | Should -Match ([regex]::Escape("IMPORTED $home2"))
        $r.Output | Should -Match 'COMMANDS [1-9]'
        $r.Output | Should -Match 'kind: Namespace'
    }
}
