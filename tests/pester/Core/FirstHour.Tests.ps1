# A new admin's first hour (issue 20): what a person types in an interactive pwsh, following the README, the recipes
# and Get-Help, behaves as PowerShell users expect.
BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:cluster = Start-KoFakeCluster
    $script:kc = $cluster.KubeConfig
    Connect-KoCluster -KubeConfig $kc | Out-Null
    function Strip([string] $Text) { $Text -replace "`e\[[0-9;]*m", '' }
}
AfterAll { Stop-KoFakeCluster $script:cluster }

Describe 'Start-KoAppManager in the foreground' {
    It 'shows each event while it runs, in the default view and through Format-Table, with the whole failure message' -ForEach @(
        @{ Tail = '' }, @{ Tail = '| Format-Table' }
    ) {
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive "fg$($Tail.Length)") -Force
        Set-Content (Join-Path $dir 'ok.yaml') "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: fg-ok$($Tail.Length), namespace: default}`ndata: {a: b}"
        Set-Content (Join-Path $dir 'bad.yaml') "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: fg-bad, namespace: no-such-namespace-here}`ndata: {a: b}"
        $out = Join-Path $TestDrive "fg$($Tail.Length).out"
        $command = "Import-Module '$env:KO_MODULE'; Connect-KoCluster -KubeConfig '$kc' | Out-Null; Start-KoAppManager -Path '$dir' -Prune $Tail"
        $proc = Start-Process -FilePath ([Environment]::ProcessPath) -ArgumentList @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command', $command) -RedirectStandardOutput $out -RedirectStandardError "$out.err" -PassThru
        try {
            # Wait for the events on screen while the command still runs (it runs until stopped).
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not ((Get-Content $out -Raw -ErrorAction SilentlyContinue) -match 'Failed[\s\S]*not found') -and [DateTime]::UtcNow -lt $deadline -and -not $proc.HasExited) { Start-Sleep -Milliseconds 100 }
            $proc.HasExited | Should -BeFalse -Because (Get-Content "$out.err" -Raw)
            $screen = Strip (Get-Content $out -Raw)
            $screen | Should -Match "Applied\s+ConfigMap/default/fg-ok"
            # The message column wraps instead of cutting: every word of the server's answer is on screen.
            ($screen -replace '\s+', '') | Should -Match ([regex]::Escape('namespaces"no-such-namespace-here"notfound'))
        } finally {
            if (-not $proc.HasExited) { $proc.Kill() }
            $proc.WaitForExit(5000) | Out-Null
        }
    }
}

Describe 'ConvertFrom-KoYaml with a file name by position' {
    It 'reads the file, as users expect of a positional file name' {
        $file = Join-Path $TestDrive 'app.yaml'
        Set-Content $file "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: pos}`ndata: {a: b}"
        Push-Location $TestDrive
        try { (ConvertFrom-KoYaml ./app.yaml).Name | Should -Be 'pos' } finally { Pop-Location }
        (ConvertFrom-KoYaml $file).Data['a'] | Should -Be 'b'
    }

    It 'says the string is neither a file nor YAML when the file does not exist' {
        $err = $null
        ConvertFrom-KoYaml (Join-Path $TestDrive 'missing.yaml') -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^FileNotFound'
        "$($err[0])" | Should -BeLike "*missing.yaml' is not a file that exists, and it is not YAML either*"
    }

    It 'still reads one line of YAML given by position' {
        $err = $null
        ConvertFrom-KoYaml 'kind: ConfigMap' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        "$($err[0])" | Should -BeLike "*no 'apiVersion'*"
    }
}

Describe 'Positional Kind and Name' {
    It 'work the same for Get-KoResource and Remove-KoResource' {
        New-KoDeployment -Name posweb -Image nginx:1.29 | Publish-KoResource | Out-Null
        (Get-KoResource Deployment posweb).Name | Should -Be 'posweb'
        Remove-KoResource Deployment posweb -Confirm:$false
        Get-KoResource Deployment posweb -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'still removes what is piped in' {
        New-KoDeployment -Name posweb2 -Image nginx:1.29 | Publish-KoResource | Out-Null
        Get-KoResource Deployment posweb2 | Remove-KoResource -Confirm:$false
        Get-KoResource Deployment posweb2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Folders the module writes' {
    BeforeAll { $script:empty = Start-KoFakeCluster }
    AfterAll { Stop-KoFakeCluster $script:empty }

    It 'apply with one kubectl apply -f <dir> on an empty cluster: <Name>' -ForEach @(
        @{ Name = 'Install-KoMonitoring'; Write = { param($d) Install-KoMonitoring -OutputDirectory $d } }
        @{ Name = 'Install-KoLogging'; Write = { param($d) Install-KoLogging -OutputDirectory $d } }
        @{ Name = 'Install-KoAppManager'; Write = { param($d) $src = New-Item -ItemType Directory "$d-src" -Force; Install-KoAppManager -Path $src -Namespace apps -OutputDirectory $d } }
        @{ Name = 'ConvertTo-KoYaml'; Write = { param($d) @((New-KoDeployment -Name w -Namespace shop -Image nginx:1.29), @{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = 'shop' } }) | ConvertTo-KoYaml -OutputDirectory $d } }
    ) {
        $d = Join-Path $TestDrive "apply-$Name"
        $files = @(& $Write $d)
        $files.Count | Should -BeGreaterThan 0
        $out = Invoke-KoKubectl $empty.KubeConfig apply -f $d
        ($out | Out-String) | Should -Not -Match 'not found'
    }

    It 'apply with kubectl apply -R -f over a folder of folders' {
        $root = Join-Path $TestDrive 'tree'
        Install-KoLogging -OutputDirectory (Join-Path $root 'logging') -Namespace tree-logging | Out-Null
        @((New-KoDeployment -Name w -Namespace tree-shop -Image nginx:1.29), @{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = 'tree-shop' } }) |
            ConvertTo-KoYaml -OutputDirectory (Join-Path $root 'shop') | Out-Null
        { Invoke-KoKubectl $empty.KubeConfig apply -R -f $root } | Should -Not -Throw
    }
}

Describe 'Default views' {
    It 'count a Secret''s keys as kubectl does' {
        $secret = New-KoPrivateKey | New-KoCertificateRequest -CommonName dash.example.com | New-KoCertificate -SelfSigned | New-KoTlsSecret -Name dash-tls
        $line = (Strip ($secret | Out-String)) -split "`n" | Where-Object { $_ -match 'dash-tls' }
        $line | Should -Match 'kubernetes.io/tls\s+2\s'
        $cm = @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'one' }; data = @{ a = 'b' } } | ConvertTo-KoYaml | ConvertFrom-KoYaml
        ((Strip ($cm | Out-String)) -split "`n" | Where-Object { $_ -match '\bone\b' }) | Should -Match '\bone\s+1\s'
    }
}
