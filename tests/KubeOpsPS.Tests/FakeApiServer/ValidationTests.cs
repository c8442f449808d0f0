using System.Text.Json.Nodes;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>Validation a real server does: V-1..V-11.</summary>
public sealed class ValidationTests(FakeClusterFixture f) : IClassFixture<FakeClusterFixture>
{
    private readonly HttpClient _h = f.Http;

    private const string Pod = """{"containers":[{"name":"c","image":"nginx:1"}]}""";

    private static JsonObject Dep(string spec) => J($$"""{"metadata":{"name":"d"},"spec":{{spec}}}""");

    private static string Tmpl(string podSpec, string labels = """{"a":"b"}""") => $$"""{"metadata":{"labels":{{labels}}},"spec":{{podSpec}}}""";

    public static TheoryData<string, string, string, string> Invalid => new()
    {
        // plural (ns-relative path), body, expected field, message fragment
        { "apis/apps/v1|deployments", """{"metadata":{"name":"Web"},"spec":{}}""", "metadata.name", "a lowercase RFC 1123 subdomain must consist of" },
        { "api/v1|services", """{"metadata":{"name":"1svc"},"spec":{"ports":[{"port":80}]}}""", "metadata.name", "a DNS-1035 label must consist of" },
        { "api/v1|configmaps", """{"metadata":{"name":"c","labels":{"bad key":"x"}}}""", "metadata.labels", "" },
        { "api/v1|configmaps", """{"metadata":{"name":"c","labels":{"k":"-bad"}}}""", "metadata.labels", "" },
        { "api/v1|configmaps", """{"metadata":{"name":"c"},"data":{"bad/key":"x"}}""", "data[bad/key]", "a valid config key must consist of alphanumeric characters" },
        { "apis/apps/v1|deployments", """{"metadata":{"name":"d"},"spec":{"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x:1"}]}}}}""", "spec.selector", "Required value" },
        { "apis/apps/v1|deployments", """{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"x"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x:1"}]}}}}""", "spec.template.metadata.labels", "`selector` does not match template `labels`" },
        { "apis/apps/v1|deployments", """{"metadata":{"name":"d"},"spec":{"replicas":-1,"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x:1"}]}}}}""", "spec.replicas", "must be greater than or equal to 0" },
        { "apis/apps/v1|deployments", """{"metadata":{"name":"d"},"spec":{"strategy":{"type":"Recreate","rollingUpdate":{"maxSurge":1}},"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x:1"}]}}}}""", "spec.strategy.rollingUpdate", "Forbidden" },
        { "apis/apps/v1|deployments", """{"metadata":{"name":"d"},"spec":{"strategy":{"rollingUpdate":{"maxSurge":0,"maxUnavailable":0}},"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x:1"}]}}}}""", "spec.strategy.rollingUpdate.maxUnavailable", "may not be 0 when `maxSurge` is 0" },
        { "apis/apps/v1|deployments", """{"metadata":{"name":"d"},"spec":{"strategy":{"rollingUpdate":{"maxSurge":"150%"}},"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x:1"}]}}}}""", "spec.strategy.rollingUpdate.maxSurge", "" },
        { "apis/apps/v1|deployments", """{"metadata":{"name":"d"},"spec":{"minReadySeconds":30,"progressDeadlineSeconds":10,"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x:1"}]}}}}""", "spec.progressDeadlineSeconds", "must be greater than minReadySeconds" },
        { "apis/apps/v1|deployments", """{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[]}}}}""", "spec.template.spec.containers", "Required value" },
        { "apis/apps/v1|deployments", """{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x:1"},{"name":"c","image":"x:1"}]}}}}""", "spec.template.spec.containers[1].name", "Duplicate value" },
        { "apis/apps/v1|deployments", """{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c"}]}}}}""", "spec.template.spec.containers[0].image", "Required value" },
        { "apis/apps/v1|deployments", """{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"C_1","image":"x:1"}]}}}}""", "spec.template.spec.containers[0].name", "" },
        { "apis/apps/v1|deployments", """{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x:1","ports":[{"containerPort":70000}]}]}}}}""", "spec.template.spec.containers[0].ports[0].containerPort", "must be between 1 and 65535" },
        { "apis/apps/v1|deployments", """{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x:1","ports":[{"name":"way-too-long-port-name","containerPort":80}]}]}}}}""", "spec.template.spec.containers[0].ports[0].name", "" },
        { "apis/apps/v1|deployments", """{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"x:1"}]}}}}""", "spec.template.spec.restartPolicy", "Unsupported value" },
        { "apis/apps/v1|deployments", """{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x:1","volumeMounts":[{"name":"nope","mountPath":"/x"}]}]}}}}""", "spec.template.spec.containers[0].volumeMounts[0].name", "Not found" },
        { "apis/apps/v1|statefulsets", """{"metadata":{"name":"s"},"spec":{"serviceName":"s","template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x:1"}]}}}}""", "spec.selector", "Required value" },
        { "apis/apps/v1|daemonsets", """{"metadata":{"name":"s"},"spec":{"selector":{"matchLabels":{"a":"x"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x:1"}]}}}}""", "spec.template.metadata.labels", "`selector` does not match template `labels`" },
        { "api/v1|services", """{"metadata":{"name":"s"},"spec":{}}""", "spec.ports", "Required value" },
        { "api/v1|services", """{"metadata":{"name":"s"},"spec":{"ports":[{"port":0}]}}""", "spec.ports[0].port", "must be between 1 and 65535" },
        { "api/v1|services", """{"metadata":{"name":"s"},"spec":{"ports":[{"port":80,"protocol":"HTTP"}]}}""", "spec.ports[0].protocol", "Unsupported value" },
        { "api/v1|services", """{"metadata":{"name":"s"},"spec":{"ports":[{"port":80},{"port":81}]}}""", "spec.ports[0].name", "Required value" },
        { "api/v1|services", """{"metadata":{"name":"s"},"spec":{"ports":[{"name":"a","port":80},{"name":"b","port":80}]}}""", "spec.ports[1]", "Duplicate value" },
        { "api/v1|services", """{"metadata":{"name":"s"},"spec":{"ports":[{"port":80,"nodePort":30080}]}}""", "spec.ports[0].nodePort", "Forbidden" },
        { "api/v1|services", """{"metadata":{"name":"s"},"spec":{"type":"NodePort","ports":[{"port":80,"nodePort":80}]}}""", "spec.ports[0].nodePort", "30000-32767" },
        { "api/v1|services", """{"metadata":{"name":"s"},"spec":{"type":"Magic","ports":[{"port":80}]}}""", "spec.type", "Unsupported value" },
        { "api/v1|services", """{"metadata":{"name":"s"},"spec":{"type":"ExternalName"}}""", "spec.externalName", "Required value" },
        { "api/v1|services", """{"metadata":{"name":"s"},"spec":{"ports":[{"port":80,"targetPort":"Bad_Name"}]}}""", "spec.ports[0].targetPort", "" },
        { "apis/networking.k8s.io/v1|ingresses", """{"metadata":{"name":"i"},"spec":{"rules":[{"host":"a.example.com","http":{"paths":[{"path":"/","backend":{"service":{"name":"s","port":{"number":80}}}}]}}]}}""", "spec.rules[0].http.paths[0].pathType", "Required value: pathType must be specified" },
        { "apis/networking.k8s.io/v1|ingresses", """{"metadata":{"name":"i"},"spec":{"rules":[{"http":{"paths":[{"path":"x","pathType":"Prefix","backend":{"service":{"name":"s","port":{"number":80}}}}]}}]}}""", "spec.rules[0].http.paths[0].path", "must be an absolute path" },
        { "apis/networking.k8s.io/v1|ingresses", """{"metadata":{"name":"i"},"spec":{"rules":[{"http":{"paths":[{"path":"/a//b","pathType":"Exact","backend":{"service":{"name":"s","port":{"number":80}}}}]}}]}}""", "spec.rules[0].http.paths[0].path", "//" },
        { "apis/networking.k8s.io/v1|ingresses", """{"metadata":{"name":"i"},"spec":{"rules":[{"http":{"paths":[{"path":"/","pathType":"Fuzzy","backend":{"service":{"name":"s","port":{"number":80}}}}]}}]}}""", "spec.rules[0].http.paths[0].pathType", "Unsupported value" },
        { "apis/networking.k8s.io/v1|ingresses", """{"metadata":{"name":"i"},"spec":{"rules":[{"http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"s","port":{"number":80,"name":"http"}}}}]}}]}}""", "spec.rules[0].http.paths[0].backend.service.port", "" },
        { "apis/networking.k8s.io/v1|ingresses", """{"metadata":{"name":"i"},"spec":{"rules":[{"host":"10.0.0.1","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"s","port":{"number":80}}}}]}}]}}""", "spec.rules[0].host", "must be a DNS name, not an IP address" },
        { "apis/networking.k8s.io/v1|ingresses", """{"metadata":{"name":"i"},"spec":{"rules":[{"host":"a.example.com","http":{}}]}}""", "spec.rules[0].http.paths", "Required value" },
        { "apis/networking.k8s.io/v1|ingresses", """{"metadata":{"name":"i"},"spec":{}}""", "spec", "either `defaultBackend` or `rules` must be specified" },
        { "api/v1|secrets", """{"metadata":{"name":"t"},"type":"kubernetes.io/tls","data":{}}""", "data[tls.crt]", "[data[tls.crt]: Required value, data[tls.key]: Required value]" },
        { "api/v1|secrets", """{"metadata":{"name":"t"},"type":"kubernetes.io/basic-auth","data":{}}""", "data[username]", "Required value" },
        { "api/v1|secrets", """{"metadata":{"name":"t"},"type":"kubernetes.io/dockerconfigjson","data":{".dockerconfigjson":"bm90IGpzb24="}}""", "data[.dockerconfigjson]", "" },
        { "api/v1|persistentvolumeclaims", """{"metadata":{"name":"p"},"spec":{"resources":{"requests":{"storage":"1Gi"}}}}""", "spec.accessModes", "Required value" },
        { "api/v1|persistentvolumeclaims", """{"metadata":{"name":"p"},"spec":{"accessModes":["ReadWriteSometimes"],"resources":{"requests":{"storage":"1Gi"}}}}""", "spec.accessModes", "Unsupported value" },
        { "api/v1|persistentvolumeclaims", """{"metadata":{"name":"p"},"spec":{"accessModes":["ReadWriteOnce"]}}""", "spec.resources[storage]", "Required value" },
        { "api/v1|persistentvolumeclaims", """{"metadata":{"name":"p"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"0"}}}}""", "spec.resources[storage]", "" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task InvalidObjectsAre422WithCauses(string where, string body, string field, string fragment)
    {
        var ns = await _h.Ns("v");
        var parts = where.Split('|');
        var r = await _h.Post($"/{parts[0]}/namespaces/{ns}/{parts[1]}", J(body));
        IsStatus(r, 422, "Invalid", fragment);
        Assert.Contains(r.Node("details.causes")!.AsArray(), c => c!["field"]!.GetValue<string>() == field);
        Assert.Contains(" is invalid: ", r.Str("message"));
        Assert.NotNull(r.Str("details.kind"));
        Assert.DoesNotContain(".", r.Str("details.kind")!);
        Assert.Equal(404, (await _h.Get($"/{parts[0]}/namespaces/{ns}/{parts[1]}/{J(body)["metadata"]!["name"]}")).Code);
    }

    [Fact]
    public async Task InvalidMessageNamesKindGroupAndName()
    {
        var ns = await _h.Ns("v");
        var r = await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", J("""{"metadata":{"name":"web"},"spec":{"replicas":-1,"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x:1"}]}}}}"""));
        Assert.Equal("Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0", r.Str("message"));
        Assert.Equal("Deployment", r.Str("details.kind"));
        Assert.Equal("apps", r.Str("details.group"));
        Assert.Equal("FieldValueInvalid", r.Str("details.causes.0.reason"));
        var two = await _h.Post($"/api/v1/namespaces/{ns}/services", J("""{"metadata":{"name":"s"},"spec":{"ports":[{"port":0,"protocol":"HTTP"}]}}"""));
        Assert.StartsWith("Service \"s\" is invalid: [", two.Str("message"));
        var ns1 = await _h.Post("/api/v1/namespaces", J("""{"metadata":{"name":"a.b"}}"""));
        IsStatus(ns1, 422, "Invalid", "a lowercase RFC 1123 label must consist of");
    }

    [Fact]
    public async Task ImmutableFieldsRefuseChanges()
    {
        var ns = await _h.Ns("v");
        var d = Deployment("web");
        await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments", d);
        var sel = await _h.Patch($"/apis/apps/v1/namespaces/{ns}/deployments/web", J("""{"spec":{"selector":{"matchLabels":{"app":"web","x":"y"}},"template":{"metadata":{"labels":{"x":"y"}}}}}"""), "application/strategic-merge-patch+json");
        IsStatus(sel, 422, "Invalid", "field is immutable");
        Assert.Equal("spec.selector", sel.Str("details.causes.0.field"));

        await _h.Post($"/apis/apps/v1/namespaces/{ns}/statefulsets", J("""{"metadata":{"name":"s"},"spec":{"replicas":0,"serviceName":"s","selector":{"matchLabels":{"a":"s"}},"template":{"metadata":{"labels":{"a":"s"}},"spec":{"containers":[{"name":"c","image":"nginx:1"}]}}}}"""));
        var sts = await _h.Patch($"/apis/apps/v1/namespaces/{ns}/statefulsets/s", J("""{"spec":{"serviceName":"other"}}"""), "application/merge-patch+json");
        IsStatus(sts, 422, "Invalid", "spec: Forbidden: updates to statefulset spec for fields other than");
        Assert.Equal(200, (await _h.Patch($"/apis/apps/v1/namespaces/{ns}/statefulsets/s", J("""{"spec":{"replicas":0,"minReadySeconds":1}}"""), "application/merge-patch+json")).Code);

        await _h.Post($"/api/v1/namespaces/{ns}/services", J("""{"metadata":{"name":"svc"},"spec":{"ports":[{"port":80}]}}"""));
        IsStatus(await _h.Patch($"/api/v1/namespaces/{ns}/services/svc", J("""{"spec":{"clusterIP":"10.0.0.99"}}"""), "application/merge-patch+json"), 422, "Invalid");
        var putWithoutIp = await _h.Put($"/api/v1/namespaces/{ns}/services/svc", J("""{"metadata":{"name":"svc"},"spec":{"ports":[{"port":81}]}}"""));
        Assert.Equal(200, putWithoutIp.Code);
        Assert.NotNull(putWithoutIp.Str("spec.clusterIP"));

        await _h.Post($"/api/v1/namespaces/{ns}/secrets", J("""{"metadata":{"name":"sec"},"data":{"a":"YQ=="}}"""));
        IsStatus(await _h.Patch($"/api/v1/namespaces/{ns}/secrets/sec", J("""{"type":"kubernetes.io/tls"}"""), "application/merge-patch+json"), 422, "Invalid", "field is immutable");
        await _h.Post($"/api/v1/namespaces/{ns}/configmaps", J("""{"metadata":{"name":"im"},"immutable":true,"data":{"a":"1"}}"""));
        IsStatus(await _h.Patch($"/api/v1/namespaces/{ns}/configmaps/im", J("""{"data":{"a":"2"}}"""), "application/merge-patch+json"), 422, "Invalid");
        IsStatus(await _h.Patch($"/api/v1/namespaces/{ns}/configmaps/im", J("""{"immutable":false}"""), "application/merge-patch+json"), 422, "Invalid");

        await _h.Post($"/api/v1/namespaces/{ns}/persistentvolumeclaims", J("""{"metadata":{"name":"p"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}"""));
        IsStatus(await _h.Patch($"/api/v1/namespaces/{ns}/persistentvolumeclaims/p", J("""{"spec":{"accessModes":["ReadWriteMany"]}}"""), "application/merge-patch+json"), 422, "Invalid");
    }

    [Fact]
    public async Task KindAndVersionInTheBodyMustMatchTheEndpoint()
    {
        var ns = await _h.Ns("v");
        var wrongVersion = ConfigMap("c"); wrongVersion["apiVersion"] = "apps/v1";
        IsStatus(await _h.Post($"/api/v1/namespaces/{ns}/configmaps", wrongVersion), 400, "BadRequest", "the API version in the data (apps/v1) does not match the expected API version (v1)");
        var wrongKind = ConfigMap("c"); wrongKind["kind"] = "Secret"; wrongKind["apiVersion"] = "v1";
        IsStatus(await _h.Post($"/api/v1/namespaces/{ns}/configmaps", wrongKind), 400, "BadRequest", "Secret in version \"v1\" cannot be handled as a ConfigMap");
        Assert.Equal(201, (await _h.Post($"/api/v1/namespaces/{ns}/configmaps", ConfigMap("ok"))).Code);
        IsStatus(await _h.Post($"/api/v1/namespaces/{ns}/configmaps", J("""{"metadata":{"name":"t"},"data":{"a":5}}""")), 400, "BadRequest");
    }

    [Fact]
    public async Task UnknownFieldsAreRejectedWhenStrictAndDroppedWithAWarningOtherwise()
    {
        var ns = await _h.Ns("v");
        var d = Deployment("web");
        d["spec"]!["foo"] = "bar";
        var strict = await _h.Post($"/apis/apps/v1/namespaces/{ns}/deployments?fieldValidation=Strict", d);
        IsStatus(strict, 400, "BadRequest", "strict decoding error: unknown field \"spec.foo\"");
        var warn = await _h.Send("POST", $"/apis/apps/v1/namespaces/{ns}/deployments", d);
        Assert.Equal(201, warn.Code);
        Assert.Null(warn.Node("spec.foo"));
        Assert.Contains(warn.Headers.GetValues("Warning"), w => w.StartsWith("299 - ", StringComparison.Ordinal) && w.Contains("unknown field \\\"spec.foo\\\"", StringComparison.Ordinal) || w.Contains("unknown field \"spec.foo\"", StringComparison.Ordinal));
        var ignore = Deployment("web2");
        var c0 = ignore["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();
        c0.Remove("image");
        c0["imag"] = "typo";
        var ig = await _h.Send("POST", $"/apis/apps/v1/namespaces/{ns}/deployments?fieldValidation=Ignore", ignore);
        Assert.Equal(422, ig.Code); // image missing: the typo is dropped, not stored
        var applyStrict = Deployment("web3", typeMeta: true); applyStrict["spec"]!["template"]!["spec"]!["containers"]![0]!["imagee"] = "x";
        IsStatus(await _h.Apply($"/apis/apps/v1/namespaces/{ns}/deployments/web3?fieldValidation=Strict", applyStrict), 400, "BadRequest", "unknown field \"spec.template.spec.containers[0].imagee\"");
    }
}
