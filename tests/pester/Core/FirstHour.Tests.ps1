# A new admin's first hour (issue 20): what a person types in an interactive pwsh, following the README, the recipes
# and Get-Help, behaves as PowerShell users expect.
BeforeDiscovery {
    Import-Module $env:KO_MODULE -Force
    # Every parameter of every cmdlet that has a completer, found by reflection: a new one is tested as soon as it exists.
    $script:completed = foreach ($c in Get-Command -Module KubeOpsPS -CommandType Cmdlet | Sort-Object Name) {
        foreach ($p in $c.Parameters.Values | Sort-Object Name) {
            foreach ($a in $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] }) {
                @{ Command = $c.Name; Parameter = $p.Name; Completer = $a.Type.Name; HasKind = $c.Parameters.ContainsKey('Kind') }
            }
        }
    }
}

BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:cluster = Start-KoFakeCluster
    $script:kc = $cluster.KubeConfig
    Connect-KoCluster -KubeConfig $kc | Out-Null
    function Strip([string] $Text) { $Text -replace "`e\[[0-9;]*m", '' }
}
AfterAll { Stop-KoFakeCluster $script:cluster }

Describe 'Start-KoAppManager in the foreground' {
    It 'shows each event while it runs, in the default view and through Format-Table, with the whole failure message' -ForEach @(
        @{ Tail = '' }, @{ Tail = '| Format-Table' }
    ) {
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive "fg$($Tail.Length)") -Force
        Set-Content (Join-Path $dir 'ok.yaml') "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: fg-ok$($Tail.Length), namespace: default}`ndata: {a: b}"
        Set-Content (Join-Path $dir 'bad.yaml') "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: fg-bad, namespace: no-such-namespace-here}`ndata: {a: b}"
        $out = Join-Path $TestDrive "fg$($Tail.Length).out"
        $command = "Import-Module '$env:KO_MODULE'; Connect-KoCluster -KubeConfig '$kc' | Out-Null; Start-KoAppManager -Path '$dir' -Prune $Tail"
        $proc = Start-Process -FilePath ([Environment]::ProcessPath) -ArgumentList @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command', $command) -RedirectStandardOutput $out -RedirectStandardError "$out.err" -PassThru
        try {
            # Wait for the events on screen while the command still runs (it runs until stopped).
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not ((Get-Content $out -Raw -ErrorAction SilentlyContinue) -match 'Failed[\s\S]*not found') -and [DateTime]::UtcNow -lt $deadline -and -not $proc.HasExited) { Start-Sleep -Milliseconds 100 }
            $proc.HasExited | Should -BeFalse -Because (Get-Content "$out.err" -Raw)
            $screen = Strip (Get-Content $out -Raw)
            $screen | Should -Match "Applied\s+ConfigMap/default/fg-ok"
            # The message column wraps instead of cutting: every word of the server's answer is on screen.
            ($screen -replace '\s+', '') | Should -Match ([regex]::Escape('namespaces"no-such-namespace-here"notfound'))
        } finally {
            if (-not $proc.HasExited) { $proc.Kill() }
            $proc.WaitForExit(5000) | Out-Null
        }
    }
}

Describe 'ConvertFrom-KoYaml with a file name by position' {
    It 'reads the file, as users expect of a positional file name' {
        $file = Join-Path $TestDrive 'app.yaml'
        Set-Content $file "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: pos}`ndata: {a: b}"
        Push-Location $TestDrive
        try { (ConvertFrom-KoYaml ./app.yaml).Name | Should -Be 'pos' } finally { Pop-Location }
        (ConvertFrom-KoYaml $file).Data['a'] | Should -Be 'b'
    }

    It 'says the string is neither a file nor YAML when the file does not exist' {
        $err = $null
        ConvertFrom-KoYaml (Join-Path $TestDrive 'missing.yaml') -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^FileNotFound'
        "$($err[0])" | Should -BeLike "*missing.yaml' is not a file that exists, and it is not YAML either*"
    }

    It 'still reads one line of YAML given by position' {
        $err = $null
        ConvertFrom-KoYaml 'kind: ConfigMap' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        "$($err[0])" | Should -BeLike "*no 'apiVersion'*"
    }
}

Describe 'Positional Kind and Name' {
    It 'work the same for Get-KoResource and Remove-KoResource' {
        New-KoDeployment -Name posweb -Image nginx:1.29 | Publish-KoResource | Out-Null
        (Get-KoResource Deployment posweb).Name | Should -Be 'posweb'
        Remove-KoResource Deployment posweb -Confirm:$false
        Get-KoResource Deployment posweb -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'still removes what is piped in' {
        New-KoDeployment -Name posweb2 -Image nginx:1.29 | Publish-KoResource | Out-Null
        Get-KoResource Deployment posweb2 | Remove-KoResource -Confirm:$false
        Get-KoResource Deployment posweb2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Folders the module writes' {
    BeforeAll { $script:empty = Start-KoFakeCluster }
    AfterAll { Stop-KoFakeCluster $script:empty }

    It 'apply with one kubectl apply -f <dir> on an empty cluster: <Name>' -ForEach @(
        @{ Name = 'Install-KoMonitoring'; Write = { param($d) Install-KoMonitoring -OutputDirectory $d } }
        @{ Name = 'Install-KoLogging'; Write = { param($d) Install-KoLogging -OutputDirectory $d } }
        @{ Name = 'Install-KoAppManager'; Write = { param($d) $src = New-Item -ItemType Directory "$d-src" -Force; Install-KoAppManager -Path $src -Namespace apps -OutputDirectory $d } }
        @{ Name = 'ConvertTo-KoYaml'; Write = { param($d) @((New-KoDeployment -Name w -Namespace shop -Image nginx:1.29), @{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = 'shop' } }) | ConvertTo-KoYaml -OutputDirectory $d } }
    ) {
        $d = Join-Path $TestDrive "apply-$Name"
        $files = @(& $Write $d)
        $files.Count | Should -BeGreaterThan 0
        $out = Invoke-KoKubectl $empty.KubeConfig apply -f $d
        ($out | Out-String) | Should -Not -Match 'not found'
    }

    It 'apply with kubectl apply -R -f over a folder of folders' {
        $root = Join-Path $TestDrive 'tree'
        Install-KoLogging -OutputDirectory (Join-Path $root 'logging') -Namespace tree-logging | Out-Null
        @((New-KoDeployment -Name w -Namespace tree-shop -Image nginx:1.29), @{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = 'tree-shop' } }) |
            ConvertTo-KoYaml -OutputDirectory (Join-Path $root 'shop') | Out-Null
        { Invoke-KoKubectl $empty.KubeConfig apply -R -f $root } | Should -Not -Throw
    }
}

Describe 'Default views' {
    It 'count a Secret''s keys as kubectl does' {
        $secret = New-KoPrivateKey | New-KoCertificateRequest -CommonName dash.example.com | New-KoCertificate -SelfSigned | New-KoTlsSecret -Name dash-tls
        $line = (Strip ($secret | Out-String)) -split "`n" | Where-Object { $_ -match 'dash-tls' }
        $line | Should -Match 'kubernetes.io/tls\s+2\s'
        $cm = @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'one' }; data = @{ a = 'b' } } | ConvertTo-KoYaml | ConvertFrom-KoYaml
        ((Strip ($cm | Out-String)) -split "`n" | Where-Object { $_ -match '\bone\b' }) | Should -Match '\bone\s+1\s'
    }
}

Describe 'A field-manager conflict' {
    BeforeAll {
        @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'owned'; namespace = 'default' }; data = @{ mode = 'slow' } } | Publish-KoResource | Out-Null
        Invoke-KoKubectl $kc patch configmap owned --type merge -p '{"data":{"mode":"fast"}}' --field-manager ops-team | Out-Null
        function New-Owned { @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'owned'; namespace = 'default' }; data = @{ mode = 'medium' } } }
    }
    It 'offers -Force on Publish-KoResource, which has it' {
        $err = $null
        New-Owned | Publish-KoResource -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -Match '^ApplyConflict'
        $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*Re-run with -Force*'
    }
    It 'offers a command that exists from Compare-KoResource, which has no -Force' {
        (Get-Command Compare-KoResource).Parameters.ContainsKey('Force') | Should -BeFalse
        $err = $null
        New-Owned | Compare-KoResource -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -Match '^ApplyConflict'
        $err[0].ErrorDetails.RecommendedAction | Should -Not -BeLike '*Re-run with -Force*'
        $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*Publish-KoResource -Force*'
    }
}

Describe 'Get-Help' {
    It 'prints SYNTAX as PowerShell''s own cmdlets do' {
        $syntax = Strip (Get-Help Publish-KoResource | Out-String -Width 300)
        $syntax | Should -Match '\[-Force\]'
        $syntax | Should -Match '\[-WhatIf\]'
        $syntax | Should -Match '\[-Confirm\]'
        $syntax | Should -Not -Match 'SwitchParameter'
        $deployment = Strip (Get-Help New-KoDeployment | Out-String -Width 300)
        $deployment | Should -Not -Match 'Nullable'
        $deployment | Should -Match '\[-MinReadySeconds <Int32>\]'
    }
    It 'lists related cmdlets and about_KubeOpsPS under RELATED LINKS, and the online page from the manifest' {
        $links = (Get-Help Publish-KoResource).relatedLinks.navigationLink
        $links.linkText | Should -Contain 'about_KubeOpsPS'
        $links.linkText | Should -Contain 'Get-KoResource'
        # The online page exists only once the manifest names the project's published home; no address is invented.
        $project = (Import-PowerShellDataFile $env:KO_MODULE).PrivateData.PSData.ProjectUri
        $online = @($links | Where-Object linkText -eq 'Online Version:')
        if ($project) { $online.uri | Should -BeLike "$project*Publish-KoResource*" } else { $online | Should -BeNullOrEmpty }
        (Strip (Get-Help Publish-KoResource -Full | Out-String -Width 300)) | Should -Match 'RELATED LINKS'
    }
}

Describe 'After Connect-KoCluster -KubeConfig <file>' {
    It 'Get-KoContext and -Context completion read that file, with no KUBECONFIG and no ~/.kube/config' {
        $r = Invoke-KoChildPwsh @"
Import-Module '$env:KO_MODULE'
Connect-KoCluster -KubeConfig '$kc' | Out-Null
`$c = Get-KoContext
'CONTEXTS=' + ((`$c | ForEach-Object Name) -join ',') + ' CURRENT=' + ((`$c | Where-Object IsCurrent).Name)
`$line = 'Connect-KoCluster -Context '
'COMPLETED=' + ((TabExpansion2 -inputScript `$line -cursorColumn `$line.Length).CompletionMatches.CompletionText -join ',')
"@ -Environment @{ KUBECONFIG = ''; HOME = (Join-Path $TestDrive 'empty-home') }
        $r.Output | Should -Match 'CONTEXTS=fake CURRENT=fake'
        $r.Output | Should -Match 'COMPLETED=fake'
    }
}

Describe 'Files the module writes' {
    It 'come back as Get-Item returns them, from <Name>' -ForEach @(
        @{ Name = 'ConvertTo-KoYaml -OutputDirectory'; Write = { param($d) New-KoDeployment -Name web -Image nginx:1.29 | ConvertTo-KoYaml -OutputDirectory $d } }
        @{ Name = 'Install-KoLogging -OutputDirectory'; Write = { param($d) Install-KoLogging -OutputDirectory $d } }
        @{ Name = 'New-KoSupervisorConfig'; Write = { param($d) $null = New-Item -ItemType Directory $d -Force; New-KoSupervisorConfig -Path (Join-Path $d 'supervisord.conf') -Program @(@{ Name = 'app1'; Command = '/usr/local/bin/app1' }) } }
        @{ Name = 'New-KoStaticPod'; Write = { param($d) New-KoStaticPod -Name agent -Image busybox:1.37 -Command sleep, infinity -ManifestPath $d } }
    ) {
        $d = Join-Path $TestDrive ($Name -replace '\W', '')
        $files = @(& $Write $d)
        $files.Count | Should -BeGreaterThan 0
        foreach ($f in $files) {
            $f | Should -BeOfType [System.IO.FileInfo]
            $f.PSParentPath | Should -Not -BeNullOrEmpty
            $f.PSProvider.Name | Should -Be 'FileSystem'
            $f.Length | Should -BeGreaterThan 0
        }
        $text = Strip ($files | Out-String -Width 200)
        $text | Should -Match ([regex]::Escape("Directory: $((Get-Item $d).FullName)"))
        $text | Should -Match '(?m)^-[-rwx]{5,}\s'
    }
}

Describe 'ConvertTo-KoYaml -Format Json' {
    It 'gives Kubernetes JSON, not the .NET shape ConvertTo-Json gives' {
        $d = New-KoDeployment -Name jweb -Namespace default -Image nginx:1.29
        $json = $d | ConvertTo-KoYaml -Format Json
        $json | Should -Not -Match 'NamespaceProperty|ValueKind'
        $o = $json | ConvertFrom-Json
        $o.kind | Should -Be 'Deployment'
        $o.metadata.namespace | Should -Be 'default'
        $o.spec.template.spec.containers[0].image | Should -Be 'nginx:1.29'
        $file = Join-Path $TestDrive 'jweb.json'
        Set-Content $file $json
        Invoke-KoKubectl $kc apply --dry-run=server -f $file | Should -Match 'deployment.apps/jweb'
    }
    It 'gives a v1 List for several objects, as kubectl -o json does' {
        $o = @((New-KoDeployment -Name a -Image nginx:1.29), (New-KoDeployment -Name b -Image nginx:1.29)) | ConvertTo-KoYaml -Format Json | ConvertFrom-Json
        $o.kind | Should -Be 'List'
        $o.items.metadata.name | Should -Be 'a', 'b'
    }
}

Describe 'Install-KoAppManager -Namespace apps' {
    It 'warns before installing, naming the files and namespaces its Role cannot write, and suggests -ClusterWide' {
        $src = New-Item -ItemType Directory (Join-Path $TestDrive 'scoped') -Force
        Set-Content (Join-Path $src 'own.yaml') "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: own, namespace: apps}`ndata: {a: b}"
        Set-Content (Join-Path $src 'mon.yaml') "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: dash, namespace: monitoring}`ndata: {a: b}"
        Set-Content (Join-Path $src 'role.yaml') "apiVersion: rbac.authorization.k8s.io/v1`nkind: ClusterRole`nmetadata: {name: reader}`nrules: []"
        $w = $null
        Install-KoAppManager -Path $src -Namespace apps -OutputDirectory (Join-Path $TestDrive 'scoped-out') -WarningVariable w -WarningAction SilentlyContinue | Out-Null
        $w | Should -HaveCount 1
        "$w" | Should -BeLike '*mon.yaml (ConfigMap/monitoring/dash, namespace monitoring)*'
        "$w" | Should -BeLike '*role.yaml (ClusterRole/reader, cluster-scoped)*'
        "$w" | Should -Not -BeLike '*own.yaml*'
        "$w" | Should -BeLike '*-ClusterWide*'
        Install-KoAppManager -Path $src -Namespace apps -ClusterWide -OutputDirectory (Join-Path $TestDrive 'wide-out') -WarningVariable w2 -WarningAction SilentlyContinue | Out-Null
        $w2 | Should -BeNullOrEmpty
    }
}

Describe 'Small things' {
    It 'suggests the nearest kinds for a mistyped one' {
        $err = $null
        Get-KoResource Deploymnet -ErrorVariable err -ErrorAction SilentlyContinue
        "$($err[0])" | Should -BeLike '*Did you mean Deployment*'
    }
    It 'refuses an invalid image reference before anything is sent' {
        Clear-KoFakeRequests $cluster
        { New-KoDeployment -Name bad -Image 'nginx::bad' -ErrorAction Stop } | Should -Throw -ExpectedMessage "*'nginx::bad' is not an image reference*"
        { Start-KoRollingUpdate -Name web -Image 'nginx::bad' -ErrorAction Stop } | Should -Throw -ExpectedMessage "*'nginx::bad' is not an image reference*"
        @(Get-KoFakeRequests $cluster).Count | Should -Be 0
        (New-KoDeployment -Name ok -Image 'registry.example.com:5000/team/app:1.0').Spec.Template.Spec.Containers[0].Image | Should -Be 'registry.example.com:5000/team/app:1.0'
    }
    It 'points a 503 from the service proxy at the service''s pods, not at the API server' {
        $null = Install-KoMonitoring -Namespace mon-small
        $err = $null
        New-KoAlertRule -Name Small -Expr 'up == 0' | Add-KoAlertRule -Namespace mon-small -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*no ready pod serves Service mon-small/prometheus*'
        $err[0].ErrorDetails.RecommendedAction | Should -Not -BeLike '*API server failed*'
    }
    It 'does not call an unpartitioned StatefulSet''s rollout partitioned' {
        New-KoStatefulSet -Name plain -Image nginx:1.29 -Port 80 | Publish-KoResource | Out-Null
        $r = Wait-KoRollout -Name plain -Kind StatefulSet -Timeout 00:01:00
        "$($r.Status)" | Should -Not -Match 'partitioned'
    }
}
Describe 'Ctrl+C during a rollout' {
    BeforeAll {
        function Publish-Rollout([string] $Name, [string] $Image) {
            "apiVersion: apps/v1`nkind: Deployment`nmetadata: {name: $Name, namespace: default}`nspec:`n  replicas: 2`n  progressDeadlineSeconds: 3600`n  selector: {matchLabels: {app: $Name}}`n  template:`n    metadata: {labels: {app: $Name}}`n    spec: {containers: [{name: web, image: '$Image'}]}" |
                ConvertFrom-KoYaml | Publish-KoResource -Force | Out-Null
        }
        # A stopped pipeline takes no more writes, so what a stop leaves behind is told to the host, as a console host
        # shows it: this host keeps the WARNING lines it is given.
        if (-not ('KoTest.RecordingHost' -as [type])) {
            Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
namespace KoTest {
    public sealed class RecordingHost : PSHost {
        private readonly RecordingUI _ui = new RecordingUI();
        public List<string> Warnings { get { return _ui.Warnings; } }
        public override string Name { get { return "KoTestRecordingHost"; } }
        public override Version Version { get { return new Version(1, 0); } }
        public override Guid InstanceId { get; } = Guid.NewGuid();
        public override PSHostUserInterface UI { get { return _ui; } }
        public override CultureInfo CurrentCulture { get { return CultureInfo.InvariantCulture; } }
        public override CultureInfo CurrentUICulture { get { return CultureInfo.InvariantCulture; } }
        public override void SetShouldExit(int exitCode) { }
        public override void EnterNestedPrompt() { throw new NotSupportedException(); }
        public override void ExitNestedPrompt() { throw new NotSupportedException(); }
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
    }
    public sealed class RecordingUI : PSHostUserInterface {
        public readonly List<string> Warnings = new List<string>();
        public override PSHostRawUserInterface RawUI { get { return null; } }
        public override void WriteWarningLine(string message) { lock (Warnings) Warnings.Add(message); }
        public override void Write(string value) { }
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) { }
        public override void WriteLine(string value) { }
        public override void WriteErrorLine(string value) { }
        public override void WriteDebugLine(string message) { }
        public override void WriteVerboseLine(string message) { }
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override string ReadLine() { throw new NotSupportedException(); }
        public override SecureString ReadLineAsSecureString() { throw new NotSupportedException(); }
        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) { throw new NotSupportedException(); }
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) { throw new NotSupportedException(); }
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) { throw new NotSupportedException(); }
        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) { throw new NotSupportedException(); }
    }
}
'@
        }
        # Runs the command in its own pipeline, stops it (PowerShell.Stop(), what Ctrl+C does) once its progress line
        # matches $Until, and returns the WARNING lines its host was given. Waits on the progress stream's DataAdded
        # event, not a timer.
        function Stop-AtProgress([string] $Command, [string] $Until) {
            $hostUI = [KoTest.RecordingHost]::new()
            $runspace = [runspacefactory]::CreateRunspace($hostUI)
            $runspace.Open()
            $ps = [powershell]::Create()
            $ps.Runspace = $runspace
            $id = "ctrlc-$([guid]::NewGuid())"
            try {
                $null = $ps.AddScript("Import-Module '$env:KO_MODULE'; $Command")
                $null = Register-ObjectEvent -InputObject $ps.Streams.Progress -EventName DataAdded -SourceIdentifier $id
                $running = $ps.BeginInvoke()
                $deadline = [DateTime]::UtcNow.AddSeconds(60)
                # Indexed, not enumerated: enumerating a stream of a running pipeline blocks until it ends.
                $seen = { $n = $ps.Streams.Progress.Count; $n -gt 0 -and $ps.Streams.Progress[$n - 1].StatusDescription -match $Until }
                while (-not (& $seen) -and -not $running.IsCompleted -and [DateTime]::UtcNow -lt $deadline) {
                    Wait-Event -SourceIdentifier $id -Timeout 5 | Remove-Event
                }
                $running.IsCompleted | Should -BeFalse -Because "the command still runs when its progress says '$Until' ($(if ($ps.Streams.Error.Count) { $ps.Streams.Error[0] }))"
                & $seen | Should -BeTrue -Because "the progress line came to '$Until'"
                $ps.Stop()
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                $hostUI.Warnings | Where-Object { $_ -like 'Stopped *' }
            } finally {
                Unregister-Event -SourceIdentifier $id -ErrorAction SilentlyContinue
                Get-Event -SourceIdentifier $id -ErrorAction SilentlyContinue | Remove-Event
                $ps.Dispose()
                $runspace.Dispose()
            }
        }
        function Get-Image([string] $Name) { (Get-KoResource Deployment $Name).Spec.Template.Spec.Containers[0].Image }
    }

    It 'Start-KoRollingUpdate says the new template stays applied, and its undo command works as printed' {
        Publish-Rollout ctrlc-up 'nginx:1.29'
        Wait-KoRollout -Name ctrlc-up -Timeout 00:01:00 | Out-Null
        $warnings = @(Stop-AtProgress "Start-KoRollingUpdate -Name ctrlc-up -Image nginx:broken -Timeout 01:00:00 -KubeConfig '$kc'" 'ErrImagePull|ImagePullBackOff')
        $warnings.Count | Should -Be 1
        $warnings[0] | Should -BeLike 'Stopped following the update of Deployment default/ctrlc-up to nginx:broken: the new template is applied*nothing will roll it back by itself*Last seen: *'
        # The kubelet alternates a failing pull (ErrImagePull) and its back-off (ImagePullBackOff), as a real one does.
        $warnings[0] | Should -Match 'Last seen: .*(ErrImagePull|ImagePullBackOff)'
        $warnings[0] | Should -Match ([regex]::Escape("follow it again: Wait-KoRollout -Name ctrlc-up -Namespace default -KubeConfig '$kc'."))
        Get-Image ctrlc-up | Should -Be 'nginx:broken' -Because 'the stop changed nothing'
        $undo = [regex]::Match($warnings[0], 'Roll it back: (.+?); follow it again').Groups[1].Value
        $undo | Should -Be "Undo-KoRollout -Name ctrlc-up -Namespace default -KubeConfig '$kc'"
        Invoke-Expression $undo | Out-Null
        Get-Image ctrlc-up | Should -Be 'nginx:1.29'
    }

    It 'Wait-KoRollout says nothing was changed, with the commands to follow and to roll back' {
        Publish-Rollout ctrlc-wait 'nginx:1.29'
        Wait-KoRollout -Name ctrlc-wait -Timeout 00:01:00 | Out-Null
        Publish-Rollout ctrlc-wait 'nginx:broken'
        $warnings = @(Stop-AtProgress "Connect-KoCluster -KubeConfig '$kc' | Out-Null; Wait-KoRollout -Name ctrlc-wait -Namespace default -Timeout 01:00:00" 'ErrImagePull|ImagePullBackOff')
        $warnings.Count | Should -Be 1
        $warnings[0] | Should -BeLike 'Stopped waiting for Deployment default/ctrlc-wait: nothing was changed, and its controller carries on*Last seen: *'
        # The kubelet alternates a failing pull (ErrImagePull) and its back-off (ImagePullBackOff), as a real one does.
        $warnings[0] | Should -Match 'Last seen: .*(ErrImagePull|ImagePullBackOff)'
        $undo = [regex]::Match($warnings[0], 'roll it back: (.+?)\. Last seen').Groups[1].Value
        $undo | Should -Be 'Undo-KoRollout -Name ctrlc-wait -Namespace default'
        Invoke-Expression $undo | Out-Null
        Get-Image ctrlc-wait | Should -Be 'nginx:1.29'
    }

    It 'Undo-KoRollout -Wait says which revision is applied, and how to go back to the one before' {
        Publish-Rollout ctrlc-undo 'nginx:broken'
        Start-KoRollingUpdate -Name ctrlc-undo -Image nginx:1.29 -Timeout 00:01:00 | Out-Null
        $warnings = @(Stop-AtProgress "Connect-KoCluster -KubeConfig '$kc' | Out-Null; Undo-KoRollout -Name ctrlc-undo -Wait -Timeout 01:00:00" 'ErrImagePull|ImagePullBackOff')
        $warnings.Count | Should -Be 1
        $warnings[0] | Should -BeLike "Stopped following the rollback of Deployment default/ctrlc-undo: revision 1's template is applied*Last seen: *"
        # The kubelet alternates a failing pull (ErrImagePull) and its back-off (ImagePullBackOff), as a real one does.
        $warnings[0] | Should -Match 'Last seen: .*(ErrImagePull|ImagePullBackOff)'
        Get-Image ctrlc-undo | Should -Be 'nginx:broken'
        $back = [regex]::Match($warnings[0], 'go back to the revision before it: (.+?)\. Last seen').Groups[1].Value
        Invoke-Expression $back | Out-Null
        Get-Image ctrlc-undo | Should -Be 'nginx:1.29'
    }
}

Describe 'Completion of parameters that name cluster objects' {
    BeforeAll {
        # One object for each completer to find, made before any completion asks (answers are cached for 30 s).
        New-KoService -Name complete-me -Port 80 -Selector @{ app = 'complete-me' } | Publish-KoResource | Out-Null
        New-KoDeployment -Name complete-deploy -Image nginx:1.29 | Publish-KoResource | Out-Null
        @(
            "apiVersion: v1`nkind: PersistentVolumeClaim`nmetadata: {name: complete-claim, namespace: default}`nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}"
            "apiVersion: storage.k8s.io/v1`nkind: StorageClass`nmetadata: {name: complete-sc}`nprovisioner: example.com/none"
            "apiVersion: networking.k8s.io/v1`nkind: IngressClass`nmetadata: {name: complete-ic}`nspec: {controller: example.com/none}"
            "apiVersion: v1`nkind: Secret`nmetadata: {name: complete-secret, namespace: default}`ntype: Opaque`ndata: {a: YQ==}"
            "apiVersion: v1`nkind: Namespace`nmetadata: {name: gateway-system}"
            "apiVersion: gateway.networking.k8s.io/v1`nkind: Gateway`nmetadata: {name: complete-gw, namespace: gateway-system}`nspec: {gatewayClassName: none, listeners: [{name: http, port: 80, protocol: HTTP}]}"
        ) | ConvertFrom-KoYaml | Publish-KoResource | Out-Null
        # What each completer must offer. A completer missing here fails its test: say what it completes first.
        $script:expect = @{
            ContextCompleter = 'fake'; NamespaceCompleter = 'default'; KindCompleter = 'Deployment'; NameCompleter = 'complete-deploy'
            StorageClassCompleter = 'complete-sc'; IngressClassCompleter = 'complete-ic'; ServiceCompleter = 'complete-me'
            SecretCompleter = 'complete-secret'; NodeCompleter = 'node-1'; AccessModeCompleter = 'ReadWriteOnce'
            ReportCheckCompleter = 'kubelet-skew'; VolumeClaimCompleter = 'complete-claim'; GatewayCompleter = 'complete-gw'
        }
    }

    It 'completes -<Parameter> of <Command> (<Completer>) from the cluster, never with file names' -ForEach $script:completed {
        $script:expect.ContainsKey($Completer) | Should -BeTrue -Because "$Completer needs an expectation in this test"
        $want = if ($Completer -eq 'NameCompleter' -and $Command -like '*VolumeClaim*') { 'complete-claim' } else { $script:expect[$Completer] }
        # A name completer takes its kind from -Kind where the cmdlet has one.
        $line = "$Command $(if ($Completer -eq 'NameCompleter' -and $HasKind) { '-Kind Deployment ' })-$Parameter "
        Push-Location $TestDrive
        try {
            Set-Content (Join-Path $TestDrive 'decoy-file.txt') 'x'
            $found = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
            $found | Where-Object ResultType -eq 'ProviderItem' | Should -BeNullOrEmpty
            $found.CompletionText | Should -Not -Contain 'decoy-file.txt'
            $found.CompletionText | Should -Contain $want -Because "'$line' completes from the cluster"
        } finally { Pop-Location }
    }

    It 'leaves no parameter that names a cluster object without a completer: <Command> -<Parameter>' -ForEach @(
        @{ Command = 'New-KoDeployment'; Parameter = 'Namespace' }, @{ Command = 'New-KoStatefulSet'; Parameter = 'Namespace' }
        @{ Command = 'New-KoStaticPod'; Parameter = 'Namespace' }, @{ Command = 'New-KoDeployment'; Parameter = 'VolumeClaim' }
        @{ Command = 'New-KoHttpRoute'; Parameter = 'GatewayName' }, @{ Command = 'Convert-KoIngress'; Parameter = 'GatewayName' }
    ) {
        (Get-Command $Command).Parameters[$Parameter].Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] } | Should -Not -BeNullOrEmpty
    }
}

# That a rollout's progress line says why it waits is tested on RolloutRunner.FollowAsync (xunit RolloutTests):
# the cmdlets reuse one ProgressRecord, so a host's recorded progress keeps only its last text.
