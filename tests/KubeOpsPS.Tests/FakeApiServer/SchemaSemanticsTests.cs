using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>
/// The fake's list semantics, decoding errors and unknown-field handling follow the OpenAPI schemas it serves
/// (contract S-2, P-4, V-11), checked with the real kubectl as the client.
/// </summary>
public sealed class SchemaSemanticsTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public SchemaSemanticsTests(FakeClusterFixture f)
    {
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    private async Task Apply(string manager, string yaml, params string[] extra)
    {
        var r = await _kubectl.In(yaml, ["apply", "--server-side", "--field-manager", manager, .. extra, "-f", "-"]);
        Assert.True(r.Exit == 0, r.ToString());
    }

    private static string Names(Reply r, string list, string key = "name") =>
        string.Join(",", r.Node(list)!.AsArray().Select(i => i![key]!.ToJsonString().Trim('"')));

    private const string ByA = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: NS}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: c
                image: nginx:1.27
                args: [a, b]
                env: [{name: A, value: "1"}]
                ports: [{containerPort: 80}]
        """;

    /// <summary>A partial configuration of deployment web: container c with the given fields (indented as its own), and anything after.</summary>
    private static string ContainerC(string ns, string fields) => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: {{ns}}}
        spec:
          template:
            spec:
              containers:
              - name: c

        """ + string.Join("\n", fields.Split('\n').Select(l => l.Length == 0 ? l : "    " + l));

    [Fact]
    public async Task TwoAppliersMergeContainersEnvAndPortsByTheirKeys()
    {
        var ns = await _h.Ns("lists");
        await Apply("a", ByA.Replace("NS", ns));
        await Apply("b", ContainerC(ns, """
                env: [{name: B, value: "2"}]
                ports: [{containerPort: 8080}, {containerPort: 53, protocol: UDP}]
              - name: sidecar
                image: busybox:1.36
            """));
        var live = await _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/web");
        Assert.Equal("c,sidecar", Names(live, "spec.template.spec.containers"));
        Assert.Equal("A,B", Names(live, "spec.template.spec.containers.0.env"));
        // containerPort+protocol is the key; a port without protocol is keyed with the schema's default TCP.
        Assert.Equal("80,8080,53", Names(live, "spec.template.spec.containers.0.ports", "containerPort"));
        Assert.Equal("nginx:1.27", live.Str("spec.template.spec.containers.0.image"));
        var b = live.Node("metadata.managedFields")!.AsArray().Single(m => m!["manager"]!.GetValue<string>() == "b")!["fieldsV1"]!["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!["k:{\"name\":\"c\"}"]!.AsObject();
        Assert.NotNull(b["f:ports"]!["k:{\"containerPort\":8080,\"protocol\":\"TCP\"}"]);
        Assert.NotNull(b["f:env"]!["k:{\"name\":\"B\"}"]);
        // Manager a dropping its env item removes only that item; b's stays.
        await Apply("a", ByA.Replace("NS", ns).Replace("""env: [{name: A, value: "1"}]""", "env: []"));
        live = await _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/web");
        Assert.Equal("B", Names(live, "spec.template.spec.containers.0.env"));
    }

    [Fact]
    public async Task AnAtomicListConflictsAndIsReplacedWhole()
    {
        var ns = await _h.Ns("atomic");
        await Apply("a", ByA.Replace("NS", ns));
        var other = ContainerC(ns, "    args: [z]\n");
        var conflict = await _kubectl.In(other, "apply", "--server-side", "--field-manager", "b", "-f", "-");
        Assert.Equal(1, conflict.Exit);
        Assert.Contains("conflict with \"a\": .spec.template.spec.containers[name=\"c\"].args", conflict.Err);
        await Apply("b", other, "--force-conflicts");
        var live = await _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/web");
        Assert.Equal("[\"z\"]", live.Node("spec.template.spec.containers.0.args")!.ToJsonString());
    }

    [Fact]
    public async Task ASetListIsTheUnionOfItsAppliersWithoutDuplicates()
    {
        var ns = await _h.Ns("set");
        string Cm(string finalizers) => $$"""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cm, namespace: {{ns}}, finalizers: [{{finalizers}}]}
            """;
        await Apply("a", Cm("example.com/a"));
        await Apply("b", Cm("example.com/a, example.com/b"));
        var path = $"/api/v1/namespaces/{ns}/configmaps/cm";
        Assert.Equal("[\"example.com/a\",\"example.com/b\"]", (await _h.Get(path)).Node("metadata.finalizers")!.ToJsonString());
        // Both own example.com/a: a dropping it keeps it for b.
        await Apply("a", Cm(""));
        Assert.Equal("[\"example.com/a\",\"example.com/b\"]", (await _h.Get(path)).Node("metadata.finalizers")!.ToJsonString());
        var clear = await _kubectl.Run("patch", "-n", ns, "configmap", "cm", "--type", "merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
        Assert.True(clear.Exit == 0, clear.ToString());
    }

    [Fact]
    public async Task StrategicMergeFollowsThePatchStrategiesOfTheSchema()
    {
        var ns = await _h.Ns("smp");
        await Apply("a", ByA.Replace("NS", ns));
        var patch = """
            {"metadata":{"finalizers":["example.com/x"]},
             "spec":{"template":{"spec":{"containers":[{"name":"c","args":["z"],"env":[{"name":"B","value":"2"}]}]}}}}
            """;
        var r = await _kubectl.Run("patch", "-n", ns, "deployment", "web", "-p", patch);
        Assert.True(r.Exit == 0, r.ToString());
        var live = await _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/web");
        Assert.Equal("A,B", Names(live, "spec.template.spec.containers.0.env"));
        Assert.Equal("[\"z\"]", live.Node("spec.template.spec.containers.0.args")!.ToJsonString());
        Assert.Equal("[\"example.com/x\"]", live.Node("metadata.finalizers")!.ToJsonString());
        r = await _kubectl.Run("patch", "-n", ns, "deployment", "web", "-p", "{\"metadata\":{\"finalizers\":[\"example.com/y\"]}}");
        Assert.True(r.Exit == 0, r.ToString());
        Assert.Equal("[\"example.com/x\",\"example.com/y\"]", (await _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/web")).Node("metadata.finalizers")!.ToJsonString());
        r = await _kubectl.Run("patch", "-n", ns, "deployment", "web", "--type", "merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
        Assert.True(r.Exit == 0, r.ToString());
    }

    private static string Deployment(string ns, string replicas, string env = "\"1\"", string extra = "") => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: typed, namespace: {{{ns}}}}
        spec:
          replicas: {{{replicas}}}
          selector: {matchLabels: {app: typed}}
          template:
            metadata: {labels: {app: typed}}
            spec:
              containers:
              - name: c
                image: nginx:1.27
                env: [{name: A, value: {{{env}}}}]{{{extra}}}
        """;

    [Fact]
    public async Task AValueOfTheWrongTypeIsTheDecodersError()
    {
        var ns = await _h.Ns("types");
        var r = await _kubectl.In(Deployment(ns, "two"), "apply", "-f", "-");
        Assert.Equal(1, r.Exit);
        Assert.Contains("Error from server (BadRequest): error when creating \"STDIN\": Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32", r.Err);
        r = await _kubectl.In(Deployment(ns, "1", env: "1"), "apply", "-f", "-");
        Assert.Equal(1, r.Exit);
        Assert.Contains("json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string", r.Err);
        r = await _kubectl.In(Deployment(ns, "1.5"), "create", "-f", "-");
        Assert.Equal(1, r.Exit);
        Assert.Contains("json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32", r.Err);
        var post = await _h.Post($"/api/v1/namespaces/{ns}/configmaps", J("""{"metadata":{"name":"m","labels":["x"]}}"""));
        IsStatus(post, 400, "BadRequest", "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string");
        Assert.Equal(404, (await _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/typed")).Code);
    }

    [Fact]
    public async Task AWrongTypeNamesTheNamedGoTypeTheFieldIsDeclaredWith()
    {
        var ns = await _h.Ns("casts");
        var r = await _kubectl.In(Deployment(ns, "1", extra: "\n        ports: [{containerPort: 80, protocol: 6}]"), "apply", "-f", "-");
        Assert.Equal(1, r.Exit);
        Assert.Contains("json: cannot unmarshal number into Go struct field ContainerPort.spec.template.spec.containers.ports.protocol of type v1.Protocol", r.Err);
        r = await _kubectl.In(Deployment(ns, "1", extra: "\n        imagePullPolicy: true"), "apply", "-f", "-");
        Assert.Contains("json: cannot unmarshal bool into Go struct field Container.spec.template.spec.containers.imagePullPolicy of type v1.PullPolicy", r.Err);
        r = await _kubectl.In(Deployment(ns, "1", extra: "\n        resources: {limits: 1}"), "apply", "-f", "-");
        Assert.Contains("json: cannot unmarshal number into Go struct field ResourceRequirements.spec.template.spec.containers.resources.limits of type v1.ResourceList", r.Err);
        r = await _kubectl.In(Deployment(ns, "1").Replace("      containers:", "      restartPolicy: 1\n      containers:"), "apply", "-f", "-");
        Assert.Contains("json: cannot unmarshal number into Go struct field PodSpec.spec.template.spec.restartPolicy of type v1.RestartPolicy", r.Err);
        var svc = await _h.Post($"/api/v1/namespaces/{ns}/services", J("""{"metadata":{"name":"s"},"spec":{"type":1,"ports":[{"port":80}]}}"""));
        IsStatus(svc, 400, "BadRequest", "Service in version \"v1\" cannot be handled as a Service: json: cannot unmarshal number into Go struct field ServiceSpec.spec.type of type v1.ServiceType");
        var cj = await _h.Post($"/apis/batch/v1/namespaces/{ns}/cronjobs", J("""{"metadata":{"name":"c"},"spec":{"schedule":"* * * * *","concurrencyPolicy":["Forbid"],"jobTemplate":{}}}"""));
        IsStatus(cj, 400, "BadRequest", "CronJob in version \"v1\" cannot be handled as a CronJob: json: cannot unmarshal array into Go struct field CronJobSpec.spec.concurrencyPolicy of type v1.ConcurrencyPolicy");
        // A list of a named type: the list itself, then one of its elements.
        var pvc = await _h.Post($"/api/v1/namespaces/{ns}/persistentvolumeclaims", J("""{"metadata":{"name":"c"},"spec":{"accessModes":"ReadWriteOnce"}}"""));
        IsStatus(pvc, 400, "BadRequest", "PersistentVolumeClaim in version \"v1\" cannot be handled as a PersistentVolumeClaim: json: cannot unmarshal string into Go struct field PersistentVolumeClaimSpec.spec.accessModes of type []v1.PersistentVolumeAccessMode");
        pvc = await _h.Post($"/api/v1/namespaces/{ns}/persistentvolumeclaims", J("""{"metadata":{"name":"c"},"spec":{"accessModes":[1]}}"""));
        IsStatus(pvc, 400, "BadRequest", "PersistentVolumeClaim in version \"v1\" cannot be handled as a PersistentVolumeClaim: json: cannot unmarshal number into Go struct field PersistentVolumeClaimSpec.spec.accessModes of type v1.PersistentVolumeAccessMode");
        var cm = await _h.Post($"/api/v1/namespaces/{ns}/configmaps", J("""{"metadata":{"name":"m","uid":5}}"""));
        IsStatus(cm, 400, "BadRequest", "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.uid of type types.UID");
        // Plain strings keep their name.
        r = await _kubectl.In(Deployment(ns, "1", extra: "\n        workingDir: 5"), "apply", "-f", "-");
        Assert.Contains("json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.workingDir of type string", r.Err);
    }

    [Fact]
    public async Task UnknownFieldsFollowFieldValidation()
    {
        var ns = await _h.Ns("unknown");
        var yaml = Deployment(ns, "1", extra: "\n        imagex: nope").Replace("  replicas: 1", "  replicas: 1\n  foo: bar");
        var strict = await _kubectl.In(yaml, "apply", "-f", "-");
        Assert.Equal(1, strict.Exit);
        Assert.Contains("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.foo\", unknown field \"spec.template.spec.containers[0].imagex\"", strict.Err);
        var warn = await _kubectl.In(yaml, "apply", "--validate=warn", "-f", "-");
        Assert.True(warn.Exit == 0, warn.ToString());
        Assert.Contains("Warning: unknown field \"spec.foo\"", warn.Err);
        Assert.Contains("Warning: unknown field \"spec.template.spec.containers[0].imagex\"", warn.Err);
        var live = await _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/typed");
        Assert.Null(live.Node("spec.foo"));
        var ignore = await _kubectl.In(yaml.Replace("name: typed", "name: typed2").Replace("app: typed", "app: typed2"), "apply", "--validate=false", "-f", "-");
        Assert.True(ignore.Exit == 0, ignore.ToString());
        Assert.DoesNotContain("unknown field", ignore.Err);
    }
}
