# The bad-input suite: every exported cmdlet, every parameter that takes user data, a set of invalid values.
# Each case must end in a clear ErrorRecord (category and target set, no stack trace, not just a .NET exception type)
# and send nothing to the cluster (the fake API server's request log proves it).
BeforeDiscovery {
    Import-Module $env:KO_MODULE -Force
    $cases = [System.Collections.Generic.List[hashtable]]::new()
    $long = 'a' * 300
    $traversal = '../../etc/passwd'
    $badNames = @('', ' ', 'Upper_Case', 'has space', $long, '-leading-dash', 'trailing-dash-', 'dot..dot', 'ünïcode', $traversal, "new`nline")
    $badQuantities = @('', 'ten', '10GB', '-5Gi', '1.2.3', 'Gi', $long)
    $badDurations = @('', 'ten', '10', '-5m', '1x', '0s', $long)
    $badPorts = @(0, -1, 65536, 100000)
    $bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]`nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]`nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]`nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]`ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]`nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]`ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]"
    $deep = ('{a: ' * 150) + '1' + ('}' * 150)
    $badYaml = @($bomb, $deep, "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: x", "kind: ConfigMap`nmetadata: {name: x}", "apiVersion: apps/v1`nkind: Deployment`nmetadata: {name: x}`nspec: {replica: 3}", "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: x}`nmetadata: {name: y}", "`tapiVersion: v1")

    # One row per cmdlet: valid base arguments, and for each parameter the invalid values to try (one at a time).
    # Cmdlets from each capability add their rows here.
    $table = @(
        @{ Cmdlet = 'ConvertFrom-KoYaml'; Base = @{}; Bad = @{ Yaml = $badYaml; LiteralPath = @('/nonexistent/file.yaml', $traversal, (Join-Path ([IO.Path]::GetTempPath()) 'no-such-dir-ko')) } }
        @{ Cmdlet = 'ConvertTo-KoYaml'; Base = @{ OutputDirectory = '__TEMP__' }; Bad = @{ InputObject = @(@{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = '../../escape' } }, @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'Bad Name' } }, 42, 'not an object') } }
        @{ Cmdlet = 'Connect-KoCluster'; Base = @{}; Bad = @{ KubeConfig = @('/nonexistent/kubeconfig', $traversal, ''); Namespace = $badNames; FieldManager = @(('m' * 200), "tab`tmanager") } }
        @{ Cmdlet = 'Get-KoContext'; Base = @{}; Bad = @{ KubeConfig = @('/nonexistent/kubeconfig', $traversal) } }
        @{ Cmdlet = 'Get-KoResource'; Base = @{ Kind = 'ConfigMap' }; Bad = @{ Namespace = $badNames; Kind = @('NoSuchKind', $long, '') } }
        @{ Cmdlet = 'Publish-KoResource'; Base = @{}; Bad = @{ InputObject = @(@{ apiVersion = 'v1'; metadata = @{ name = 'x' } }, @{ kind = 'ConfigMap'; metadata = @{ name = 'x' } }, @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{} }, @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'Bad_Name' } }, @{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = $long } }, 'text') } }
        @{ Cmdlet = 'Remove-KoResource'; Base = @{ Kind = 'ConfigMap'; Name = 'x' }; Bad = @{ Namespace = $badNames; Kind = @('NoSuchKind') } }
        @{ Cmdlet = 'Compare-KoResource'; Base = @{}; Bad = @{ InputObject = @(@{ apiVersion = 'v1'; metadata = @{ name = 'x' } }, @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'Bad_Name' } }) } }
        @{ Cmdlet = 'Start-KoAppManager'; Base = @{ Once = $true }; Bad = @{ Path = @('/nonexistent/folder', $traversal + '/x'); Instance = @('Bad Instance', $long) } }
        @{ Cmdlet = 'Install-KoAppManager'; Base = @{}; Bad = @{ Name = $badNames; Namespace = $badNames; Path = @('/nonexistent/folder') } }
        @{ Cmdlet = 'New-KoStaticPod'; Base = @{ Name = 'agent'; Image = 'busybox:1.37'; ManifestPath = '__TEMP__' }; Bad = @{ Name = $badNames; Image = @('', ' '); Namespace = $badNames; Port = $badPorts } }
        @{ Cmdlet = 'New-KoDeployment'; Base = @{ Name = 'web'; Image = 'nginx:1.29' }; Bad = @{
            Name = $badNames; Image = @('', ' ', 'has space:1'); Namespace = $badNames; Port = $badPorts; Replicas = @(-1)
            Cpu = $badQuantities; Memory = $badQuantities; CpuLimit = $badQuantities; MemoryLimit = $badQuantities
            ReadinessProbe = @('', 'tcp', 'tcp:', 'tcp:http', 'tcp:0', 'tcp:70000', 'udp:53', 'http:/healthz', 'http:port/x', $long)
            LivenessProbe = @('tcp:-1', 'exec:ls', 'http:99999/x')
            VolumeClaim = @('data', 'data:', 'data:relative', ':/mnt', 'Bad_Claim:/mnt', "$($long):/mnt")
            MaxSurge = @('lots', '-1', '150%', '1.5', '%'); MaxUnavailable = @('none', '101%', '-5%')
            EnvFromSecret = @('Bad Secret', $traversal); Label = @(@{ 'bad key!' = 'x' }, @{ app = 'has space' }, @{ ('a' * 70) = 'x' })
            ProgressDeadlineSeconds = @(0)
        } }
        @{ Cmdlet = 'Start-KoRollingUpdate'; Base = @{ Name = 'web'; Image = 'nginx:1.30' }; Bad = @{ Name = $badNames; Namespace = $badNames; MaxSurge = @('lots', '150%', '-1'); MaxUnavailable = @('x', '200%'); Image = @('', 'has space:1', 42) } }
        @{ Cmdlet = 'Wait-KoRollout'; Base = @{ Name = 'web' }; Bad = @{ Name = $badNames; Namespace = $badNames } }
        @{ Cmdlet = 'Get-KoRolloutHistory'; Base = @{ Name = 'web' }; Bad = @{ Name = $badNames; Namespace = $badNames } }
        @{ Cmdlet = 'Undo-KoRollout'; Base = @{ Name = 'web' }; Bad = @{ Name = $badNames; Namespace = $badNames; ToRevision = @(-1) } }
        @{ Cmdlet = 'Switch-KoBlueGreen'; Base = @{ ServiceName = 'web'; Name = 'web'; Image = 'nginx:1.30' }; Bad = @{ ServiceName = $badNames + @('1starts-with-digit'); Name = $badNames; Namespace = $badNames } }
        @{ Cmdlet = 'New-KoIngress'; Base = @{ Name = 'web'; Host = 'web.example.com'; ServiceName = 'web'; ServicePort = 80 }; Bad = @{
            Name = $badNames; Namespace = $badNames; Host = @('', 'has space', '10.0.0.1', 'a.*.example.com', '-x.example.com', $long, 'bad_host.example.com')
            Path = @('relative', '/has space', '/a?b', '/x#y', '//double'); ServicePort = $badPorts + @('Bad_Port', 'too-long-port-name-here', '')
            ServiceName = $badNames + @('1starts-with-digit', 'dotted.name'); TlsSecretName = $badNames; BasicAuthSecret = @('Bad Secret', $traversal)
            IngressClassName = @('Bad Class'); Annotation = @(@{ 'bad key!' = 'x' }); Rule = @(@{ Colour = 'red' }, @{ ServiceName = 'web' }, @{ ServiceName = 'web'; ServicePort = 0 })
        } }
        @{ Cmdlet = 'New-KoHttpRoute'; Base = @{ Name = 'web'; Host = 'web.example.com'; ServiceName = 'web'; ServicePort = 80 }; Bad = @{
            Name = $badNames; Host = @('has space', '10.0.0.1'); Path = @('relative'); ServicePort = @(0, 'http'); ServiceName = @('Bad_Service'); GatewayName = @('Bad Gateway'); GatewayNamespace = $badNames; PathType = @('ImplementationSpecific')
        } }
        @{ Cmdlet = 'New-KoBasicAuthSecret'; Base = @{ Name = 'auth'; Credential = [pscredential]::new('admin', (ConvertTo-SecureString 'pw-123' -AsPlainText -Force)) }; Bad = @{
            Name = $badNames; Namespace = $badNames; BcryptCost = @(4, 9, 32, -1)
            Credential = @([pscredential]::new('has:colon', (ConvertTo-SecureString 'pw' -AsPlainText -Force)), [pscredential]::new('has space', (ConvertTo-SecureString 'pw' -AsPlainText -Force)), [pscredential]::new('long', (ConvertTo-SecureString ('p' * 80) -AsPlainText -Force)))
        } }
        @{ Cmdlet = 'New-KoService'; Base = @{ Name = 'web'; Port = 80; Selector = @{ app = 'web' } }; Bad = @{
            Name = $badNames + @('1web', 'dotted.name'); Namespace = $badNames; Port = $badPorts; TargetPort = @(0, 70000, 'Bad_Name'); NodePort = @(30080); ExternalIP = @('node-1', '10.0.0', '999.1.1.1', '')
            Selector = @(@{}, @{ 'bad key!' = 'x' }); Label = @(@{ app = 'has space' })
        } }
        @{ Cmdlet = 'Convert-KoIngress'; Base = @{ To = 'HttpRoute' }; Bad = @{ InputObject = @(@{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'x' } }, 'text', 42); GatewayName = @('Bad Gateway') } }
        @{ Cmdlet = 'Install-KoIngressController'; Base = @{}; Bad = @{
            Namespace = $badNames; HttpPort = $badPorts; HttpsPort = $badPorts + @(80); NodePort = $badPorts; WatchNamespace = $badNames; DefaultBackend = @('a/b/c', 'Bad_Service', '')
            Config = @(@{ 'bad key!' = 'x' }); Replicas = @(0, -1); IngressClassName = @('Bad Class', ''); ExternalIP = @('node-1', '10.0.0'); Image = @('has space:1', '')
        } }
        @{ Cmdlet = 'New-KoPrivateKey'; Base = @{}; Bad = @{ KeySize = @(1024, 512, 8192, 0); Path = @('/nonexistent-dir/key.pem') } }
        @{ Cmdlet = 'New-KoCertificateRequest'; Base = @{ Key = (New-KoPrivateKey -Algorithm ECDSA); CommonName = 'app.example.com' }; Bad = @{
            CommonName = @('', 'dashboard', 'has space.example.com', '10.0.0.1', $long); DnsName = @('bad host', '-x.example.com', '10.0.0.1'); IpAddress = @('10.0.0', '999.1.1.1', 'host', '')
            Key = @('/nonexistent/key.pem', $traversal, 42); Subject = @(@{ C = 'Germany' }, @{ XX = 'y' }, 'O', 42); OpenSslConfig = @('/nonexistent/openssl.conf')
        } }
        @{ Cmdlet = 'New-KoCertificateAuthority'; Base = @{ CommonName = 'Lab CA' }; Bad = @{ CommonName = @('', ' '); ValidDays = @(0, -1, 100000); Key = @('/nonexistent/ca.key') } }
        @{ Cmdlet = 'New-KoCertificate'; Base = @{ Request = (New-KoPrivateKey -Algorithm ECDSA | New-KoCertificateRequest -CommonName app.example.com); SelfSigned = $true }; Bad = @{
            ValidDays = @(0, -5, 100000); Request = @('/nonexistent/app.csr', 42); Key = @('/nonexistent/app.key')
        } }
        @{ Cmdlet = 'Import-KoCertificate'; Base = @{ Path = '/nonexistent/cert.pem' }; Bad = @{ Path = @('/nonexistent/cert.pem', $traversal, '') } }
        @{ Cmdlet = 'New-KoTlsSecret'; Base = @{ Name = 'tls'; Certificate = (New-KoPrivateKey -Algorithm ECDSA | New-KoCertificateRequest -CommonName app.example.com | New-KoCertificate -SelfSigned) }; Bad = @{
            Name = $badNames; Namespace = $badNames; Certificate = @('/nonexistent/tls.crt', 42); Key = @('/nonexistent/tls.key', (New-KoPrivateKey -Algorithm ECDSA))
        } }
        @{ Cmdlet = 'Get-KoCertificate'; Base = @{}; Bad = @{ Name = $badNames; Namespace = $badNames; ExpiringWithin = @('soon', '-5d', '0s', '') } }
        @{ Cmdlet = 'Install-KoNfsStorage'; Base = @{ HostPath = '/srv/nfs'; NodeName = 'node-1'; OutputDirectory = '__TEMP__' }; Bad = @{
            HostPath = @('', ' ', 'srv/nfs', './srv', '/', '/srv/../etc', "/srv`nx", $traversal); NodeName = $badNames; Namespace = $badNames; StorageClassName = $badNames
            MountOption = @('vers=3,hard', ' ', 'has space'); ReclaimPolicy = @('Recycle', 'keep')
        } }
        @{ Cmdlet = 'Install-KoNfsStorage'; Base = @{ Server = 'nas01'; Share = '/k8s'; OutputDirectory = '__TEMP__' }; Bad = @{
            Server = @('', 'nas 01', 'under_score', "$long.example.com"); Share = @('', 'k8s', '/k8s/../etc'); SubDir = @('', '/abs', 'a/../../b'); OnDelete = @('Shred', '')
        } }
        @{ Cmdlet = 'New-KoVolumeClaim'; Base = @{ Name = 'data'; Size = '1Gi' }; Bad = @{
            Name = $badNames; Size = $badQuantities + @('0'); AccessMode = @('', 'rwo', 'ReadWriteSometimes'); StorageClass = @('Bad Class', $traversal); Namespace = $badNames
            Label = @(@{ 'bad key!' = 'x' })
        } }
        @{ Cmdlet = 'New-KoStatefulSet'; Base = @{ Name = 'db'; Image = 'mysql:8.4' }; Bad = @{
            Name = $badNames + @('my.db', ('a' * 53)); Image = @('', 'has space:1'); Namespace = $badNames; Port = $badPorts; Replicas = @(-1); Memory = $badQuantities
            VolumeClaimTemplate = @('data', 'data=', 'data=10Gi', 'data=10Gi:relative', 'data=ten:/x', '=1Gi:/x', 'Bad_Name=1Gi:/x', "$($long)=1Gi:/x")
            StorageClass = @('Bad Class'); AccessMode = @('x'); ServiceName = @('1svc', 'Bad Svc', $long)
            ReadinessProbe = @('tcp:http', 'udp:53', 'http:port/x'); VolumeClaim = @('data', ':/mnt'); PodManagementPolicy = @('Random')
        } }
        @{ Cmdlet = 'Wait-KoVolumeClaim'; Base = @{ Name = 'data' }; Bad = @{ Name = $badNames; Namespace = $badNames } }
        @{ Cmdlet = 'Remove-KoVolumeClaim'; Base = @{ Name = 'data' }; Bad = @{ Name = $badNames; Namespace = $badNames } }
        @{ Cmdlet = 'New-KoSupervisorConfig'; Base = @{ Program = @(@{ Name = 'web'; Command = 'nginx' }) }; Bad = @{
            Program = @(@{ Name = 'my app'; Command = 'x' }, @{ Name = 'app[1]'; Command = 'x' }, @{ Name = 'a:b'; Command = 'x' }, @{ Name = ''; Command = 'x' }, @{ Command = 'x' },
                @{ Name = 'web'; Command = '' }, @{ Name = 'web'; Command = ' ' }, @{ Name = 'web' }, @{ Name = 'web'; Command = "a`nb" }, @{ Name = 'web'; Command = 'a ; b' },
                @(@{ Name = 'web'; Command = 'a' }, @{ Name = 'web'; Command = 'b' }), @{ Name = 'web'; Command = 'a'; Colour = 'red' }, @{ Name = 'web'; Command = 'a'; Directory = 'rel' },
                @{ Name = 'web'; Command = 'a'; User = 'bad user' }, @{ Name = 'web'; Command = 'a'; AutoRestart = 'always' }, @{ Name = 'web'; Command = 'a'; StartRetries = -1 },
                @{ Name = 'web'; Command = 'a'; Priority = 'high' }, @{ Name = 'web'; Command = 'a'; Environment = 'X=1' }, @{ Name = 'web'; Command = 'a'; Environment = @{ '1X' = 'y' } },
                @{ Name = 'web'; Command = 'a'; Environment = @{ X = "both ' and `"" } }, 'text', 42, $long)
            SocketPath = @('', 'relative.sock', '/tmp/a b'); PidFile = @('', 'x.pid'); Path = @('/nonexistent/dir/supervisord.conf')
        } }
        @{ Cmdlet = 'Install-KoJenkins'; Base = @{ OutputDirectory = '__TEMP__' }; Bad = @{
            Namespace = $badNames; StorageClass = @('Bad Class', $traversal, $long); StorageSize = $badQuantities
            Registry = @('', ' ', 'not a registry', 'ftp://registry.example.com', 'https://', 'https://u:p@registry.example.com', 'registry.example.com:99999', 'registry.example.com:port', 'registry.example.com/Team', 'registry.example.com//x', 'under_score.example.com', "reg`nistry", $long)
            Ingress = @(@{}, @{ TlsSecretName = 'x' }, @{ Host = 'has space' }, @{ Host = '10.0.0.1' }, @{ Host = 'a.example.com'; Colour = 'red' }, @{ Host = 'a.example.com'; Controller = 'Traefik' }, @{ Host = 'a.example.com'; TlsSecretName = 'Bad Secret' })
            RegistryCredential = @([pscredential]::new('robot', (ConvertTo-SecureString 'pw-1' -AsPlainText -Force)))
        } }
        @{ Cmdlet = 'Install-KoLogging'; Base = @{ OutputDirectory = '__TEMP__' }; Bad = @{
            Namespace = $badNames; StorageClass = $badNames; StorageSize = $badQuantities + @('0'); Memory = $badQuantities + @('100Mi'); Heap = $badQuantities + @('64Gi')
            RetentionDays = @(0, -1, 100000); KibanaPath = @('', 'kibana', '/', '/kibana/', '/ki bana', '/a?b', $traversal); CorsAllowOrigin = @('', 'a b', "x`ny")
            Shipper = @('Logstash', ''); Ingress = @(@{}, @{ Host = '' }, @{ Host = 'bad host' }, @{ Host = 'ok.example.com'; Nope = 1 }, @{ Host = 'ok.example.com'; TlsSecretName = 'Bad Name' })
        } }
        @{ Cmdlet = 'Get-KoLogIndex'; Base = @{}; Bad = @{ Namespace = $badNames; ServiceName = $badNames + @('1starts-with-digit'); Port = $badPorts } }
        @{ Cmdlet = 'Install-KoMonitoring'; Base = @{ OutputDirectory = '__TEMP__' }; Bad = @{
            Namespace = $badNames; StorageClass = @('Bad Class', $traversal); Retention = $badDurations; StorageSize = $badQuantities + @('0')
            Ingress = @(@{}, @{ Host = 'has space' }, @{ Host = 'mon.example.com'; Colour = 'red' }, @{ Host = 'mon.example.com'; TlsSecretName = 'Bad Name' }, @{ Host = 'mon.example.com'; Controller = 'Apache' })
            CaFile = @('/nonexistent/ca.pem', $traversal, '/etc/hostname'); Rule = @('text', 42)
            From = @('alerts@example.com'); To = @(, @('ops@example.com')); SmtpCredential = @([pscredential]::new('u', (ConvertTo-SecureString 'p' -AsPlainText -Force)))
        } }
        @{ Cmdlet = 'Install-KoMonitoring'; Base = @{ OutputDirectory = '__TEMP__'; SmtpServer = 'smtp.example.com:587'; From = 'alerts@example.com'; To = @('ops@example.com') }; Bad = @{
            SmtpServer = @('', 'smtp.example.com', 'smtp.example.com:0', 'smtp.example.com:99999', 'bad host:25', ':25', 'smtp.example.com:http')
            From = @('', 'alerts', 'a@b@example.com', 'Ops <ops@example.com>', "a@example.com`nBcc: x@example.com", 'a@localhost')
            To = @(, @()) + @(, @('nope')) + @(, @('ok@example.com', 'bad')) + @(, @('a@example.com,b@example.com'))
        } }
        @{ Cmdlet = 'New-KoAlertRule'; Base = @{ Name = 'HighLoad'; Expr = 'node_load1 > 10' }; Bad = @{
            Name = @('', ' ', 'has space', '9lives', 'dash-name', $long, "new`nline", $traversal)
            Expr = @('', ' ', 'rate(up[5m] > 1', 'up ==', 'sum(', "up`0", 'node_load1 >> 3', $long + '{')
            For = @('', 'ten', '10', '-5m', '1x', $long); Summary = @("bell`a"); Description = @("nul`0")
        } }
        @{ Cmdlet = 'Add-KoAlertRule'; Base = @{ Rule = (New-KoAlertRule -Name HighLoad -Expr 'node_load1 > 10') }; Bad = @{ Namespace = $badNames; Rule = @('text', 42) } }
        @{ Cmdlet = 'Update-KoMonitoringConfig'; Base = @{}; Bad = @{
            Namespace = $badNames; PrometheusConfig = @('/nonexistent/prometheus.yml', $traversal); RuleFile = @('/nonexistent/x.rules.yml', '/etc/hostname'); AlertmanagerConfig = @('/nonexistent/alertmanager.yml')
        } }
        @{ Cmdlet = 'Import-KoGrafanaDashboard'; Base = @{ OutputDirectory = '__TEMP__' }; Bad = @{ Path = @('/nonexistent/dashboard.json', $traversal, '/etc/hostname', '/etc') } }
    )
    $script:BadInputQuantities = $badQuantities; $script:BadInputDurations = $badDurations
    foreach ($row in $table) {
        foreach ($param in $row.Bad.Keys) {
            $i = 0
            foreach ($value in $row.Bad[$param]) {
                $cases.Add(@{ Cmdlet = $row.Cmdlet; Base = $row.Base; Param = $param; Value = $value; Label = "$($row.Cmdlet) -$param #$i" })
                $i++
            }
        }
    }
    $script:cases = $cases
}

BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:cluster = Start-KoFakeCluster
    $script:savedKubeConfig = $env:KUBECONFIG
    $env:KUBECONFIG = $cluster.KubeConfig
    Connect-KoCluster | Out-Null
    $script:tried = 0; $script:crashes = 0; $script:reads = 0; $script:readCases = 0
}

AfterAll {
    $env:KUBECONFIG = $script:savedKubeConfig
    Stop-KoFakeCluster $script:cluster
    $line = "bad-input cases tried: $script:tried, crashes: $script:crashes, write requests sent: 0 (asserted per case); $script:readCases cases sent $script:reads read requests first (looking up the named object or kind before refusing), the rest sent nothing at all"
    Write-Host $line
    if ($env:KO_BENCH_FILE) { Add-Content $env:KO_BENCH_FILE "- $line" }
}

Describe 'Bad input' {
    BeforeEach { Clear-KoFakeRequests $cluster }

    It '<Label> ends in a clear error and sends nothing' -ForEach $script:cases {
        $script:tried++
        $splat = @{}
        foreach ($k in $Base.Keys) { $splat[$k] = if ($Base[$k] -eq '__TEMP__') { Join-Path $TestDrive 'out' } else { $Base[$k] } }
        $splat[$Param] = $Value
        $errors = @()
        $crash = $null
        try {
            $null = & $Cmdlet @splat -ErrorAction SilentlyContinue -ErrorVariable +errors -Confirm:$false 2>$null
        } catch {
            # A terminating ErrorRecord is a clear error; an exception that escaped unwrapped (category NotSpecified,
            # or an error id that is just the .NET exception's type name) is a crash.
            if ($_.CategoryInfo.Category -eq 'NotSpecified' -or $_.FullyQualifiedErrorId -like "$($_.Exception.GetType().FullName)*") { $crash = $_ }
            else { $errors = @($_) }   # the terminating record itself (ErrorVariable holds a copy without its target)
        }
        if ($crash) {
            $script:crashes++
            throw "-$Param '$Value' crashed $Cmdlet with an unhandled $($crash.Exception.GetType().Name): $crash"
        }
        $errors.Count | Should -BeGreaterThan 0 -Because "-$Param '$Value' is invalid for $Cmdlet"
        foreach ($e in $errors) {
            $e.CategoryInfo.Category | Should -Not -Be 'NotSpecified' -Because "$e"
            $e.Exception.Message | Should -Not -Match '^\s*(System\.)?[A-Za-z.]+Exception\s*$'
            $e.Exception.Message | Should -Not -Match '\n\s+at [A-Za-z]'
            if ($e.Exception -isnot [System.Management.Automation.ParameterBindingException]) {
                $e.TargetObject | Should -Not -BeNullOrEmpty -Because "the error for -$Param should name its target"
            }
        }
        $log = @(Get-KoFakeRequests $cluster)
        $script:reads += @($log | Where-Object method -eq 'GET').Count
        if (@($log | Where-Object method -eq 'GET').Count -gt 0) { $script:readCases++ }
        $sent = @($log | Where-Object { $_.method -ne 'GET' })
        $sent.Count | Should -Be 0 -Because "nothing may be written for invalid input ($($sent.method) $($sent.path))"
    }
}
