# TLS (issue 5): a key plus a CSR per operation, New-KoPrivateKey | New-KoCertificateRequest against Debian's openssl
# (genrsa / genpkey, then req -new), in the same run, alternating which goes first. Both are timed per operation as a
# user runs them (openssl's time includes its two process starts). RSA key generation varies a lot run to run, so
# medians of 21. Target: within 1.2x of openssl's median.
param([string] $ResultFile, [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force

$dir = Join-Path ([IO.Path]::GetTempPath()) "ko-bench-tls-$PID"
$null = New-Item -ItemType Directory $dir -Force
$runs = 21
$cases = @(
    @{ Label = 'RSA-2048 key + CSR'; Ours = { New-KoPrivateKey -Algorithm RSA -KeySize 2048 | New-KoCertificateRequest -CommonName bench.example.com }
       Theirs = { & openssl genrsa -out "$dir/rsa.key" 2048 2>$null; & openssl req -new -key "$dir/rsa.key" -subj '/CN=bench.example.com' -addext 'subjectAltName=DNS:bench.example.com' -out "$dir/rsa.csr" 2>$null } }
    @{ Label = 'ECDSA P-256 key + CSR'; Ours = { New-KoPrivateKey -Algorithm ECDSA -Curve P256 | New-KoCertificateRequest -CommonName bench.example.com }
       Theirs = { & openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ec.key" 2>$null; & openssl req -new -key "$dir/ec.key" -subj '/CN=bench.example.com' -addext 'subjectAltName=DNS:bench.example.com' -out "$dir/ec.csr" 2>$null } }
)
$rows = foreach ($case in $cases) {
    $null = & $case.Ours; & $case.Theirs   # warm-up
    $ours = [double[]]::new($runs); $theirs = [double[]]::new($runs)
    for ($i = 0; $i -lt $runs; $i++) {
        $order = if ($i % 2) { 'Ours', 'Theirs' } else { 'Theirs', 'Ours' }
        foreach ($side in $order) {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $null = & $case[$side]
            if ($side -eq 'Ours') { $ours[$i] = $sw.Elapsed.TotalMilliseconds } else { $theirs[$i] = $sw.Elapsed.TotalMilliseconds }
        }
    }
    $o = Get-KoMedian $ours; $t = Get-KoMedian $theirs
    "| $($case.Label) | $([Math]::Round($o, 1)) | $([Math]::Round($t, 1)) | $([Math]::Round($o / $t, 2)) |"
}
Remove-Item -Recurse -Force $dir
$text = @(
    ''
    "## TLS: key + CSR per operation (median ms, n=$runs)"
    '| operation | New-KoPrivateKey \| New-KoCertificateRequest | openssl genrsa/genpkey + req | ratio (target <= 1.2) |'
    '|---|---|---|---|'
    $rows
) -join "`n"
Add-Content -Path $ResultFile -Value $text
$text | Write-Host
