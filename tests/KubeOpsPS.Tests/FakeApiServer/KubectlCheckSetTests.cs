using System.Text.RegularExpressions;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>
/// Our own set of everyday kubectl checks: each is a few commands an admin types, with the exit code and output a
/// real v1.32 cluster gives (learned from upstream kubectl's printers and command tests and the API server's
/// messages). Each check runs in its own namespace. Commands that need a kubelet (logs, exec, port-forward, attach,
/// cp) are not in the set; `kubectl top` is, since without a metrics server a real cluster answers exactly as the fake.
/// </summary>
public sealed class KubectlCheckSetTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly FakeClusterFixture _f;
    private readonly KubectlRunner _kubectl;

    public KubectlCheckSetTests(FakeClusterFixture f)
    {
        _f = f;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    /// <summary>One command: its arguments (split on spaces; NS is the check's namespace), stdin, exit code and a pattern its output must match.</summary>
    private sealed record Step(string Args, int Exit = 0, string? Output = null, string Stdin = "", string[]? Extra = null);

    private const string Cm = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: x, namespace: NS}
        data: {k: VALUE}
        """;

    private static readonly Step Deploy = new("create deployment web --image=nginx:1.27 --replicas=2 -n NS", 0, "^deployment.apps/web created");
    private static readonly Step RolledOut = new("rollout status deployment/web -n NS --timeout=60s", 0, "deployment \"web\" successfully rolled out");

    private static readonly Dictionary<string, Step[]> Checks = new(StringComparer.Ordinal)
    {
        ["create configmap"] = [new("create configmap cm --from-literal=a=b -n NS", 0, "^configmap/cm created\n$")],
        ["create configmap twice"] = [new("create configmap cm -n NS"), new("create configmap cm -n NS", 1, "^error: failed to create configmap: configmaps \"cm\" already exists\n$")],
        ["create secret generic"] = [new("create secret generic s --from-literal=password=x -n NS", 0, "^secret/s created")],
        ["create secret docker-registry"] = [new("create secret docker-registry reg --docker-server=r.example --docker-username=u --docker-password=p -n NS", 0, "^secret/reg created")],
        ["create deployment"] = [Deploy],
        ["create deployment bad name"] = [new("create deployment Web --image=nginx -n NS", 1, "^error: failed to create deployment: Deployment.apps \"Web\" is invalid: metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters")],
        ["create service clusterip"] = [new("create service clusterip web --tcp=80:8080 -n NS", 0, "^service/web created")],
        ["create service nodeport"] = [new("create service nodeport np --tcp=80:8080 -n NS", 0, "^service/np created")],
        ["create serviceaccount"] = [new("create serviceaccount bot -n NS", 0, "^serviceaccount/bot created")],
        ["create token"] = [new("create serviceaccount bot -n NS"), new("create token bot -n NS", 0, "^eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")],
        ["create role and rolebinding"] = [new("create role r --verb=get,list --resource=pods -n NS", 0, "^role.rbac.authorization.k8s.io/r created"), new("create rolebinding rb --role=r --serviceaccount=NS:default -n NS", 0, "^rolebinding.rbac.authorization.k8s.io/rb created")],
        ["create job"] = [new("create job j --image=busybox:1.36 -n NS", 0, "^job.batch/j created", Extra: ["--", "echo", "hi"])],
        ["create cronjob"] = [new("create cronjob cj --image=busybox:1.36 -n NS", 0, "^cronjob.batch/cj created", Extra: ["--schedule=*/5 * * * *"])],
        ["create quota"] = [new("create quota q --hard=pods=2,requests.cpu=1 -n NS", 0, "^resourcequota/q created")],
        ["create pdb"] = [new("create pdb pdb --selector=app=web --min-available=1 -n NS", 0, "^poddisruptionbudget.policy/pdb created")],
        ["create ingress"] = [new("create ingress ing --rule=foo.example/=web:80 -n NS", 0, "^ingress.networking.k8s.io/ing created")],
        ["run pod"] = [new("run p --image=nginx:1.27 -n NS", 0, "^pod/p created")],
        ["expose deployment"] = [Deploy, new("expose deployment web --port=80 --target-port=8080 -n NS", 0, "^service/web exposed")],
        ["get missing"] = [new("get configmap nope -n NS", 1, "Error from server \\(NotFound\\): configmaps \"nope\" not found")],
        ["get empty namespace"] = [new("get pods -n NS", 0, "No resources found in NS namespace.")],
        ["get deployment table"] = [Deploy, RolledOut, new("get deployment web -n NS", 0, "^NAME +READY +UP-TO-DATE +AVAILABLE +AGE\nweb +2/2 +2 +2 +")],
        ["get deployment wide"] = [Deploy, new("get deployment web -o wide -n NS", 0, "^NAME +READY +UP-TO-DATE +AVAILABLE +AGE +CONTAINERS +IMAGES +SELECTOR\nweb .* nginx +nginx:1.27 +app=web\n$")],
        ["get pods table"] = [Deploy, RolledOut, new("get pods -n NS", 0, "^NAME +READY +STATUS +RESTARTS +AGE\nweb-[a-z0-9]+-[a-z0-9]{5} +1/1 +Running +0 +")],
        ["get -o name"] = [Deploy, new("get deployment -o name -n NS", 0, "^deployment.apps/web\n$")],
        ["get jsonpath"] = [new("create configmap cm --from-literal=a=b -n NS"), new("get configmap cm -n NS -o jsonpath={.data.a}", 0, "^b$")],
        ["get all"] = [Deploy, RolledOut, new("get all -n NS", 0, "deployment.apps/web +2/2")],
        ["get namespace"] = [new("get namespace NS", 0, "^NAME +STATUS +AGE\nNS +Active +")],
        ["get raw version"] = [new("get --raw /version", 0, "\"minor\": ?\"32\"")],
        ["describe configmap"] = [new("create configmap cm --from-literal=a=b -n NS"), new("describe configmap cm -n NS", 0, "^Name: +cm\nNamespace: +NS\n(.|\n)*Data\n====\na:\n----\nb")],
        ["describe deployment"] = [Deploy, RolledOut, new("describe deployment web -n NS", 0, "Replicas: +2 desired \\| 2 updated \\| 2 total \\| 2 available \\| 0 unavailable")],
        ["explain field"] = [new("explain deployment.spec.replicas", 0, "FIELD: replicas <integer>")],
        ["api-resources"] = [new("api-resources", 0, "\nresourcequotas +quota +v1 +true +ResourceQuota\n")],
        ["api-versions"] = [new("api-versions", 0, "\napps/v1\n")],
        ["label"] = [new("create configmap cm -n NS"), new("label configmap cm env=prod -n NS", 0, "^configmap/cm labeled"),
            new("label configmap cm env=dev -n NS", 1, "'env' already has a value \\(prod\\), and --overwrite is false"),
            new("label configmap cm env=dev --overwrite -n NS", 0, "^configmap/cm labeled"), new("label configmap cm env- -n NS", 0, "^configmap/cm unlabeled")],
        ["annotate"] = [new("create configmap cm -n NS"), new("annotate configmap cm note=x -n NS", 0, "^configmap/cm annotated")],
        ["patch"] = [new("create configmap cm -n NS"), new("patch configmap cm -n NS", 0, "^configmap/cm patched\n$", Extra: ["-p", "{\"data\":{\"c\":\"d\"}}"]),
            new("patch configmap cm -n NS", 0, "^configmap/cm patched \\(no change\\)", Extra: ["-p", "{\"data\":{\"c\":\"d\"}}"])],
        ["apply client-side"] = [new("apply -f -", 0, "^configmap/x created", Cm.Replace("VALUE", "a")), new("apply -f -", 0, "^configmap/x unchanged", Cm.Replace("VALUE", "a")), new("apply -f -", 0, "^configmap/x configured", Cm.Replace("VALUE", "b"))],
        ["apply server-side"] = [new("apply --server-side -f -", 0, "^configmap/x serverside-applied", Cm.Replace("VALUE", "a"))],
        ["diff"] = [new("apply -f -", 0, null, Cm.Replace("VALUE", "a")), new("diff -f -", 0, "^$", Cm.Replace("VALUE", "a")), new("diff -f -", 1, "-  k: a\n\\+  k: b", Cm.Replace("VALUE", "b"))],
        ["scale"] = [Deploy, new("scale deployment web --replicas=3 -n NS", 0, "^deployment.apps/web scaled"), new("scale deployment nope --replicas=1 -n NS", 1, "^error: no objects passed to scale deployments.apps \"nope\" not found")],
        ["scale precondition"] = [Deploy, new("scale deployment web --current-replicas=5 --replicas=1 -n NS", 1, "Expected replicas to be 5, was 2")],
        ["set image and rollout"] = [Deploy, RolledOut, new("set image deployment/web nginx=nginx:1.28 -n NS", 0, "^deployment.apps/web image updated"), RolledOut,
            new("rollout history deployment/web -n NS", 0, "REVISION +CHANGE-CAUSE\n1 +<none>\n2 +<none>"), new("rollout undo deployment/web -n NS", 0, "^deployment.apps/web rolled back")],
        ["rollout restart"] = [Deploy, new("rollout restart deployment/web -n NS", 0, "^deployment.apps/web restarted")],
        ["wait"] = [Deploy, new("wait --for=condition=available deployment/web --timeout=60s -n NS", 0, "^deployment.apps/web condition met")],
        ["delete"] = [new("create configmap cm -n NS"), new("delete configmap cm -n NS", 0, "^configmap \"cm\" deleted"), new("delete configmap cm -n NS", 1, "Error from server \\(NotFound\\): configmaps \"cm\" not found")],
        ["delete --ignore-not-found"] = [new("delete configmap cm --ignore-not-found -n NS", 0, "^$")],
        ["auth can-i"] = [new("auth can-i create pods -n NS", 0, "^yes\n$")],
        ["auth whoami"] = [new("auth whoami", 0, "Username +kubernetes-admin")],
        ["top without metrics"] = [new("top pods -n NS", 1, "error: Metrics API not available")],
    };

    public static TheoryData<string> Names => new(Checks.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task EverydayCommandsAnswerAsOnARealCluster(string check)
    {
        var ns = await _f.Http.Ns("check");
        foreach (var step in Checks[check])
        {
            string[] args = [.. step.Args.Replace("NS", ns).Split(' '), .. step.Extra ?? []];
            var r = await _kubectl.In(step.Stdin.Replace("NS", ns), args);
            var output = r.Out + r.Err;
            Assert.True(r.Exit == step.Exit, $"kubectl {string.Join(' ', args)}: exit {r.Exit}, expected {step.Exit}\n{output}");
            if (step.Output is { } pattern)
                Assert.True(Regex.IsMatch(output, pattern.Replace("NS", ns), RegexOptions.None, TimeSpan.FromSeconds(5)), $"kubectl {string.Join(' ', args)}: output does not match {pattern}\n{output}");
        }
    }
}
