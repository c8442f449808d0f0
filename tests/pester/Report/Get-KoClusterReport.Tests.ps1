# Get-KoClusterReport as an admin uses it: several contexts of one kubeconfig (a messy cluster, a clean one, one that
# is down), the checks narrowed, bad input refused before anything is sent, and the HTML page read back from a real
# browser (Debian's chromium, headless: its DOM after the page's script ran, and a screenshot in out/test).
BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:messy = Start-KoFakeCluster -ClockSpeed 10
    $script:clean = Start-KoFakeCluster -ClockSpeed 10
    $script:kubeconfig = Join-Path $TestDrive 'kubeconfig'
    # Port 9 on loopback: nothing listens, so connecting is refused at once.
    Set-Content $kubeconfig @"
apiVersion: v1
kind: Config
clusters:
- {name: messy, cluster: {server: "$($messy.Url)"}}
- {name: clean, cluster: {server: "$($clean.Url)"}}
- {name: down, cluster: {server: "http://127.0.0.1:9"}}
users: [{name: admin, user: {token: fake-token}}]
contexts:
- {name: lab-messy, context: {cluster: messy, user: admin, namespace: default}}
- {name: lab-clean, context: {cluster: clean, user: admin, namespace: default}}
- {name: lab-down, context: {cluster: down, user: admin, namespace: default}}
current-context: lab-messy
"@
    # The messy fixture of the xunit tests, applied as manifests (status fields and snapshot-only objects left out),
    # and TLS Secrets made with the module: one expiring in a week, the fine ones of both Ingresses' hosts.
    $fixtures = Join-Path $PSScriptRoot '../../KubeOpsPS.Tests/Report/Fixtures'
    $objects = Get-Content (Join-Path $fixtures 'fine.yaml'), (Join-Path $fixtures 'offenders.yaml') -Raw | ConvertFrom-KoYaml |
        Where-Object { $_.Metadata.Annotations -eq $null -or $_.Metadata.Annotations['report.kubeops.io/fixture'] -ne 'snapshot-only' }
    $objects | Publish-KoResource -KubeConfig $kubeconfig -Context lab-messy | Out-Null
    $ca = New-KoCertificateAuthority -CommonName 'Report Test CA'
    New-KoPrivateKey | New-KoCertificateRequest -CommonName soon.messy.example | New-KoCertificate -Issuer $ca -ValidDays 7 |
        New-KoTlsSecret -Name soon-tls -Namespace messy -WarningAction SilentlyContinue | Publish-KoResource -KubeConfig $kubeconfig -Context lab-messy | Out-Null
    New-KoPrivateKey | New-KoCertificateRequest -CommonName shop.messy.example | New-KoCertificate -Issuer $ca -ValidDays 365 |
        New-KoTlsSecret -Name shop-tls -Namespace messy -WarningAction SilentlyContinue | Publish-KoResource -KubeConfig $kubeconfig -Context lab-messy | Out-Null
    New-KoPrivateKey | New-KoCertificateRequest -CommonName web.tidy.example -DnsName api.tidy.example | New-KoCertificate -Issuer $ca -ValidDays 365 |
        New-KoTlsSecret -Name web-tls -Namespace tidy -WarningAction SilentlyContinue | Publish-KoResource -KubeConfig $kubeconfig -Context lab-messy | Out-Null
    $script:all = @(Get-KoClusterReport -KubeConfig $kubeconfig -Context lab-* -ErrorVariable script:errors -ErrorAction SilentlyContinue)
}
AfterAll {
    Stop-KoFakeCluster $script:messy
    Stop-KoFakeCluster $script:clean
}

Describe 'Get-KoClusterReport' {
    It 'checks every context a wildcard matches and tags each finding with its context' {
        # The clean cluster has no finding to tag; its own request log shows it was read.
        @($all.Context | Sort-Object -Unique) | Should -Be @('lab-messy')
        @(Get-KoFakeRequests $script:clean | Where-Object path -eq '/api/v1/pods').Count | Should -BeGreaterThan 0
        ($all | Where-Object Context -eq lab-messy | Where-Object Severity -eq Critical).Count | Should -BeGreaterThan 0
    }

    It 'reports an unreachable context as one error and still checks the others' {
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ContextUnreachable,*'
        $errors[0].TargetObject | Should -Be 'lab-down'
        "$($errors[0])" | Should -Match 'cannot reach the cluster at http://127.0.0.1:9'
    }

    It 'gives a clean cluster only Info findings' {
        $cleanFindings = @($all | Where-Object Context -eq lab-clean)
        @($cleanFindings | Where-Object Severity -ne Info) | Should -BeNullOrEmpty
        @($cleanFindings | Where-Object Check -eq not-checked) | Should -BeNullOrEmpty -Because 'the fake serves every kind the report reads, and the admin may read them'
        @($all | Where-Object Context -eq lab-messy | Where-Object Severity -ne Info) | Should -Not -BeNullOrEmpty -Because 'the same run finds the messy cluster''s problems'
    }

    It 'finds the offenders of the fixture with what fixes them' {
        $m = $all | Where-Object Context -eq lab-messy
        ($m | Where-Object Check -eq retired-component).Name | Should -Contain ingress-nginx-controller
        ($m | Where-Object { $_.Check -eq 'retired-component' -and $_.Name -eq 'ingress-nginx-controller' }).Fix | Should -Match '^Install-KoIngressController'
        ($m | Where-Object Check -eq cert-expiring).Name | Should -Be soon-tls
        ($m | Where-Object Check -eq ingress-missing-service).Name | Should -Be missing-backend
        @(($m | Where-Object Check -eq wildcard-role-binding).Name | Sort-Object) | Should -Be @('bob-anything', 'ci-god')
        # Published as manifests, the fixture's nodes carry no status: the fake shows them as never having reported.
        ($m | Where-Object Check -eq node-not-ready).Name | Should -Contain node-down
        @($m | Where-Object Namespace -eq tidy) | Should -BeNullOrEmpty
    }

    It 'orders findings by severity and shows them grouped by severity' {
        $ranks = @($all | Where-Object Context -eq lab-messy | ForEach-Object { [int]$_.Severity })
        ($ranks -join ',') | Should -Be (($ranks | Sort-Object) -join ',')
        $text = Get-KoClusterReport -KubeConfig $kubeconfig -Context lab-messy -Check cert-*, pod-* | Out-String -Width 250
        $text | Should -Match '(?s)Severity: Critical.*Severity: Warning'
        $text | Should -Match 'CONTEXT\s+CHECK\s+OBJECT\s+MESSAGE'
        $text | Should -Match 'secret/messy/soon-tls'
    }

    It 'narrows by -Check wildcards, -ExcludeCheck, -Namespace and -Severity' {
        $f = @(Get-KoClusterReport -KubeConfig $kubeconfig -Context lab-messy -Check cert-*, ingress-* -ExcludeCheck cert-expiring -Namespace messy -Severity Critical)
        $f.Count | Should -BeGreaterThan 0
        @($f | Where-Object { $_.Check -notlike 'cert-*' -and $_.Check -notlike 'ingress-*' }) | Should -BeNullOrEmpty
        @($f | Where-Object Check -eq cert-expiring) | Should -BeNullOrEmpty
        @($f | Where-Object Severity -ne Critical) | Should -BeNullOrEmpty
        @($f.Namespace | Sort-Object -Unique) | Should -Be @('messy')
    }

    It 'checks upgrade readiness for -TargetVersion' {
        $f = @(Get-KoClusterReport -KubeConfig $kubeconfig -Context lab-messy -Check upgrade-* -TargetVersion v1.36)
        ($f | Where-Object Check -eq upgrade-external-ips).Name | Should -Be legacy-ip
        ($f | Where-Object Check -eq upgrade-gitrepo-volume).Name | Should -Be git-content
        @(Get-KoClusterReport -KubeConfig $kubeconfig -Context lab-messy -Check upgrade-external-ips) | Should -BeNullOrEmpty -Because 'the default target is the next minor, 1.33'
    }

    It 'writes findings that Export-Csv and Where-Object take as they are' {
        $csv = Join-Path $TestDrive 'findings.csv'
        $all | Where-Object Severity -ne Info | Export-Csv $csv -NoTypeInformation
        $rows = Import-Csv $csv
        $rows.Count | Should -Be @($all | Where-Object Severity -ne Info).Count
        ($rows[0].PSObject.Properties.Name -join ',') | Should -Be 'Severity,Category,Check,Kind,Namespace,Name,Message,Fix,Context'
    }

    It 'turns what a limited user may not list into Info findings and checks the rest' {
        $dev = New-KoFakeUser $messy -Name dana -Groups report-dev
        @{ apiVersion = 'rbac.authorization.k8s.io/v1'; kind = 'ClusterRoleBinding'; metadata = @{ name = 'report-dev-view' }
           roleRef = @{ apiGroup = 'rbac.authorization.k8s.io'; kind = 'ClusterRole'; name = 'view' }
           subjects = @(@{ kind = 'Group'; apiGroup = 'rbac.authorization.k8s.io'; name = 'report-dev' }) } | Publish-KoResource -KubeConfig $kubeconfig -Context lab-messy | Out-Null
        $f = @(Get-KoClusterReport -KubeConfig $dev.KubeConfig -ErrorVariable limitedErrors)
        $limitedErrors | Should -BeNullOrEmpty
        $secrets = $f | Where-Object { $_.Check -eq 'not-checked' -and $_.Kind -eq 'Secret' }
        $secrets.Severity | Should -Be Info
        $secrets.Message | Should -BeLike 'Not checked: no permission to list secrets cluster-wide*'
        ($f | Where-Object Check -eq no-readiness-probe).Name | Should -Be no-probe
    }

    It 'refuses bad input before anything is sent: <Case>' -ForEach @(
        @{ Case = 'an unknown check'; Params = @{ Check = 'cert-*', 'no-such-check' }; Id = 'UnknownCheck'; Text = "-Check 'no-such-check' names no check. Valid checks: retired-component, " }
        @{ Case = 'a target that is not a minor'; Params = @{ TargetVersion = '1.36.2' }; Id = 'InvalidArgument'; Text = "-TargetVersion '1.36.2' is not a Kubernetes minor version" }
        @{ Case = 'a page in a missing folder'; Params = @{ Html = (Join-Path ([IO.Path]::GetTempPath()) 'no-such-folder-ko/report.html') }; Id = 'HtmlFolderNotFound'; Text = 'does not exist; nothing was checked' }
        @{ Case = 'a context that does not exist'; Params = @{ Context = 'lab-messy', 'prod-*' }; Id = 'ContextNotFound'; Text = "; nothing was checked. Contexts: lab-messy, lab-clean, lab-down." }
    ) {
        Clear-KoFakeRequests $messy
        { Get-KoClusterReport -KubeConfig $kubeconfig @Params -ErrorAction Stop } | Should -Throw -ErrorId "$Id,KubeOpsPS.Report.GetKoClusterReportCommand" -ExpectedMessage "*$Text*"
        @(Get-KoFakeRequests $messy) | Should -BeNullOrEmpty
    }
}

Describe 'Get-KoClusterReport -Html' {
    BeforeAll {
        $script:page = Join-Path $TestDrive 'report.html'
        $script:findings = @(Get-KoClusterReport -KubeConfig $kubeconfig -Context lab-* -Html $page -ErrorAction SilentlyContinue)
        $script:html = Get-Content $page -Raw
        $chromium = Get-Command chromium -ErrorAction SilentlyContinue
        if (-not $chromium) { throw 'chromium is not installed (.ci/run installs it).' }
        $shots = if ($env:KO_REPO_ROOT) { Join-Path $env:KO_REPO_ROOT 'out/test' } else { $TestDrive }
        New-Item -ItemType Directory $shots -Force | Out-Null
        $script:screenshot = Join-Path $shots 'cluster-report.png'
        if (Test-Path $screenshot) { Remove-Item $screenshot }
        function Invoke-Chromium([string[]] $Extra) {
            $profile = Join-Path $TestDrive "chromium-$([Guid]::NewGuid().ToString('N').Substring(0, 8))"
            $flags = @('--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                '--disable-sync', '--no-first-run', "--user-data-dir=$profile") + $Extra + @("file://$page")
            $out = & $chromium.Source @flags 2>$null
            if ($LASTEXITCODE -ne 0) { throw "chromium exited with $LASTEXITCODE" }
            $out -join "`n"
        }
        $script:dom = Invoke-Chromium @('--dump-dom')
        Invoke-Chromium @("--screenshot=$screenshot", '--window-size=1400,1600', '--hide-scrollbars') | Out-Null
    }

    It 'shows the summary counts of each cluster and the totals as the browser renders them' {
        foreach ($sev in 'Critical', 'Warning', 'Info') {
            $expected = @($findings | Where-Object Severity -eq $sev).Count
            $dom | Should -Match "<th class=`"n`" id=`"total-$($sev.ToLowerInvariant())`">$expected</th>"
            $messyCount = @($findings | Where-Object { $_.Context -eq 'lab-messy' -and $_.Severity -eq $sev }).Count
            $dom | Should -Match "(?s)<tr data-context=`"lab-messy`">.*?data-severity=`"$sev`">$messyCount</td>"
        }
        $dom | Should -Match '(?s)<tr data-context="lab-down">.*?not reached: Connecting: cannot reach the cluster'
    }

    It 'has one table row per finding, with its fix' {
        ([regex]::Matches($dom, '<tr class="finding"')).Count | Should -Be $findings.Count
        $dom | Should -Match '(?s)<tr class="finding" data-check="ingress-missing-service" data-severity="Critical">.*?<td>missing-backend</td>.*?<code>New-KoService -Name nope -Namespace messy'
        $dom | Should -Match '(?s)data-check="cert-expiring".*?<td>soon-tls</td>'
    }

    It 'draws a chart per reachable cluster with a bar segment per category and severity' {
        ([regex]::Matches($dom, '<figure class="chart"')).Count | Should -Be 2
        $workloadsCritical = @($findings | Where-Object { $_.Context -eq 'lab-messy' -and $_.Category -eq 'Workloads' -and $_.Severity -eq 'Critical' }).Count
        $dom | Should -Match "data-category=`"Workloads`" data-severity=`"Critical`" data-count=`"$workloadsCritical`""
    }

    It 'fetches nothing: a policy forbids every request, and nothing names a remote resource' {
        $html | Should -Match "Content-Security-Policy`" content=`"default-src 'none'"
        $html | Should -Not -Match '(src|href)\s*=\s*"(https?:)?//'
        $html | Should -Not -Match '<link '
    }

    It 'makes the table sortable by its column headings' {
        $dom | Should -Match '<table id="findings" class="sortable">'
        $html | Should -Match 'addEventListener\("click"'
    }

    It 'saves a screenshot of the page among the test results' {
        Test-Path $screenshot | Should -BeTrue
        (Get-Item $screenshot).Length | Should -BeGreaterThan 20000
    }
}
