using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>
/// Our own set of everyday kubectl checks: each is a few commands an admin types, with the exit code and output a
/// real v1.32 cluster gives (learned from upstream kubectl's command tests, printers and the API server's messages).
/// Each check runs in its own namespace; cluster-scoped objects a check makes carry its namespace in their name and
/// are deleted by its last step. Commands that need a kubelet (logs, exec, port-forward, attach, cp, debug) are not
/// in the set; `kubectl top` is, since without a metrics server a real cluster answers exactly as the fake.
/// The set is split over three classes (each its own fake cluster) so that xunit runs them side by side.
/// </summary>
public abstract class KubectlCheckSet : IDisposable
{
    private readonly FakeClusterFixture _f;
    private readonly KubectlRunner _kubectl;

    protected KubectlCheckSet(FakeClusterFixture f)
    {
        _f = f;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose()
    {
        _kubectl.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// One command: its arguments (split on spaces, a '…' part kept whole; NS is the check's namespace, DIR the folder
    /// of its files), stdin, exit code and a pattern its output (stdout then stderr) must match; Editor is the EDITOR
    /// `kubectl edit` runs. A step whose Args are "@file NAME" writes its Stdin to DIR/NAME instead.
    /// </summary>
    protected sealed record Step(string Args, int Exit = 0, string? Output = null, string Stdin = "", string[]? Extra = null, string? Editor = null);

    protected static Step File(string name, string content) => new("@file " + name, Stdin: content);

    protected const string Cm = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: x, namespace: NS}
        data: {k: VALUE}
        """;

    protected static Step Deploy => new("create deployment web --image=nginx:1.27 --replicas=2 -n NS", 0, "^deployment.apps/web created");
    protected static Step RolledOut => new("rollout status deployment/web -n NS --timeout=60s", 0, "deployment \"web\" successfully rolled out");
    protected static Step RunPod => new("run p --image=nginx:1.27 --labels=app=p -n NS", 0, "^pod/p created\n$");
    protected static Step PodReady => new("wait --for=condition=Ready pod/p --timeout=60s -n NS", 0, "^pod/p condition met\n$");

    /// <summary>A Node with no kubelet behind it (as upstream's command tests have), named after the check's namespace.</summary>
    protected static Step CreateNode => new("create -f -", 0, "^node/NS-n created\n$", """{"kind":"Node","apiVersion":"v1","metadata":{"name":"NS-n","labels":{"check":"NS"}}}""");
    protected static Step DeleteNode => new("delete node NS-n", 0, "^node \"NS-n\" deleted\n$");

    protected static string PodOn(string name, string node, string labels = "{}") =>
        "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"NS\",\"labels\":" + labels
        + "},\"spec\":{\"nodeName\":\"" + node + "\",\"containers\":[{\"name\":\"c\",\"image\":\"registry.example/app:1\"}]}}";

    private static readonly Lazy<(string Cert, string Key, string Csr)> Pems = new(() =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=check-user", key, HashAlgorithmName.SHA256);
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(req.CreateSigningRequestPem())));
    });

    /// <summary>A CertificateSigningRequest for a client certificate, named after the check's namespace.</summary>
    protected static string Csr(string signer = "kubernetes.io/kube-apiserver-client") => $$"""
        apiVersion: certificates.k8s.io/v1
        kind: CertificateSigningRequest
        metadata: {name: NS-csr}
        spec:
          request: {{Pems.Value.Csr}}
          signerName: {{signer}}
          usages: [client auth]
        """;

    protected static string Tls => Pems.Value.Cert;
    protected static string TlsKey => Pems.Value.Key;

    private static readonly Regex Token = new("(?:'[^']*'|[^\\s'])+", RegexOptions.None, TimeSpan.FromSeconds(1));

    private static string Fill(string s, string ns, string dir) =>
        Regex.Replace(Regex.Replace(s, "\\bNS\\b", ns, RegexOptions.None, TimeSpan.FromSeconds(1)), "\\bDIR\\b", dir, RegexOptions.None, TimeSpan.FromSeconds(1));

    protected async Task RunCheck(IReadOnlyDictionary<string, Step[]> checks, string check)
    {
        var ns = await _f.Http.Ns("check");
        var dir = _kubectl.Folder;
        foreach (var step in checks[check])
        {
            var stdin = Fill(step.Stdin, ns, dir);
            if (step.Args.StartsWith("@file ", StringComparison.Ordinal))
            {
                await System.IO.File.WriteAllTextAsync(Path.Combine(dir, step.Args[6..]), stdin);
                continue;
            }
            string[] args = [.. Token.Matches(Fill(step.Args, ns, dir)).Select(m => m.Value.Replace("'", "", StringComparison.Ordinal)), .. (step.Extra ?? []).Select(e => Fill(e, ns, dir))];
            var env = step.Editor is { } editor ? new Dictionary<string, string> { ["EDITOR"] = Fill(editor, ns, dir) } : null;
            var r = await _kubectl.InSequence(stdin, env, args);
            var output = r.Out + r.Err;
            Assert.True(r.Exit == step.Exit, $"kubectl {string.Join(' ', args)}: exit {r.Exit}, expected {step.Exit}\n{output}");
            if (step.Output is { } pattern)
                Assert.True(Regex.IsMatch(output, Fill(pattern, ns, dir), RegexOptions.None, TimeSpan.FromSeconds(5)), $"kubectl {string.Join(' ', args)}: output does not match {pattern}\n{output}");
        }
    }
}

/// <summary>Creating with the generators, reading (get, describe, explain, discovery, config, auth) and the errors a cluster answers.</summary>
public sealed class KubectlCheckSetTests(FakeClusterFixture f) : KubectlCheckSet(f), IClassFixture<FakeClusterFixture>
{
    private static readonly Dictionary<string, Step[]> Checks = new(StringComparer.Ordinal)
    {
        ["create configmap"] = [new("create configmap cm --from-literal=a=b -n NS", 0, "^configmap/cm created\n$")],
        ["create configmap twice"] = [new("create configmap cm -n NS"), new("create configmap cm -n NS", 1, "^error: failed to create configmap: configmaps \"cm\" already exists\n$")],
        ["create configmap --dry-run=client"] = [new("create configmap cm --from-literal=k=v --dry-run=client -n NS", 0, "^configmap/cm created \\(dry run\\)\n$"),
            new("get configmap cm -n NS", 1, "^Error from server \\(NotFound\\): configmaps \"cm\" not found\n$")],
        ["create configmap --dry-run=server"] = [new("create configmap cm --from-literal=k=v --dry-run=server -n NS", 0, "^configmap/cm created \\(server dry run\\)\n$"),
            new("get configmap cm -n NS", 1, "^Error from server \\(NotFound\\): configmaps \"cm\" not found\n$")],
        ["create -o yaml --dry-run=client"] = [new("create configmap cm --from-literal=k=v --dry-run=client -o yaml -n NS", 0, "^apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: cm\n  namespace: NS\n$")],
        ["create --save-config"] = [new("create configmap sc --from-literal=a=b --save-config -n NS", 0, "^configmap/sc created\n$"),
            new("apply view-last-applied configmap sc -n NS -o json", 0, "\"data\": \\{\n    \"a\": \"b\"\n  \\}")],
        ["create without --save-config has no last-applied"] = [new("create configmap cm -n NS"), new("get configmap cm -n NS -o yaml", 0, "^(?![\\s\\S]*last-applied-configuration)")],
        ["create -f with two documents"] = [new("create -f -", 0, "^configmap/a created\nconfigmap/b created\n$", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: NS}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: NS}\n")],
        ["create -f existing"] = [new("create configmap x -n NS"), new("create -f -", 1, "^Error from server \\(AlreadyExists\\): error when creating \"STDIN\": configmaps \"x\" already exists\n$", Cm.Replace("VALUE", "a"))],
        ["create -f with an unknown field"] = [new("create -f -", 1, "^Error from server \\(BadRequest\\): error when creating \"STDIN\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"foo\"\n$", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: NS}\nfoo: bar\n"),
            new("create -f - --validate=warn", 0, "Warning: unknown field \"foo\"", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: NS}\nfoo: bar\n")],
        ["create in a missing namespace"] = [new("create configmap cm -n NS-gone", 1, "^error: failed to create configmap: namespaces \"NS-gone\" not found\n$")],
        ["create --edit"] = [File("m.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mock, namespace: NS}\ndata: {k: mock}\n"),
            new("create --edit -f DIR/m.yaml -n NS", 0, "^configmap/modified created\n$", Editor: "sed -i s/mock/modified/g"),
            new("get configmap modified -n NS -o jsonpath={.data.k}", 0, "^modified$")],
        ["create --edit without a change"] = [File("m.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same, namespace: NS}\n"),
            new("create --edit -f DIR/m.yaml -n NS", 0, "Edit cancelled, no changes made.\n$", Editor: "true"), new("get configmap same -n NS", 1, "not found")],
        ["create secret generic"] = [new("create secret generic s --from-literal=password=x -n NS", 0, "^secret/s created")],
        ["create secret generic --type"] = [new("create secret generic s --from-literal=key1=value1 --type=test-type -n NS", 0, "^secret/s created\n$"),
            new("get secret s -n NS -o go-template={{.type}}:{{.data.key1}}", 0, "^test-type:dmFsdWUx$")],
        ["create secret docker-registry"] = [new("create secret docker-registry reg --docker-server=r.example --docker-username=u --docker-password=p -n NS", 0, "^secret/reg created")],
        ["create secret docker-registry data"] = [new("create secret docker-registry reg --docker-username=test-user --docker-password=test-password --docker-email=test-user@test.com -n NS", 0, "^secret/reg created\n$"),
            new("get secret reg -n NS -o jsonpath={.type}:{.data.\\.dockerconfigjson}", 0, "^kubernetes.io/dockerconfigjson:eyJhdXRocyI6eyJodHRwczovL2luZGV4LmRvY2tlci5pby92MS8iOnsidXNlcm5hbWUiOiJ0ZXN0LXVzZXIiLCJwYXNzd29yZCI6InRlc3QtcGFzc3dvcmQiLCJlbWFpbCI6InRlc3QtdXNlckB0ZXN0LmNvbSIsImF1dGgiOiJkR1Z6ZEMxMWMyVnlPblJsYzNRdGNHRnpjM2R2Y21RPSJ9fX0=$")],
        ["create secret tls"] = [File("tls.crt", Tls), File("tls.key", TlsKey), new("create secret tls t --cert=DIR/tls.crt --key=DIR/tls.key -n NS", 0, "^secret/t created\n$"),
            new("get secret t -n NS", 0, "^NAME +TYPE +DATA +AGE\nt +kubernetes.io/tls +2 +")],
        ["create secret with stringData"] = [new("create -f -", 0, "^secret/sd created\n$", """{"kind":"Secret","apiVersion":"v1","metadata":{"name":"sd","namespace":"NS"},"data":{"k1":"djE=","k2":""},"stringData":{"k2":"v2"}}"""),
            new("get secret sd -n NS -o go-template={{.data.k1}}/{{.data.k2}}/{{.stringData}}", 0, "^djE=/djI=/<no value>$")],
        ["create deployment"] = [Deploy],
        ["create deployment bad name"] = [new("create deployment Web --image=nginx -n NS", 1, "^error: failed to create deployment: Deployment.apps \"Web\" is invalid: metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters")],
        ["create deployment defaults"] = [new("create deployment d --image=nginx -n NS"),
            new("get deployment d -n NS -o 'jsonpath={.spec.replicas} {.spec.revisionHistoryLimit} {.spec.progressDeadlineSeconds} {.spec.strategy.type} {.spec.strategy.rollingUpdate.maxSurge} {.spec.template.spec.containers[0].name} {.apiVersion}'", 0, "^1 10 600 RollingUpdate 25% nginx apps/v1$")],
        ["create deployment with a command"] = [new("create deployment d --image=busybox:1.36 -n NS", 0, "^deployment.apps/d created\n$", Extra: ["--", "/bin/sleep", "infinity"]),
            new("get deployment d -n NS -o jsonpath={.spec.template.spec.containers[0].command}", 0, "^\\[\"/bin/sleep\",\"infinity\"\\]$")],
        ["create deployment with two images"] = [new("create deployment d --image=nginx --image=busybox -n NS -o jsonpath={.spec.template.spec.containers[*].name}", 0, "^nginx busybox$")],
        ["create service clusterip"] = [new("create service clusterip web --tcp=80:8080 -n NS", 0, "^service/web created")],
        ["create service nodeport"] = [new("create service nodeport np --tcp=80:8080 -n NS", 0, "^service/np created")],
        ["create service externalname"] = [new("create service externalname eb --external-name bar.com --dry-run=server -n NS", 0, "^service/eb created \\(server dry run\\)\n$"),
            new("create service externalname eb --external-name bar.com -n NS"), new("get service eb -n NS", 0, "^NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\\(S\\) +AGE\neb +ExternalName +<none> +bar.com +<none> +")],
        ["create serviceaccount"] = [new("create serviceaccount bot -n NS", 0, "^serviceaccount/bot created")],
        ["create serviceaccount bad name"] = [new("create serviceaccount Bot -n NS", 1, "^error: failed to create serviceaccount: ServiceAccount \"Bot\" is invalid: metadata.name: Invalid value: \"Bot\": a lowercase RFC 1123 subdomain")],
        ["create token"] = [new("create serviceaccount bot -n NS"), new("create token bot -n NS", 0, "^eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")],
        ["create token for a missing account"] = [new("create token nope -n NS", 1, "^error: failed to create token: serviceaccounts \"nope\" not found\n$")],
        ["create namespace bad name"] = [new("create namespace NS-Bad", 1, "^The Namespace \"NS-Bad\" is invalid: metadata.name: Invalid value: \"NS-Bad\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'")],
        ["create role and rolebinding"] = [new("create role r --verb=get,list --resource=pods -n NS", 0, "^role.rbac.authorization.k8s.io/r created"), new("create rolebinding rb --role=r --serviceaccount=NS:default -n NS", 0, "^rolebinding.rbac.authorization.k8s.io/rb created")],
        ["create role rules"] = [new("create role r --verb=get,list --resource=pods/status,deployments.apps,replicasets.apps/scale -n NS"),
            new("get role r -n NS -o go-template={{range.rules}}{{range.apiGroups}}{{.}}{{end}}:{{range.resources}}{{.}},{{end}};{{end}}", 0, "^:pods/status,;apps:deployments,replicasets/scale,;$"),
            new("create role n --verb=get --resource=pods --resource-name=a --resource-name=b -n NS -o jsonpath={.rules[0].resourceNames}", 0, "^\\[\"a\",\"b\"\\]$")],
        ["create role unknown resource"] = [new("create role r --verb=get --resource=nosuch -n NS", 1, "the server doesn't have a resource type \"nosuch\""),
            new("create role r --verb=get --resource=deployments.nosuch -n NS", 1, "the server doesn't have a resource type \"deployments\" in group \"nosuch\"")],
        ["create clusterrole and binding"] = [new("create clusterrole NS-cr --verb=get --non-resource-url=/logs/* --non-resource-url=/healthz/*", 0, "^clusterrole.rbac.authorization.k8s.io/NS-cr created\n$"),
            new("create clusterrolebinding NS-crb --clusterrole=NS-cr --user=user-1 --user=user-2 --group=g", 0, "^clusterrolebinding.rbac.authorization.k8s.io/NS-crb created\n$"),
            new("set subject clusterrolebinding NS-crb --serviceaccount=NS:bot", 0, "subjects updated"),
            new("get clusterrolebinding NS-crb -o go-template={{range.subjects}}{{.kind}}/{{.name}}:{{end}}", 0, "^User/user-1:User/user-2:Group/g:ServiceAccount/bot:$"),
            new("delete clusterrole NS-cr -n NS", 0, "^clusterrole.rbac.authorization.k8s.io \"NS-cr\" deleted\nWarning: deleting cluster-scoped resources, not scoped to the provided namespace\n$"),
            new("delete clusterrolebinding NS-crb")],
        ["create clusterrole aggregation"] = [new("create clusterrole NS-agg --aggregation-rule=foo1=foo2 -o jsonpath={.aggregationRule}", 0, "^\\{\"clusterRoleSelectors\":\\[\\{\"matchLabels\":\\{\"foo1\":\"foo2\"\\}\\}\\]\\}$"), new("delete clusterrole NS-agg")],
        ["create job"] = [new("create job j --image=busybox:1.36 -n NS", 0, "^job.batch/j created", Extra: ["--", "echo", "hi"])],
        ["create cronjob"] = [new("create cronjob cj --image=busybox:1.36 -n NS", 0, "^cronjob.batch/cj created", Extra: ["--schedule=*/5 * * * *"])],
        ["create job from cronjob"] = [new("create cronjob cj --image=busybox:1.36 -n NS", Extra: ["--schedule=*/5 * * * *"]), new("create job j --from=cronjob/cj -n NS", 0, "^job.batch/j created\n$"),
            new("get job j -n NS -o 'jsonpath={.metadata.annotations.cronjob\\.kubernetes\\.io/instantiate} {.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}'", 0, "^manual CronJob/cj$"),
            new("create job k --from=deployment/nope -n NS", 1, "^Error from server \\(NotFound\\): deployments.apps \"nope\" not found\n$")],
        ["create quota"] = [new("create quota q --hard=pods=2,requests.cpu=1 -n NS", 0, "^resourcequota/q created")],
        ["create quota with scopes"] = [new("create quota q --hard=pods=3 --scopes=BestEffort -n NS -o jsonpath={.spec.scopes}", 0, "^\\[\"BestEffort\"\\]$")],
        ["create pdb"] = [new("create pdb pdb --selector=app=web --min-available=1 -n NS", 0, "^poddisruptionbudget.policy/pdb created")],
        ["create pdb forms"] = [new("create pdb a --selector=app=rails --min-available=50% -n NS -o jsonpath={.spec.minAvailable}", 0, "^50%$"),
            new("create pdb b --selector=app=rails --max-unavailable=2 -n NS -o jsonpath={.spec.maxUnavailable}", 0, "^2$"),
            new("create pdb c --selector=app=rails --min-available=2 --max-unavailable=3 -n NS", 1, "^error: min-available and max-unavailable cannot be both specified\n$")],
        ["create priorityclass"] = [new("create priorityclass NS-pc --value=100 --dry-run=server", 0, "^priorityclass.scheduling.k8s.io/NS-pc created \\(server dry run\\)\n$"),
            new("create priorityclass NS-pc --value=100 --description=checks", 0, "^priorityclass.scheduling.k8s.io/NS-pc created\n$"),
            new("get priorityclass NS-pc", 0, "^NAME +VALUE +GLOBAL-DEFAULT +AGE +PREEMPTIONPOLICY\nNS-pc +100 +false +\\S+ +PreemptLowerPriority\n$"), new("delete priorityclass NS-pc")],
        ["create ingress"] = [new("create ingress ing --rule=foo.example/=web:80 -n NS", 0, "^ingress.networking.k8s.io/ing created")],
        ["create ingress with class and tls"] = [new("create ingress ing --class=nginx --rule=foo.com/bar*=svc:8080,tls=secret1 -n NS"),
            new("get ingress ing -n NS", 0, "^NAME +CLASS +HOSTS +ADDRESS +PORTS +AGE\ning +nginx +foo.com +80, 443 +"),
            new("get ingress ing -n NS -o 'jsonpath={.spec.rules[0].http.paths[0].pathType} {.spec.rules[0].http.paths[0].path} {.spec.tls[0].secretName}'", 0, "^Prefix /bar secret1$")],
        ["run pod"] = [new("run p --image=nginx:1.27 -n NS", 0, "^pod/p created")],
        ["run pod becomes ready"] = [RunPod, PodReady, new("get pod p -n NS", 0, "^NAME +READY +STATUS +RESTARTS +AGE\np +1/1 +Running +0 +")],
        ["run pod pending until scheduled"] = [new("create -f -", 0, "^pod/nowhere created\n$", """{"kind":"Pod","apiVersion":"v1","metadata":{"name":"nowhere","namespace":"NS"},"spec":{"nodeSelector":{"no-such":"node"},"containers":[{"name":"c","image":"nginx"}]}}"""),
            new("get pod nowhere -n NS -o 'jsonpath={.status.phase} {.status.qosClass}'", 0, "^Pending BestEffort$")],
        ["run --dry-run=client -o yaml"] = [new("run p --image=nginx --dry-run=client -o yaml -n NS", 0, "^apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: null\n  labels:\n    run: p\n  name: p\n  namespace: NS\nspec:\n  containers:\n  - image: nginx\n    name: p\n    resources: \\{\\}\n  dnsPolicy: ClusterFirst\n  restartPolicy: Always\nstatus: \\{\\}\n$")],
        ["run flags"] = [new("run p --image=busybox --restart=Never --labels=a=b,c=d --env=X=1 --command -n NS -o 'jsonpath={.metadata.labels} {.spec.restartPolicy} {.spec.containers[0].env[0].name} {.spec.containers[0].command}'", 0, "^\\{\"a\":\"b\",\"c\":\"d\"\\} Never X \\[\"sleep\",\"3600\"\\]$", Extra: ["--", "sleep", "3600"]),
            new("run q --image=nginx --restart=Bogus -n NS", 1, "^error: invalid restart policy: Bogus\n")],
        ["get missing"] = [new("get configmap nope -n NS", 1, "Error from server \\(NotFound\\): configmaps \"nope\" not found")],
        ["get missing with -o json"] = [new("get pods abc -n NS -o json", 1, "^Error from server \\(NotFound\\): pods \"abc\" not found\n$"), new("get pods abc -n NS -o name", 1, "^Error from server \\(NotFound\\): pods \"abc\" not found\n$")],
        ["get unknown type"] = [new("get foobar -n NS", 1, "^error: the server doesn't have a resource type \"foobar\"\n$")],
        ["get empty namespace"] = [new("get pods -n NS", 0, "No resources found in NS namespace.")],
        ["get empty list in other formats"] = [new("get pods -n NS -o json", 0, "^\\{\n    \"apiVersion\": \"v1\",\n    \"items\": \\[\\],\n    \"kind\": \"List\",\n    \"metadata\": \\{\n        \"resourceVersion\": \"\"\n    \\}\n\\}\n$"),
            new("get pods -n NS -o yaml", 0, "^apiVersion: v1\nitems: \\[\\]\nkind: List\nmetadata:\n  resourceVersion: \"\"\n$"),
            new("get pods -n NS -o name", 0, "^$"), new("get pods -n NS -o custom-columns=NAME:.metadata.name", 0, "^NAME\n$"), new("get pods -n NS --ignore-not-found", 0, "^$"), new("get pods -n NS -o wide", 0, "^No resources found in NS namespace.\n$")],
        ["get in a missing namespace"] = [new("get configmaps -n NS-gone", 0, "^No resources found in NS-gone namespace.\n$")],
        ["get deployment table"] = [Deploy, RolledOut, new("get deployment web -n NS", 0, "^NAME +READY +UP-TO-DATE +AVAILABLE +AGE\nweb +2/2 +2 +2 +")],
        ["get deployment wide"] = [Deploy, new("get deployment web -o wide -n NS", 0, "^NAME +READY +UP-TO-DATE +AVAILABLE +AGE +CONTAINERS +IMAGES +SELECTOR\nweb .* nginx +nginx:1.27 +app=web\n$")],
        ["get pods table"] = [Deploy, RolledOut, new("get pods -n NS", 0, "^NAME +READY +STATUS +RESTARTS +AGE\nweb-[a-z0-9]+-[a-z0-9]{5} +1/1 +Running +0 +")],
        ["get -o name"] = [Deploy, new("get deployment -o name -n NS", 0, "^deployment.apps/web\n$")],
        ["get jsonpath"] = [new("create configmap cm --from-literal=a=b -n NS"), new("get configmap cm -n NS -o jsonpath={.data.a}", 0, "^b$")],
        ["get jsonpath range"] = [new("create configmap a -n NS"), new("create configmap b -n NS"),
            new("get configmaps -n NS -o 'jsonpath={range .items[*]}{.metadata.name};{end}'", 0, "^a;b;kube-root-ca.crt;$")],
        ["get go-template and --template"] = [new("create configmap cm -n NS"), new("get configmaps -n NS -o go-template={{range.items}}{{.metadata.name}}:{{end}}", 0, "^cm:kube-root-ca.crt:$"),
            new("get configmap cm -n NS --template={{.metadata.name}}:", 0, "^cm:$")],
        ["get missing template keys"] = [new("create configmap cm -n NS"), new("get configmap cm -n NS -o jsonpath={.missing}", 0, "^$"), new("get configmap cm -n NS -o go-template={{.missing}}", 0, "^<no value>$"),
            new("get configmap cm -n NS -o jsonpath={.missing} --allow-missing-template-keys=false", 1, "^error: error executing jsonpath \"\\{.missing\\}\": Error executing template: missing is not found"),
            new("get configmap cm -n NS -o go-template={{.missing}} --allow-missing-template-keys=false", 1, "map has no entry for key \"missing\"")],
        ["get custom-columns"] = [new("create configmap cm --from-literal=k=v -n NS"), new("get configmap cm -n NS -o custom-columns=NAME:.metadata.name,KEY:.data.k,NONE:.data.none", 0, "^NAME +KEY +NONE\ncm +v +<none>\n$")],
        ["get --show-labels and -L"] = [new("create configmap one -n NS"), new("label configmap one tier=x -n NS"),
            new("get configmap one -n NS --show-labels", 0, "^NAME +DATA +AGE +LABELS\none +0 +\\S+ +tier=x\n$"), new("get configmap one -n NS -L tier -L none", 0, "^NAME +DATA +AGE +TIER +NONE\none +0 +\\S+ +x +\n$")],
        ["get --sort-by"] = [new("create configmap b -n NS"), new("create configmap c -n NS"), new("create configmap a -n NS"),
            new("get configmaps -n NS --sort-by=.metadata.name -o name", 0, "^configmap/a\nconfigmap/b\nconfigmap/c\nconfigmap/kube-root-ca.crt\n$"),
            new("get configmaps -n NS --sort-by={.metadata.name} --no-headers", 0, "^a +0 +\\S+\nb +"), new("get pods -n NS --sort-by=.metadata.name", 0, "^No resources found in NS namespace.\n$")],
        ["get --field-selector"] = [new("create configmap one -n NS"), new("create configmap two -n NS"),
            new("get configmaps -n NS --field-selector metadata.name=two", 0, "^NAME +DATA +AGE\ntwo +0 +\\S+\n$"),
            new("get configmaps -n NS --field-selector metadata.name!=two -o name", 0, "^configmap/kube-root-ca.crt\nconfigmap/one\n$"),
            new("get pods -n NS --field-selector foo=bar", 1, "^Error from server \\(BadRequest\\): Unable to find \"/v1, Resource=pods\" that match label selector \"\", field selector \"foo=bar\": field label not supported: foo\n$")],
        ["get pods by phase"] = [RunPod, PodReady, new("get pods -n NS --field-selector status.phase=Running -o name", 0, "^pod/p\n$"),
            new("get pods -n NS --field-selector status.phase=Pending", 0, "^No resources found in NS namespace.\n$"), new("get pods -n NS --field-selector spec.nodeName=node-1 -o name", 0, "^pod/p\n$")],
        ["get -l"] = [new("create configmap one -n NS"), new("create configmap two -n NS"), new("label configmap one tier=x -n NS"),
            new("get configmaps -n NS -l tier=x --no-headers", 0, "^one +0 +\\S+\n$"), new("get configmaps -n NS -l 'tier in (x,y)' -o name", 0, "^configmap/one\n$"),
            new("get configmaps -n NS -l !tier,kubernetes.io/metadata.name!=x -o name", 0, "^configmap/kube-root-ca.crt\nconfigmap/two\n$"), new("get configmaps -n NS -l tier=nope", 0, "^No resources found in NS namespace.\n$")],
        ["get --chunk-size"] = [new("create configmap a -n NS"), new("create configmap b -n NS"),
            new("get configmaps -n NS --chunk-size=1 -o name", 0, "^configmap/a\nconfigmap/b\nconfigmap/kube-root-ca.crt\n$"), new("get configmaps -n NS --chunk-size=1 --no-headers", 0, "^a +0 +\\S+\nb +0 +\\S+\nkube-root-ca.crt +1 +\\S+\n$")],
        ["get --show-kind and multiple kinds"] = [new("create configmap cm -n NS"),
            new("get configmap cm -n NS --show-kind", 0, "^NAME +DATA +AGE\nconfigmap/cm +0 +"),
            new("get configmap/cm serviceaccount/default -n NS -o name", 0, "^configmap/cm\nserviceaccount/default\n$"),
            new("get configmaps,serviceaccounts -n NS", 0, "^NAME +DATA +AGE\nconfigmap/cm +0 +\\S+\nconfigmap/kube-root-ca.crt +1 +\\S+\n\nNAME +SECRETS +AGE\nserviceaccount/default +0 +\\S+\n$")],
        ["get -A"] = [new("create configmap cm -n NS"), new("get configmaps -A --field-selector metadata.namespace=NS,metadata.name=cm", 0, "^NAMESPACE +NAME +DATA +AGE\nNS +cm +0 +\\S+\n$")],
        ["get -w with a request timeout"] = [new("create configmap cm -n NS"), new("get configmap cm -n NS -w --request-timeout=2s -o name", 0, "^configmap/cm\n$"),
            new("get configmaps -n NS --watch-only --request-timeout=2s", 0, "^$"), new("get configmap/nope -n NS -w --request-timeout=2s", 1, "\"nope\" not found")],
        ["get --request-timeout"] = [new("create configmap cm -n NS"), new("get configmap cm -n NS --request-timeout=5", 0, "^NAME +DATA +AGE\ncm "), new("get configmap cm -n NS --request-timeout=1p", 1, "Invalid timeout value")],
        ["get --subresource"] = [Deploy, new("get deployment web -n NS --subresource=status", 0, "^NAME +READY +UP-TO-DATE +AVAILABLE +AGE\nweb +"),
            new("get deployment web -n NS --subresource=scale -o jsonpath={.spec.replicas}", 0, "^2$"), new("create configmap cm -n NS"), new("get configmap cm -n NS --subresource=status", 1, "the server could not find the requested resource")],
        ["get -f"] = [File("two.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: NS}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: NS}\n"),
            new("create -f DIR/two.yaml"), new("get -f DIR/two.yaml -o jsonpath={..metadata.name}", 0, "^a b$"), new("delete -f DIR/two.yaml", 0, "^configmap \"a\" deleted\nconfigmap \"b\" deleted\n$")],
        ["get managed fields"] = [new("create configmap cm --from-literal=a=b -n NS"), new("label configmap cm a=b -n NS"), new("annotate configmap cm n=1 -n NS"),
            new("get configmap cm -n NS -o jsonpath={.metadata.managedFields[*].manager}", 0, "^kubectl-create kubectl-label kubectl-annotate$"),
            new("get configmap cm -n NS -o yaml", 0, "^(?![\\s\\S]*managedFields)"), new("get configmap cm -n NS -o yaml --show-managed-fields", 0, "managedFields:")],
        ["get all"] = [Deploy, RolledOut, new("get all -n NS", 0, "deployment.apps/web +2/2")],
        ["get namespace"] = [new("get namespace NS", 0, "^NAME +STATUS +AGE\nNS +Active +")],
        ["get raw"] = [new("get --raw /version", 0, "\"minor\": ?\"32\""), new("get --raw /healthz", 0, "^ok$"), new("get --raw /api/v1/namespaces/NS", 0, "\"phase\":\"Active\"")],
        ["create, replace and delete --raw"] = [new("create --raw /api/v1/namespaces/NS/configmaps -f -", 0, "\"uid\":", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"r"}}"""),
            new("replace --raw /api/v1/namespaces/NS/configmaps/r -f -", 0, "\"config1\"", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"r"},"data":{"key1":"config1"}}"""),
            new("delete --raw /api/v1/namespaces/NS/configmaps/r"), new("get configmap r -n NS", 1, "not found")],
        ["describe configmap"] = [new("create configmap cm --from-literal=a=b -n NS"), new("describe configmap cm -n NS", 0, "^Name: +cm\nNamespace: +NS\n(.|\n)*Data\n====\na:\n----\nb")],
        ["describe deployment"] = [Deploy, RolledOut, new("describe deployment web -n NS", 0, "Replicas: +2 desired \\| 2 updated \\| 2 total \\| 2 available \\| 0 unavailable")],
        ["describe deployment without events"] = [Deploy, RolledOut, new("describe deployment web -n NS --show-events=false", 0, "^(?![\\s\\S]*Events:)Name: +web\n")],
        ["describe pod"] = [RunPod, PodReady, new("describe pod p -n NS", 0, "(?ms)\\AName: +p\nNamespace: +NS$.*^Node: +node-1/10\\.0\\.0\\.10$.*^Labels: +app=p$.*^Status: +Running$.*^ +Image: +nginx:1.27$.*^QoS Class: +BestEffort$")],
        ["describe pod environment"] = [new("create secret generic test-secret --from-literal=key-1=value1 -n NS"), new("create configmap test-configmap --from-literal=key-2=value2 -n NS"),
            new("create -f -", 0, null, """{"kind":"Pod","apiVersion":"v1","metadata":{"name":"env-test-pod","namespace":"NS"},"spec":{"containers":[{"name":"c","image":"busybox","env":[{"name":"TEST_CMD_1","valueFrom":{"secretKeyRef":{"name":"test-secret","key":"key-1"}}},{"name":"TEST_CMD_2","valueFrom":{"configMapKeyRef":{"name":"test-configmap","key":"key-2"}}},{"name":"TEST_CMD_3","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]}]}}"""),
            new("describe pod env-test-pod -n NS", 0, "TEST_CMD_1: +<set to the key 'key-1' in secret 'test-secret'> +Optional: false\n +TEST_CMD_2: +<set to the key 'key-2' of config map 'test-configmap'> +Optional: false\n +TEST_CMD_3: +env-test-pod \\(v1:metadata.name\\)\n")],
        ["describe service"] = [Deploy, RolledOut, new("expose deployment web --port=80 -n NS"),
            new("describe service web -n NS", 0, "^Name: +web\nNamespace: +NS\nLabels: +app=web\nAnnotations: +<none>\nSelector: +app=web\nType: +ClusterIP\n(.|\n)*\nPort: +<unset> +80/TCP\nTargetPort: +80/TCP\nEndpoints: +10\\.\\S+:80,10\\.\\S+:80\nSession Affinity: +None\n")],
        ["describe secret and serviceaccount"] = [new("create secret generic s --from-literal=a=bb -n NS"), new("create serviceaccount bot -n NS"),
            new("describe secret s -n NS", 0, "^Name: +s\nNamespace: +NS\n(.|\n)*Type: +Opaque\n\nData\n====\na: +2 bytes\n$"),
            new("describe serviceaccount bot -n NS", 0, "^Name: +bot\nNamespace: +NS\nLabels: +<none>\nAnnotations: +<none>\nImage pull secrets: +<none>\nMountable secrets: +<none>\nTokens: +<none>\nEvents: +<none>\n$")],
        ["describe replicaset"] = [Deploy, RolledOut, new("describe replicasets -n NS", 0, "\nControlled By: +Deployment/web\nReplicas: +2 current / 2 desired\nPods Status: +2 Running / 0 Waiting / 0 Succeeded / 0 Failed\nPod Template:\n")],
        ["describe namespace"] = [new("describe namespace NS", 0, "^Name: +NS\nLabels: +kubernetes.io/metadata.name=NS\nAnnotations: +<none>\nStatus: +Active\n\nNo resource quota.\n\nNo LimitRange resource.\n$")],
        ["describe role and binding"] = [new("create role r --verb=get,list --resource=pods -n NS"), new("create rolebinding rb --role=r --user=alice -n NS"),
            new("describe role r -n NS", 0, "PolicyRule:\n +Resources +Non-Resource URLs +Resource Names +Verbs\n +-+ +-+ +-+ +-+\n +pods +\\[\\] +\\[\\] +\\[get list\\]\n$"),
            new("describe rolebinding rb -n NS", 0, "Role:\n +Kind: +Role\n +Name: +r\nSubjects:\n +Kind +Name +Namespace\n +-+ +-+ +-+\n +User +alice +\n$")],
        ["describe job and cronjob"] = [new("create cronjob cj --image=busybox:1.36 -n NS", Extra: ["--schedule=*/5 * * * *"]), new("create job j --from=cronjob/cj -n NS"),
            new("describe cronjob cj -n NS", 0, "Schedule: +\\*/5 \\* \\* \\* \\*\nConcurrency Policy: +Allow\nSuspend: +False\n"),
            new("describe job j -n NS", 0, "Controlled By: +CronJob/cj\nParallelism: +1\nCompletions: +1\n")],
        ["describe ingress"] = [new("create ingress ing --rule=foo.example/=web:80 -n NS"), new("describe ingress ing -n NS", 0, "Rules:\n +Host +Path +Backends\n +-+ +-+ +-+\n +foo.example +\n +/ +web:80 ")],
        ["describe pdb"] = [new("create pdb pdb --selector=app=web --min-available=1 -n NS"), new("describe pdb pdb -n NS", 0, "Min available: +1\nSelector: +app=web\n")],
        ["describe node"] = [new("describe node node-1", 0, "^Name: +node-1\nRoles: +control-plane\n(.|\n)*\nConditions:\n +Type +Status +LastHeartbeatTime +LastTransitionTime +Reason +Message\n(.|\n)*\n +Ready +True +")],
        ["describe with --chunk-size"] = [new("create configmap a -n NS"), new("create configmap b -n NS"), new("describe configmaps -n NS --chunk-size=1", 0, "^Name: +a\n(.|\n)*\nName: +b\n(.|\n)*\nName: +kube-root-ca.crt\n")],
        ["explain field"] = [new("explain deployment.spec.replicas", 0, "FIELD: replicas <integer>")],
        ["explain --recursive"] = [new("explain deployment.spec.strategy --recursive", 0, "^GROUP: +apps\nKIND: +Deployment\nVERSION: +v1\n\nFIELD: strategy <DeploymentStrategy>\n(.|\n)*FIELDS:\n  rollingUpdate\t<RollingUpdateDeployment>\n    maxSurge\t<IntOrString>\n    maxUnavailable\t<IntOrString>\n  type\t<string>\n")],
        ["explain --api-version"] = [new("explain pods --api-version=v1", 0, "^KIND: +Pod\nVERSION: +v1\n"), new("explain deployments --api-version=apps/v2", 1, "couldn't find resource for \"apps/v2, Resource=deployments\"")],
        ["explain errors"] = [new("explain nosuch", 1, "the server doesn't have a resource type \"nosuch\""), new("explain pods.spec.nosuch", 1, "error: field \"nosuch\" does not exist")],
        ["api-resources"] = [new("api-resources", 0, "\nresourcequotas +quota +v1 +true +ResourceQuota\n")],
        ["api-resources filters"] = [new("api-resources --namespaced=false --api-group=rbac.authorization.k8s.io", 0, "^NAME +SHORTNAMES +APIVERSION +NAMESPACED +KIND\nclusterrolebindings +rbac.authorization.k8s.io/v1 +false +ClusterRoleBinding\nclusterroles +rbac.authorization.k8s.io/v1 +false +ClusterRole\n$"),
            new("api-resources --verbs=list --api-group=batch -o name", 0, "^cronjobs.batch\njobs.batch\n$"),
            new("api-resources --api-group=apps -o wide", 0, "\ndeployments +deploy +apps/v1 +true +Deployment +create,delete,deletecollection,get,list,patch,update,watch +all\n"),
            new("api-resources --api-group=policy --no-headers", 0, "^poddisruptionbudgets +pdb +policy/v1 +true +PodDisruptionBudget\n$")],
        ["api-versions"] = [new("api-versions", 0, "\napps/v1\n")],
        ["config"] = [new("config current-context", 0, "^\\S+\n$"), new("config view --minify -o jsonpath={.contexts[0].context.cluster}", 0, "^\\S+$"), new("config get-contexts", 0, "^CURRENT +NAME +CLUSTER +AUTHINFO +NAMESPACE\n\\* ")],
        ["auth can-i"] = [new("auth can-i create pods -n NS", 0, "^yes\n$")],
        ["auth can-i forms"] = [new("auth can-i '*' '*'", 0, "^yes\n$"), new("auth can-i get pods --subresource=log -n NS", 0, "^yes\n$"), new("auth can-i get /healthz", 0, "^yes\n$"),
            new("auth can-i list pods --as=system:serviceaccount:NS:default -n NS", 1, "^no\n$")],
        ["auth can-i through a role binding"] = [new("create serviceaccount bot -n NS"), new("create role r --verb=get --resource=configmaps -n NS"), new("create rolebinding rb --role=r --serviceaccount=NS:bot -n NS"),
            new("auth can-i get configmaps --as=system:serviceaccount:NS:bot -n NS", 0, "^yes\n$"), new("auth can-i delete configmaps --as=system:serviceaccount:NS:bot -n NS", 1, "^no\n$"),
            new("auth can-i --list --as=system:serviceaccount:NS:bot -n NS", 0, "\nconfigmaps +\\[\\] +\\[\\] +\\[get\\]\n")],
        ["auth reconcile"] = [new("auth reconcile -f -", 0, "^role.rbac.authorization.k8s.io/r reconciled\n\treconciliation required create\n\tmissing rules added:\n\t\t\\{Verbs:\\[get\\] APIGroups:\\[\\] Resources:\\[pods\\] ResourceNames:\\[\\] NonResourceURLs:\\[\\]\\}\n",
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: NS}\nrules: [{apiGroups: [\"\"], resources: [pods], verbs: [get]}]\n"),
            new("get role r -n NS -o jsonpath={.rules[0].verbs}", 0, "^\\[\"get\"\\]$")],
        ["auth whoami"] = [new("auth whoami", 0, "Username +kubernetes-admin")],
        ["forbidden"] = [new("get pods --as=system:serviceaccount:NS:default -n NS", 1, "^Error from server \\(Forbidden\\): pods is forbidden: User \"system:serviceaccount:NS:default\" cannot list resource \"pods\" in API group \"\" in the namespace \"NS\"\n$"),
            new("get nodes --as=system:serviceaccount:NS:default", 1, "^Error from server \\(Forbidden\\): nodes is forbidden: User \"system:serviceaccount:NS:default\" cannot list resource \"nodes\" in API group \"\" at the cluster scope\n$")],
        ["top without metrics"] = [new("top pods -n NS", 1, "error: Metrics API not available"), new("top nodes", 1, "^error: Metrics API not available\n$")],
        ["certificate approve"] = [new("create -f -", 0, "^certificatesigningrequest.certificates.k8s.io/NS-csr created\n$", Csr()),
            new("get csr NS-csr -o go-template={{range.status.conditions}}{{.type}}{{end}}:", 0, "^:$"),
            new("get csr NS-csr", 0, "^NAME +AGE +SIGNERNAME +REQUESTOR +REQUESTEDDURATION +CONDITION\nNS-csr +\\S+ +kubernetes.io/kube-apiserver-client +kubernetes-admin +<none> +Pending\n$"),
            new("certificate approve NS-csr", 0, "^certificatesigningrequest.certificates.k8s.io/NS-csr approved\n$"),
            new("get csr NS-csr -o go-template={{range.status.conditions}}{{.type}}{{end}}", 0, "^Approved$"),
            new("describe csr NS-csr", 0, "Requesting User: +kubernetes-admin\nSigner: +kubernetes.io/kube-apiserver-client\n"),
            new("certificate deny NS-csr", 1, "^error: certificate signing request \"NS-csr\" is already Approved\n$"), new("delete csr NS-csr")],
        ["certificate deny"] = [File("csr.yaml", Csr()), new("create -f DIR/csr.yaml"), new("certificate deny -f DIR/csr.yaml", 0, "^certificatesigningrequest.certificates.k8s.io/NS-csr denied\n$"),
            new("get csr NS-csr -o go-template={{range.status.conditions}}{{.type}}{{end}}", 0, "^Denied$"), new("get csr NS-csr", 0, "\nNS-csr +.* +Denied\n$"),
            new("certificate approve NS-csr", 1, "^error: certificate signing request \"NS-csr\" is already Denied\n$"), new("delete -f DIR/csr.yaml", 0, "^certificatesigningrequest.certificates.k8s.io \"NS-csr\" deleted\n$")],
        ["certificate approve missing"] = [new("certificate approve NS-nope", 1, "^Error from server \\(NotFound\\): certificatesigningrequests.certificates.k8s.io \"NS-nope\" not found\n$")],
    };

    public static TheoryData<string> Names => new(Checks.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public Task EverydayCommandsAnswerAsOnARealCluster(string check) => RunCheck(Checks, check);
}

/// <summary>Changing objects: edit, replace, apply, diff, patch, label, annotate and the set commands.</summary>
public sealed class KubectlCheckSetChangeTests(FakeClusterFixture f) : KubectlCheckSet(f), IClassFixture<FakeClusterFixture>
{
    private static readonly Dictionary<string, Step[]> Checks = new(StringComparer.Ordinal)
    {
        ["edit"] = [new("create configmap e --from-literal=k=v1val -n NS"), new("edit configmap e -n NS", 0, "^configmap/e edited\n$", Editor: "sed -i s/v1val/v2val/"),
            new("get configmap e -n NS -o 'jsonpath={.data.k} {.metadata.managedFields[*].manager}'", 0, "^v2val kubectl-edit$")],
        ["edit without a change"] = [new("create configmap e -n NS"), new("edit configmap e -n NS", 0, "^Edit cancelled, no changes made.\n$", Editor: "true")],
        ["edit --output-patch"] = [new("create configmap e --from-literal=k=one -n NS"), new("edit configmap e -n NS --output-patch=true", 0, "^Patch: \\{\"data\":\\{\"k\":\"two\"\\}\\}\nconfigmap/e edited\n$", Editor: "sed -i s/one/two/")],
        ["edit --save-config"] = [new("create configmap e --from-literal=k=one -n NS"), new("edit configmap e -n NS --save-config", 0, "^configmap/e edited\n$", Editor: "sed -i s/one/two/"),
            new("apply view-last-applied configmap e -n NS", 0, "\n  k: two\n")],
        ["edit a list"] = [new("create configmap a --from-literal=k=one -n NS"), new("create configmap b --from-literal=k=one -n NS"),
            new("edit configmaps a b -n NS", 0, "^configmap/a edited\nconfigmap/b edited\n$", Editor: "sed -i s/one/two/"), new("get configmaps a b -n NS -o jsonpath={.items[*].data.k}", 0, "^two two$")],
        ["replace"] = [new("create -f -", 0, null, Cm.Replace("VALUE", "a")), new("replace -f -", 0, "^configmap/x replaced\n$", Cm.Replace("VALUE", "b")),
            new("get configmap x -n NS -o 'jsonpath={.data.k} {.metadata.managedFields[*].manager}'", 0, "^b kubectl-replace$")],
        ["replace with a stale resource version"] = [new("create -f -", 0, null, Cm.Replace("VALUE", "a")),
            new("replace -f -", 1, "^Error from server \\(Conflict\\): error when replacing \"STDIN\": Operation cannot be fulfilled on configmaps \"x\": the object has been modified; please apply your changes to the latest version and try again\n$", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: NS, resourceVersion: \"1\"}\ndata: {k: b}\n")],
        ["replace with resource version 0"] = [new("create -f -", 0, null, Cm.Replace("VALUE", "a")),
            new("replace -f -", 0, "^configmap/x replaced\n$", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: NS, resourceVersion: \"0\", annotations: {a: b}}\ndata: {k: b}\n"),
            new("get configmap x -n NS -o jsonpath={.metadata.annotations.a}", 0, "^b$")],
        ["replace missing"] = [new("replace -f -", 1, "^Error from server \\(NotFound\\): error when replacing \"STDIN\": configmaps \"x\" not found\n$", Cm.Replace("VALUE", "a"))],
        ["replace --force"] = [new("create -f -", 0, null, Cm.Replace("VALUE", "a")), new("replace --force -f -", 0, "^configmap \"x\" deleted\nconfigmap/x replaced\n$", Cm.Replace("VALUE", "b")),
            new("get configmap x -n NS -o jsonpath={.data.k}", 0, "^b$")],
        ["replace flags that need --force"] = [new("create -f -", 0, null, Cm.Replace("VALUE", "a")),
            new("replace --grace-period=1 -f -", 1, "^error: --grace-period must have --force specified\n$", Cm.Replace("VALUE", "a")),
            new("replace --timeout=1s -f -", 1, "^error: --timeout must have --force specified\n$", Cm.Replace("VALUE", "a"))],
        ["replace --dry-run=server"] = [new("create -f -", 0, null, Cm.Replace("VALUE", "a")), new("replace --dry-run=server -f -", 0, "^configmap/x replaced \\(server dry run\\)\n$", Cm.Replace("VALUE", "b")),
            new("get configmap x -n NS -o jsonpath={.data.k}", 0, "^a$")],
        ["replace --save-config"] = [new("create -f -", 0, null, Cm.Replace("VALUE", "a")), new("replace --save-config -f -", 0, "^configmap/x replaced\n$", Cm.Replace("VALUE", "b")),
            new("apply view-last-applied configmap x -n NS", 0, "\n  k: b\n")],
        ["replace a pod's container name"] = [RunPod, new("replace -f -", 1, "^The Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers\\[\\*\\].image`",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: NS, labels: {app: p}}\nspec: {containers: [{name: other, image: nginx:1.27}]}\n")],
        ["replace --force a pod"] = [RunPod, new("replace --force -f -", 0, "^pod \"p\" deleted\npod/p replaced\n$", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: NS, labels: {app: p}}\nspec: {containers: [{name: other, image: nginx:1.27}]}\n"),
            new("get pod p -n NS -o jsonpath={.spec.containers[0].name}", 0, "^other$")],
        ["apply client-side"] = [new("apply -f -", 0, "^configmap/x created", Cm.Replace("VALUE", "a")), new("apply -f -", 0, "^configmap/x unchanged", Cm.Replace("VALUE", "a")), new("apply -f -", 0, "^configmap/x configured", Cm.Replace("VALUE", "b"))],
        ["apply removes what the manifest drops"] = [new("apply -f -", 0, null, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: NS, labels: {l1: a}}\ndata: {a: \"1\", b: \"2\"}\n"),
            new("label configmap x -n NS mine=yes"),
            new("apply -f -", 0, "^configmap/x configured\n$", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: NS, labels: {l2: b}}\ndata: {a: \"1\"}\n"),
            new("get configmap x -n NS -o 'jsonpath={.data} {.metadata.labels}'", 0, "^\\{\"a\":\"1\"\\} \\{\"l2\":\"b\",\"mine\":\"yes\"\\}$")],
        ["apply --dry-run"] = [new("apply -f - --dry-run=client", 0, "^configmap/x created \\(dry run\\)\n$", Cm.Replace("VALUE", "a")), new("apply -f - --dry-run=server", 0, "^configmap/x created \\(server dry run\\)\n$", Cm.Replace("VALUE", "a")),
            new("get configmap x -n NS", 1, "not found"), new("apply -f -", 0, null, Cm.Replace("VALUE", "a")),
            new("apply -f - --dry-run=server", 0, "^configmap/x configured \\(server dry run\\)\n$", Cm.Replace("VALUE", "b")), new("get configmap x -n NS -o jsonpath={.data.k}", 0, "^a$")],
        ["apply --prune"] = [File("two.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: NS, labels: {grp: NS}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: NS, labels: {grp: NS}}\n"),
            File("one.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: NS, labels: {grp: NS}}\n"),
            new("apply -f DIR/two.yaml", 0, "^configmap/a created\nconfigmap/b created\n$"),
            new("apply -f DIR/one.yaml --prune -l grp=NS --dry-run=server", 0, "configmap/a unchanged \\(server dry run\\)\n(.|\n)*configmap/b pruned \\(server dry run\\)\n"),
            new("get configmap b -n NS -o name", 0, "^configmap/b\n$"),
            new("apply -f DIR/one.yaml --prune -l grp=NS", 0, "configmap/a unchanged\n(.|\n)*configmap/b pruned\n"), new("get configmaps -n NS -l grp=NS -o name", 0, "^configmap/a\n$")],
        ["apply last-applied"] = [new("apply -f -", 0, null, Cm.Replace("VALUE", "a")),
            new("apply view-last-applied configmap x -n NS", 0, "^apiVersion: v1\ndata:\n  k: a\nkind: ConfigMap\nmetadata:\n  annotations: \\{\\}\n  name: x\n  namespace: NS\n$"),
            new("apply view-last-applied configmap x -n NS -o json", 0, "^\\{\n  \"apiVersion\": \"v1\",\n  \"data\": \\{\n    \"k\": \"a\"\n  \\},"),
            new("apply set-last-applied -f -", 0, "^configmap/x configured\n$", Cm.Replace("VALUE", "b")), new("apply view-last-applied configmap x -n NS", 0, "\n  k: b\n"),
            File("ed.sh", "sed -i 's/k: b/k: c/' \"$1\"\n"), new("apply edit-last-applied configmap x -n NS", 0, "^configmap/x edited\n$", Editor: "sh DIR/ed.sh"), new("apply view-last-applied configmap x -n NS", 0, "\n  k: c\n")],
        ["apply set-last-applied without an annotation"] = [new("create configmap x -n NS"),
            new("apply set-last-applied -f -", 1, "^error: no last-applied-configuration annotation found on resource: x, to create the annotation, run the command with --create-annotation\n$", Cm.Replace("VALUE", "a")),
            new("apply set-last-applied -f - --create-annotation", 0, "^configmap/x configured\n$", Cm.Replace("VALUE", "a")), new("get configmap x -n NS -o jsonpath={.data}", 0, "^$")],
        ["apply with a stale resource version"] = [new("apply -f -", 0, null, Cm.Replace("VALUE", "a")),
            new("apply -f -", 1, "^Error from server \\(Conflict\\): error when applying patch:\n(.|\n)*Operation cannot be fulfilled on configmaps \"x\": the object has been modified; please apply your changes to the latest version and try again\n$",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: NS, resourceVersion: \"1\"}\ndata: {k: b}\n")],
        ["apply server-side"] = [new("apply --server-side -f -", 0, "^configmap/x serverside-applied", Cm.Replace("VALUE", "a"))],
        ["apply server-side conflict"] = [new("apply --server-side --field-manager=alice -f -", 0, "^configmap/x serverside-applied\n$", Cm.Replace("VALUE", "one")),
            new("apply --server-side --field-manager=bob -f -", 1, "^error: Apply failed with 1 conflict: conflict with \"alice\": .data.k\nPlease review the fields above--they currently have other managers.", Cm.Replace("VALUE", "two")),
            new("apply --server-side --field-manager=bob --force-conflicts -f -", 0, "^configmap/x serverside-applied\n$", Cm.Replace("VALUE", "two")),
            new("get configmap x -n NS -o 'jsonpath={.data.k} {.metadata.managedFields[*].manager}'", 0, "^two bob$")],
        ["apply server-side shared field"] = [new("apply --server-side --field-manager=alice -f -", 0, null, Cm.Replace("VALUE", "one")),
            new("apply --server-side --field-manager=bob -f -", 0, "^configmap/x serverside-applied\n$", Cm.Replace("VALUE", "one")),
            new("get configmap x -n NS -o jsonpath={.metadata.managedFields[*].manager}", 0, "^alice bob$")],
        ["apply server-side --dry-run"] = [new("apply --server-side --dry-run=server -f -", 0, "^configmap/x serverside-applied \\(server dry run\\)\n$", Cm.Replace("VALUE", "a")), new("get configmap x -n NS", 1, "not found")],
        ["apply server-side over kubectl create"] = [new("create configmap x --from-literal=k=a -n NS"),
            new("apply --server-side -f -", 1, "conflict with \"kubectl-create\" using v1: .data.k", Cm.Replace("VALUE", "b"))],
        ["diff"] = [new("apply -f -", 0, null, Cm.Replace("VALUE", "a")), new("diff -f -", 0, "^$", Cm.Replace("VALUE", "a")), new("diff -f -", 1, "-  k: a\n\\+  k: b", Cm.Replace("VALUE", "b"))],
        ["diff a new object"] = [new("diff -f -", 1, "\n\\+apiVersion: v1\n\\+data:\n\\+  k: a\n\\+kind: ConfigMap\n", Cm.Replace("VALUE", "a")), new("get configmap x -n NS", 1, "not found")],
        ["diff --server-side"] = [new("apply --server-side -f -", 0, null, Cm.Replace("VALUE", "a")), new("diff --server-side -f -", 1, "-  k: a\n\\+  k: b", Cm.Replace("VALUE", "b")), new("diff --server-side -f -", 0, "^$", Cm.Replace("VALUE", "a"))],
        ["patch"] = [new("create configmap cm -n NS"), new("patch configmap cm -n NS", 0, "^configmap/cm patched\n$", Extra: ["-p", "{\"data\":{\"c\":\"d\"}}"]),
            new("patch configmap cm -n NS", 0, "^configmap/cm patched \\(no change\\)", Extra: ["-p", "{\"data\":{\"c\":\"d\"}}"])],
        ["patch types"] = [RunPod, new("patch pod p -n NS -p '{\"spec\":{\"containers\":[{\"name\":\"p\",\"image\":\"nginx:1.28\"}]}}'", 0, "^pod/p patched\n$"),
            new("patch pod p -n NS --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/containers/0/image\",\"value\":\"nginx:1.29\"}]'", 0, "^pod/p patched\n$"),
            new("patch pod p -n NS --type=merge -p '{\"metadata\":{\"labels\":{\"m\":\"1\"}}}'", 0, "^pod/p patched\n$"),
            new("patch pod p -n NS", 0, "^pod/p patched\n$", Extra: ["-p", "metadata:\n  annotations:\n    note: \"2\"\n"]),
            new("get pod p -n NS -o 'jsonpath={.spec.containers[*].image} {.metadata.labels.m} {.metadata.annotations.note} {.metadata.managedFields[*].manager}'", 0, "^nginx:1.29 1 2 kubectl-run .*kubectl-patch")],
        ["patch errors"] = [new("create configmap cm -n NS"),
            new("patch configmap cm -n NS --type=bogus -p {}", 1, "^error: --type must be one of \\[json merge strategic\\], not \"bogus\"\n"),
            new("patch configmap cm -n NS -p '{\"metadata\":{\"labels\":\"invalid\"}}'", 1, "^The request is invalid: patch: Invalid value: \"map\\[metadata:map\\[labels:invalid\\]\\]\": cannot restore map from string\n$"),
            new("patch configmap cm -n NS -p '{\"metadata\":{\"resourceVersion\":\"1\"},\"data\":{\"a\":\"b\"}}'", 1, "^Error from server \\(Conflict\\): Operation cannot be fulfilled on configmaps \"cm\": the object has been modified; please apply your changes to the latest version and try again\n$"),
            new("patch configmap nope -n NS -p {}", 1, "^Error from server \\(NotFound\\): configmaps \"nope\" not found\n$")],
        ["patch --local and --dry-run"] = [File("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: NS}\nspec: {containers: [{name: c, image: nginx}]}\n"),
            new("patch --local -f DIR/pod.yaml -p '{\"spec\":{\"restartPolicy\":\"Never\"}}' -o yaml", 0, "\n  restartPolicy: Never\n"),
            new("create configmap cm -n NS"), new("patch configmap cm -n NS --dry-run=server -p '{\"data\":{\"q\":\"1\"}}' -o jsonpath={.data.q}", 0, "^1$"),
            new("get configmap cm -n NS -o jsonpath={.data}", 0, "^$")],
        ["patch --subresource=scale"] = [Deploy, new("patch deployment web -n NS --subresource=scale --type=merge -p '{\"spec\":{\"replicas\":3}}'", 0, "^scale.autoscaling/web patched\n$"),
            new("get deployment web -n NS -o jsonpath={.spec.replicas}", 0, "^3$")],
        ["patch an immutable configmap"] = [new("create -f -", 0, null, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: im, namespace: NS}\nimmutable: true\ndata: {a: b}\n"),
            new("patch configmap im -n NS -p '{\"data\":{\"a\":\"c\"}}'", 1, "^The ConfigMap \"im\" is invalid: data: Forbidden: field is immutable when `immutable` is set\n$")],
        ["label"] = [new("create configmap cm -n NS"), new("label configmap cm env=prod -n NS", 0, "^configmap/cm labeled"),
            new("label configmap cm env=dev -n NS", 1, "'env' already has a value \\(prod\\), and --overwrite is false"),
            new("label configmap cm env=dev --overwrite -n NS", 0, "^configmap/cm labeled"), new("label configmap cm env- -n NS", 0, "^configmap/cm unlabeled")],
        ["label --all, -l and --list"] = [new("create configmap a -n NS"), new("create configmap b -n NS"),
            new("label configmaps --all x=1 -n NS", 0, "^configmap/a labeled\nconfigmap/b labeled\nconfigmap/kube-root-ca.crt labeled\n$"),
            new("label configmaps -l x=1 --overwrite x=2 -n NS", 0, "^configmap/a labeled\nconfigmap/b labeled\nconfigmap/kube-root-ca.crt labeled\n$"),
            new("label configmap a --list -n NS", 0, "^x=2\n$"), new("label configmap a y=3 -n NS"),
            new("label configmap a y=3 -n NS", 0, "^configmap/a not labeled\n$")],
        ["label errors"] = [new("create configmap a -n NS"),
            new("label configmap a 'bad key!=1' -n NS", 1, "^The ConfigMap \"a\" is invalid: metadata.labels: Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character \\(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '\\(\\[A-Za-z0-9\\]\\[-A-Za-z0-9_.\\]\\*\\)\\?\\[A-Za-z0-9\\]'\\)\n$"),
            new("label configmap a 'k=bad value' -n NS", 1, "^error: invalid label value: \"k=bad value\": a valid label must be an empty string or consist of alphanumeric characters"),
            new("label configmap a y=1 --resource-version=1 -n NS", 1, "^Error from server \\(Conflict\\): Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to the latest version and try again\n$")],
        ["label --dry-run and --local"] = [new("create configmap a -n NS"), new("label configmap a x=1 --dry-run=client -n NS", 0, "^configmap/a labeled \\(dry run\\)\n$"),
            new("label configmap a x=1 --dry-run=server -n NS", 0, "^configmap/a labeled \\(server dry run\\)\n$"), new("get configmap a -n NS -o jsonpath={.metadata.labels}", 0, "^$"),
            new("label --local -f - x=1 -o jsonpath={.metadata.labels.x}", 0, "^1$", Cm.Replace("VALUE", "a")), new("label configmap a empty= -n NS"), new("get configmap a -n NS -o go-template={{.metadata.labels.empty}}|", 0, "^\\|$")],
        ["annotate"] = [new("create configmap cm -n NS"), new("annotate configmap cm note=x -n NS", 0, "^configmap/cm annotated")],
        ["annotate rules"] = [new("create configmap a -n NS"), new("create configmap b -n NS"), new("annotate configmaps --all n=1 -n NS", 0, "^configmap/a annotated\nconfigmap/b annotated\nconfigmap/kube-root-ca.crt annotated\n$"),
            new("annotate configmap a n=2 -n NS", 1, "^error: --overwrite is false but found the following declared annotation\\(s\\): 'n' already has a value \\(1\\)\n$"),
            new("annotate configmap a n=2 --overwrite -n NS"), new("annotate configmap a --list -n NS", 0, "^n=2\n$"),
            new("annotate configmap a m=1 --resource-version=1 -n NS", 1, "Operation cannot be fulfilled on configmaps \"a\""), new("annotate configmap a n- -n NS", 0, "^configmap/a annotated\n$"),
            new("annotate configmap a empty= -n NS"), new("get configmap a -n NS -o go-template={{.metadata.annotations.empty}}|{{.metadata.annotations.n}}", 0, "^\\|<no value>$")],
        ["set image"] = [Deploy, new("set image deployment/web nosuch=nginx -n NS", 1, "^error: unable to find container named \"nosuch\"\n$"),
            new("set image deployment/web '*=nginx:1.28' -n NS", 0, "^deployment.apps/web image updated\n$"),
            new("get deployment web -n NS -o 'jsonpath={.spec.template.spec.containers[0].image} {.metadata.generation}'", 0, "^nginx:1.28 2$")],
        ["set env"] = [Deploy, new("create configmap cfg --from-literal=mode=fast -n NS"), new("set env deployment/web FOO=bar -n NS", 0, "^deployment.apps/web env updated\n$"),
            new("set env deployment/web --from=configmap/cfg --prefix=CFG_ -n NS", 0, "^deployment.apps/web env updated\nWarning: key mode transferred to MODE\n$"),
            new("set env deployment/web --list -n NS", 0, "^# Deployment web, container nginx\nFOO=bar\n# CFG_MODE from configmap cfg, key mode\n$"),
            new("set env deployment/web FOO- -n NS", 0, "^deployment.apps/web env updated\n$"), new("get deployment web -n NS -o jsonpath={.spec.template.spec.containers[0].env[*].name}", 0, "^CFG_MODE$")],
        ["set resources"] = [Deploy, new("set resources deployment web --limits=cpu=200m,memory=512Mi --requests=cpu=100m -n NS", 0, "^deployment.apps/web resource requirements updated\n$"),
            new("get deployment web -n NS -o jsonpath={.spec.template.spec.containers[0].resources}", 0, "^\\{\"limits\":\\{\"cpu\":\"200m\",\"memory\":\"512Mi\"\\},\"requests\":\\{\"cpu\":\"100m\"\\}\\}$")],
        ["set serviceaccount"] = [Deploy, new("set serviceaccount deployment web bot -n NS", 0, "^deployment.apps/web serviceaccount updated\n$"),
            new("get deployment web -n NS -o jsonpath={.spec.template.spec.serviceAccountName}", 0, "^bot$")],
        ["set selector"] = [new("create service clusterip sel --tcp=80 -n NS"), new("set selector service sel app=web,tier=front -n NS", 0, "^service/sel selector updated\n$"),
            new("get service sel -n NS -o jsonpath={.spec.selector}", 0, "^\\{\"app\":\"web\",\"tier\":\"front\"\\}$"),
            new("set selector service sel app=other --resource-version=1 -n NS", 1, "^Error from server \\(Conflict\\): Operation cannot be fulfilled on services \"sel\""),
            new("set selector service sel app=other --dry-run=server -o jsonpath={.spec.selector} -n NS", 0, "^\\{\"app\":\"other\"\\}$"), new("get service sel -n NS -o jsonpath={.spec.selector.app}", 0, "^web$")],
        ["set subject"] = [new("create rolebinding rb --clusterrole=view --user=u -n NS"), new("set subject rolebinding rb --user=v --group=g --serviceaccount=NS:bot -n NS", 0, "^rolebinding.rbac.authorization.k8s.io/rb subjects updated\n$"),
            new("get rolebinding rb -n NS -o go-template={{range.subjects}}{{.kind}}/{{.name}}:{{end}}", 0, "^User/u:User/v:Group/g:ServiceAccount/bot:$"),
            new("create rolebinding two --role=local --group=the-group -n NS"), new("set subject rolebinding --all --user=everyone -n NS", 0, "^rolebinding.rbac.authorization.k8s.io/rb subjects updated\nrolebinding.rbac.authorization.k8s.io/two subjects updated\n$"),
            new("get rolebinding two -n NS -o go-template={{.roleRef.kind}}:{{range.subjects}}{{.name}}:{{end}}", 0, "^Role:the-group:everyone:$")],
    };

    public static TheoryData<string> Names => new(Checks.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public Task EverydayChangesAnswerAsOnARealCluster(string check) => RunCheck(Checks, check);
}

/// <summary>Running workloads: scale, rollout, autoscale, expose, delete, wait, nodes (taint, cordon, drain) and events.</summary>
public sealed class KubectlCheckSetWorkloadTests(FakeClusterFixture f) : KubectlCheckSet(f), IClassFixture<FakeClusterFixture>
{
    private const string DaemonSet = """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: bind, namespace: NS}
        spec:
          selector: {matchLabels: {app: bind}}
          template:
            metadata: {labels: {app: bind}}
            spec: {nodeSelector: {kubernetes.io/hostname: node-1}, containers: [{name: app, image: registry.example/pause:2.0}]}
        """;

    private const string StatefulSet = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db, namespace: NS}
        spec:
          replicas: 2
          serviceName: db
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec: {containers: [{name: db, image: registry.example/db:1}]}
        """;

    private const string Rc = """
        apiVersion: v1
        kind: ReplicationController
        metadata: {name: frontend, namespace: NS}
        spec:
          replicas: 3
          selector: {app: frontend}
          template:
            metadata: {labels: {app: frontend}}
            spec: {containers: [{name: php, image: registry.example/frontend:1, ports: [{containerPort: 80}]}]}
        """;

    private static readonly Dictionary<string, Step[]> Checks = new(StringComparer.Ordinal)
    {
        ["scale"] = [Deploy, new("scale deployment web --replicas=3 -n NS", 0, "^deployment.apps/web scaled"), new("scale deployment nope --replicas=1 -n NS", 1, "^error: no objects passed to scale deployments.apps \"nope\" not found")],
        ["scale precondition"] = [Deploy, new("scale deployment web --current-replicas=5 --replicas=1 -n NS", 1, "Expected replicas to be 5, was 2")],
        ["scale preconditions"] = [Deploy, new("scale deployment web --current-replicas=2 --replicas=1 -n NS", 0, "^deployment.apps/web scaled\n$"),
            new("scale deployment web --replicas=3 --resource-version=1 -n NS", 1, "^error: Expected resource version to be 1, was \\d+\n$"),
            new("get deployment web -n NS -o jsonpath={.spec.replicas}", 0, "^1$"), new("scale deployment web --replicas=-1 -n NS", 1, "--replicas=COUNT")],
        ["scale a replication controller"] = [new("create -f -", 0, "^replicationcontroller/frontend created\n$", Rc),
            new("scale --current-replicas=3 --replicas=2 replicationcontrollers frontend -n NS", 0, "^replicationcontroller/frontend scaled\n$"),
            new("scale --current-replicas=3 --replicas=2 replicationcontrollers frontend -n NS", 1, "Expected replicas to be 3, was 2"),
            new("get rc frontend -n NS -o jsonpath={.spec.replicas}", 0, "^2$"),
            new("describe rc frontend -n NS", 0, "^Name: +frontend\nNamespace: +NS\nSelector: +app=frontend\nLabels: +app=frontend\nAnnotations: +<none>\nReplicas: +2 current / 2 desired\nPods Status: +")],
        ["scale several"] = [new("create deployment a --image=nginx -n NS"), new("create deployment b --image=nginx -n NS"), new("scale deployment/a deployment/b --replicas=2 -n NS", 0, "^deployment.apps/a scaled\ndeployment.apps/b scaled\n$"),
            new("get deployments -n NS -o jsonpath={.items[*].spec.replicas}", 0, "^2 2$")],
        ["set image and rollout"] = [Deploy, RolledOut, new("set image deployment/web nginx=nginx:1.28 -n NS", 0, "^deployment.apps/web image updated"), RolledOut,
            new("rollout history deployment/web -n NS", 0, "REVISION +CHANGE-CAUSE\n1 +<none>\n2 +<none>"), new("rollout undo deployment/web -n NS", 0, "^deployment.apps/web rolled back")],
        ["rollout history and undo"] = [Deploy, RolledOut, new("set image deployment/web nginx=nginx:1.28 -n NS"), RolledOut,
            new("rollout history deployment/web -n NS --revision=1", 0, "^deployment.apps/web with revision #1\nPod Template:\n  Labels:\tapp=web\n\tpod-template-hash=\\S+\n  Containers:\n   nginx:\n    Image:\tnginx:1.27\n"),
            new("rollout undo deployment/web --to-revision=1000 -n NS", 1, "^error: unable to find specified revision 1000 in history\n$"),
            new("rollout undo deployment/web --dry-run=server -n NS", 0, "^deployment.apps/web rolled back \\(server dry run\\)\n$"),
            new("get deployment web -n NS -o jsonpath={.spec.template.spec.containers[0].image}", 0, "^nginx:1.28$"),
            new("rollout undo deployment/web --to-revision=1 -n NS", 0, "^deployment.apps/web rolled back\n$"), RolledOut,
            new("get deployment web -n NS -o 'jsonpath={.spec.template.spec.containers[0].image} {.metadata.annotations.deployment\\.kubernetes\\.io/revision}'", 0, "^nginx:1.27 3$"),
            new("rollout history deployment/web -n NS", 0, "^deployment.apps/web \nREVISION +CHANGE-CAUSE\n2 +<none>\n3 +<none>\n\n$")],
        ["rollout pause and resume"] = [Deploy, RolledOut, new("rollout pause deployment/web -n NS", 0, "^deployment.apps/web paused\n$"),
            new("rollout pause deployment/web -n NS", 1, "^error: deployments.apps \"web\" is already paused\n$"),
            new("set image deployment/web nginx=nginx:1.28 -n NS"), new("get replicasets -n NS -o name", 0, "^replicaset.apps/web-\\S+\n$"),
            new("rollout resume deployment/web -n NS", 0, "^deployment.apps/web resumed\n$"),
            new("rollout resume deployment/web -n NS", 1, "^error: deployments.apps \"web\" is not paused\n$"), RolledOut, new("get replicasets -n NS -o name", 0, "^replicaset.apps/web-\\S+\nreplicaset.apps/web-\\S+\n$")],
        ["rollout restart"] = [Deploy, new("rollout restart deployment/web -n NS", 0, "^deployment.apps/web restarted")],
        ["rollout restart changes the template"] = [Deploy, RolledOut, new("rollout restart deployment/web -n NS"), RolledOut,
            new("get deployment web -n NS -o 'jsonpath={.metadata.generation} {.spec.template.metadata.annotations}'", 0, "^2 \\{\"kubectl.kubernetes.io/restartedAt\":\"[0-9TZ:-]+\"\\}$")],
        ["rollout status timeout"] = [new("create deployment web --image=nginx:0-broken -n NS"),
            new("rollout status deployment/web -n NS --timeout=2s", 1, "Waiting for deployment \"web\" rollout to finish: 0 of 1 updated replicas are available...\n(.|\n)*error: timed out waiting for the condition\n$")],
        ["daemonset generations"] = [new("apply -f -", 0, "^daemonset.apps/bind created\n$", DaemonSet), new("apply -f -", 0, "^daemonset.apps/bind unchanged\n$", DaemonSet),
            new("set image daemonsets/bind '*=registry.example/pause:test-cmd' -n NS"), new("set env daemonsets/bind foo=bar -n NS"),
            new("set resources daemonsets/bind --limits=cpu=200m,memory=512Mi -n NS"), new("rollout restart daemonset/bind -n NS"),
            new("get daemonset bind -n NS -o jsonpath={.metadata.generation}", 0, "^5$"),
            new("rollout status daemonset/bind -n NS --timeout=60s", 0, "daemon set \"bind\" successfully rolled out\n$"),
            new("get daemonset bind -n NS", 0, "^NAME +DESIRED +CURRENT +READY +UP-TO-DATE +AVAILABLE +NODE SELECTOR +AGE\nbind +1 +1 +1 +1 +1 +kubernetes.io/hostname=node-1 +")],
        ["statefulset"] = [new("apply -f -", 0, "^statefulset.apps/db created\n$", StatefulSet),
            new("rollout status statefulset/db -n NS --timeout=60s", 0, "partitioned roll out complete: 2 new pods have been updated...\n$"),
            new("get statefulset db -n NS", 0, "^NAME +READY +AGE\ndb +2/2 +"), new("get pods -n NS -o name", 0, "^pod/db-0\npod/db-1\n$"),
            new("scale statefulset db --replicas=1 -n NS", 0, "^statefulset.apps/db scaled\n$")],
        ["job runs to completion"] = [new("create job j --image=busybox:1.36 -n NS", Extra: ["--", "echo", "hi"]),
            new("wait --for=condition=complete job/j --timeout=60s -n NS", 0, "^job.batch/j condition met\n$"),
            new("get job j -n NS", 0, "^NAME +STATUS +COMPLETIONS +DURATION +AGE\nj +Complete +1/1 +")],
        ["cronjob suspend"] = [new("create cronjob cj --image=busybox:1.36 -n NS", Extra: ["--schedule=*/5 * * * *"]),
            new("patch cronjob cj -n NS -p '{\"spec\":{\"suspend\":true}}'", 0, "^cronjob.batch/cj patched\n$"),
            new("get cronjob cj -n NS", 0, "^NAME +SCHEDULE +TIMEZONE +SUSPEND +ACTIVE +LAST SCHEDULE +AGE\ncj +\\*/5 \\* \\* \\* \\* +<none> +True +0 +<none> +")],
        ["expose deployment"] = [Deploy, new("expose deployment web --port=80 --target-port=8080 -n NS", 0, "^service/web exposed")],
        ["expose forms"] = [new("create deployment web --image=nginx:1.27 --port=80 -n NS"),
            new("expose deployment web -n NS", 0, "^service/web exposed\n$"),
            new("get service web -n NS -o 'jsonpath={.spec.ports[0].port} {.spec.ports[0].name} {.spec.selector}'", 0, "^80  \\{\"app\":\"web\"\\}$"),
            new("expose service web --port=443 --name=web2 -n NS", 0, "^service/web2 exposed\n$"), new("get service web2 -n NS -o jsonpath={.spec.ports[0].port}", 0, "^443$"),
            new("expose service web --name=web3 -n NS"), new("get service web3 -n NS -o jsonpath={.spec.ports[0].port}", 0, "^80$"),
            new("expose deployment web --port=81 --name=web4 --type=NodePort --protocol=UDP -n NS", Extra: ["--overrides={\"metadata\":{\"annotations\":{\"zone-context\":\"work\"}}}"]),
            new("get service web4 -n NS -o 'jsonpath={.spec.type} {.spec.ports[0].protocol} {.metadata.annotations}'", 0, "^NodePort UDP \\{\"zone-context\":\"work\"\\}$")],
        ["expose errors"] = [new("create configmap cm -n NS"), new("expose configmap cm -n NS", 1, "^error: cannot expose a ConfigMap\n$"), new("expose node node-1", 1, "^error: cannot expose a Node\n$"),
            new("create deployment web --image=nginx -n NS"), new("expose deployment web --port=1 --name=Bad_Name -n NS", 1, "^The Service \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character")],
        ["expose a pod with a long name"] = [new("create -f -", 0, null, """{"kind":"Pod","apiVersion":"v1","metadata":{"name":"kubernetes-serve-hostname-testing-sixty-three-characters-in-length","namespace":"NS","labels":{"name":"long"}},"spec":{"containers":[{"name":"c","image":"nginx","ports":[{"containerPort":9376}]}]}}"""),
            new("expose pod kubernetes-serve-hostname-testing-sixty-three-characters-in-length --port=8081 -n NS", 0, "^service/kubernetes-serve-hostname-testing-sixty-three-characters-in-len exposed\n$")],
        ["expose a multi-port pod"] = [new("create -f -", 0, null, """{"kind":"Pod","apiVersion":"v1","metadata":{"name":"etcd","namespace":"NS","labels":{"test":"etcd"}},"spec":{"containers":[{"name":"c","image":"etcd","ports":[{"containerPort":2380},{"containerPort":2379}]}]}}"""),
            new("expose pod etcd --selector=test=etcd -n NS", 0, "^service/etcd exposed\n$"),
            new("get service etcd -n NS -o 'jsonpath={.spec.ports[0].name} {.spec.ports[0].port} {.spec.ports[1].name} {.spec.ports[1].port}'", 0, "^port-1 2380 port-2 2379$")],
        ["run --expose"] = [new("run web --image=nginx --port=80 --expose -n NS", 0, "^service/web created\npod/web created\n$"),
            new("get service web -n NS -o 'jsonpath={.spec.ports[0].port} {.spec.selector}'", 0, "^80 \\{\"run\":\"web\"\\}$"), new("wait --for=condition=Ready pod/web --timeout=60s -n NS"),
            new("get endpoints web -n NS", 0, "^NAME +ENDPOINTS +AGE\nweb +10\\.\\S+:80 +")],
        ["delete"] = [new("create configmap cm -n NS"), new("delete configmap cm -n NS", 0, "^configmap \"cm\" deleted"), new("delete configmap cm -n NS", 1, "Error from server \\(NotFound\\): configmaps \"cm\" not found")],
        ["delete --ignore-not-found"] = [new("delete configmap cm --ignore-not-found -n NS", 0, "^$")],
        ["delete guards"] = [new("create configmap cm -n NS"), new("delete configmaps -n NS", 1, "^error: resource\\(s\\) were provided, but no name was specified\n$"),
            new("delete --all configmaps -l a=b -n NS", 1, "^error: setting 'all' parameter but found a non empty selector. \n$"),
            new("delete configmap cm --cascade=bogus -n NS", 1, "^error: invalid cascade value \\(bogus\\). Must be \"background\", \"foreground\", or \"orphan\"\n$"),
            new("delete configmaps nope1 nope2 -n NS", 1, "^Error from server \\(NotFound\\): configmaps \"nope1\" not found\nError from server \\(NotFound\\): configmaps \"nope2\" not found\n$"),
            new("get configmap cm -n NS -o name", 0, "^configmap/cm\n$")],
        ["delete --all, -l and --dry-run"] = [new("create configmap a -n NS"), new("create configmap b -n NS"), new("label configmap a del=yes -n NS"),
            new("delete configmaps --all --dry-run=server -n NS", 0, "^configmap \"a\" deleted \\(server dry run\\)\nconfigmap \"b\" deleted \\(server dry run\\)\nconfigmap \"kube-root-ca.crt\" deleted \\(server dry run\\)\n$"),
            new("delete configmaps -l del=no -n NS", 0, "^No resources found\n$"), new("delete configmaps -l del=yes -n NS", 0, "^configmap \"a\" deleted\n$"),
            new("get configmaps -n NS -o name", 0, "^configmap/b\nconfigmap/kube-root-ca.crt\n$")],
        ["delete across namespaces"] = [new("create namespace NS-b"), new("create configmap one -n NS"), new("create configmap two -n NS-b"),
            new("label configmap one deletetest=NS -n NS"), new("label configmap two deletetest=NS -n NS-b"),
            new("delete configmap -l deletetest=NS --all-namespaces", 0, "^configmap \"one\" deleted\nconfigmap \"two\" deleted\n$"),
            new("get configmaps -A -l deletetest=NS", 0, "^No resources found\n$"), new("delete namespace NS-b", 0, "^namespace \"NS-b\" deleted\n$")],
        ["delete pods"] = [RunPod, new("delete pod p --grace-period=0 --force -n NS", 0, "^pod \"p\" force deleted\nWarning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n$"),
            RunPod, new("delete pod p --now -n NS", 0, "^pod \"p\" deleted\n$"), RunPod, new("delete pods -l app=p -n NS", 0, "^pod \"p\" deleted\n$"), new("get pods -n NS", 0, "^No resources found in NS namespace.\n$")],
        ["delete --cascade=orphan"] = [Deploy, RolledOut, new("delete deployment web --cascade=orphan -n NS", 0, "^deployment.apps \"web\" deleted\n$"),
            new("get replicasets -n NS -o 'jsonpath={.items[0].spec.replicas}:{.items[0].metadata.ownerReferences}'", 0, "^2:$"), new("get pods -n NS -o name", 0, "^pod/web-\\S+\npod/web-\\S+\n$")],
        ["delete --cascade=foreground"] = [Deploy, RolledOut, new("delete deployment web --cascade=foreground -n NS", 0, "^deployment.apps \"web\" deleted\n$"),
            new("get deployments,replicasets -n NS", 0, "^No resources found in NS namespace.\n$")],
        ["delete with a finalizer"] = [new("create -f -", 0, null, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: NS, finalizers: [example.com/hold]}\n"),
            new("delete configmap held --wait=false -n NS", 0, "^configmap \"held\" deleted\n$"),
            new("wait --for=delete configmap/held --timeout=1s -n NS", 1, "^error: timed out waiting for the condition on configmaps/held\n$"),
            new("get configmap held -n NS -o 'jsonpath={.metadata.deletionGracePeriodSeconds} {.metadata.finalizers}'", 0, "^0 \\[\"example.com/hold\"\\]$"),
            new("patch configmap held -n NS --type=merge -p '{\"metadata\":{\"finalizers\":null}}'", 0, "^configmap/held patched\n$"),
            new("get configmap held -n NS", 1, "not found")],
        ["wait"] = [Deploy, new("wait --for=condition=available deployment/web --timeout=60s -n NS", 0, "^deployment.apps/web condition met")],
        ["wait for jsonpath"] = [new("create deployment t1 --image=busybox -n NS"), new("create deployment t2 --image=busybox -n NS"),
            new("wait --for=jsonpath={.status.readyReplicas}=1 deployment/t1 --timeout=60s -n NS", 0, "^deployment.apps/t1 condition met\n$"),
            new("wait --for=jsonpath={.status.replicas} deployment/t2 --timeout=60s -n NS", 0, "^deployment.apps/t2 condition met\n$"),
            new("wait --for=jsonpath={.status.readyReplicas}=5 deployment/t1 --timeout=1s -n NS", 1, "^error: timed out waiting for the condition on deployments/t1\n$"),
            new("wait --for=condition=Ready pod -l app=t1 --timeout=60s -n NS", 0, "^pod/t1-\\S+ condition met\n$"),
            new("wait --for=condition=InvalidCondition pod -l app=t1 --timeout=1s -n NS", 1, "^error: timed out waiting for the condition on pods/t1-\\S+\n$")],
        ["wait for deletion"] = [new("create deployment a --image=busybox -n NS"), new("create deployment b --image=busybox -n NS"),
            new("wait --for=condition=available deployments --all --timeout=60s -n NS", 0, "^deployment.apps/a condition met\ndeployment.apps/b condition met\n$"),
            new("delete deployments --all --wait=false -n NS"), new("wait --for=delete deployment/a --timeout=10s -n NS", 0, "^$"),
            new("wait --for=condition=available deployment/nope --timeout=1s -n NS", 1, "^Error from server \\(NotFound\\): deployments.apps \"nope\" not found\n$"),
            new("wait --for=condition=available deployments --all --timeout=1s -n NS", 1, "^error: no matching resources found\n$")],
        ["autoscale"] = [Deploy, new("autoscale deployment web --min=1 --max=3 --cpu-percent=50 -n NS", 0, "^horizontalpodautoscaler.autoscaling/web autoscaled"),
            new("get hpa web -n NS", 0, "^NAME +REFERENCE +TARGETS +MINPODS +MAXPODS +REPLICAS +AGE\nweb +Deployment/web +cpu: <unknown>/50% +1 +3 +"),
            new("get horizontalpodautoscalers.v1.autoscaling web -n NS -o jsonpath={.spec.targetCPUUtilizationPercentage}", 0, "^50$"),
            new("get horizontalpodautoscalers.v2.autoscaling web -n NS -o jsonpath={.spec.metrics[0].resource.target.averageUtilization}", 0, "^50$")],
        ["autoscale errors"] = [Deploy, new("autoscale deployment web --min=1 -n NS", 1, "required flag\\(s\\) \\\\\"max\\\\\" not set"), new("autoscale deployment nope --max=3 -n NS", 1, "^Error from server \\(NotFound\\): deployments.apps \"nope\" not found\n$")],
        ["taint"] = [CreateNode, new("taint node NS-n dedicated=foo:PreferNoSchedule --dry-run=server", 0, "^node/NS-n tainted\n$"),
            new("get node NS-n -o jsonpath={.spec.taints}", 0, "^$"),
            new("taint node NS-n dedicated=foo:PreferNoSchedule", 0, "^node/NS-n tainted\n$"),
            new("taint node NS-n dedicated=foo:PreferNoSchedule", 1, "^error: node NS-n already has dedicated taint\\(s\\) with same effect\\(s\\) and --overwrite is false\n$"),
            new("taint node NS-n dedicated:NoSchedule", 0, "^node/NS-n tainted\n$"),
            new("get node NS-n -o go-template={{range.spec.taints}}{{.key}}={{.value}}:{{.effect}},{{end}}", 0, "^dedicated=<no value>:NoSchedule,dedicated=foo:PreferNoSchedule,$"),
            new("get node NS-n -o jsonpath={.metadata.managedFields[*].manager}", 0, "kubectl-taint"),
            new("taint node NS-n dedicated-", 0, "^node/NS-n untainted\n$"), new("taint node NS-n dedicated-", 1, "^error: taint \"dedicated\" not found\n$"),
            new("taint node NS-n a=b:Bogus", 1, "invalid taint effect: Bogus, unsupported taint effect"), DeleteNode],
        ["cordon and uncordon"] = [CreateNode, new("cordon NS-n --dry-run=server", 0, "^node/NS-n cordoned \\(server dry run\\)\n$"),
            new("get node NS-n -o go-template={{.spec.unschedulable}}", 0, "^<no value>$"),
            new("cordon NS-n", 0, "^node/NS-n cordoned\n$"), new("cordon NS-n", 0, "^node/NS-n already cordoned\n$"),
            new("get node NS-n", 0, "^NAME +STATUS +ROLES +AGE +VERSION\nNS-n +Unknown,SchedulingDisabled +<none> +\\S+ +\n$"),
            new("uncordon NS-n", 0, "^node/NS-n uncordoned\n$"), new("uncordon NS-n --dry-run=client", 0, "^node/NS-n already uncordoned \\(dry run\\)\n$"),
            new("cordon", 1, "^error: USAGE: cordon NODE \\[flags\\]\n"), new("cordon --selector=", 1, "must provide one or more resources"),
            new("cordon --selector check=NS", 0, "^node/NS-n cordoned\n$"), new("get node NS-n -o go-template={{.spec.unschedulable}}", 0, "^true$"), DeleteNode],
        ["drain"] = [CreateNode, new("create -f -", 0, "^pod/tp1 created\n$", PodOn("tp1", "NS-n", """{"e":"f"}""")), new("create -f -", 0, "^pod/tp2 created\n$", PodOn("tp2", "NS-n", """{"c":"d"}""")),
            new("get pods -n NS", 0, "^NAME +READY +STATUS +RESTARTS +AGE\ntp1 +0/1 +Pending +0 +\\S+\ntp2 +0/1 +Pending +0 +\\S+\n$"),
            new("drain NS-n --selector check=NS", 1, "^error: cannot specify both a node name and a --selector option\n"),
            new("drain NS-n --timeout=5s", 1, "cannot delete Pods that declare no controller \\(use --force to override\\): NS/tp1, NS/tp2"),
            new("uncordon NS-n"),
            new("drain NS-n --force --pod-selector 'e in (f)' --dry-run=server", 0, "evicting pod NS/tp1 \\(server dry run\\)\n"),
            new("get pods -n NS -o name", 0, "^pod/tp1\npod/tp2\n$"),
            new("drain NS-n --force --pod-selector 'e in (f)' --grace-period=0 --timeout=30s", 0, "^node/NS-n cordoned\n(.|\n)*evicting pod NS/tp1\n(.|\n)*pod/tp1 evicted\nnode/NS-n drained\n"),
            new("get pods -n NS -o name", 0, "^pod/tp2\n$"), new("get pod tp2 -n NS -o go-template={{.metadata.deletionTimestamp}}", 0, "^<no value>$"),
            new("delete pods --all --force --grace-period=0 -n NS"), DeleteNode],
        ["events"] = [Deploy, RolledOut, new("events -n NS", 0, "^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE\n(.|\n)*Normal +ScalingReplicaSet +Deployment/web +Scaled up replica set web-\\S+ from 0 to 2\n"),
            new("events -n NS --for=deployment/web", 0, "^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE\n\\S+ +Normal +ScalingReplicaSet +Deployment/web +Scaled up replica set web-\\S+ from 0 to 2\n$"),
            new("events -n NS --types=Warning", 0, "^No events found in NS namespace.\n$")],
    };

    public static TheoryData<string> Names => new(Checks.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public Task EverydayWorkloadCommandsAnswerAsOnARealCluster(string check) => RunCheck(Checks, check);
}
