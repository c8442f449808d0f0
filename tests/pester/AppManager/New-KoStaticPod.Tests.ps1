BeforeAll { Import-Module $env:KO_MODULE -Force }

Describe 'New-KoStaticPod' {
    It 'writes a validated pod manifest that reads back as a V1Pod' {
        $file = New-KoStaticPod -Name agent -Image busybox:1.37 -Port 8080 -ManifestPath $TestDrive
        $file.Name | Should -Be 'agent.yaml'
        $pod = ConvertFrom-KoYaml -Path $file.FullName
        $pod.GetType().Name | Should -Be 'V1Pod'
        $pod.Spec.Containers[0].Ports[0].ContainerPort | Should -Be 8080
        $pod.Metadata.NamespaceProperty | Should -Be 'kube-system'
    }

    It 'writes nothing with -WhatIf' {
        New-KoStaticPod -Name ghost -Image busybox:1.37 -ManifestPath $TestDrive -WhatIf
        Test-Path (Join-Path $TestDrive 'ghost.yaml') | Should -BeFalse
    }

    It 'refuses a pod that uses a Secret, naming it' {
        $pod = "apiVersion: v1`nkind: Pod`nmetadata: {name: s}`nspec:`n  containers: [{name: c, image: busybox}]`n  volumes: [{name: creds, secret: {secretName: x}}]" | ConvertFrom-KoYaml
        { $pod | New-KoStaticPod -ManifestPath $TestDrive -ErrorAction Stop } | Should -Throw -ExpectedMessage "*creds*"
        Test-Path (Join-Path $TestDrive 's.yaml') | Should -BeFalse
    }
}
