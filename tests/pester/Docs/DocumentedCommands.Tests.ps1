# Every documented command works as written (issue 20, item 5): each PowerShell block of README.md and
# docs/recipes/*.md, each command of about_KubeOpsPS and every help example runs in order in a fresh PowerShell
# session against a fresh fake cluster, in a fresh working folder that holds the files the documents assume the
# reader has (./manifests, ./deploy, ./dashboards, ...). Help examples that use no cluster cmdlet run in a session
# with no kubeconfig at all. The exceptions are in NotAsWritten.psd1, each with its reason.
BeforeDiscovery {
    Import-Module $env:KO_MODULE -Force
    $root = $env:KO_REPO_ROOT
    $script:notAsWritten = Import-PowerShellDataFile (Join-Path $PSScriptRoot 'NotAsWritten.psd1')

    function Get-MarkdownBlocks([string] $File) {
        $name = Split-Path $File -Leaf
        $i = 0; $inBlock = $false; $lines = @(); $start = 0; $n = 0
        foreach ($line in Get-Content $File) {
            $n++
            if (-not $inBlock -and $line -match '^```powershell\s*$') { $inBlock = $true; $lines = @(); $start = $n; continue }
            if ($inBlock -and $line -match '^```\s*$') {
                $inBlock = $false; $i++
                @{ Document = $name; Title = "$name block $i (line $start)"; Code = ($lines -join "`n") }
                continue
            }
            if ($inBlock) { $lines += $line }
        }
    }

    # about_KubeOpsPS: the commands are the lines indented by eight spaces or more; consecutive ones are one block.
    function Get-AboutBlocks([string] $File) {
        $i = 0; $lines = @()
        foreach ($line in @(Get-Content $File) + '') {
            if ($line -match '^\s{8,}\S') { $lines += $line.Substring(8); continue }
            if ($lines) { $i++; @{ Document = 'about_KubeOpsPS'; Title = "about_KubeOpsPS command $i"; Code = ($lines -join "`n") }; $lines = @() }
        }
    }

    $guide = @(Get-MarkdownBlocks (Join-Path $root 'README.md'))
    $guide += foreach ($f in Get-ChildItem (Join-Path $root 'docs/recipes') -Filter *.md | Sort-Object Name) { Get-MarkdownBlocks $f.FullName }
    $guide += Get-AboutBlocks (Join-Path $root 'module/en-US/about_KubeOpsPS.help.txt')
    foreach ($b in $guide) {
        foreach ($o in $script:notAsWritten.Omit | Where-Object Document -eq $b.Document) {
            $b.Code = ($b.Code -split "`n" | Where-Object { $_.Trim() -notin @($o.Line) }) -join "`n"
        }
        foreach ($a in $script:notAsWritten.After | Where-Object Document -eq $b.Document) {
            $b.Code = ($b.Code -split "`n" | ForEach-Object { $_; if ($_.Trim() -eq $a.Line) { $a.Run } }) -join "`n"
        }
    }

    # A cmdlet that reads a kubeconfig (it has -KubeConfig) needs the cluster; an example that uses none runs offline.
    $clusterCmdlets = @(Get-Command -Module KubeOpsPS -CommandType Cmdlet | Where-Object { $_.Parameters.ContainsKey('KubeConfig') } | ForEach-Object Name)
    $help = foreach ($c in Get-Command -Module KubeOpsPS -CommandType Cmdlet | Sort-Object Name) {
        $i = 0
        foreach ($e in (Get-Help $c.Name -Full).Examples.Example | Where-Object { $_ }) {
            $i++
            $offline = -not ($clusterCmdlets | Where-Object { $e.Code -match "(?<![\w-])$([regex]::Escape($_))(?![\w-])" })
            @{ Document = "$($c.Name) help"; Title = "$($c.Name) example $i$(if ($offline) { ' (offline)' })"; Code = $e.Code; Offline = $offline }
        }
    }
    $script:guide = $guide
    $script:helpOnline = @($help | Where-Object { -not $_.Offline })
    $script:helpOffline = @($help | Where-Object Offline)
    $script:omit = @($script:notAsWritten.Omit) + @($script:notAsWritten.After)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:notAsWritten = Import-PowerShellDataFile (Join-Path $PSScriptRoot 'NotAsWritten.psd1')

    # The files a reader of the documents already has.
    function New-ReaderFolder([string] $Path) {
        $null = New-Item -ItemType Directory "$Path/manifests", "$Path/deploy", "$Path/dashboards" -Force
        Set-Content "$Path/manifests/settings.yaml" "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: settings`ndata:`n  mode: fast`n"
        Set-Content "$Path/manifests/web.yaml" "apiVersion: apps/v1`nkind: Deployment`nmetadata:`n  name: shop-web`nspec:`n  selector: {matchLabels: {app: shop-web}}`n  template:`n    metadata: {labels: {app: shop-web}}`n    spec:`n      containers: [{name: web, image: 'nginx:1.29'}]`n"
        Set-Content "$Path/deploy/app.yaml" "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: deployed-settings`n  namespace: apps`ndata:`n  a: b`n"
        Set-Content "$Path/dashboards/315.json" '{"id": 315, "uid": "k8s-315", "title": "Kubernetes cluster monitoring", "panels": [{"id": 1, "type": "graph", "title": "CPU", "datasource": "${DS_PROMETHEUS}", "targets": [{"expr": "sum(rate(container_cpu_usage_seconds_total{pod_name!=\"\"}[1m]))"}]}]}'
        Set-Content "$Path/web.rules.yml" "groups:`n- name: web`n  rules:`n  - alert: WebDown`n    expr: up{job=`"web`"} == 0`n    for: 5m`n"
        Set-Content "$Path/alertmanager.yml" "route:`n  receiver: ops`nreceivers:`n- name: ops`n"
        Set-Content "$Path/openssl.conf" "[req]`ndistinguished_name = dn`nreq_extensions = ext`n[dn]`n[ext]`nsubjectAltName = @alt_names`n[alt_names]`nDNS.1 = kube-master.example.com`n"
        & openssl req -x509 -newkey rsa:2048 -nodes -keyout "$Path/dash.key" -out "$Path/dash.crt" -days 30 -subj '/CN=dash.example.com' -addext 'basicConstraints=critical,CA:FALSE' -addext 'subjectAltName=DNS:dash.example.com' 2>$null
        & openssl req -x509 -newkey rsa:2048 -nodes -keyout "$Path/app-key.pem" -out "$Path/app-cert.pem" -days 30 -subj '/CN=kube-master.example.com' -addext 'basicConstraints=critical,CA:FALSE' -addext 'subjectAltName=DNS:kube-master.example.com' 2>$null
    }

    # Runs the blocks in order in one fresh PowerShell session; returns one result per block (Title, Error).
    function Invoke-Blocks([object[]] $Blocks, [string] $KubeConfig, [string] $Folder, [switch] $FreshFolderEach) {
        $blocksFile = Join-Path $Folder '.blocks.json'
        $output = Join-Path $Folder '.results.json'
        ConvertTo-Json @($Blocks | ForEach-Object { @{ Title = $_.Title; Code = $_.Code; Document = $_.Document } }) -Depth 3 | Set-Content $blocksFile
        $runner = @'
param($BlocksFile, $ResultsFile, $Module, [int] $FreshFolderEach)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $Module
# Substitution (NotAsWritten.psd1): Get-Credential without a prompt.
function Get-Credential { param([Parameter(Position = 0)] [string] $UserName) [pscredential]::new($UserName, (ConvertTo-SecureString 'documented-commands-test' -AsPlainText -Force)) }
$home0 = (Get-Location).Path
$document = $null
$results = foreach ($b in Get-Content $BlocksFile -Raw | ConvertFrom-Json) {
    # Each page starts connected as kubectl would be (a page that switches namespace does not move the next);
    # what the pages did to the cluster stays, as for a reader going through them in order.
    if ($b.Document -ne $document -and (Test-Path $env:KUBECONFIG)) { Connect-KoCluster | Out-Null }
    $document = $b.Document
    if ($FreshFolderEach) {
        Set-Location $home0
        $dir = Join-Path $home0 ('ex-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $null = New-Item -ItemType Directory $dir
        Set-Location $dir
        if (Test-Path $env:KUBECONFIG) { Connect-KoCluster | Out-Null }
    }
    $err = $null
    try { & ([scriptblock]::Create($b.Code)) | Out-String -Width 120 | Out-Null }
    catch { $err = "$_`n$($_.InvocationInfo.PositionMessage)" }
    @{ Title = $b.Title; Error = $err }
}
ConvertTo-Json @($results) -Depth 3 | Set-Content $ResultsFile
'@
        $runnerFile = Join-Path $Folder '.runner.ps1'
        Set-Content $runnerFile $runner
        Push-Location $Folder
        try {
            $env0 = $env:KUBECONFIG
            $env:KUBECONFIG = if ($KubeConfig) { $KubeConfig } else { Join-Path $Folder 'no-kubeconfig-here' }
            $log = & ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $runnerFile $blocksFile $output $env:KO_MODULE ([int][bool]$FreshFolderEach) 2>&1 | Out-String
        } finally { $env:KUBECONFIG = $env0; Pop-Location }
        if (-not (Test-Path $output)) { throw "The documented-commands session did not finish: $log" }
        Get-Content $output -Raw | ConvertFrom-Json
    }

    # A fresh fake cluster (a fast clock, so progress deadlines in the documents pass in seconds). The reader's
    # kubeconfig has contexts called prod (README, recipe 4) and prod-eu (recipe 8's prod-*): here they point at the
    # fake cluster too.
    function Start-ReaderCluster {
        $c = Start-KoFakeCluster -ClockSpeed 10
        $kc = Get-Content $c.KubeConfig -Raw
        $file = Join-Path $c.Directory 'reader-kubeconfig.yaml'
        Set-Content $file ($kc -replace '(?m)^contexts:\s*$', "contexts:`n- name: prod`n  context:`n    cluster: fake`n    user: fake`n    namespace: default`n- name: prod-eu`n  context:`n    cluster: fake`n    user: fake`n    namespace: default")
        # The logging pages read indices from Elasticsearch; the fake runs no pods, so its test double answers
        # behind the service proxy, as Get-KoLogIndex's own tests do.
        $es = Start-KoFakeElasticsearch $c -Open 'kubeops-logging/elasticsearch:9200'
        $c | Add-Member -NotePropertyName Elasticsearch -NotePropertyValue $es
        $c | Add-Member -NotePropertyName ReaderKubeConfig -NotePropertyValue $file -PassThru
    }

    $script:work = Join-Path ([IO.Path]::GetTempPath()) "ko-docs-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $null = New-Item -ItemType Directory $work
}
AfterAll {
    Remove-Item $script:work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The not-as-written list' {
    It 'names only lines that are in their documents: <Document>: <Line>' -ForEach $script:omit {
        $file = if ($Document -eq 'README.md') { Join-Path $env:KO_REPO_ROOT 'README.md' } else { Join-Path $env:KO_REPO_ROOT "docs/recipes/$Document" }
        foreach ($l in $Line) { (Get-Content $file | ForEach-Object Trim) | Should -Contain $l }
        $Reason | Should -Not -BeNullOrEmpty
    }
}

# The blocks found at discovery reach the run phase as each Describe's data.
Describe '<Name>' -ForEach @(
    @{ Name = 'README, recipes and about_KubeOpsPS, in order, in one fresh session'; Blocks = $script:guide; Cluster = $true; Each = $false }
    @{ Name = 'Help examples that use a cluster, in a fresh session'; Blocks = $script:helpOnline; Cluster = $true; Each = $true }
    @{ Name = 'Help examples that need no cluster, in a fresh session without a kubeconfig'; Blocks = $script:helpOffline; Cluster = $false; Each = $true }
) {
    BeforeAll {
        $folder = Join-Path $work ([guid]::NewGuid().ToString('N').Substring(0, 8))
        $null = New-Item -ItemType Directory $folder
        if (-not $Each) { New-ReaderFolder $folder }
        $script:fake = if ($Cluster) { Start-ReaderCluster }
        $script:results = @(Invoke-Blocks $Blocks -KubeConfig $(if ($Cluster) { $fake.ReaderKubeConfig }) -Folder $folder -FreshFolderEach:$Each)
    }
    AfterAll { if ($script:fake) { Stop-KoFakeElasticsearch $script:fake.Elasticsearch; Stop-KoFakeCluster $script:fake } }
    It '<Title>' -ForEach $Blocks {
        $r = $results | Where-Object Title -eq $Title
        $r | Should -Not -BeNullOrEmpty -Because 'every block has a result'
        $r.Error | Should -BeNullOrEmpty -Because $Code
    }
}
