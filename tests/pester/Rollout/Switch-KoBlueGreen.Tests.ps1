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
