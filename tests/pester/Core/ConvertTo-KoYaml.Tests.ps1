# ConvertTo-KoYaml as a person uses it: objects or hashtables in, one YAML stream out, or one file per object.
BeforeAll {
    Import-Module $env:KO_MODULE
    $script:deploymentYaml = @"
apiVersion: apps/v1
kind: Deployment
metadata:
  labels: {app: web}
  namespace: shop
  name: web
  uid: 7d1f0c1e-0000-4000-8000-000000000001
  resourceVersion: "42"
  creationTimestamp: "2025-01-01T00:00:00Z"
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - image: nginx:1.29
          name: web
          resources:
            requests: {cpu: 0.5, memory: 256Mi}
      volumes:
        - name: cache
          emptyDir: {}
status:
  readyReplicas: 1
"@
}

Describe 'ConvertTo-KoYaml' {
    Context 'text' {
        It 'writes KYAML with -Format KYaml, which ConvertFrom-KoYaml reads back unchanged' {
            $cm = "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: flags`ndata:`n  country: 'NO'`n  port: '8080'`n" | ConvertFrom-KoYaml
            $kyaml = $cm | ConvertTo-KoYaml -Format KYaml
            $kyaml | Should -Match '(?s)^---\n\{\n  apiVersion: "v1",\n  kind: "ConfigMap",'
            $kyaml | Should -Match 'country: "NO",'
            $back = $kyaml | ConvertFrom-KoYaml
            $back.Data['country'] | Should -Be 'NO'
            $back.Data['port'] | Should -Be '8080'
            ($back | ConvertTo-KoYaml -Format KYaml) | Should -Be $kyaml
        }

        It 'writes a hashtable as a manifest with apiVersion, kind and metadata first' {
            $yaml = @{ data = @{ port = '8080'; mode = 'yes' }; metadata = @{ name = 'settings' }; kind = 'ConfigMap'; apiVersion = 'v1' } | ConvertTo-KoYaml
            $yaml | Should -BeOfType [string]
            $yaml | Should -BeLike "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: settings`ndata:*"
            $yaml | Should -Match "port: '8080'"
            $yaml | Should -Match "mode: 'yes'"
        }

        It 'writes every piped object into one stream with --- between them' {
            $yaml = @(
                @{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = 'a' } }
                @{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = 'b' } }
            ) | ConvertTo-KoYaml
            @($yaml).Count | Should -Be 1
            $yaml | Should -Be "apiVersion: v1`nkind: Namespace`nmetadata:`n  name: a`n---`napiVersion: v1`nkind: Namespace`nmetadata:`n  name: b`n"
        }

        It 'writes what ConvertFrom-KoYaml read: name first, empty maps kept, quantities as written, server fields left out' {
            $yaml = $deploymentYaml | ConvertFrom-KoYaml | ConvertTo-KoYaml
            $yaml | Should -BeLike "apiVersion: apps/v1`nkind: Deployment`nmetadata:`n  name: web`n  namespace: shop`n  labels:*"
            $yaml | Should -Match '- name: web\n\s+image: nginx:1.29'
            $yaml | Should -Match 'emptyDir: \{\}'
            $yaml | Should -Match 'cpu: 0\.5\n'
            $yaml | Should -Not -Match 'uid|resourceVersion|creationTimestamp|status|readyReplicas'
            # and it reads back to the same object
            ($yaml | ConvertFrom-KoYaml | ConvertTo-KoYaml) | Should -Be $yaml
        }

        It 'keeps status and server metadata with -IncludeServerFields' {
            $yaml = $deploymentYaml | ConvertFrom-KoYaml | ConvertTo-KoYaml -IncludeServerFields
            $yaml | Should -Match "resourceVersion: '42'"
            $yaml | Should -Match 'uid: 7d1f0c1e-0000-4000-8000-000000000001'
            $yaml | Should -Match 'status:\n  readyReplicas: 1\n$'
        }

        It 'reports input that is not a Kubernetes object and converts the rest' {
            $errs = $null
            $yaml = @(42, @{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = 'ok' } }) | ConvertTo-KoYaml -ErrorVariable errs -ErrorAction SilentlyContinue
            $yaml | Should -Match 'name: ok'
            $errs.Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'NotAKubernetesObject*'
            $errs[0].CategoryInfo.Category | Should -Be 'InvalidType'
        }
    }

    Context '-OutputDirectory' {
        It 'writes one kind-namespace-name.yaml per object and returns the files' {
            $dir = Join-Path $TestDrive 'out'
            $files = @(
                @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'settings'; namespace = 'shop' }; data = @{ a = 'b' } }
                @{ apiVersion = 'rbac.authorization.k8s.io/v1'; kind = 'ClusterRole'; metadata = @{ name = 'reader' } }
                ($deploymentYaml | ConvertFrom-KoYaml)
            ) | ConvertTo-KoYaml -OutputDirectory $dir
            $files.Count | Should -Be 3
            $files | ForEach-Object { $_ | Should -BeOfType [System.IO.FileInfo] }
            (Get-ChildItem $dir).Name | Sort-Object | Should -Be @('02-clusterrole-reader.yaml', '03-configmap-shop-settings.yaml', '06-deployment-shop-web.yaml')
            (Get-Content (Join-Path $dir '06-deployment-shop-web.yaml') -Raw | ConvertFrom-KoYaml).Spec.Template.Spec.Containers[0].Image | Should -Be 'nginx:1.29'
        }

        It 'refuses a name that would escape the folder and writes the other objects' {
            $dir = Join-Path $TestDrive 'escape/inner'
            $errs = $null
            $files = @(
                @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = '../../outside' } }
                @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'x'; namespace = '../..' } }
                @{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'fine' } }
            ) | ConvertTo-KoYaml -OutputDirectory $dir -ErrorVariable errs -ErrorAction SilentlyContinue
            @($files).Count | Should -Be 1
            $errs.Count | Should -Be 2
            $errs | ForEach-Object { $_.CategoryInfo.Category | Should -Be 'InvalidArgument' }
            "$($errs[0])" | Should -BeLike '*metadata.name*DNS-1123*'
            (Get-ChildItem (Join-Path $TestDrive 'escape') -Recurse -File).FullName | Should -Be @((Join-Path $dir '03-configmap-fine.yaml'))
        }

        It 'writes nothing with -WhatIf' {
            $dir = Join-Path $TestDrive 'whatif'
            $out = @{ apiVersion = 'v1'; kind = 'Namespace'; metadata = @{ name = 'a' } } | ConvertTo-KoYaml -OutputDirectory $dir -WhatIf
            $out | Should -BeNullOrEmpty
            Test-Path $dir | Should -BeFalse
        }
    }
}
