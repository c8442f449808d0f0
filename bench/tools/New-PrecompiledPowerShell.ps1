# The pinned PowerShell as its platform packages ship it, for the start-up and whole-process rows of the bench.
#
# The `powershell` .NET tool is PowerShell's framework-dependent build, whose assemblies are IL only; the packages
# people install (deb, rpm, tar.gz, msi, zip) are ReadyToRun-compiled for their platform, and PowerShell's packaging
# refuses to build them otherwise (tools/packaging in PowerShell's repository checks System.Management.Automation).
# This compiles every managed assembly of the pinned tool with crossgen2, the compiler `dotnet publish
# -p:PublishReadyToRun=true` uses (its NuGet package is restored by the module's own ReadyToRun build), into a copy
# next to the bench output. Writes the path of the copy's pwsh.dll, or nothing when crossgen2 is not there.
param([Parameter(Mandatory)] [string] $OutputDirectory)
$ErrorActionPreference = 'Stop'

$version = $PSVersionTable.PSVersion.ToString()
$target = Join-Path $OutputDirectory "pwsh-$version-r2r"
$done = Join-Path $target '.complete'
if (Test-Path $done) { return (Join-Path $target 'pwsh.dll') }

$os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
$arch = [Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant()
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
# A crossgen2 of the runtime's major.minor version (10.0.x; the SDK restores the patch it knows): ReadyToRun code stays
# valid across the runtime's patch releases, the framework being outside the compiled assemblies' version bubble.
$band = [Environment]::Version.ToString(2)
$crossgen = Get-ChildItem (Join-Path $packages "microsoft.netcore.app.crossgen2.$os-$arch") -Directory -Filter "$band.*" -ErrorAction SilentlyContinue |
    Sort-Object { [version]$_.Name } -Descending |
    ForEach-Object { Get-ChildItem (Join-Path $_.FullName 'tools') -File | Where-Object Name -In 'crossgen2', 'crossgen2.exe' } |
    Select-Object -First 1
if (-not $crossgen) {
    Write-Warning "crossgen2 $band.x for $os-$arch is not in $packages; the precompiled-PowerShell rows are left out."
    return
}

$framework = Split-Path ([object].Assembly.Location)
if (Test-Path $target) { Remove-Item $target -Recurse -Force }
Copy-Item $PSHOME $target -Recurse
foreach ($dll in Get-ChildItem $PSHOME -Filter '*.dll') {
    # Native libraries and assemblies without IL to compile are copied as they are.
    try {
        $stream = [IO.File]::OpenRead($dll.FullName)
        try { $pe = [Reflection.PortableExecutable.PEReader]::new($stream); $managed = $null -ne $pe.PEHeaders.CorHeader -and $pe.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -eq 0 }
        finally { $stream.Dispose() }
    }
    catch [BadImageFormatException] { $managed = $false }
    if (-not $managed) { continue }
    # The other assemblies are references; the one being compiled must not be among them.
    $arguments = @($dll.FullName, '-o', (Join-Path $target $dll.Name), '--targetos', $os, '--targetarch', $arch, '-O', '-r', (Join-Path $framework '*.dll'))
    $arguments += Get-ChildItem $PSHOME -Filter '*.dll' | Where-Object Name -NE $dll.Name | ForEach-Object { '-r'; $_.FullName }
    $responseFile = Join-Path $OutputDirectory 'crossgen2.rsp'
    Set-Content $responseFile $arguments
    & $crossgen.FullName "@$responseFile" 2>&1 | Out-Null
    # An assembly crossgen2 cannot compile stays IL, as in the tool package.
    if ($LASTEXITCODE -ne 0) { Copy-Item $dll.FullName (Join-Path $target $dll.Name) -Force }
}
Remove-Item (Join-Path $OutputDirectory 'crossgen2.rsp') -ErrorAction SilentlyContinue
New-Item -ItemType File $done | Out-Null
Join-Path $target 'pwsh.dll'
