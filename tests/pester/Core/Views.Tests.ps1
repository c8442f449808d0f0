# Default views (issue 20, items 12 and 13): every kind reads like kubectl, never as a dump of the .NET model.
BeforeDiscovery {
    Import-Module $env:KO_MODULE -Force
    # The kinds admins list beyond the workloads, each with the columns kubectl prints for it.
    $script:kinds = @(
        @{ Kind = 'Role'; Yaml = "apiVersion: rbac.authorization.k8s.io/v1`nkind: Role`nmetadata: {name: reader, namespace: apps}`nrules: []"; Columns = 'NAMESPACE', 'NAME', 'CREATED AT', 'AGE'; Row = 'apps\s+reader\s+\d{4}-' }
        @{ Kind = 'ClusterRole'; Yaml = "apiVersion: rbac.authorization.k8s.io/v1`nkind: ClusterRole`nmetadata: {name: viewer}`nrules: []"; Columns = 'NAME', 'CREATED AT', 'AGE'; Row = 'viewer\s+\d{4}-' }
        @{ Kind = 'RoleBinding'; Yaml = "apiVersion: rbac.authorization.k8s.io/v1`nkind: RoleBinding`nmetadata: {name: read, namespace: apps}`nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}`nsubjects: [{kind: ServiceAccount, name: ci, namespace: apps}]"; Columns = 'NAMESPACE', 'NAME', 'ROLE', 'AGE'; Row = 'apps\s+read\s+Role/reader\s+ServiceAccount:apps/ci' }
        @{ Kind = 'ClusterRoleBinding'; Yaml = "apiVersion: rbac.authorization.k8s.io/v1`nkind: ClusterRoleBinding`nmetadata: {name: view-all}`nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}`nsubjects: [{kind: Group, name: ops}]"; Columns = 'NAME', 'ROLE', 'AGE'; Row = 'view-all\s+ClusterRole/view\s+Group:ops' }
        @{ Kind = 'ServiceAccount'; Yaml = "apiVersion: v1`nkind: ServiceAccount`nmetadata: {name: ci, namespace: apps}"; Columns = 'NAMESPACE', 'NAME', 'AGE'; Row = 'apps\s+ci\s+\d' }
        @{ Kind = 'ConfigMap'; Yaml = "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: settings, namespace: apps}`ndata: {a: b, c: d}"; Columns = 'NAMESPACE', 'NAME', 'DATA', 'AGE'; Row = 'apps\s+settings\s+2\s' }
        @{ Kind = 'Secret'; Yaml = "apiVersion: v1`nkind: Secret`nmetadata: {name: creds, namespace: apps}`ntype: Opaque`ndata: {user: YQ==}"; Columns = 'NAMESPACE', 'NAME', 'TYPE', 'DATA', 'AGE'; Row = 'apps\s+creds\s+Opaque\s+1\s' }
        @{ Kind = 'Namespace'; Yaml = "apiVersion: v1`nkind: Namespace`nmetadata: {name: apps}`nstatus: {phase: Active}"; Columns = 'NAME', 'STATUS', 'AGE'; Row = 'apps\s+Active\s' }
        @{ Kind = 'Node'; Yaml = "apiVersion: v1`nkind: Node`nmetadata: {name: node-1, labels: {node-role.kubernetes.io/control-plane: ''}}`nstatus: {conditions: [{type: Ready, status: 'True'}], nodeInfo: {kubeletVersion: v1.32.4, machineID: m, systemUUID: s, bootID: b, kernelVersion: k, osImage: o, containerRuntimeVersion: c, kubeProxyVersion: p, operatingSystem: linux, architecture: amd64}}"; Columns = 'NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'; Row = 'node-1\s+Ready\s+control-plane\s+\S+\s+v1.32.4' }
        @{ Kind = 'Job'; Yaml = "apiVersion: batch/v1`nkind: Job`nmetadata: {name: backup, namespace: apps}`nspec: {completions: 1, template: {spec: {restartPolicy: Never, containers: [{name: b, image: 'busybox:1.37'}]}}}`nstatus: {succeeded: 1, conditions: [{type: Complete, status: 'True'}]}"; Columns = 'NAMESPACE', 'NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'; Row = 'apps\s+backup\s+Complete\s+1/1' }
        @{ Kind = 'CronJob'; Yaml = "apiVersion: batch/v1`nkind: CronJob`nmetadata: {name: nightly, namespace: apps}`nspec: {schedule: '0 2 * * *', jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: b, image: 'busybox:1.37'}]}}}}}"; Columns = 'NAMESPACE', 'NAME', 'SCHEDULE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'; Row = 'apps\s+nightly\s+0 2 \* \* \*\s+<none>\s+False\s+0\s+<none>' }
        @{ Kind = 'NetworkPolicy'; Yaml = "apiVersion: networking.k8s.io/v1`nkind: NetworkPolicy`nmetadata: {name: web-only, namespace: apps}`nspec: {podSelector: {matchLabels: {app: web}}}"; Columns = 'NAMESPACE', 'NAME', 'POD-SELECTOR', 'AGE'; Row = 'apps\s+web-only\s+app=web' }
        @{ Kind = 'HorizontalPodAutoscaler'; Yaml = "apiVersion: autoscaling/v2`nkind: HorizontalPodAutoscaler`nmetadata: {name: web, namespace: apps}`nspec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 5}`nstatus: {currentReplicas: 3, desiredReplicas: 3}"; Columns = 'NAMESPACE', 'NAME', 'REFERENCE', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE'; Row = 'apps\s+web\s+Deployment/web\s+2\s+5\s+3' }
        @{ Kind = 'Lease'; Yaml = "apiVersion: coordination.k8s.io/v1`nkind: Lease`nmetadata: {name: node-1, namespace: kube-node-lease}`nspec: {holderIdentity: node-1}"; Columns = 'NAMESPACE', 'NAME', 'HOLDER', 'AGE'; Row = 'kube-node-lease\s+node-1\s+node-1' }
        @{ Kind = 'Endpoints'; Yaml = "apiVersion: v1`nkind: Endpoints`nmetadata: {name: web, namespace: apps}`nsubsets: [{addresses: [{ip: 10.0.0.5}], ports: [{port: 8080}]}]"; Columns = 'NAMESPACE', 'NAME', 'ENDPOINTS', 'AGE'; Row = 'apps\s+web\s+10.0.0.5:8080' }
        @{ Kind = 'EndpointSlice'; Yaml = "apiVersion: discovery.k8s.io/v1`nkind: EndpointSlice`nmetadata: {name: web-abc, namespace: apps}`naddressType: IPv4`nports: [{port: 8080}]`nendpoints: [{addresses: [10.0.0.5]}]"; Columns = 'NAMESPACE', 'NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'; Row = 'apps\s+web-abc\s+IPv4\s+8080\s+10.0.0.5' }
        @{ Kind = 'PriorityClass (no view of its own)'; Yaml = "apiVersion: scheduling.k8s.io/v1`nkind: PriorityClass`nmetadata: {name: high}`nvalue: 1000"; Columns = 'NAMESPACE', 'NAME', 'AGE'; Row = 'high\s+\d' }
        @{ Kind = 'PodDisruptionBudget (no view of its own)'; Yaml = "apiVersion: policy/v1`nkind: PodDisruptionBudget`nmetadata: {name: web, namespace: apps}`nspec: {minAvailable: 1}"; Columns = 'NAMESPACE', 'NAME', 'AGE'; Row = 'apps\s+web\s+\d' }
        # Gateway API kinds: the printer columns of their v1.6 CRDs.
        @{ Kind = 'HTTPRoute'; Yaml = "apiVersion: gateway.networking.k8s.io/v1`nkind: HTTPRoute`nmetadata: {name: web, namespace: apps}`nspec: {hostnames: [web.example.com, www.example.com]}"; Columns = 'NAMESPACE', 'NAME', 'HOSTNAMES', 'AGE'; Row = 'apps\s+web\s+web\.example\.com,www\.example\.com\s+10m' }
        @{ Kind = 'GRPCRoute'; Yaml = "apiVersion: gateway.networking.k8s.io/v1`nkind: GRPCRoute`nmetadata: {name: rpc, namespace: apps}`nspec: {hostnames: [rpc.example.com]}"; Columns = 'NAMESPACE', 'NAME', 'HOSTNAMES', 'AGE'; Row = 'apps\s+rpc\s+rpc\.example\.com\s+10m' }
        @{ Kind = 'Gateway'; Yaml = "apiVersion: gateway.networking.k8s.io/v1`nkind: Gateway`nmetadata: {name: public, namespace: infra}`nspec: {gatewayClassName: envoy, listeners: [{name: http, port: 80, protocol: HTTP}]}`nstatus: {addresses: [{type: IPAddress, value: 203.0.113.7}], conditions: [{type: Accepted, status: 'True'}, {type: Programmed, status: 'True'}]}"; Columns = 'NAMESPACE', 'NAME', 'CLASS', 'ADDRESS', 'PROGRAMMED', 'AGE'; Row = 'infra\s+public\s+envoy\s+203\.0\.113\.7\s+True\s+10m' }
        @{ Kind = 'GatewayClass'; Yaml = "apiVersion: gateway.networking.k8s.io/v1`nkind: GatewayClass`nmetadata: {name: envoy}`nspec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}`nstatus: {conditions: [{type: Accepted, status: 'True'}]}"; Columns = 'NAME', 'CONTROLLER', 'ACCEPTED', 'AGE'; Row = 'envoy\s+gateway\.envoyproxy\.io/gatewayclass-controller\s+True\s+10m' }
        @{ Kind = 'ListenerSet'; Yaml = "apiVersion: gateway.networking.k8s.io/v1`nkind: ListenerSet`nmetadata: {name: web-tls, namespace: apps}`nspec: {parentRef: {name: public, namespace: infra}, listeners: [{name: https, port: 443, protocol: HTTPS}]}`nstatus: {conditions: [{type: Accepted, status: 'True'}, {type: Programmed, status: 'False'}]}"; Columns = 'NAMESPACE', 'NAME', 'ACCEPTED', 'PROGRAMMED', 'AGE'; Row = 'apps\s+web-tls\s+True\s+False\s+10m' }
        @{ Kind = 'a Gateway without status yet'; Yaml = "apiVersion: gateway.networking.k8s.io/v1`nkind: Gateway`nmetadata: {name: new, namespace: infra}`nspec: {gatewayClassName: envoy, listeners: [{name: http, port: 80, protocol: HTTP}]}"; Columns = 'NAMESPACE', 'NAME', 'CLASS', 'ADDRESS', 'PROGRAMMED', 'AGE'; Row = 'infra\s+new\s+envoy\s+10m' }
        @{ Kind = 'a custom resource with only Age among its printer columns (ReferenceGrant)'; Yaml = "apiVersion: gateway.networking.k8s.io/v1beta1`nkind: ReferenceGrant`nmetadata: {name: allow, namespace: apps}`nspec: {from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: web}], to: [{group: '', kind: Service}]}"; Columns = 'NAMESPACE', 'NAME', 'AGE'; Row = 'apps\s+allow\s+10m' }
        @{ Kind = 'a custom resource of a CRD the module does not know'; Yaml = "apiVersion: example.com/v1`nkind: Widget`nmetadata: {name: w1, namespace: apps}`nspec: {size: 3}"; Columns = 'NAMESPACE', 'NAME', 'AGE'; Row = 'apps\s+w1\s+10m' }
        @{ Kind = 'a CustomResourceDefinition'; Yaml = "apiVersion: apiextensions.k8s.io/v1`nkind: CustomResourceDefinition`nmetadata: {name: widgets.example.com}`nspec: {group: example.com, scope: Namespaced, names: {plural: widgets, singular: widget, kind: Widget}, versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]}"; Columns = 'NAME', 'AGE'; Row = 'widgets.example.com\s+\d' }
    )
    $script:outputTypes = @(Get-Command -Module KubeOpsPS -CommandType Cmdlet | ForEach-Object { $_.OutputType.Type } | Where-Object { $_ -and -not $_.IsInterface -and -not $_.IsAbstract -and $_ -notin [string], [object], [void], [bool], [int], [System.IO.FileInfo], [System.Management.Automation.Job] } | Sort-Object FullName -Unique | ForEach-Object { @{ Type = $_.FullName } })
}

BeforeAll {
    Import-Module $env:KO_MODULE -Force
    function Strip([string] $Text) { $Text -replace "`e\[[0-9;]*m", '' }
    # An object as the cluster would return it: created a known time ago.
    function New-Listed([string] $Yaml, [int] $AgeSeconds = 600) {
        $stamp = [DateTime]::UtcNow.AddSeconds(-$AgeSeconds).ToString('yyyy-MM-ddTHH:mm:ssZ')
        $Yaml -replace 'metadata: \{', "metadata: {creationTimestamp: '$stamp', " | ConvertFrom-KoYaml -ErrorAction Stop
    }
}

Describe 'The default view of <Kind>' -ForEach $script:kinds {
    BeforeAll {
        $script:obj = New-Listed $Yaml
        $script:table = Strip ($obj | Out-String -Width 200)
        $script:list = Strip ($obj | Format-List | Out-String -Width 200)
    }
    It 'has kubectl''s columns and a readable row' {
        $header = ($table -split "`n" | Where-Object { $_.Trim() })[0]
        foreach ($c in $Columns) { $header | Should -Match "(^|\s)$([regex]::Escape($c))(\s|$)" }
        $table | Should -Match $Row
        $table | Should -Match '\b10m\b' -Because 'AGE is kubectl''s format'
    }
    It 'never dumps the .NET model, in a table or a list' {
        foreach ($text in $table, $list) {
            $text | Should -Not -Match 'V1ObjectMeta|k8s\.Models|System\.Collections'
        }
        $list | Should -Match 'Name\s+:\s+\S'
    }
    It 'groups by namespace and kind with readable names' {
        $groups = @($obj, $obj) | Group-Object Kind, Namespace
        $groups[0].Name | Should -Not -Match 'V1ObjectMeta|k8s\.Models'
        $groups[0].Count | Should -Be 2
    }
}

Describe 'A custom resource a cmdlet builds' {
    It 'gets its kind''s view too (New-KoHttpRoute)' {
        $route = New-KoHttpRoute -Name shop -Host shop.example.com -ServiceName web -ServicePort 80 -GatewayName public
        $text = Strip ($route | Out-String -Width 200)
        $text | Should -Match '(?m)^NAMESPACE\s+NAME\s+HOSTNAMES\s+AGE\s*$'
        $text | Should -Match 'shop\s+shop\.example\.com'
    }
}

Describe 'Every type a cmdlet returns' {
    It 'has a default view: <Type>' -ForEach $script:outputTypes {
        Get-FormatData -TypeName $Type | Should -Not -BeNullOrEmpty
    }
}

Describe 'Age' {
    It 'sorts as a duration, not as text' {
        $objs = foreach ($s in 600, 287, 900, 660) { New-Listed "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: c$s}" -AgeSeconds $s }
        ($objs | Sort-Object Age).Name | Should -Be 'c287', 'c600', 'c660', 'c900'
        ($objs | Sort-Object Age | ForEach-Object { $_.Age.ToString() }) | Should -Be '4m47s', '10m', '11m', '15m'
        ($objs | Where-Object { $_.Age -gt [TimeSpan]'00:10:30' }).Name | Should -Be 'c900', 'c660'
    }
    It 'shows events'' LAST SEEN relative, as kubectl does' {
        $seen = [DateTime]::UtcNow.AddMinutes(-3).ToString('yyyy-MM-ddTHH:mm:ssZ')
        $e = "apiVersion: v1`nkind: Event`nmetadata: {name: web.1, namespace: apps}`ninvolvedObject: {kind: Pod, name: web-1}`nreason: BackOff`ntype: Warning`nmessage: Back-off pulling image`nlastTimestamp: '$seen'" | ConvertFrom-KoYaml
        $text = Strip ($e | Out-String -Width 200)
        $text | Should -Match 'LAST SEEN'
        $text | Should -Match 'apps\s+3m\d+s\s+Warning\s+BackOff\s+pod/web-1'
    }
}
