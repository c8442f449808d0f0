using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>Wire formats: protobuf bodies and answers, YAML, content negotiation (406/415) and server-side Tables, with kubectl as the client.</summary>
public sealed class WireTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private const string Protobuf = "application/vnd.kubernetes.protobuf";
    private readonly FakeClusterFixture _f;
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public WireTests(FakeClusterFixture f)
    {
        _f = f;
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    private Task<KubectlRun> KubectlIn(string stdin, params string[] args) => _kubectl.In(stdin, args);

    private Task<KubectlRun> Kubectl(params string[] args) => _kubectl.Run(args);

    private async Task<KubectlRun> Ok(params string[] args)
    {
        var r = await Kubectl(args);
        Assert.True(r.Exit == 0, $"kubectl {string.Join(' ', args)}: {r.Err}");
        return r;
    }

    private async Task<(int Code, byte[] Body, string? ContentType)> SendBytes(string method, string path, byte[]? body, string? contentType, string? accept = null)
    {
        using var req = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            req.Content = new ByteArrayContent(body);
            if (contentType is not null) req.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (accept is not null) req.Headers.TryAddWithoutValidation("Accept", accept);
        using var res = await _h.SendAsync(req);
        return ((int)res.StatusCode, await res.Content.ReadAsByteArrayAsync(), res.Content.Headers.ContentType?.ToString());
    }

    private static Reply AsReply((int Code, byte[] Body, string? ContentType) r)
    {
        var text = Encoding.UTF8.GetString(r.Body);
        using var dummy = new HttpResponseMessage();
        return new Reply(r.Code, JsonNode.Parse(text), text, dummy.Headers, r.ContentType);
    }

    [Fact]
    public async Task CreateGeneratorsSendProtobufAndTheObjectsReadBackAsSent()
    {
        var ns = await _h.Ns("w");
        var cert = Path.Combine(_kubectl.Folder, "tls.crt");
        var key = Path.Combine(_kubectl.Folder, "tls.key");
        using (var rsa = System.Security.Cryptography.RSA.Create(2048))
        {
            var req = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=web.example.com", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var c = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllTextAsync(cert, c.ExportCertificatePem());
            await File.WriteAllTextAsync(key, rsa.ExportPkcs8PrivateKeyPem());
        }
        string[][] generators =
        [
            ["create", "namespace", ns + "-extra"],
            ["create", "configmap", "cm", "--from-literal=a=b", "--from-literal=c=d", "-n", ns],
            ["create", "secret", "generic", "gen", "--from-literal=password=s3cret", "-n", ns],
            ["create", "secret", "tls", "tls", "--cert", cert, "--key", key, "-n", ns],
            ["create", "secret", "docker-registry", "reg", "--docker-server=registry.example.com", "--docker-username=u", "--docker-password=p", "-n", ns],
            ["create", "deployment", "web", "--image=nginx:1.27", "--replicas=2", "--port=8080", "-n", ns],
            ["create", "service", "clusterip", "web", "--tcp=80:8080", "-n", ns],
            ["create", "service", "nodeport", "web-np", "--tcp=80:8080", "-n", ns],
            ["create", "serviceaccount", "robot", "-n", ns],
            ["create", "role", "reader", "--verb=get,list", "--resource=pods,configmaps", "-n", ns],
            ["create", "rolebinding", "reader", "--role=reader", "--serviceaccount=" + ns + ":robot", "--user=alice", "-n", ns],
            ["create", "clusterrole", ns + "-reader", "--verb=get", "--resource=nodes"],
            ["create", "job", "once", "--image=busybox:1.36", "-n", ns, "--", "echo", "hi"],
            ["create", "cronjob", "nightly", "--image=busybox:1.36", "--schedule=0 3 * * *", "-n", ns, "--", "echo", "hi"],
            ["create", "ingress", "web", "--class=nginx", "--rule=web.example.com/=web:80,tls=tls", "-n", ns],
            ["create", "poddisruptionbudget", "web", "--selector=app=web", "--min-available=1", "-n", ns],
        ];
        foreach (var g in generators)
        {
            var r = await Ok(g);
            Assert.Contains("created", r.Out);
        }

        var cm = await _h.Get($"/api/v1/namespaces/{ns}/configmaps/cm");
        Assert.Equal("b", cm.Str("data.a"));
        Assert.Equal("d", cm.Str("data.c"));
        var gen = await _h.Get($"/api/v1/namespaces/{ns}/secrets/gen");
        Assert.Equal("Opaque", gen.Str("type"));
        Assert.Equal("s3cret", Encoding.UTF8.GetString(Convert.FromBase64String(gen.Str("data.password")!)));
        var tls = await _h.Get($"/api/v1/namespaces/{ns}/secrets/tls");
        Assert.Equal("kubernetes.io/tls", tls.Str("type"));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", Encoding.UTF8.GetString(Convert.FromBase64String(tls.Obj["data"]!["tls.crt"]!.GetValue<string>())));
        var reg = await _h.Get($"/api/v1/namespaces/{ns}/secrets/reg");
        Assert.Equal("kubernetes.io/dockerconfigjson", reg.Str("type"));
        Assert.Contains("registry.example.com", Encoding.UTF8.GetString(Convert.FromBase64String(reg.Obj["data"]![".dockerconfigjson"]!.GetValue<string>())));
        var web = await _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/web");
        Assert.Equal(2, web.Node("spec.replicas")!.GetValue<int>());
        Assert.Equal("web", web.Str("spec.selector.matchLabels.app"));
        Assert.Equal("nginx:1.27", web.Str("spec.template.spec.containers.0.image"));
        Assert.Equal(8080, web.Node("spec.template.spec.containers.0.ports.0.containerPort")!.GetValue<int>());
        var svc = await _h.Get($"/api/v1/namespaces/{ns}/services/web");
        Assert.Equal(80, svc.Node("spec.ports.0.port")!.GetValue<int>());
        Assert.Equal(8080, svc.Node("spec.ports.0.targetPort")!.GetValue<int>());
        var np = await _h.Get($"/api/v1/namespaces/{ns}/services/web-np");
        Assert.Equal("NodePort", np.Str("spec.type"));
        Assert.InRange(np.Node("spec.ports.0.nodePort")!.GetValue<int>(), 30000, 32767);
        Assert.Equal(200, (await _h.Get($"/api/v1/namespaces/{ns}/serviceaccounts/robot")).Code);
        var role = await _h.Get($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles/reader");
        Assert.Equal(["get", "list"], role.Node("rules.0.verbs")!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["pods", "configmaps"], role.Node("rules.0.resources")!.AsArray().Select(v => v!.GetValue<string>()));
        var rb = await _h.Get($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings/reader");
        Assert.Equal("Role", rb.Str("roleRef.kind"));
        Assert.Equal(2, rb.Node("subjects")!.AsArray().Count);
        Assert.Equal("nodes", (await _h.Get($"/apis/rbac.authorization.k8s.io/v1/clusterroles/{ns}-reader")).Str("rules.0.resources.0"));
        var job = await _h.Get($"/apis/batch/v1/namespaces/{ns}/jobs/once");
        Assert.Equal(["echo", "hi"], job.Node("spec.template.spec.containers.0.command")!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("Never", job.Str("spec.template.spec.restartPolicy"));
        var cron = await _h.Get($"/apis/batch/v1/namespaces/{ns}/cronjobs/nightly");
        Assert.Equal("0 3 * * *", cron.Str("spec.schedule"));
        Assert.Equal("busybox:1.36", cron.Str("spec.jobTemplate.spec.template.spec.containers.0.image"));
        var ing = await _h.Get($"/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses/web");
        Assert.Equal("nginx", ing.Str("spec.ingressClassName"));
        Assert.Equal("web.example.com", ing.Str("spec.rules.0.host"));
        Assert.Equal(80, ing.Node("spec.rules.0.http.paths.0.backend.service.port.number")!.GetValue<int>());
        Assert.Equal("tls", ing.Str("spec.tls.0.secretName"));
        var pdb = await _h.Get($"/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets/web");
        Assert.Equal(1, pdb.Node("spec.minAvailable")!.GetValue<int>());
        Assert.Equal(200, (await _h.Get($"/api/v1/namespaces/{ns}-extra")).Code);
        Assert.Contains(_f.Cluster.Requests, e => e.Method == "POST" && e.Path == $"/apis/apps/v1/namespaces/{ns}/deployments" && e.Status == 201);
    }

    [Fact]
    public async Task KubectlSendsProtobufAndReadsProtobufAnswers()
    {
        var ns = await _h.Ns("w");
        var r = await Ok("create", "configmap", "pb", "--from-literal=greeting=hello", "-n", ns, "-o", "json", "-v=8");
        Assert.Contains("Content-Type: application/vnd.kubernetes.protobuf", r.Err);
        Assert.Matches(@"Response Headers:[\s\S]*Content-Type: application/vnd\.kubernetes\.protobuf", r.Err);
        var printed = JsonNode.Parse(r.Out)!;
        Assert.Equal("hello", printed["data"]!["greeting"]!.GetValue<string>());
        Assert.Equal(ns, printed["metadata"]!["namespace"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(printed["metadata"]!["uid"]!.GetValue<string>()));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", printed["metadata"]!["creationTimestamp"]!.GetValue<string>());

        // describe reads through typed clients, which ask for protobuf (objects, lists and events).
        await Ok("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2", "-n", ns);
        await Eventually(() => _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/web"), x => x.Node("status.availableReplicas")?.GetValue<int>() == 2, "rollout");
        var describe = await Ok("describe", "deployment", "web", "-n", ns);
        Assert.Matches(@"Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable", describe.Out);
        Assert.Matches(@"NewReplicaSet:\s+web-\w+ \(2/2 replicas created\)", describe.Out);
        var label = await Ok("label", "deployment", "web", "tier=front", "-n", ns);
        Assert.Contains("labeled", label.Out);
        Assert.Matches(@"(?m)^1\s+<none>", (await Ok("rollout", "history", "deployment/web", "-n", ns)).Out);

        var pb = await SendBytes("GET", $"/api/v1/namespaces/{ns}/configmaps/pb", null, null, Protobuf + ", application/json");
        Assert.Equal(200, pb.Code);
        Assert.Equal(Protobuf, pb.ContentType);
        Assert.Equal("k8s\0"u8.ToArray(), pb.Body[..4]);
        Assert.Contains("hello", Encoding.UTF8.GetString(pb.Body));
        var json = await SendBytes("GET", $"/api/v1/namespaces/{ns}/configmaps/pb", null, null, "application/json, " + Protobuf);
        Assert.Equal("application/json", json.ContentType);

        // Errors answer in the negotiated encoding too: a protobuf Status (code 404 as a varint, field 6).
        var missing = await SendBytes("GET", $"/api/v1/namespaces/{ns}/configmaps/missing", null, null, Protobuf + ", application/json");
        Assert.Equal(404, missing.Code);
        Assert.Equal(Protobuf, missing.ContentType);
        var status = Encoding.UTF8.GetString(missing.Body);
        Assert.Contains("Status", status);
        Assert.Contains("configmaps \"missing\" not found", status);
        byte[] code404 = [0x30, 0x94, 0x03];
        Assert.True(missing.Body.AsSpan().IndexOf(code404) > 0, "code 404 as field 6");
    }

    [Fact]
    public async Task MalformedProtobufIsA400WordedAsARealServerWordsIt()
    {
        var ns = await _h.Ns("w");
        var path = $"/api/v1/namespaces/{ns}/configmaps";
        var notProto = AsReply(await SendBytes("POST", path, "not proto"u8.ToArray(), Protobuf));
        IsStatus(notProto, 400, "BadRequest", "the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] (6e6f742070726f746f)");

        // The envelope is cut short inside runtime.Unknown's typeMeta.
        byte[] truncated = [(byte)'k', (byte)'8', (byte)'s', 0, 0x0a, 0x10, 0x0a, 0x02];
        IsStatus(AsReply(await SendBytes("POST", path, truncated, Protobuf)), 400, "BadRequest", "the object provided is unrecognized (must be of type ConfigMap): unexpected EOF (6b3873000a100a02)");

        // A well-formed envelope whose ConfigMap has metadata (field 1) as a varint.
        byte[] wrongWire = [(byte)'k', (byte)'8', (byte)'s', 0, 0x0a, 0x0f, 0x0a, 0x02, (byte)'v', (byte)'1', 0x12, 0x09, .. "ConfigMap"u8.ToArray(), 0x12, 0x02, 0x08, 0x01];
        IsStatus(AsReply(await SendBytes("POST", path, wrongWire, Protobuf)), 400, "BadRequest", "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: proto: wrong wireType = 0 for field Metadata");

        IsStatus(AsReply(await SendBytes("POST", path, [], Protobuf)), 400, "BadRequest", "the object provided is unrecognized (must be of type ConfigMap): empty data (<empty>)");
        // Nothing was stored: the namespace holds only what the control plane put there.
        Assert.Equal(["kube-root-ca.crt"], (await _h.Get(path)).Node("items")!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task UnknownContentTypeIs415AndAnUnacceptableAcceptIs406()
    {
        var ns = await _h.Ns("w");
        var path = $"/api/v1/namespaces/{ns}/configmaps";
        var body = Encoding.UTF8.GetBytes(ConfigMap("x").ToJsonString());
        IsStatus(AsReply(await SendBytes("POST", path, body, "text/plain")), 415, "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf");
        var notAcceptable = await _h.Send("GET", path, accept: "text/html");
        IsStatus(notAcceptable, 406, "NotAcceptable", "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf");
        // Gateway API kinds are custom resources: no protobuf for them.
        var route = await _h.Send("GET", $"/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes", accept: Protobuf);
        IsStatus(route, 406, "NotAcceptable", "only the following media types are accepted: application/json, application/yaml");
        var fallback = await _h.Send("GET", path, accept: "text/html;q=0.9, application/json;q=0.5");
        Assert.Equal(200, fallback.Code);
        var wildcard = await _h.Send("GET", path, accept: "*/*");
        Assert.StartsWith("application/json", wildcard.ContentType);
    }

    [Fact]
    public async Task YamlBodiesAndAnswers()
    {
        var ns = await _h.Ns("w");
        var yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n  labels:\n    n: \"5\"\ndata:\n  plain: \"true\"\n  text: hello world\n";
        var created = AsReply(await SendBytes("POST", $"/api/v1/namespaces/{ns}/configmaps", Encoding.UTF8.GetBytes(yaml), "application/yaml"));
        Assert.Equal(201, created.Code);
        Assert.Equal("true", created.Str("data.plain"));
        Assert.Equal("5", created.Str("metadata.labels.n"));
        var asYaml = await SendBytes("GET", $"/api/v1/namespaces/{ns}/configmaps/y", null, null, "application/yaml");
        Assert.Equal("application/yaml", asYaml.ContentType);
        var text = Encoding.UTF8.GetString(asYaml.Body);
        Assert.Contains("kind: ConfigMap", text);
        Assert.Contains("plain: \"true\"", text);
        Assert.Contains("text: hello world", text);
        // Server-side apply configurations may be YAML too.
        var applyYaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  n: \"1\"\n";
        var applied = AsReply(await SendBytes("PATCH", $"/api/v1/namespaces/{ns}/configmaps/applied?fieldManager=yaml-tester", Encoding.UTF8.GetBytes(applyYaml), "application/apply-patch+yaml"));
        Assert.Equal(201, applied.Code);
        Assert.Equal("1", applied.Str("data.n"));
        Assert.Equal("yaml-tester", applied.Str("metadata.managedFields.0.manager"));
        var bad = AsReply(await SendBytes("POST", $"/api/v1/namespaces/{ns}/configmaps", "a: [b"u8.ToArray(), "application/yaml"));
        IsStatus(bad, 400, "BadRequest", "error decoding the request body: yaml:");
    }

    [Fact]
    public async Task KubectlGetPrintsTheServersColumnsAndWideColumns()
    {
        var ns = await _h.Ns("w");
        await Ok("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2", "-n", ns);
        await Ok("create", "service", "nodeport", "web", "--tcp=80:8080", "-n", ns);
        await Ok("create", "configmap", "cfg", "--from-literal=a=b", "--from-literal=c=d", "-n", ns);
        await Ok("create", "role", "reader", "--verb=get", "--resource=pods", "-n", ns);
        await Ok("create", "rolebinding", "reader", "--role=reader", "--user=alice", "--serviceaccount=" + ns + ":robot", "-n", ns);
        await Eventually(() => _h.Get($"/apis/apps/v1/namespaces/{ns}/deployments/web"), x => x.Node("status.availableReplicas")?.GetValue<int>() == 2, "rollout");

        var deploy = await Ok("get", "deploy", "-n", ns);
        Assert.Matches(@"^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n", deploy.Out);
        Assert.Matches(@"(?m)^web\s+2/2\s+2\s+2\s+\d+s$", deploy.Out);
        var wide = await Ok("get", "deploy", "-n", ns, "-o", "wide");
        Assert.Matches(@"^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\n", wide.Out);
        Assert.Matches(@"(?m)^web\s+2/2\s+2\s+2\s+\d+s\s+nginx\s+nginx:1\.27\s+app=web$", wide.Out);
        var pods = await Ok("get", "pods", "-n", ns, "-o", "wide");
        Assert.Matches(@"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\n", pods.Out);
        Assert.Matches(@"(?m)^web-\w+-\w+\s+1/1\s+Running\s+0\s+\d+s\s+[\d.]+\s+node-1\s+<none>\s+<none>$", pods.Out);
        var rs = await Ok("get", "rs", "-n", ns);
        Assert.Matches(@"(?m)^web-\w+\s+2\s+2\s+2\s+\d+s$", rs.Out);
        var svc = await Ok("get", "svc", "web", "-n", ns, "-o", "wide");
        Assert.Matches(@"^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR\n", svc.Out);
        Assert.Matches(@"(?m)^web\s+NodePort\s+10\.96\.\d+\.\d+\s+<none>\s+80:3\d{4}/TCP\s+\d+s\s+app=web$", svc.Out);
        Assert.Matches(@"(?m)^cfg\s+2\s+\d+s$", (await Ok("get", "cm", "cfg", "-n", ns)).Out);
        var rb = await Ok("get", "rolebinding", "reader", "-n", ns, "-o", "wide");
        Assert.Matches(@"^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS\n", rb.Out);
        Assert.Matches($@"(?m)^reader\s+Role/reader\s+\d+s\s+alice\s+{ns}/robot$", rb.Out);
        var nodes = await Ok("get", "nodes");
        Assert.Matches(@"(?m)^node-1\s+Ready\s+\S+\s+\d+\w\s+v1\.32\.\d+", nodes.Out);
        var nsList = await Ok("get", "ns", ns);
        Assert.Matches($@"(?m)^{ns}\s+Active\s+\d+s$", nsList.Out);
        // Roles have no printer: the API server's default table.
        var roles = await Ok("get", "roles", "-n", ns);
        Assert.Matches(@"^NAME\s+CREATED AT\n", roles.Out);
        Assert.Matches(@"(?m)^reader\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", roles.Out);
        Assert.Contains(_f.Cluster.Requests, e => e.Path == $"/apis/apps/v1/namespaces/{ns}/deployments" && e.Method == "GET" && e.Status == 200);
    }

    [Fact]
    public async Task TablesAsTheServerAnswersThemOverHttp()
    {
        var ns = await _h.Ns("w");
        Assert.Equal(201, (await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("one"))).Code);
        const string table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
        // Every namespace also holds kube-root-ca.crt; select the test's own object.
        var t = await _h.Send("GET", $"/api/v1/namespaces/{ns}/configmaps?fieldSelector=metadata.name%3Done", accept: table);
        Assert.Equal(200, t.Code);
        Assert.Equal("Table", t.Str("kind"));
        Assert.Equal("meta.k8s.io/v1", t.Str("apiVersion"));
        Assert.Equal(["Name", "Data", "Age"], t.Node("columnDefinitions")!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal("name", t.Str("columnDefinitions.0.format"));
        Assert.Equal("one", t.Str("rows.0.cells.0"));
        Assert.Equal(1, t.Node("rows.0.cells.1")!.GetValue<long>());
        Assert.Equal("PartialObjectMetadata", t.Str("rows.0.object.kind"));
        Assert.False(string.IsNullOrEmpty(t.Str("metadata.resourceVersion")));
        var withObject = await _h.Send("GET", $"/api/v1/namespaces/{ns}/configmaps/one?includeObject=Object", accept: table);
        Assert.Equal("ConfigMap", withObject.Str("rows.0.object.kind"));
        Assert.Equal("v", withObject.Str("rows.0.object.data.k"));
        var none = await _h.Send("GET", $"/api/v1/namespaces/{ns}/configmaps?includeObject=None", accept: table);
        Assert.Null(none.Node("rows.0.object"));
        var bad = await _h.Send("GET", $"/api/v1/namespaces/{ns}/configmaps?includeObject=All", accept: table);
        IsStatus(bad, 400, "BadRequest", "includeObject: Unsupported value: \"All\"");

        // A kind without a printer: Name and Created At (a date as written), as the default table convertor gives them.
        var roleBody = J("""{"metadata":{"name":"r"},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}""");
        Assert.Equal(201, (await _h.Post($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles", roleBody)).Code);
        var roles = await _h.Send("GET", $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles", accept: table);
        Assert.Equal(["Name", "Created At"], roles.Node("columnDefinitions")!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal("date", roles.Str("columnDefinitions.1.type"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", roles.Str("rows.0.cells.1"));

        // Custom resources without printer columns: Name and Age.
        var routes = await _h.Send("GET", $"/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes", accept: table);
        Assert.Equal(["Name", "Age"], routes.Node("columnDefinitions")!.AsArray().Select(c => c!["name"]!.GetValue<string>()));

        // A conversion the server does not offer falls through to the next clause, or is a 406.
        var other = await _h.Send("GET", $"/api/v1/namespaces/{ns}/configmaps", accept: "application/json;as=Other;v=v1;g=meta.k8s.io, application/json");
        Assert.Equal("ConfigMapList", other.Str("kind"));
        IsStatus(await _h.Send("GET", $"/api/v1/namespaces/{ns}/configmaps", accept: "application/json;as=Table;v=v9;g=meta.k8s.io"), 406, "NotAcceptable");
        var partial = await _h.Send("GET", $"/api/v1/namespaces/{ns}/configmaps?fieldSelector=metadata.name%3Done", accept: "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io");
        Assert.Equal("PartialObjectMetadataList", partial.Str("kind"));
        Assert.Equal("one", partial.Str("items.0.metadata.name"));
        Assert.Null(partial.Node("items.0.data"));
    }

    [Fact]
    public async Task CustomResourcesPrintTheirCrdsAdditionalPrinterColumns()
    {
        var ns = await _h.Ns("w");
        var crd = J("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"httproutes.gateway.networking.k8s.io"},
             "spec":{"group":"gateway.networking.k8s.io","scope":"Namespaced","names":{"plural":"httproutes","singular":"httproute","kind":"HTTPRoute","listKind":"HTTPRouteList"},
              "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}},
               "additionalPrinterColumns":[
                 {"name":"Hostnames","type":"string","jsonPath":".spec.hostnames"},
                 {"name":"First","type":"string","jsonPath":".spec.hostnames[0]","priority":1},
                 {"name":"Accepted","type":"string","jsonPath":".status.parents[*].conditions[?(@.type==\"Accepted\")].status"},
                 {"name":"Rules","type":"integer","jsonPath":".spec.rulesCount"},
                 {"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}]}]}}
            """);
        var created = await _h.Post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
        Assert.True(created.Code is 201 or 409, created.Text);
        var route = J("""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"web"},"spec":{"hostnames":["a.example.com","b.example.com"],"rulesCount":2}}""");
        Assert.Equal(201, (await _h.Post($"/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes", route)).Code);
        var t = await _h.Send("GET", $"/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes", accept: "application/json;as=Table;v=v1;g=meta.k8s.io");
        Assert.Equal(["Name", "Hostnames", "First", "Accepted", "Rules", "Age"], t.Node("columnDefinitions")!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal(1, t.Node("columnDefinitions.2.priority")!.GetValue<int>());
        Assert.Equal("date", t.Str("columnDefinitions.5.type"));
        Assert.Equal("""["a.example.com","b.example.com"]""", t.Str("rows.0.cells.1"));
        Assert.Equal("a.example.com", t.Str("rows.0.cells.2"));
        Assert.Null(t.Node("rows.0.cells.3"));
        Assert.Equal(2, t.Node("rows.0.cells.4")!.GetValue<long>());
        Assert.Matches(@"^\d+s$", t.Str("rows.0.cells.5"));

        var get = await Ok("get", "httproutes", "-n", ns, "-o", "wide");
        Assert.Matches(@"^NAME\s+HOSTNAMES\s+FIRST\s+ACCEPTED\s+RULES\s+AGE\n", get.Out);
        Assert.Matches(@"(?m)^web\s+\[""a\.example\.com"",""b\.example\.com""\]\s+a\.example\.com\s+2\s+\d+s$", get.Out);
    }

    [Fact]
    public async Task WatchesNegotiatedAsTableCarryOneRowTables()
    {
        var ns = await _h.Ns("w");
        Assert.Equal(201, (await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("watched"))).Code);
        var r = await _h.Send("GET", $"/api/v1/namespaces/{ns}/configmaps?watch=true&timeoutSeconds=1&includeObject=Object&fieldSelector=metadata.name%3Dwatched", accept: "application/json;as=Table;v=v1;g=meta.k8s.io, application/json");
        Assert.Equal(200, r.Code);
        var ev = JsonNode.Parse(r.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0])!;
        Assert.Equal("ADDED", ev["type"]!.GetValue<string>());
        Assert.Equal("Table", ev["object"]!["kind"]!.GetValue<string>());
        Assert.Equal("Data", ev["object"]!["columnDefinitions"]![1]!["name"]!.GetValue<string>());
        Assert.Equal("watched", ev["object"]!["rows"]![0]!["cells"]![0]!.GetValue<string>());
        Assert.Equal("ConfigMap", ev["object"]!["rows"]![0]!["object"]!["kind"]!.GetValue<string>());
        var bad = await _h.Send("GET", $"/api/v1/namespaces/{ns}/configmaps?watch=true&timeoutSeconds=1&includeObject=Everything", accept: "application/json;as=Table;v=v1;g=meta.k8s.io");
        IsStatus(bad, 400, "BadRequest", "includeObject: Unsupported value");
    }

    [Fact]
    public async Task ProtobufWatchEventsAreLengthFramed()
    {
        var ns = await _h.Ns("w");
        Assert.Equal(201, (await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("watched"))).Code);
        using var req = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?watch=true&timeoutSeconds=1&fieldSelector=metadata.name%3Dwatched");
        req.Headers.TryAddWithoutValidation("Accept", Protobuf + ";stream=watch");
        using var res = await _h.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(Protobuf + ";stream=watch", res.Content.Headers.ContentType?.ToString().Replace(" ", "", StringComparison.Ordinal));
        var all = await res.Content.ReadAsByteArrayAsync();
        var length = (all[0] << 24) | (all[1] << 16) | (all[2] << 8) | all[3];
        Assert.Equal(all.Length - 4, length);
        // WatchEvent: 1 type "ADDED", 2 object (RawExtension with the enveloped ConfigMap).
        byte[] head = [0x0a, 0x05, .. "ADDED"u8.ToArray(), 0x12];
        Assert.Equal(head, all[4..12]);
        Assert.Contains("k8s\0", Encoding.UTF8.GetString(all));
        Assert.Contains("watched", Encoding.UTF8.GetString(all));
    }
}
