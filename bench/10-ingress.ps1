# Ingress (issue 4): bcrypt at cost 10 per hash, New-KoBasicAuthSecret against Debian's `htpasswd -nbB -C 10`, in the
# same run. Both are timed per call from PowerShell, as a user runs them (htpasswd's time includes its process start;
# the cmdlet's includes parameter binding and building the Secret). Target: within 1.3x.
param([string] $ResultFile, [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force

$runs = 15
$cred = [pscredential]::new('admin', (ConvertTo-SecureString 'bench-password-1' -AsPlainText -Force))
$null = New-KoBasicAuthSecret -Name warm -Credential $cred   # JIT and BouncyCastle load outside the timing
& htpasswd -nbB -C 10 admin bench-password-1 | Out-Null

$ours = [double[]]::new($runs); $theirs = [double[]]::new($runs)
for ($i = 0; $i -lt $runs; $i++) {
    # Alternate the order so drift on the shared machine hits both sides alike.
    $sw = [Diagnostics.Stopwatch]::StartNew()
    if ($i % 2) { & htpasswd -nbB -C 10 admin bench-password-1 | Out-Null; $theirs[$i] = $sw.Elapsed.TotalMilliseconds; $sw.Restart() }
    $null = New-KoBasicAuthSecret -Name bench -Credential $cred
    $ours[$i] = $sw.Elapsed.TotalMilliseconds
    if (-not ($i % 2)) { $sw.Restart(); & htpasswd -nbB -C 10 admin bench-password-1 | Out-Null; $theirs[$i] = $sw.Elapsed.TotalMilliseconds }
}
$ourMedian = Get-KoMedian $ours; $theirMedian = Get-KoMedian $theirs
$ratio = $ourMedian / $theirMedian

@"

## Ingress: bcrypt (cost 10) per hash
| | median ms (n=$runs) |
|---|---|
| ``New-KoBasicAuthSecret`` (bcrypt cost 10, one user, whole cmdlet) | $([Math]::Round($ourMedian, 1)) |
| ``htpasswd -nbB -C 10`` (Debian's apache2-utils, incl. process start) | $([Math]::Round($theirMedian, 1)) |
| ratio (target <= 1.3) | $([Math]::Round($ratio, 2)) |
"@ | Add-Content -Path $ResultFile
