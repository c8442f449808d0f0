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
    $bare = @(); $withModule = @()
    $script = "Import-Module '$ModulePath'; @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'x' }; data = @{ a = 'b' } } | ConvertTo-KoYaml | Out-Null"
    Measure-Process ($pwsh + @('-NoProfile', '-Command', 'exit')) | Out-Null   # warm the disk cache
    for ($i = 0; $i -lt 9; $i++) {
        $bare += Measure-Process ($pwsh + @('-NoProfile', '-Command', 'exit'))
        $withModule += Measure-Process ($pwsh + @('-NoProfile', '-Command', $script))
    }
    $startBare = Get-KoMedian $bare; $startModule = Get-KoMedian $withModule

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

    $kustomize = @(); $pyyaml = @(); $whole = @()
    $roundTrip = "Import-Module '$ModulePath'; Get-Content -Raw '$corpus' | ConvertFrom-KoYaml | ConvertTo-KoYaml | Out-Null"
    for ($i = 0; $i -lt 3; $i++) {
        $kustomize += Measure-Process @('kubectl', 'kustomize', $work)
        $pyyaml += Measure-Process @('python3', $py, $corpus)
        $whole += Measure-Process ($pwsh + @('-NoProfile', '-Command', $roundTrip))
    }
    $inSession = "Import-Module '$ModulePath'; `$t = Get-Content -Raw '$corpus'; `$sw = [Diagnostics.Stopwatch]::StartNew(); `$t | ConvertFrom-KoYaml | ConvertTo-KoYaml | Out-Null; `$first = `$sw.Elapsed.TotalMilliseconds; `$w = foreach (`$i in 1..5) { `$sw.Restart(); `$t | ConvertFrom-KoYaml | ConvertTo-KoYaml | Out-Null; `$sw.Elapsed.TotalMilliseconds }; `$w = `$w | Sort-Object; '{0} {1} {2} {3}' -f `$first, `$w[2], [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64, (Get-Content -Raw '$corpus' | ConvertFrom-KoYaml).Count"
    $session = (& $pwsh[0] $pwsh[1] -NoProfile -Command $inSession | Select-Object -Last 1) -split ' '
    $k = Get-KoMedian $kustomize; $p = Get-KoMedian $pyyaml; $w = Get-KoMedian $whole
    $first = [double]$session[0]; $warm = [double]$session[1]; $peak = [double]$session[2] / 1MB

    $lines = @(
        '## Foundation (issue 2)'
        ''
        ('- start-up for a script (`pwsh -NoProfile -Command` that imports the module and converts one object to YAML) vs a bare `pwsh -NoProfile`, medians of 9 paired whole-process runs: {0:N0} ms vs {1:N0} ms, **{2:N0} ms added** (target ≤ 400 ms)' -f $startModule, $startBare, ($startModule - $startBare))
        ('- YAML round trip of a {0}-document corpus (500 each Deployment, Service, ConfigMap, Ingress), typed objects, medians:' -f $session[3])
        ''
        '| run | ms | vs kubectl kustomize |'
        '|---|---|---|'
        ('| kubectl kustomize (whole process) | {0:N0} | 1.0× |' -f $k)
        ('| PyYAML with libyaml, load + dump (whole process) | {0:N0} | {1:N1}× faster |' -f $p, ($k / $p))
        ('| KubeOpsPS whole process (pwsh start, import, round trip) | {0:N0} | **{1:N1}×** faster (target ≥ 2×) |' -f $w, ($k / $w))
        ('| KubeOpsPS first pass in session | {0:N0} | **{1:N1}×** faster (target ≥ 2.5×) |' -f $first, ($k / $first))
        ('| KubeOpsPS warm in session | {0:N0} | **{1:N1}×** faster (target ≥ 8×) |' -f $warm, ($k / $warm))
        ''
        ('- peak working set of the in-session run: {0:N0} MiB (target ≤ 250 MiB)' -f $peak)
        ''
    )
    Add-Content $ResultFile ($lines -join "`n")
    $lines | Write-Host
} finally {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}
