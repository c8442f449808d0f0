# The README's main job: every demo script writes its part of the seed environment as manifests, with no cluster,
# and every file reads back as Kubernetes objects.
BeforeDiscovery {
    $script:demos = @(Get-ChildItem (Join-Path $env:KO_REPO_ROOT 'demo') -Filter *.ps1 | Sort-Object Name | ForEach-Object { @{ Name = $_.BaseName; Path = $_.FullName } })
}
BeforeAll { Import-Module $env:KO_MODULE -Force }

Describe 'Demo <Name>' -ForEach $script:demos {
    It 'writes manifests that read back as Kubernetes objects' {
        $out = Join-Path $TestDrive $Name
        & $Path -OutputDirectory $out
        $files = @(Get-ChildItem $out -Recurse -Filter *.yaml)
        $files.Count | Should -BeGreaterThan 0
        $objects = @($files | ConvertFrom-KoYaml -ErrorVariable bad)
        $bad | Should -BeNullOrEmpty
        $objects.Count | Should -BeGreaterOrEqual $files.Count
    }
}
