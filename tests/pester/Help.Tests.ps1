# Every exported cmdlet has complete help, a default view for what it returns, and -WhatIf when it changes a cluster.
# That the examples run as written, in a user's fresh session, is Docs/DocumentedCommands.Tests.ps1.
BeforeDiscovery {
    Import-Module $env:KO_MODULE -Force
    $script:cmdlets = @(Get-Command -Module KubeOpsPS -CommandType Cmdlet | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe 'Help for <Name>' -ForEach $script:cmdlets {
    BeforeAll {
        $script:help = Get-Help $Name -Full
        $script:command = Get-Command $Name
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name"
        ($help.Description.Text -join '') | Should -Not -BeNullOrEmpty
    }

    It 'describes every parameter' {
        foreach ($p in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $entry = $help.Parameters.Parameter | Where-Object Name -eq $p
            ($entry.Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$p of $Name needs a description in docs/cmdlets/$Name.md"
        }
    }

    It 'has at least two examples' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }

    It 'documents its inputs and outputs' {
        $help.InputTypes | Should -Not -BeNullOrEmpty
        $help.ReturnValues | Should -Not -BeNullOrEmpty
    }

    It 'supports -WhatIf when it can change a cluster or files' {
        $type = $command.ImplementingType
        # Import-KoCertificate only reads a file into an object (like Import-Csv); other Import-* cmdlets change a cluster.
        $changes = ($Name -match '^(Publish|Install|Remove|Start|Undo|Switch|Update|Add|Set|Import)-' -and $Name -ne 'Import-KoCertificate') -or $Name -eq 'New-KoStaticPod'
        if ($changes) {
            $command.Parameters.ContainsKey('WhatIf') | Should -BeTrue -Because "$Name changes a cluster"
        }
        $type | Should -Not -BeNullOrEmpty
    }

    It 'has a default view for each type it returns' {
        foreach ($t in $command.OutputType.Type | Where-Object { $_ }) {
            if ($t -in [string], [object], [System.IO.FileInfo], [void], [bool], [int]) { continue }
            if ($t.IsInterface -or $t.IsAbstract) { continue }
            Get-FormatData -TypeName $t.FullName | Should -Not -BeNullOrEmpty -Because "$Name returns $($t.FullName)"
        }
    }
}
