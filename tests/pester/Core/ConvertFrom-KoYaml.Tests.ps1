# ConvertFrom-KoYaml as a person uses it: text, files by wildcard or literally, Get-ChildItem and Get-Content
# pipelines, typed objects out, and bad documents reported one by one while the good ones still come out.
BeforeAll {
    Import-Module $env:KO_MODULE
    $script:deployment = @"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.29
"@
    $script:configMap = "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: settings`n  namespace: shop`ndata:`n  port: `"8080`"`n"
    $script:certificate = "apiVersion: cert-manager.io/v1`nkind: Certificate`nmetadata:`n  name: web-tls`n  namespace: shop`nspec:`n  secretName: web-tls`n  dnsNames: [shop.example.com]`n  issuerRef: {name: letsencrypt, kind: ClusterIssuer}`n"

    # Reads a stream with a bad document in the middle; returns the objects and the errors.
    function Read-WithBadDocument([string] $Bad, [string] $Name = 'bad.yaml') {
        $file = Join-Path $TestDrive $Name
        Set-Content -LiteralPath $file -Value ($configMap + "---`n" + $Bad + "`n---`n" + $deployment) -NoNewline
        $errs = $null
        $out = @(ConvertFrom-KoYaml -LiteralPath $file -ErrorVariable errs -ErrorAction SilentlyContinue)
        [pscustomobject]@{ Objects = $out; Errors = @($errs); File = $file }
    }
}

Describe 'ConvertFrom-KoYaml' {
    Context 'input' {
        It 'reads a multi-document string into one object per document' {
            $objects = @("$configMap---`n$deployment" | ConvertFrom-KoYaml)
            $objects.Count | Should -Be 2
            $objects[0].Metadata.Name | Should -Be 'settings'
            $objects[1].Metadata.Name | Should -Be 'web'
        }

        It 'reads files matched by a wildcard with -Path' {
            $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'wild')
            Set-Content (Join-Path $dir 'a.yaml') $configMap
            Set-Content (Join-Path $dir 'b.yaml') $deployment
            Set-Content (Join-Path $dir 'notes.txt') 'not yaml: ['
            $objects = @(ConvertFrom-KoYaml -Path (Join-Path $dir '*.yaml'))
            $objects.Count | Should -Be 2
            ($objects | ForEach-Object { $_.GetType().Name } | Sort-Object) | Should -Be @('V1ConfigMap', 'V1Deployment')
        }

        It 'reads a file whose name has wildcard characters with -LiteralPath' {
            $file = Join-Path $TestDrive 'app[1].yaml'
            Set-Content -LiteralPath $file -Value $configMap
            (ConvertFrom-KoYaml -LiteralPath $file).Metadata.Name | Should -Be 'settings'
        }

        It 'reports a missing file as a non-terminating error' {
            $errs = $null
            ConvertFrom-KoYaml -LiteralPath (Join-Path $TestDrive 'missing.yaml') -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'FileNotFound*'
            $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'reads the files Get-ChildItem pipes in' {
            $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'gci')
            Set-Content (Join-Path $dir 'a.yaml') $configMap
            Set-Content (Join-Path $dir 'b.yaml') "$deployment`n---`n$certificate"
            $objects = @(Get-ChildItem $dir -Filter *.yaml | ConvertFrom-KoYaml)
            $objects.Count | Should -Be 3
            ($objects | ForEach-Object { $_.Metadata.Name } | Sort-Object) | Should -Be @('settings', 'web', 'web-tls')
        }

        It 'joins the lines Get-Content gives without -Raw' {
            $file = Join-Path $TestDrive 'lines.yaml'
            Set-Content $file "$configMap---`n$deployment"
            $objects = @(Get-Content $file | ConvertFrom-KoYaml)
            $objects.Count | Should -Be 2
            $objects[1].Spec.Template.Spec.Containers[0].Image | Should -Be 'nginx:1.29'
        }

        It 'reads Get-Content -Raw text' {
            $file = Join-Path $TestDrive 'raw.yaml'
            Set-Content $file $deployment
            (Get-Content $file -Raw | ConvertFrom-KoYaml).Spec.Replicas | Should -Be 3
        }

        It 'refuses a folder with a hint to pipe its files' {
            $errs = $null
            ConvertFrom-KoYaml -LiteralPath $TestDrive -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'PathIsFolder*'
            "$($errs[0])" | Should -BeLike '*Get-ChildItem*'
        }
    }

    Context 'output' {
        It 'returns typed KubernetesClient models' {
            $d = $deployment | ConvertFrom-KoYaml
            $d.GetType().FullName | Should -Be 'k8s.Models.V1Deployment'
            $d.Spec.Replicas | Should -Be 3
            $d.Metadata.NamespaceProperty | Should -Be 'shop'
            $d.Name | Should -Be 'web'
            ($configMap | ConvertFrom-KoYaml).Data['port'] | Should -BeOfType [string]
        }

        It 'keeps kinds it has no model for whole, as GenericResource' {
            $c = $certificate | ConvertFrom-KoYaml
            $c.GetType().FullName | Should -Be 'KubeOpsPS.Engine.Yaml.GenericResource'
            $c.Kind | Should -Be 'Certificate'
            $c.ApiVersion | Should -Be 'cert-manager.io/v1'
            $c.Metadata.Name | Should -Be 'web-tls'
            $c.Body['spec']['dnsNames'][0].ToString() | Should -Be 'shop.example.com'
            ($c | ConvertTo-KoYaml) | Should -Match 'issuerRef:\n    name: letsencrypt\n    kind: ClusterIssuer'
        }

        It 'returns the items of a kind: List document' {
            $list = "apiVersion: v1`nkind: List`nitems:`n- {apiVersion: v1, kind: Namespace, metadata: {name: a}}`n- {apiVersion: v1, kind: Namespace, metadata: {name: b}}"
            @($list | ConvertFrom-KoYaml).Metadata.Name | Should -Be @('a', 'b')
        }
    }

    Context 'bad documents' {
        It 'reports <Case> at line <Line> and still returns the documents around it' -ForEach @(
            @{ Case = 'a syntax error'; Bad = "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: x`n    namespace: y"; Line = 5; Says = '' }
            @{ Case = 'an unclosed bracket'; Bad = "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: x`n  labels: [a, b`ndata: {}"; Line = 5; Says = 'left open' }
            @{ Case = 'a missing kind'; Bad = "apiVersion: v1`nmetadata:`n  name: x"; Line = 1; Says = "no 'kind'" }
            @{ Case = 'a missing apiVersion'; Bad = "# settings`nkind: ConfigMap`nmetadata:`n  name: x"; Line = 2; Says = "no 'apiVersion'" }
            @{ Case = 'an unknown field'; Bad = "apiVersion: apps/v1`nkind: Deployment`nmetadata:`n  name: x`nspec:`n  replica: 3"; Line = 6; Says = 'unknown field "spec.replica"' }
            @{ Case = 'a wrong type'; Bad = "apiVersion: apps/v1`nkind: Deployment`nmetadata:`n  name: x`nspec:`n  replicas: three"; Line = 6; Says = 'spec.replicas' }
            @{ Case = 'a duplicate key'; Bad = "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: x`n  name: y"; Line = 5; Says = "'name' already defined" }
            @{ Case = 'tabs for indentation'; Bad = "apiVersion: v1`nkind: ConfigMap`nmetadata:`n`tname: x"; Line = 4; Says = 'tab' }
        ) {
            $r = Read-WithBadDocument $Bad
            $r.Objects.Count | Should -Be 2
            $r.Objects[0].Metadata.Name | Should -Be 'settings'
            $r.Objects[1].Metadata.Name | Should -Be 'web'
            $r.Errors.Count | Should -Be 1
            $e = $r.Errors[0]
            $e | Should -BeOfType [System.Management.Automation.ErrorRecord]
            $e.CategoryInfo.Category | Should -Be 'ParserError'
            $e.FullyQualifiedErrorId | Should -BeLike 'InvalidYamlDocument*'
            # The bad document starts on line 9 of the file (the ConfigMap takes 7 lines, then '---').
            $e.TargetObject | Should -Be "$($r.File):$(8 + $Line)"
            "$e" | Should -BeLike "$($r.File):$(8 + $Line): *$Says*"
            $e.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        }

        It 'refuses a billion-laughs alias bomb without expanding it' {
            $bomb = "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: lol`ndata:`n  a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]`n"
            foreach ($i in 1..8) { $p = [char](97 + $i - 1); $c = [char](97 + $i); $bomb += "  ${c}: &$c [*$p,*$p,*$p,*$p,*$p,*$p,*$p,*$p,*$p,*$p]`n" }
            $r = Read-WithBadDocument $bomb
            $r.Objects.Count | Should -Be 2
            $r.Errors.Count | Should -Be 1
            "$($r.Errors[0])" | Should -BeLike '*alias bomb*'
            $r.Errors[0].TargetObject | Should -BeLike "$($r.File):*"
        }

        It 'refuses nesting 150 levels deep' {
            $deep = "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: deep`nx: " + ('[' * 150) + (']' * 150)
            $r = Read-WithBadDocument $deep
            $r.Objects.Count | Should -Be 2
            $r.Errors[0].TargetObject | Should -Be "$($r.File):13"
            "$($r.Errors[0])" | Should -BeLike '*nested more than 100 levels*'
        }

        It 'refuses a 5 MB document at its first line' {
            $sb = [Text.StringBuilder]::new("apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: huge`ndata:`n")
            $value = 'x' * 1000
            for ($i = 0; $sb.Length -lt 5MB; $i++) { [void]$sb.Append("  key${i}: $value`n") }
            $r = Read-WithBadDocument $sb.ToString()
            $r.Objects.Count | Should -Be 2
            $r.Errors[0].TargetObject | Should -Be "$($r.File):9"
            "$($r.Errors[0])" | Should -BeLike '*MiB*'
        }

        It 'names <input> as the source of piped text' {
            $errs = $null
            $out = @("kind: ConfigMap`nmetadata: {name: x}" | ConvertFrom-KoYaml -ErrorVariable errs -ErrorAction SilentlyContinue)
            $out.Count | Should -Be 0
            $errs[0].TargetObject | Should -Be '<input>:1'
        }

        It 'stops on a bad document with -ErrorAction Stop' {
            { "kind: ConfigMap`nmetadata: {name: x}" | ConvertFrom-KoYaml -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidYamlDocument*'
        }
    }
}
