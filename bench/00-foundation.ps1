# Foundation (issues 2 and 23): start-up cost for a script against a bare start and an empty script module, and the
# YAML round trip on a 2,000-document corpus against kubectl kustomize and PyYAML (libyaml), all in the same run.
param([string] $ResultFile, [string] $ModulePath)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force
$pwsh = @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'))
$work = Join-Path ([IO.Path]::GetTempPath()) "ko-bench-yaml-$PID"
New-Item -ItemType Directory $work -Force | Out-Null

# One whole-process run: wall-clock ms and, through GNU time, CPU ms (user + system) and peak resident MiB. On a
# shared machine the wall clock also counts time spent waiting for a core; the CPU time does not.
$timeTool = if (Test-Path '/usr/bin/time') { '/usr/bin/time' }
$timeFile = Join-Path $work 'time.txt'
function Measure-Process([string[]] $Command) {
    $argv = if ($timeTool) { @($timeTool, '-f', '%U %S %M', '-o', $timeFile) + $Command } else { $Command }
    $sw = [Diagnostics.Stopwatch]::StartNew()
    & $argv[0] @($argv | Select-Object -Skip 1) | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "$($Command -join ' ') failed" }
    $wall = $sw.Elapsed.TotalMilliseconds
    $cpu = $rss = [double]::NaN
    if ($timeTool) { $u, $sy, $m = (Get-Content $timeFile | Select-Object -Last 1) -split ' '; $cpu = ([double]$u + [double]$sy) * 1000; $rss = [double]$m / 1KB }
    [pscustomobject]@{ Wall = $wall; Cpu = $cpu; Rss = $rss }
}
function Get-Spread([double[]] $Values) { '{0:N0}–{1:N0}' -f ($Values | Measure-Object -Minimum).Minimum, ($Values | Measure-Object -Maximum).Maximum }

try {
    # --- start-up: paired whole-process runs
    # Beside the bare start, an empty script module imported and called the same way: PowerShell's own price for
    # importing any module and running a pipeline, which no module can avoid.
    $empty = New-Item -ItemType Directory (Join-Path $work 'EmptyModule')
    Set-Content (Join-Path $empty 'EmptyModule.psd1') "@{ RootModule = 'EmptyModule.psm1'; ModuleVersion = '0.1.0'; FunctionsToExport = @('ConvertTo-Nothing') }"
    Set-Content (Join-Path $empty 'EmptyModule.psm1') 'function ConvertTo-Nothing { param([Parameter(ValueFromPipeline)] $InputObject) process { "" } }'
    $script = "Import-Module '$ModulePath'; @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'x' }; data = @{ a = 'b' } } | ConvertTo-KoYaml | Out-Null"
    $emptyScript = "Import-Module '$(Join-Path $empty 'EmptyModule.psd1')'; @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'x' }; data = @{ a = 'b' } } | ConvertTo-Nothing | Out-Null"
    # Two builds of the same PowerShell: the pinned .NET tool (IL only, JIT-compiled at every start) and the same
    # assemblies precompiled, as the platform packages people install ship them (New-PrecompiledPowerShell.ps1).
    $builds = @([pscustomobject]@{ Name = 'pinned tool (IL only)'; Command = $pwsh })
    $precompiled = & (Join-Path $PSScriptRoot 'tools/New-PrecompiledPowerShell.ps1') -OutputDirectory (Split-Path $ResultFile)
    if ($precompiled) { $builds += [pscustomobject]@{ Name = 'precompiled (as the platform packages)'; Command = @([Environment]::ProcessPath, $precompiled) } }
    $startUp = foreach ($build in $builds) {
        $run = $build.Command
        Measure-Process ($run + @('-NoProfile', '-Command', 'exit')) | Out-Null   # warm the disk cache
        Measure-Process ($run + @('-NoProfile', '-Command', $script)) | Out-Null
        $bare = @(); $withModule = @(); $withEmpty = @()
        for ($i = 0; $i -lt 9; $i++) {
            $bare += Measure-Process ($run + @('-NoProfile', '-Command', 'exit'))
            $withModule += Measure-Process ($run + @('-NoProfile', '-Command', $script))
            $withEmpty += Measure-Process ($run + @('-NoProfile', '-Command', $emptyScript))
        }
        # Per round (the three runs of a round are back to back, so they share the machine's load): module minus bare.
        [pscustomobject]@{
            Name = $build.Name
            Bare = Get-KoMedian $bare.Wall; Module = Get-KoMedian $withModule.Wall; Empty = Get-KoMedian $withEmpty.Wall
            CpuBare = Get-KoMedian $bare.Cpu; CpuModule = Get-KoMedian $withModule.Cpu; CpuEmpty = Get-KoMedian $withEmpty.Cpu
            Added = @(for ($i = 0; $i -lt 9; $i++) { $withModule[$i].Wall - $bare[$i].Wall })
        }
    }
    # Where the added time goes, in one process after PowerShell's own first pipeline ('1 | Out-Null').
    $parts = "1 | Out-Null; `$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$ModulePath'; `$i = `$sw.Elapsed.TotalMilliseconds; `$sw.Restart(); @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'x' } } | ConvertTo-KoYaml | Out-Null; `$c = `$sw.Elapsed.TotalMilliseconds; `$sw.Restart(); `"apiVersion: apps/v1``nkind: Deployment``nmetadata: {name: x}`" | ConvertFrom-KoYaml | Out-Null; '{0} {1} {2}' -f `$i, `$c, `$sw.Elapsed.TotalMilliseconds"
    $breakdown = foreach ($i in 1..5) { , [double[]]((& $pwsh[0] $pwsh[1] -NoProfile -Command $parts | Select-Object -Last 1) -split ' ') }
    $importMs = Get-KoMedian ($breakdown | ForEach-Object { $_[0] }); $firstToMs = Get-KoMedian ($breakdown | ForEach-Object { $_[1] }); $firstFromMs = Get-KoMedian ($breakdown | ForEach-Object { $_[2] })

    # --- the corpus: 500 each of Deployment, Service, ConfigMap, Ingress
    $docs = [Text.StringBuilder]::new()
    for ($i = 0; $i -lt 500; $i++) {
        [void]$docs.Append(@"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-$i
  namespace: shop
  labels: {app: web-$i, tier: frontend}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web-$i}
  template:
    metadata:
      labels: {app: web-$i}
    spec:
      containers:
      - name: web
        image: nginx:1.29
        ports: [{containerPort: 8080, name: http}]
        env: [{name: MODE, value: production}, {name: PORT, value: "8080"}]
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 5}
---
apiVersion: v1
kind: Service
metadata:
  name: web-$i
  namespace: shop
spec:
  selector: {app: web-$i}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings-$i
  namespace: shop
data:
  mode: production
  port: "8080"
  script: |
    echo starting $i
    exec web
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web-$i
  namespace: shop
  annotations: {nginx.org/rewrites: "serviceName=web-$i rewrite=/"}
spec:
  ingressClassName: nginx
  tls: [{hosts: [web-$i.example.com], secretName: web-tls}]
  rules:
  - host: web-$i.example.com
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: web-$i, port: {number: 80}}}}]
---

"@)
    }
    $corpus = Join-Path $work 'corpus.yaml'
    Set-Content $corpus $docs.ToString()
    Set-Content (Join-Path $work 'kustomization.yaml') "resources:`n- corpus.yaml`n"
    # The peer needs PyYAML built with libyaml (Debian: python3-yaml).
    & python3 -c 'import yaml; yaml.CSafeLoader' 2>$null
    if ($LASTEXITCODE -ne 0) {
        if (Get-Command apt-get -ErrorAction SilentlyContinue) { & apt-get install -y -qq --no-install-recommends python3-yaml | Out-Null }
        & python3 -c 'import yaml; yaml.CSafeLoader'
        if ($LASTEXITCODE -ne 0) { throw 'PyYAML with libyaml is needed for the comparison: install python3-yaml.' }
    }
    $py = Join-Path $work 'roundtrip.py'
    Set-Content $py "import sys, yaml`ndocs = list(yaml.load_all(open(sys.argv[1]), Loader=yaml.CSafeLoader))`nsys.stdout.write(yaml.dump_all([d for d in docs if d], Dumper=yaml.CSafeDumper))`n"

    $kustomize = @(); $pyyaml = @(); $whole = @{}; $bareRt = @{}
    foreach ($build in $builds) { $whole[$build.Name] = @(); $bareRt[$build.Name] = @() }
    $roundTrip = "Import-Module '$ModulePath'; Get-Content -Raw '$corpus' | ConvertFrom-KoYaml | ConvertTo-KoYaml | Out-Null"
    # Five rounds: kustomize, PyYAML, then for each PowerShell build the whole-process round trip and a bare start, back to back.
    for ($i = 0; $i -lt 5; $i++) {
        $kustomize += Measure-Process @('kubectl', 'kustomize', $work)
        $pyyaml += Measure-Process @('python3', $py, $corpus)
        foreach ($build in $builds) {
            $whole[$build.Name] += Measure-Process ($build.Command + @('-NoProfile', '-Command', $roundTrip))
            $bareRt[$build.Name] += Measure-Process ($build.Command + @('-NoProfile', '-Command', 'exit'))
        }
    }
    # In session: three processes, each a first pass and then 7 warm passes; the spread is between the runs' medians.
    $inSession = "Import-Module '$ModulePath'; `$t = Get-Content -Raw '$corpus'; `$sw = [Diagnostics.Stopwatch]::StartNew(); `$t | ConvertFrom-KoYaml | ConvertTo-KoYaml | Out-Null; `$first = `$sw.Elapsed.TotalMilliseconds; `$w = foreach (`$i in 1..7) { `$sw.Restart(); `$t | ConvertFrom-KoYaml | ConvertTo-KoYaml | Out-Null; `$sw.Elapsed.TotalMilliseconds }; `$w = `$w | Sort-Object; `$back = @(`$t | ConvertFrom-KoYaml | ConvertTo-KoYaml | ConvertFrom-KoYaml -ErrorAction Stop); '{0} {1} {2} {3} {4} {5} {6}' -f `$first, `$w[3], [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64, (`$t | ConvertFrom-KoYaml).Count, `$back.Count, `$w[0], `$w[6]"
    $sessions = foreach ($r in 1..3) { , ((& $pwsh[0] $pwsh[1] -NoProfile -Command $inSession | Select-Object -Last 1) -split ' ') }
    $k = Get-KoMedian $kustomize.Wall; $p = Get-KoMedian $pyyaml.Wall; $pCpu = Get-KoMedian $pyyaml.Cpu
    $firsts = @($sessions | ForEach-Object { [double]$_[0] }); $warms = @($sessions | ForEach-Object { [double]$_[1] })
    $first = Get-KoMedian $firsts; $warm = Get-KoMedian $warms
    $warmMin = ($sessions | ForEach-Object { [double]$_[5] } | Measure-Object -Minimum).Minimum; $warmMax = ($sessions | ForEach-Object { [double]$_[6] } | Measure-Object -Maximum).Maximum
    $peak = ($sessions | ForEach-Object { [double]$_[2] } | Measure-Object -Maximum).Maximum / 1MB
    foreach ($s in $sessions) { if ([int]$s[4] -ne [int]$s[3]) { throw "The round trip lost documents: $($s[3]) in, $($s[4]) read back." } }
    $docsN = [int]$sessions[0][3]
    $load = (Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ' | Select-Object -First 3

    $lines = @(
        '## Foundation (issues 2 and 23)'
        ''
        ('Load average when the YAML rows ended: {0} (2 cores). Wall-clock figures on a shared machine include waiting for a core; the CPU figures (user + system, GNU time) do not, so they are the steadier comparison.' -f ($load -join ' '))
        ''
        ('- start-up for a script (`pwsh -NoProfile -Command` that imports the module and converts one hashtable to YAML), 9 rounds of bare start, module and empty module back to back, for each PowerShell build; medians in ms, wall clock (CPU time in brackets). The empty script module is PowerShell''s own price for importing any module and running a pipeline. Target: KubeOpsPS adds ≤ 250 ms over bare.')
        ''
        '| PowerShell 7.6 build | bare start | with KubeOpsPS | **KubeOpsPS adds** (per round) | with an empty module | the empty module adds | KubeOpsPS''s own share |'
        '|---|---|---|---|---|---|---|'
        foreach ($r in $startUp) {
            ('| {0} | {1:N0} ({2:N0}) | {3:N0} ({4:N0}) | **+{5:N0}** (+{6:N0} CPU; rounds {7}) | {8:N0} ({9:N0}) | +{10:N0} (+{11:N0} CPU) | {12:N0} |' -f $r.Name, $r.Bare, $r.CpuBare, $r.Module, $r.CpuModule, ($r.Module - $r.Bare), ($r.CpuModule - $r.CpuBare), (Get-Spread $r.Added), $r.Empty, $r.CpuEmpty, ($r.Empty - $r.Bare), ($r.CpuEmpty - $r.CpuBare), ($r.Module - $r.Empty))
        }
        ''
        ('- where it goes, medians of 5 in-process runs after PowerShell''s own first pipeline: Import-Module {0:N0} ms, first ConvertTo-KoYaml (a hashtable) {1:N0} ms, first ConvertFrom-KoYaml of a Deployment {2:N0} ms' -f $importMs, $firstToMs, $firstFromMs)
        ('- YAML round trip of a {0}-document corpus (500 each Deployment, Service, ConfigMap, Ingress), typed objects, all read back from the output. Whole-process rows: 5 rounds of kustomize, PyYAML, then KubeOpsPS and a bare start with each PowerShell build, back to back; in session: 3 processes, each a first pass and 7 warm passes.' -f $docsN)
        ''
        '| run | ms, median (min–max) | docs/s | CPU ms, median | vs kubectl kustomize |'
        '|---|---|---|---|---|'
        ('| kubectl kustomize (whole process) | {0:N0} ({1}) | {2:N0} | {3:N0} | 1.0× |' -f $k, (Get-Spread $kustomize.Wall), ($docsN * 1000 / $k), (Get-KoMedian $kustomize.Cpu))
        ('| PyYAML with libyaml, load + dump (whole process) | {0:N0} ({1}) | {2:N0} | {3:N0} | {4:N1}× faster |' -f $p, (Get-Spread $pyyaml.Wall), ($docsN * 1000 / $p), $pCpu, ($k / $p))
        foreach ($build in $builds) {
            $w = Get-KoMedian $whole[$build.Name].Wall
            ('| KubeOpsPS whole process (pwsh start, import, round trip), PowerShell {0} | {1:N0} ({2}) | {3:N0} | {4:N0} | **{5:N1}×** faster |' -f $build.Name, $w, (Get-Spread $whole[$build.Name].Wall), ($docsN * 1000 / $w), (Get-KoMedian $whole[$build.Name].Cpu), ($k / $w))
            ('| bare `pwsh -NoProfile` start, PowerShell {0}, same rounds | {1:N0} ({2}) | | {3:N0} | |' -f $build.Name, (Get-KoMedian $bareRt[$build.Name].Wall), (Get-Spread $bareRt[$build.Name].Wall), (Get-KoMedian $bareRt[$build.Name].Cpu))
        }
        ('| KubeOpsPS first pass in session (median of 3 runs) | {0:N0} ({1}) | {2:N0} | | **{3:N1}×** faster |' -f $first, (Get-Spread $firsts), ($docsN * 1000 / $first), ($k / $first))
        ('| KubeOpsPS warm in session (median of the 3 runs'' medians) | {0:N0} (runs {1}; passes {2:N0}–{3:N0}) | {4:N0} | | **{5:N1}×** faster (target ≥ 12×) |' -f $warm, (Get-Spread $warms), $warmMin, $warmMax, ($docsN * 1000 / $warm), ($k / $warm))
        ''
        foreach ($build in $builds) {
            $w = Get-KoMedian $whole[$build.Name].Wall; $wCpu = Get-KoMedian $whole[$build.Name].Cpu; $bCpu = Get-KoMedian $bareRt[$build.Name].Cpu
            $ratios = for ($i = 0; $i -lt 5; $i++) { $whole[$build.Name][$i].Wall / $pyyaml[$i].Wall }
            ('- KubeOpsPS whole process vs PyYAML, PowerShell {0}: **{1:N2}×** PyYAML''s time (median of the rounds'' ratios {2}; target ≤ 1.5×); in CPU time {3:N2}×. The bare start alone is {4:N2}× PyYAML''s whole round trip in CPU time; over it KubeOpsPS''s import and round trip take {5:N0} CPU ms' -f $build.Name, (Get-KoMedian $ratios), (($ratios | ForEach-Object { '{0:N2}' -f $_ }) -join ', '), ($wCpu / $pCpu), ($bCpu / $pCpu), ($wCpu - $bCpu))
        }
        ('- warm in session, spread between the 3 runs'' medians: {0:N2}× (max/min; target < 2×)' -f (($warms | Measure-Object -Maximum).Maximum / ($warms | Measure-Object -Minimum).Minimum))
        ('- peak working set of an in-session run (first pass, 7 warm passes and the read-back check in one process): {0:N0} MiB (target ≤ 250 MiB); peak resident set of the whole-process round trip (GNU time, pinned tool): {1:N0} MiB' -f $peak, (Get-KoMedian $whole[$builds[0].Name].Rss))
        ''
    )
    Add-Content $ResultFile ($lines -join "`n")
    $lines | Write-Host
} finally {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
