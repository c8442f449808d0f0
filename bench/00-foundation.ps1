# Foundation (issue 2): start-up cost for a script, and the YAML round trip on a 2,000-document corpus against
# kubectl kustomize and PyYAML (libyaml), all measured in the same run.
param([string] $ResultFile, [string] $ModulePath)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force
$pwsh = @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'))
$work = Join-Path ([IO.Path]::GetTempPath()) "ko-bench-yaml-$PID"
New-Item -ItemType Directory $work -Force | Out-Null

function Measure-Process([string[]] $Command) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    & $Command[0] @($Command | Select-Object -Skip 1) | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "$($Command -join ' ') failed" }
    $sw.Elapsed.TotalMilliseconds
}

try {
    # --- start-up: paired whole-process runs
    # Beside the bare start, an empty script module imported and called the same way: PowerShell's own price for
    # importing any module and running a pipeline, which no module can avoid.
    $empty = New-Item -ItemType Directory (Join-Path $work 'EmptyModule')
    Set-Content (Join-Path $empty 'EmptyModule.psd1') "@{ RootModule = 'EmptyModule.psm1'; ModuleVersion = '0.1.0'; FunctionsToExport = @('ConvertTo-Nothing') }"
    Set-Content (Join-Path $empty 'EmptyModule.psm1') 'function ConvertTo-Nothing { param([Parameter(ValueFromPipeline)] $InputObject) process { "" } }'
    $bare = @(); $withModule = @(); $withEmpty = @()
    $script = "Import-Module '$ModulePath'; @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'x' }; data = @{ a = 'b' } } | ConvertTo-KoYaml | Out-Null"
    $emptyScript = "Import-Module '$(Join-Path $empty 'EmptyModule.psd1')'; @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'x' }; data = @{ a = 'b' } } | ConvertTo-Nothing | Out-Null"
    Measure-Process ($pwsh + @('-NoProfile', '-Command', 'exit')) | Out-Null   # warm the disk cache
    for ($i = 0; $i -lt 9; $i++) {
        $bare += Measure-Process ($pwsh + @('-NoProfile', '-Command', 'exit'))
        $withModule += Measure-Process ($pwsh + @('-NoProfile', '-Command', $script))
        $withEmpty += Measure-Process ($pwsh + @('-NoProfile', '-Command', $emptyScript))
    }
    $startBare = Get-KoMedian $bare; $startModule = Get-KoMedian $withModule; $startEmpty = Get-KoMedian $withEmpty
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
    $py = Join-Path $work 'roundtrip.py'
    Set-Content $py "import sys, yaml`ndocs = list(yaml.load_all(open(sys.argv[1]), Loader=yaml.CSafeLoader))`nsys.stdout.write(yaml.dump_all([d for d in docs if d], Dumper=yaml.CSafeDumper))`n"

    $kustomize = @(); $pyyaml = @(); $whole = @(); $wholeRss = @()
    $roundTrip = "Import-Module '$ModulePath'; Get-Content -Raw '$corpus' | ConvertFrom-KoYaml | ConvertTo-KoYaml | Out-Null"
    $timeTool = if (Test-Path '/usr/bin/time') { '/usr/bin/time' }
    $rssFile = Join-Path $work 'rss.txt'
    for ($i = 0; $i -lt 3; $i++) {
        $kustomize += Measure-Process @('kubectl', 'kustomize', $work)
        $pyyaml += Measure-Process @('python3', $py, $corpus)
        if ($timeTool) {
            # GNU time adds ~1 ms; it gives the peak resident set of the whole pwsh process.
            $whole += Measure-Process (@($timeTool, '-f', '%M', '-o', $rssFile) + $pwsh + @('-NoProfile', '-Command', $roundTrip))
            $wholeRss += [double](Get-Content $rssFile | Select-Object -Last 1) / 1KB
        } else {
            $whole += Measure-Process ($pwsh + @('-NoProfile', '-Command', $roundTrip))
        }
    }
    $inSession = "Import-Module '$ModulePath'; `$t = Get-Content -Raw '$corpus'; `$sw = [Diagnostics.Stopwatch]::StartNew(); `$t | ConvertFrom-KoYaml | ConvertTo-KoYaml | Out-Null; `$first = `$sw.Elapsed.TotalMilliseconds; `$w = foreach (`$i in 1..5) { `$sw.Restart(); `$t | ConvertFrom-KoYaml | ConvertTo-KoYaml | Out-Null; `$sw.Elapsed.TotalMilliseconds }; `$w = `$w | Sort-Object; `$back = @(`$t | ConvertFrom-KoYaml | ConvertTo-KoYaml | ConvertFrom-KoYaml -ErrorAction Stop); '{0} {1} {2} {3} {4}' -f `$first, `$w[2], [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64, (`$t | ConvertFrom-KoYaml).Count, `$back.Count"
    $session = (& $pwsh[0] $pwsh[1] -NoProfile -Command $inSession | Select-Object -Last 1) -split ' '
    $k = Get-KoMedian $kustomize; $p = Get-KoMedian $pyyaml; $w = Get-KoMedian $whole
    $first = [double]$session[0]; $warm = [double]$session[1]; $peak = [double]$session[2] / 1MB
    if ([int]$session[4] -ne [int]$session[3]) { throw "The round trip lost documents: $($session[3]) in, $($session[4]) read back." }

    $lines = @(
        '## Foundation (issue 2)'
        ''
        ('- start-up for a script (`pwsh -NoProfile -Command` that imports the module and converts one object to YAML) vs a bare `pwsh -NoProfile`, medians of 9 paired whole-process runs: {0:N0} ms vs {1:N0} ms, **{2:N0} ms added** (target ≤ 400 ms)' -f $startModule, $startBare, ($startModule - $startBare))
        ('- for scale: an empty script module imported and called the same way takes {0:N0} ms ({1:N0} ms over bare), so KubeOpsPS''s own share is **{2:N0} ms**' -f $startEmpty, ($startEmpty - $startBare), ($startModule - $startEmpty))
        ('- where it goes, medians of 5 in-process runs after PowerShell''s own first pipeline: Import-Module {0:N0} ms, first ConvertTo-KoYaml (a hashtable) {1:N0} ms, first ConvertFrom-KoYaml of a Deployment {2:N0} ms' -f $importMs, $firstToMs, $firstFromMs)
        ('- YAML round trip of a {0}-document corpus (500 each Deployment, Service, ConfigMap, Ingress), typed objects, all {1} read back from the output; medians (kustomize, PyYAML and whole-process runs interleaved, 3 each; in-session warm = median of 5 passes):' -f $session[3], $session[4])
        ''
        '| run | ms | vs kubectl kustomize |'
        '|---|---|---|'
        ('| kubectl kustomize (whole process) | {0:N0} | 1.0× |' -f $k)
        ('| PyYAML with libyaml, load + dump (whole process) | {0:N0} | {1:N1}× faster |' -f $p, ($k / $p))
        ('| KubeOpsPS whole process (pwsh start, import, round trip) | {0:N0} | **{1:N1}×** faster (target ≥ 2×) |' -f $w, ($k / $w))
        ('| KubeOpsPS first pass in session | {0:N0} | **{1:N1}×** faster (target ≥ 2.5×) |' -f $first, ($k / $first))
        ('| KubeOpsPS warm in session | {0:N0} | **{1:N1}×** faster (target ≥ 8×) |' -f $warm, ($k / $warm))
        ''
        ('- peak working set of the in-session run (first pass, 5 warm passes and the read-back check in one process): {0:N0} MiB (target ≤ 250 MiB)' -f $peak)
        $(if ($wholeRss) { '- peak resident set of the whole-process round trip (GNU time): {0:N0} MiB' -f (Get-KoMedian $wholeRss) })
        ''
    )
    Add-Content $ResultFile ($lines -join "`n")
    $lines | Write-Host
} finally {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
