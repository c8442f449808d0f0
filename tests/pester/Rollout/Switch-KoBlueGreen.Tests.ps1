BeforeAll {
    Import-Module $env:KO_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:cluster = Start-KoFakeCluster -ClockSpeed 1 -PodReadyDelayMs 1500
    Connect-KoCluster -KubeConfig $cluster.KubeConfig | Out-Null
    "apiVersion: apps/v1`nkind: Deployment`nmetadata: {name: shop, namespace: default}`nspec:`n  replicas: 3`n  selector: {matchLabels: {app: shop}}`n  template:`n    metadata: {labels: {app: shop}}`n    spec: {containers: [{name: web, image: nginx:1.29}]}" | ConvertFrom-KoYaml | Publish-KoResource | Out-Null
    "apiVersion: v1`nkind: Service`nmetadata: {name: shop, namespace: default}`nspec:`n  selector: {app: shop}`n  ports: [{port: 80}]" | ConvertFrom-KoYaml | Publish-KoResource | Out-Null
    Wait-KoRollout -Name shop | Out-Null
    function Get-SelectedReadyPods {
        $svc = Get-KoResource Service -Name shop
        $selector = ($svc.Spec.Selector.GetEnumerator() | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ','
        @(Get-KoResource Pod -LabelSelector $selector | Where-Object { ($_.Status.Conditions | Where-Object Type -eq Ready).Status -eq 'True' }).Count
    }
}
AfterAll { Stop-KoFakeCluster $script:cluster }

Describe 'Switch-KoBlueGreen' {
    It 'switches only once the new version is fully ready, so the Service always selects ready pods' {
        $samples = [System.Collections.Generic.List[int]]::new()
        $job = Start-ThreadJob -ScriptBlock {
            param($module, $kc)
            Import-Module $module
            Connect-KoCluster -KubeConfig $kc | Out-Null
            $deadline = (Get-Date).AddSeconds(40)
            while ((Get-Date) -lt $deadline) {
                $svc = Get-KoResource Service -Name shop
                $selector = ($svc.Spec.Selector.GetEnumerator() | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ','
                @(Get-KoResource Pod -LabelSelector $selector | Where-Object { ($_.Status.Conditions | Where-Object Type -eq Ready).Status -eq 'True' }).Count
                if ($svc.Spec.Selector['kubeops.io/color'] -eq 'green') { break }
                Start-Sleep -Milliseconds 50
            }
        } -ArgumentList $env:KO_MODULE, $cluster.KubeConfig
        $r = Switch-KoBlueGreen -ServiceName shop -Name shop -Image nginx:1.30 -Timeout 00:01:00
        $sampled = Receive-Job $job -Wait -AutoRemoveJob
        $r.Active | Should -Be 'shop-green'
        $r.Previous | Should -Be 'shop'
        $sampled.Count | Should -BeGreaterThan 3
        ($sampled | Measure-Object -Minimum).Minimum | Should -BeGreaterThan 0 -Because 'the Service must never select zero ready pods'
        (Get-KoResource Service -Name shop).Spec.Selector['kubeops.io/color'] | Should -Be 'green'
        Get-SelectedReadyPods | Should -Be 3
        (Get-KoResource Deployment -Name shop).Status.AvailableReplicas | Should -Be 3 -Because 'the previous version stays scaled for a rollback'
    }

    It 'switches back at once with -Rollback' {
        $r = Switch-KoBlueGreen -ServiceName shop -Rollback
        $r.Active | Should -Be 'shop'
        (Get-KoResource Service -Name shop).Spec.Selector.ContainsKey('kubeops.io/color') | Should -BeFalse
        (Get-KoResource Deployment -Name shop-green).Spec.Replicas | Should -Be 0 -Because 'the copy is scaled down: the uncoloured selector would match its pods too'
        $deadline = (Get-Date).AddSeconds(10)
        while ((Get-SelectedReadyPods) -ne 3 -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Get-SelectedReadyPods | Should -Be 3 -Because 'the original version was kept running'
    }
}

Describe 'Switch-KoBlueGreen over several switches' {
    BeforeAll {
        "apiVersion: apps/v1`nkind: Deployment`nmetadata: {name: cart, namespace: default}`nspec:`n  replicas: 2`n  selector: {matchLabels: {app: cart}}`n  template:`n    metadata: {labels: {app: cart}}`n    spec: {containers: [{name: web, image: nginx:1.29}]}" | ConvertFrom-KoYaml | Publish-KoResource | Out-Null
        "apiVersion: v1`nkind: Service`nmetadata: {name: cart, namespace: default}`nspec:`n  selector: {app: cart}`n  ports: [{port: 80}]" | ConvertFrom-KoYaml | Publish-KoResource | Out-Null
        Wait-KoRollout -Name cart | Out-Null
        function Get-CartCopies { @(Get-KoResource Deployment | Where-Object Name -in 'cart', 'cart-blue', 'cart-green' | Sort-Object Name) }
        function Get-CartBooks {
            $a = (Get-KoResource Service -Name cart).Metadata.Annotations
            @($a['kubeops.io/active-deployment'], $a['kubeops.io/previous-deployment']) | Where-Object { $_ } | Sort-Object
        }
    }

    It 'keeps the previous colour at full size, removes older copies, and its bookkeeping names every copy' {
        (Switch-KoBlueGreen -ServiceName cart -Name cart -Image nginx:1.30 -Timeout 00:01:00).Active | Should -Be 'cart-green'
        $r = Switch-KoBlueGreen -ServiceName cart -Name cart -Image nginx:1.31 -Timeout 00:01:00
        $r.Active | Should -Be 'cart-blue'
        $r.Previous | Should -Be 'cart-green'
        (Get-CartCopies).Name | Should -Be @('cart-blue', 'cart-green') -Because 'the original is older than the previous colour and is removed after the switch'
        Get-CartBooks | Should -Be (Get-CartCopies).Name
        (Get-KoResource Deployment -Name cart-green).Spec.Replicas | Should -Be 2 -Because 'by default the previous colour stays at full size for an instant -Rollback'

        $r = Switch-KoBlueGreen -ServiceName cart -Name cart -Image nginx:1.32 -Timeout 00:01:00
        $r.Active | Should -Be 'cart-green'
        (Get-KoResource Deployment -Name cart-green).Spec.Template.Spec.Containers[0].Image | Should -Be 'nginx:1.32'
        (Get-CartCopies).Name | Should -Be @('cart-blue', 'cart-green')
        Get-CartBooks | Should -Be (Get-CartCopies).Name
    }

    It 'scales the previous colour as -KeepPrevious says, and -Rollback brings it back to full size before switching' {
        $r = Switch-KoBlueGreen -ServiceName cart -Name cart -Image nginx:1.33 -KeepPrevious 0 -Timeout 00:01:00
        $r.Active | Should -Be 'cart-blue'
        (Get-KoResource Deployment -Name cart-green).Spec.Replicas | Should -Be 0
        $back = Switch-KoBlueGreen -ServiceName cart -Rollback -Timeout 00:01:00
        $back.Active | Should -Be 'cart-green'
        $green = Get-KoResource Deployment -Name cart-green
        $green.Spec.Replicas | Should -Be 2
        $green.Status.ReadyReplicas | Should -Be 2 -Because 'the Service is switched only to ready pods'
        (Get-KoResource Service -Name cart).Spec.Selector['kubeops.io/color'] | Should -Be 'green'
    }
}

Describe 'Switch-KoBlueGreen with a Service that selects none of the pods' {
    It 'refuses before changing anything, and names the labels that differ' {
        "apiVersion: apps/v1`nkind: Deployment`nmetadata: {name: web, namespace: default}`nspec:`n  selector: {matchLabels: {app.kubernetes.io/name: web}}`n  template:`n    metadata: {labels: {app.kubernetes.io/name: web}}`n    spec: {containers: [{name: web, image: nginx:1.29}]}" | ConvertFrom-KoYaml | Publish-KoResource | Out-Null
        "apiVersion: v1`nkind: Service`nmetadata: {name: web, namespace: default}`nspec:`n  selector: {app: web}`n  ports: [{port: 80}]" | ConvertFrom-KoYaml | Publish-KoResource | Out-Null
        Clear-KoFakeRequests $cluster
        $caught = $null
        try { Switch-KoBlueGreen -ServiceName web -Name web -Image nginx:1.30 -Timeout 00:01:00 -ErrorAction Stop } catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'SelectorMatchesNoPods,*'
        $caught.Exception.Message | Should -Match 'app=web'
        $caught.Exception.Message | Should -Match 'app.kubernetes.io/name=web'
        @(Get-KoFakeRequests $cluster | Where-Object method -ne 'GET').Count | Should -Be 0
        Get-KoResource Deployment -Name web-green -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
