# CI/CD (issue 11): how long rendering takes for what the cmdlets write, offline.
param([string] $ResultFile, [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force

$dir = Join-Path ([IO.Path]::GetTempPath()) "ko-bench-cicd-$([Guid]::NewGuid().ToString('N').Substring(0, 8))"
try {
    $programs = 1..100 | ForEach-Object { @{ Name = "worker-$_"; Command = "/usr/local/bin/worker --id $_"; Environment = @{ ID = "$_"; RATE = '50%' }; Priority = $_ } }
    $null = New-KoSupervisorConfig -Program $programs   # warm-up
    $supervisor = foreach ($i in 1..20) { (Measure-Command { $null = New-KoSupervisorConfig -Program $programs }).TotalMilliseconds }
    $null = Install-KoJenkins -OutputDirectory (Join-Path $dir 'warm') -WarningAction SilentlyContinue
    $jenkins = foreach ($i in 1..10) {
        (Measure-Command { $null = Install-KoJenkins -Registry registry.example.com -Ingress @{ Host = 'ci.example.com'; TlsSecretName = 'ci-tls' } -OutputDirectory (Join-Path $dir "run$i") -WarningAction SilentlyContinue }).TotalMilliseconds
    }
    $files = @(Get-ChildItem (Join-Path $dir 'run1') -Filter *.yaml)
    $lines = @(
        '## CI/CD (issue 11)'
        ''
        ('- New-KoSupervisorConfig, 100 programs with environment: median {0:N1} ms per file over 20 runs' -f (Get-KoMedian @($supervisor)))
        ('- Install-KoJenkins -OutputDirectory (with registry and ingress): {0} manifests, {1:N0} KB, median {2:N0} ms over 10 runs' -f $files.Count, (($files | Measure-Object Length -Sum).Sum / 1KB), (Get-KoMedian @($jenkins)))
        ''
    )
    Add-Content $ResultFile ($lines -join "`n")
    $lines | Write-Host
} finally {
    Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
}
