<#
.SYNOPSIS
    Packs the built module (out/KubeOpsPS) as KubeOpsPS.<version>.nupkg with PowerShell's own PSResourceGet, so
    `Register-PSResourceRepository -Uri <folder>` + `Install-PSResource KubeOpsPS` installs it like any module.
#>
param([string] $ModuleDirectory, [string] $OutputDirectory)
$ErrorActionPreference = 'Stop'
if (Test-Path $OutputDirectory) { Remove-Item $OutputDirectory -Recurse -Force }
New-Item -ItemType Directory $OutputDirectory | Out-Null
# Compress-PSResource reads the manifest for the package id, version, description, tags and URIs.
Compress-PSResource -Path $ModuleDirectory -DestinationPath $OutputDirectory
$pkg = Get-ChildItem $OutputDirectory -Filter *.nupkg | Select-Object -First 1
if (-not $pkg) { throw 'Compress-PSResource wrote no package.' }
Write-Host "Packed $($pkg.FullName)"
