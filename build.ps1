#requires -Version 7.6
<#
.SYNOPSIS
    Builds, tests, benchmarks and demonstrates KubeOpsPS.
.DESCRIPTION
    Run it through the pinned PowerShell: dotnet tool restore; dotnet pwsh ./build.ps1 <Task>
      Build        assemble the importable module in out/KubeOpsPS (skipped when nothing changed)
      Test         dotnet format --verify-no-changes (full run only), xunit + Pester; ends with one line "N passed, N failed"; fails on any failure
      Demo         write the seed's environment as manifests into out/demo (no cluster needed)
      Bench        run the benchmarks; figures go to out/bench/results.md
      FakeCluster  serve the fake API server on 127.0.0.1:<Port> and write a kubeconfig to <KubeConfigOut>
      Package      produce out/package/KubeOpsPS.<version>.nupkg for Install-PSResource
      Clean        remove out/ and the build folders
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'FakeCluster', 'Package', 'Clean')]
    [string] $Task = 'Build',

    # FakeCluster: the port to listen on (0 picks a free one).
    [int] $Port = 0,

    # FakeCluster: where to write the kubeconfig for Connect-KoCluster and kubectl.
    [string] $KubeConfigOut,

    # Test: run only the Pester files whose path matches this pattern, and xunit tests matching -XunitFilter.
    [string] $PesterFilter,
    [string] $XunitFilter
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'KubeOpsPS'
$FakeOut = Join-Path $Out 'fake'
# The pinned PowerShell, for child processes: the same host and version that runs this script.
$script:PwshCommand = @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'))

function Invoke-Pwsh {
    param([string] $Command, [hashtable] $Environment = @{})
    $saved = @{}
    foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
    try {
        & $script:PwshCommand[0] $script:PwshCommand[1] -NoProfile -NonInteractive -Command $Command
        if ($LASTEXITCODE -ne 0) { throw "Child PowerShell failed with exit code $LASTEXITCODE." }
    } finally {
        foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
    }
}

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

function Get-NuGetPackageFolder {
    $folder = $env:NUGET_PACKAGES
    if (-not $folder) { $folder = Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $folder
}

function Restore-Tools {
    $pester = Join-Path (Get-NuGetPackageFolder) 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $pester)) { Invoke-Dotnet restore (Join-Path $Root 'build/Tools.csproj') --nologo -v q }
    $pester
}

function Test-UpToDate([string] $Stamp, [string[]] $Inputs) {
    if (-not (Test-Path $Stamp)) { return $false }
    $stampTime = [IO.File]::GetLastWriteTimeUtc($Stamp)
    foreach ($i in $Inputs) {
        $path = Join-Path $Root $i
        if (-not (Test-Path $path)) { continue }
        $newer = Get-ChildItem $path -Recurse -File -ErrorAction SilentlyContinue |
            Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' -and $_.LastWriteTimeUtc -gt $stampTime } |
            Select-Object -First 1
        if ($newer) { return $false }
    }
    $true
}

function Invoke-Build {
    $stamp = Join-Path $Out '.module-stamp'
    $inputs = 'src', 'module', 'docs/cmdlets', 'build', 'Directory.Build.props', 'Directory.Packages.props'
    if (Test-UpToDate $stamp $inputs) { Write-Host 'Module is up to date: out/KubeOpsPS'; return }
    $sw = [Diagnostics.Stopwatch]::StartNew()
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    $bin = Join-Path $ModuleOut 'bin'
    # ReadyToRun: the cmdlets, the engine and the packages on the YAML path are precompiled for this platform, so a
    # script's first conversion runs native code instead of waiting for the JIT (bench/00-foundation.ps1 measures
    # it; docs/benchmarks.md gives the build time and size it costs). The IL stays in each assembly, so the same
    # module runs on every other platform, JIT-compiled as before.
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    $rid = '{0}-{1}' -f $os, [Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant()
    Invoke-Dotnet publish (Join-Path $Root 'src/KubeOpsPS/KubeOpsPS.csproj') -c Release -r $rid --self-contained false '-p:PublishReadyToRun=true' -o $bin --nologo -v q '-clp:ErrorsOnly'
    Invoke-Dotnet build (Join-Path $Root 'src/KubeOpsPS.Loader/KubeOpsPS.Loader.csproj') -c Release -o (Join-Path $Out 'loader') --nologo -v q '-clp:ErrorsOnly'
    Copy-Item (Join-Path $Out 'loader/KubeOpsPS.Loader.dll') $ModuleOut
    # Only what the module loads: no pdb/deps noise beside the assemblies it needs.
    # The native 'runtimes' folders come from System.Management.Automation's own dependencies, which PowerShell already has.
    Get-ChildItem $bin -Include '*.pdb', '*.deps.json', '*.xml' -Recurse | Remove-Item -Force
    Remove-Item (Join-Path $bin 'runtimes') -Recurse -Force -ErrorAction SilentlyContinue
    Copy-Item (Join-Path $Root 'module/*') $ModuleOut -Recurse -Force
    & (Join-Path $Root 'build/New-TypesFile.ps1') -BinDirectory $bin -Path (Join-Path $ModuleOut 'KubeOpsPS.Types.ps1xml') -PwshCommand $script:PwshCommand -FormatPath (Join-Path $ModuleOut 'KubeOpsPS.Kinds.Format.ps1xml') -FormatsDirectory (Join-Path $Root 'module/formats')
    & (Join-Path $Root 'build/New-MamlHelp.ps1') -DocsDirectory (Join-Path $Root 'docs/cmdlets') -Path (Join-Path $ModuleOut "en-US/KubeOpsPS.dll-Help.xml") -PwshCommand $script:PwshCommand
    New-Item -ItemType File -Path $stamp -Force | Out-Null
    Write-Host ("Built out/KubeOpsPS in {0:N1} s" -f $sw.Elapsed.TotalSeconds)
}

function Invoke-FakeBuild {
    $stamp = Join-Path $Out '.fake-stamp'
    if (Test-UpToDate $stamp @('tests/FakeApiServer', 'Directory.Build.props', 'Directory.Packages.props')) { return }
    Invoke-Dotnet build (Join-Path $Root 'tests/FakeApiServer/FakeApiServer.csproj') -c Release -o $FakeOut --nologo -v q '-clp:ErrorsOnly'
    New-Item -ItemType File -Path $stamp -Force | Out-Null
}

function Invoke-Test {
    Invoke-Build
    Invoke-FakeBuild
    $pester = Restore-Tools
    $results = Join-Path $Out 'test'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    New-Item -ItemType Directory $results | Out-Null

    # The house style (.editorconfig), on a full run only, so that a focused run stays quick.
    $style = 'not checked (focused run)'; $styleFailed = 0
    if (-not $PesterFilter -and -not $XunitFilter) {
        & dotnet format (Join-Path $Root 'KubeOpsPS.sln') --verify-no-changes -v q
        if ($LASTEXITCODE -eq 0) { $style = 'ok' }
        else { $style = 'failed'; $styleFailed = 1; Write-Warning 'The code is not in the house style of .editorconfig; dotnet format KubeOpsPS.sln fixes it.' }
    }

    # xunit
    $trx = Join-Path $results 'xunit.trx'
    $xargs = @('test', (Join-Path $Root 'tests/KubeOpsPS.Tests/KubeOpsPS.Tests.csproj'), '-c', 'Release', '--nologo',
        '--logger', "trx;LogFileName=$trx", '--logger', 'console;verbosity=minimal')
    if ($XunitFilter) { $xargs += @('--filter', $XunitFilter) }
    & dotnet @xargs
    $xunitExit = $LASTEXITCODE
    $xPassed = 0; $xFailed = 0
    if (Test-Path $trx) {
        $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
        $xPassed = [int]$counters.passed; $xFailed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout
    }
    if ($xunitExit -ne 0 -and $xFailed -eq 0) { $xFailed = 1; Write-Warning 'xunit did not run to completion.' }

    # Pester, in a child PowerShell on the built module
    $summary = Join-Path $results 'pester.json'
    $pesterScript = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester'
`$c = New-PesterConfiguration
`$c.Run.Path = '$(Join-Path $Root 'tests/pester')'
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'Normal'
`$c.TestResult.Enabled = `$true
`$c.TestResult.OutputPath = '$(Join-Path $results 'pester.xml')'
$(if ($PesterFilter) { "`$c.Run.Path = @(Get-ChildItem '$(Join-Path $Root 'tests/pester')' -Recurse -Filter *.Tests.ps1 | Where-Object FullName -match '$PesterFilter' | ForEach-Object FullName)" })
`$r = Invoke-Pester -Configuration `$c
@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount } | ConvertTo-Json | Set-Content '$summary'
"@
    $env:KO_MODULE = Join-Path $ModuleOut 'KubeOpsPS.psd1'
    $env:KO_FAKE_SERVER = Join-Path $FakeOut 'FakeApiServer.dll'
    $env:KO_REPO_ROOT = $Root
    # The hardening suites write their figures (cases tried, crashes, secrets leaked) next to the bench figures.
    New-Item -ItemType Directory (Join-Path $Out 'bench') -Force | Out-Null
    $env:KO_BENCH_FILE = Join-Path $Out 'bench/suite-figures.md'
    Set-Content $env:KO_BENCH_FILE "## Hardening suites (from the last Test run, $(Get-Date -Format 'yyyy-MM-dd HH:mm') UTC)`n"
    try { Invoke-Pwsh $pesterScript } catch { Write-Warning $_ }
    $pPassed = 0; $pFailed = 1
    if (Test-Path $summary) { $s = Get-Content $summary -Raw | ConvertFrom-Json; $pPassed = $s.Passed; $pFailed = $s.Failed }
    else { Write-Warning 'Pester did not write its summary.' }

    Write-Host ("style: {0}; xunit: {1} passed, {2} failed; Pester: {3} passed, {4} failed" -f $style, $xPassed, $xFailed, $pPassed, $pFailed)
    $passed = $xPassed + $pPassed; $failed = $xFailed + $pFailed + $styleFailed
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    $demoOut = Join-Path $Out 'demo'
    if (Test-Path $demoOut) { Remove-Item $demoOut -Recurse -Force }
    foreach ($script in Get-ChildItem (Join-Path $Root 'demo') -Filter '*.ps1' | Sort-Object Name) {
        Write-Host "== $($script.BaseName)"
        Invoke-Pwsh "Import-Module '$(Join-Path $ModuleOut 'KubeOpsPS.psd1')'; & '$($script.FullName)' -OutputDirectory '$(Join-Path $demoOut $script.BaseName)'"
    }
    $files = Get-ChildItem $demoOut -Recurse -File
    Write-Host "The demo wrote $($files.Count) manifest files to $demoOut"
}

function Invoke-Bench {
    Invoke-Build
    Invoke-FakeBuild
    $benchOut = Join-Path $Out 'bench'
    New-Item -ItemType Directory $benchOut -Force | Out-Null
    $resultFile = Join-Path $benchOut 'results.md'
    Set-Content $resultFile "# KubeOpsPS benchmark figures`n`nMeasured $(Get-Date -Format 'yyyy-MM-dd HH:mm') UTC on $([Environment]::ProcessorCount) cores, PowerShell $($PSVersionTable.PSVersion).`n"
    foreach ($script in Get-ChildItem (Join-Path $Root 'bench') -Filter '*.ps1' | Sort-Object Name) {
        Write-Host "== $($script.BaseName)"
        Invoke-Pwsh "& '$($script.FullName)' -ResultFile '$resultFile' -ModulePath '$(Join-Path $ModuleOut 'KubeOpsPS.psd1')'" -Environment @{ KO_FAKE_SERVER = (Join-Path $FakeOut 'FakeApiServer.dll'); KO_REPO_ROOT = $Root }
    }
    $suites = Join-Path $benchOut 'suite-figures.md'
    if (Test-Path $suites) { Add-Content $resultFile (Get-Content $suites -Raw) }
    Write-Host "Figures written to $resultFile"
}

function Invoke-FakeCluster {
    Invoke-FakeBuild
    if (-not $KubeConfigOut) { $KubeConfigOut = Join-Path $Out 'fake-kubeconfig.yaml' }
    & dotnet (Join-Path $FakeOut 'FakeApiServer.dll') --port $Port --kubeconfig ([IO.Path]::GetFullPath($KubeConfigOut, (Get-Location).Path))
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'FakeCluster' { Invoke-FakeCluster }
    'Package' { Invoke-Build; & (Join-Path $Root 'build/New-Package.ps1') -ModuleDirectory $ModuleOut -OutputDirectory (Join-Path $Out 'package') }
    'Clean' {
        foreach ($d in @($Out) + @(Get-ChildItem $Root -Recurse -Directory -Include bin, obj | Where-Object FullName -notmatch '[\\/]\.git[\\/]' | ForEach-Object FullName)) {
            if (Test-Path $d) { Remove-Item $d -Recurse -Force }
        }
        Write-Host 'Cleaned.'
    }
}
