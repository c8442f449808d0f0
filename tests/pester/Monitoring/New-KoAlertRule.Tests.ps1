BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
}

Describe 'New-KoAlertRule' {
    It 'returns a rule that Prometheus reads, checked by promtool' {
        $r = New-KoAlertRule -Name HighErrorRate -Expr 'rate(http_errors_total[5m]) > 1' -For 10m -Severity critical -Summary 'Errors' -Description 'Many errors' -Verbose 4>&1
        $verbose = $r | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        "$verbose" | Should -Match 'promtool: .*SUCCESS'
        $rule = $r | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $rule.Name | Should -Be 'HighErrorRate'
        $rule.For | Should -Be '10m'
        $rule.Severity | Should -Be 'critical'
    }

    It 'refuses an invalid PromQL expression with promtool''s message' {
        { New-KoAlertRule -Name Broken -Expr 'rate(up[5m] > 1' -ErrorAction Stop } | Should -Throw -ErrorId 'ConfigCheckFailed,*' -ExpectedMessage '*unclosed left parenthesis*'
    }

    It 'warns that the rule was not checked when promtool is not on PATH' {
        $empty = Join-Path $TestDrive 'empty-path'
        New-Item -ItemType Directory $empty -Force | Out-Null
        $r = Invoke-KoChildPwsh -Command "Import-Module '$env:KO_MODULE'; `$r = New-KoAlertRule -Name Unchecked -Expr 'rate(up[5m] > 1'; `$r.Name" -Environment @{ PATH = $empty }
        $r.Output | Should -Match 'promtool is not on PATH'
        $r.Output | Should -Match 'not checked'
        $r.Output | Should -Match 'Unchecked'
    }

    It 'refuses <Case>' -ForEach @(
        @{ Case = 'a name with spaces'; Splat = @{ Name = 'High Load'; Expr = 'up' }; Message = "*-Name 'High Load' is not an alert name*" }
        @{ Case = 'a duration without a unit'; Splat = @{ Name = 'A'; Expr = 'up'; For = '10' }; Message = "*-For '10' is not a duration*" }
        @{ Case = 'an empty expression'; Splat = @{ Name = 'A'; Expr = ' ' }; Message = "*-Expr is required*" }
    ) {
        { New-KoAlertRule @Splat -ErrorAction Stop } | Should -Throw -ExpectedMessage $Message
    }

    It 'refuses an unknown severity at binding' {
        { New-KoAlertRule -Name A -Expr up -Severity urgent } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }
}
