using System.Text.Json.Nodes;
using static KubeOpsPS.Tests.FakeApiServer.FakeHttp;

namespace KubeOpsPS.Tests.FakeApiServer;

/// <summary>
/// CRD x-kubernetes-validations (CEL) rules: custom resources that break one are refused with the
/// apiextensions-apiserver's 422 wording, CRDs whose rules do not compile are refused, transition rules see the old
/// value on update only, and the CEL the Kubernetes docs use evaluates as cel-go does.
/// </summary>
public sealed class CelValidationTests : IClassFixture<FakeClusterFixture>, IDisposable
{
    private readonly HttpClient _h;
    private readonly KubectlRunner _kubectl;

    public CelValidationTests(FakeClusterFixture f)
    {
        _h = f.Http;
        _kubectl = new KubectlRunner(f.Cluster);
    }

    public void Dispose() => _kubectl.Dispose();

    private static JsonObject Crd(string group, JsonObject schema) => J($$$"""
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"gizmos.{{{group}}}"},
         "spec":{"group":"{{{group}}}","scope":"Namespaced","names":{"plural":"gizmos","kind":"Gizmo"},
                 "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},"schema":{"openAPIV3Schema":{{{schema.ToJsonString()}}}}}]}}
        """);

    /// <summary>The gizmo schema: rules on the root, on spec, on a string, an integer list and its items, a map's values, a listType=map list's items.</summary>
    private static JsonObject GizmoSchema() => J("""
        {"type":"object",
         "x-kubernetes-validations":[{"rule":"self.metadata.name.startsWith('g-')","message":"the name must start with g-"}],
         "properties":{
           "spec":{"type":"object","required":["size"],
             "x-kubernetes-validations":[
               {"rule":"self.min <= self.size"},
               {"rule":"self.size <= 10","messageExpression":"'size ' + string(self.size) + ' is over 10'"},
               {"rule":"!has(self.owner) || self.owner != 'root'","reason":"FieldValueForbidden","message":"root may not own a gizmo","fieldPath":".owner"},
               {"rule":"has(self.mode)","reason":"FieldValueRequired","message":"a mode is required"},
               {"rule":"self.size != 7","message":"seven is unlucky","messageExpression":"self.mode == 'fast' ? '' : 'seven is unlucky in ' + self.mode + ' mode'"},
               {"rule":"self.size != 8","messageExpression":"'size 8 with label ' + self.labels['eight']"},
               {"rule":"self.size != 9 || self.labels.nine == 'ok'"}],
             "properties":{
               "size":{"type":"integer"},
               "min":{"type":"integer","default":0},
               "owner":{"type":"string"},
               "mode":{"type":"string","x-kubernetes-validations":[{"rule":"self in ['fast', 'slow']"}]},
               "ports":{"type":"array","items":{"type":"integer","x-kubernetes-validations":[{"rule":"self > 0 && self < 65536","message":"a port is 1-65535"}]},
                 "x-kubernetes-validations":[{"rule":"self.all(p, self.exists_one(q, q == p))","reason":"FieldValueDuplicate"}]},
               "labels":{"type":"object","additionalProperties":{"type":"string","x-kubernetes-validations":[{"rule":"size(self) <= 5"}]}},
               "version":{"type":"string","x-kubernetes-validations":[{"rule":"self == oldSelf","message":"version is immutable"}]},
               "release":{"type":"string","x-kubernetes-validations":[{"rule":"!oldSelf.hasValue() || self.startsWith(oldSelf.value())","optionalOldSelf":true,"message":"a release may only be extended"}]},
               "servers":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
                 "items":{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"port":{"type":"integer"}},
                   "x-kubernetes-validations":[{"rule":"self.port >= oldSelf.port","message":"a server's port may only grow"}]}}}},
           "status":{"type":"object","properties":{"phase":{"type":"string","x-kubernetes-validations":[{"rule":"self in ['Pending', 'Ready']"}]}}}}}
        """);

    private async Task<string> Establish(JsonObject schema)
    {
        var group = $"c{Guid.NewGuid().ToString("N")[..8]}.example.com";
        var r = await _h.Post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd(group, schema));
        Assert.True(r.Code == 201, r.Text);
        await Eventually(() => _h.Get($"/apis/{group}/v1"), x => x.Code == 200, "the group served");
        return group;
    }

    /// <summary>A CRD of the gizmo schema and the path of its gizmos in a fresh namespace.</summary>
    private async Task<(string Group, string Path)> Gizmos()
    {
        var group = await Establish(GizmoSchema());
        return (group, $"/apis/{group}/v1/namespaces/{await _h.Ns("cel")}/gizmos");
    }

    private static JsonObject Gizmo(string group, string name, string spec) =>
        J($$"""{"apiVersion":"{{group}}/v1","kind":"Gizmo","metadata":{"name":"{{name}}"},"spec":{{spec}}}""");

    private static void IsInvalid(Reply r, string group, string name, string detail, string reason, string field)
    {
        IsStatus(r, 422, "Invalid");
        Assert.Equal($"Gizmo.{group} \"{name}\" is invalid: {field}: {detail}", r.Str("message"));
        var cause = Assert.Single(r.Node("details.causes")!.AsArray());
        Assert.Equal(reason, cause!["reason"]!.GetValue<string>());
        Assert.Equal(detail, cause["message"]!.GetValue<string>());
        Assert.Equal(field, cause["field"]!.GetValue<string>());
    }

    /// <summary>Each gizmo (name, spec) is refused with one cause (detail, reason, field).</summary>
    private async Task Refuses(string group, string path, params (string Name, string Spec, string Detail, string Reason, string Field)[] cases)
    {
        foreach (var (name, spec, detail, reason, field) in cases)
            IsInvalid(await _h.Post(path, Gizmo(group, name, spec)), group, name, detail, reason, field);
    }

    [Fact]
    public async Task ARuleBrokenAtAnyLevelIs422WithTheRulesMessageReasonAndFieldPath()
    {
        var (group, path) = await Gizmos();
        var ok = await _h.Post(path, Gizmo(group, "g-ok", """{"size":3,"mode":"fast","ports":[80,443],"labels":{"a":"b"}}"""));
        Assert.True(ok.Code == 201, ok.Text);
        await Refuses(group, path,
            ("x-root", """{"size":3,"mode":"fast"}""", "Invalid value: \"object\": the name must start with g-", "FieldValueInvalid", "<nil>"),
            ("g-min", """{"size":3,"min":4,"mode":"fast"}""", "Invalid value: \"object\": failed rule: self.min <= self.size", "FieldValueInvalid", "spec"),
            ("g-mode", """{"size":3,"mode":"medium"}""", "Invalid value: \"string\": failed rule: self in ['fast', 'slow']", "FieldValueInvalid", "spec.mode"),
            ("g-port", """{"size":3,"mode":"fast","ports":[80,70000]}""", "Invalid value: \"integer\": a port is 1-65535", "FieldValueInvalid", "spec.ports[1]"),
            ("g-label", """{"size":3,"mode":"fast","labels":{"long":"abcdef"}}""", "Invalid value: \"string\": failed rule: size(self) <= 5", "FieldValueInvalid", "spec.labels[long]"),
            // the reasons choose the error type; fieldPath moves it under the node
            ("g-big", """{"size":11,"mode":"fast"}""", "Invalid value: \"object\": size 11 is over 10", "FieldValueInvalid", "spec"),
            ("g-root", """{"size":3,"mode":"fast","owner":"root"}""", "Forbidden: root may not own a gizmo", "FieldValueForbidden", "spec.owner"),
            ("g-nomode", """{"size":3}""", "Required value: a mode is required", "FieldValueRequired", "spec"),
            ("g-dup", """{"size":3,"mode":"fast","ports":[80,80]}""", "Duplicate value: \"array\"", "FieldValueDuplicate", "spec.ports"),
            // messageExpression: its value when it gives one; an empty string falls back to message; an error to the default.
            ("g-seven", """{"size":7,"mode":"slow"}""", "Invalid value: \"object\": seven is unlucky in slow mode", "FieldValueInvalid", "spec"),
            ("g-seven-fast", """{"size":7,"mode":"fast"}""", "Invalid value: \"object\": seven is unlucky", "FieldValueInvalid", "spec"),
            ("g-eight", """{"size":8,"mode":"fast","labels":{}}""", "Invalid value: \"object\": failed rule: self.size != 8", "FieldValueInvalid", "spec"),
            ("g-eight-l", """{"size":8,"mode":"fast","labels":{"eight":"x"}}""", "Invalid value: \"object\": size 8 with label x", "FieldValueInvalid", "spec"));
    }

    [Fact]
    public async Task AnEvaluationErrorIsReportedWithTheRule()
    {
        var (group, path) = await Gizmos();
        await Refuses(group, path, ("g-nine", """{"size":9,"mode":"fast","labels":{}}""", "Invalid value: \"object\": no such key: nine evaluating rule: self.size != 9 || self.labels.nine == 'ok'", "FieldValueInvalid", "spec"));
        Assert.Equal(201, (await _h.Post(path, Gizmo(group, "g-nine", """{"size":9,"mode":"fast","labels":{"nine":"ok"}}"""))).Code);
        // A schema error that stops the rules from running: upstream says so instead of evaluating them.
        var missing = await _h.Post(path, Gizmo(group, "g-nosize", """{"mode":"fast"}"""));
        IsStatus(missing, 422, "Invalid");
        Assert.Equal($"Gizmo.{group} \"g-nosize\" is invalid: [spec.size: Required value, <nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]", missing.Str("message"));
    }

    [Fact]
    public async Task TransitionRulesSeeTheOldValueOnUpdateOnly()
    {
        var (group, path) = await Gizmos();
        var created = await _h.Post(path, Gizmo(group, "g-t", """{"size":3,"mode":"fast","version":"1.0","release":"r1","servers":[{"name":"a","port":80},{"name":"b","port":90}]}"""));
        Assert.True(created.Code == 201, created.Text);

        var immutable = created.Obj.DeepClone().AsObject();
        immutable["spec"]!["version"] = "2.0";
        IsInvalid(await _h.Put(path + "/g-t", immutable), group, "g-t", "Invalid value: \"string\": version is immutable", "FieldValueInvalid", "spec.version");

        var shrunk = created.Obj.DeepClone().AsObject();
        shrunk["spec"]!["servers"] = J("""{"l":[{"name":"b","port":85},{"name":"a","port":80}]}""")["l"]!.DeepClone();
        IsInvalid(await _h.Put(path + "/g-t", shrunk), group, "g-t", "Invalid value: \"object\": a server's port may only grow", "FieldValueInvalid", "spec.servers[0]");

        var cut = created.Obj.DeepClone().AsObject();
        cut["spec"]!["release"] = "x2";
        IsInvalid(await _h.Put(path + "/g-t", cut), group, "g-t", "Invalid value: \"string\": a release may only be extended", "FieldValueInvalid", "spec.release");

        // Allowed: a new server (no old one to compare with), a release extended, the version kept.
        var grown = created.Obj.DeepClone().AsObject();
        grown["spec"]!["release"] = "r1.1";
        grown["spec"]!["servers"] = J("""{"l":[{"name":"a","port":81},{"name":"c","port":1}]}""")["l"]!.DeepClone();
        var updated = await _h.Put(path + "/g-t", grown);
        Assert.True(updated.Code == 200, updated.Text);
    }

    [Fact]
    public async Task AStatusWriteIsCheckedAgainstTheRules()
    {
        var (group, path) = await Gizmos();
        var created = await _h.Post(path, Gizmo(group, "g-s", """{"size":3,"mode":"fast"}"""));
        Assert.True(created.Code == 201, created.Text);
        var broken = created.Obj.DeepClone().AsObject();
        broken["status"] = J("""{"phase":"Broken"}""");
        IsInvalid(await _h.Put(path + "/g-s/status", broken), group, "g-s", "Invalid value: \"string\": failed rule: self in ['Pending', 'Ready']", "FieldValueInvalid", "status.phase");
        broken["status"] = J("""{"phase":"Ready"}""");
        var ready = await _h.Put(path + "/g-s/status", broken);
        Assert.True(ready.Code == 200, ready.Text);
        Assert.Equal("Ready", ready.Str("status.phase"));
    }

    [Fact]
    public async Task AnUnchangedValueThatBreaksANewRuleIsAWarningOnUpdate()
    {
        var (group, path) = await Gizmos();
        var created = await _h.Post(path, Gizmo(group, "g-r", """{"size":3,"mode":"fast","owner":"alice"}"""));
        Assert.True(created.Code == 201, created.Text);
        var crdPath = $"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gizmos.{group}";
        var crd = (await _h.Get(crdPath)).Obj;
        var owner = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["owner"]!.AsObject();
        owner["x-kubernetes-validations"] = J("""{"l":[{"rule":"self.size() > 5","message":"an owner has more than 5 letters"}]}""")["l"]!.DeepClone();
        Assert.Equal(200, (await _h.Put(crdPath, crd)).Code);
        var probes = 0;
        await Eventually(() => _h.Post(path, Gizmo(group, $"g-probe-{++probes}", """{"size":3,"mode":"fast","owner":"alice"}""")), x => x.Code == 422, "the new rule in force");

        var other = (await _h.Get(path + "/g-r")).Obj;
        other["spec"]!["size"] = 4;
        var ratcheted = await _h.Put(path + "/g-r", other);
        Assert.True(ratcheted.Code == 200, ratcheted.Text);
        Assert.Contains("spec.owner: Invalid value: \\\"string\\\": an owner has more than 5 letters", string.Join(" ", ratcheted.Headers.GetValues("Warning")));

        var changed = ratcheted.Obj.DeepClone().AsObject();
        changed["spec"]!["owner"] = "bob";
        IsInvalid(await _h.Put(path + "/g-r", changed), group, "g-r", "Invalid value: \"string\": an owner has more than 5 letters", "FieldValueInvalid", "spec.owner");
    }

    [Fact]
    public async Task ACrdWhoseRulesDoNotCompileIsRefused()
    {
        JsonObject With(string rules, string extra = "") => J(
            """{"type":"object","properties":{"spec":{"type":"object","x-kubernetes-validations":""" + rules
            + ""","properties":{"size":{"type":"integer"},"tags":{"type":"array","items":{"type":"string" """ + extra + "}}}}}}");
        async Task<Reply> Create(JsonObject schema) => await _h.Post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Crd($"c{Guid.NewGuid().ToString("N")[..8]}.example.com", schema));
        const string at = "spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0]";

        var undefined = await Create(With("""[{"rule":"self.sise > 1"}]"""));
        IsStatus(undefined, 422, "Invalid");
        Assert.EndsWith($" is invalid: {at}.rule: Invalid value: apiextensions.ValidationRule{{Rule:\"self.sise > 1\", Message:\"\", MessageExpression:\"\", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}}: compilation failed: ERROR: <input>:1:5: undefined field 'sise'\n | self.sise > 1\n | ....^", undefined.Str("message"));
        Assert.Equal($"{at}.rule", undefined.Node("details.causes.0.field")!.GetValue<string>());

        var overload = await Create(With("""[{"rule":"self.size + 'x' == 'y'"}]"""));
        IsStatus(overload, 422, "Invalid", "compilation failed: ERROR: <input>:1:11: found no matching overload for '_+_' applied to '(int, string)'\n | self.size + 'x' == 'y'\n | ..........^");
        var syntax = await Create(With("""[{"rule":"self.size >"}]"""));
        IsStatus(syntax, 422, "Invalid", "compilation failed: ERROR: <input>:1:12: Syntax error: mismatched input '<EOF>' expecting");
        var notBool = await Create(With("""[{"rule":"self.size"}]"""));
        IsStatus(notBool, 422, "Invalid", $"{at}.rule: Invalid value: apiextensions.ValidationRule{{Rule:\"self.size\", Message:\"\", MessageExpression:\"\", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}}: cel expression must evaluate to a bool");
        var message = await Create(With("""[{"rule":"self.size > 1","messageExpression":"self.size"}]"""));
        IsStatus(message, 422, "Invalid", $"{at}.messageExpression: Invalid value: apiextensions.ValidationRule{{Rule:\"self.size > 1\", Message:\"\", MessageExpression:\"self.size\"");
        Assert.EndsWith(": messageExpression must evaluate to a string", message.Str("message"));
        var reason = await Create(With("""[{"rule":"self.size > 1","reason":"FieldValueNope"}]"""));
        IsStatus(reason, 422, "Invalid", $"{at}.reason: Unsupported value: \"FieldValueNope\": supported values: \"FieldValueDuplicate\", \"FieldValueForbidden\", \"FieldValueInvalid\", \"FieldValueRequired\"");
        var fieldPath = await Create(With("""[{"rule":"self.size > 1","fieldPath":".nope"}]"""));
        IsStatus(fieldPath, 422, "Invalid", $"{at}.fieldPath: Invalid value: \".nope\": fieldPath must be a valid path");
        var optional = await Create(With("""[{"rule":"self.size > 1","optionalOldSelf":true}]"""));
        IsStatus(optional, 422, "Invalid", $"{at}.optionalOldSelf: Invalid value: true: may not be set if oldSelf is not used in rule");
        var atomic = await Create(With("[]", ""","x-kubernetes-validations":[{"rule":"self == oldSelf"}]"""));
        IsStatus(atomic, 422, "Invalid", "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[tags].items.x-kubernetes-validations[0].rule: Invalid value: \"self == oldSelf\": oldSelf cannot be used on the uncorrelatable portion of the schema within spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[tags]");
    }

    /// <summary>Each rule holds for the good spec and fails for the bad one (errors in the rule absorbed by &amp;&amp; and ||).</summary>
    private static readonly string[] LanguageRules =
    [
        "self.s.startsWith('Hello') && self.s.endsWith('World') && self.s.contains('-')",
        "self.s.matches('^[A-Z][a-z]+-[A-Z][a-z]+$')",
        "self.s.lowerAscii() == 'hello-world' && self.s.upperAscii() == 'HELLO-WORLD'",
        "self.s.split('-') == ['Hello', 'World'] && self.s.split('-').join('+') == 'Hello+World'",
        "self.s.split('-', 1) == ['Hello-World'] && self.s.replace('l', 'L', 2) == 'HeLLo-World'",
        "self.s.indexOf('o') == 4 && self.s.lastIndexOf('o') == 7 && self.s.indexOf('o', 5) == 7",
        "self.s.substring(6) == 'World' && self.s.substring(1, 3) == 'el' && self.s.charAt(0) == 'H'",
        "self.s.replace('-', ' ') == 'Hello World' && (' ' + self.s + '\\t').trim() == 'Hello-World'",
        "size(self.s) == 11 && self.s.size() == 11",
        "self.s.find('[A-Z][a-z]+') == 'Hello' && self.s.findAll('[A-Z]') == ['H', 'W']",
        "self.n % 4 == 3 && self.n / 2 == 3 && self.n * 2 - 4 == 10",
        "self.n > self.d && self.d < 3 && self.d >= 2.5",
        "double(self.n) / 2.0 == 3.5 && int(self.d) == 2 && string(self.n) == '7' && int('7') == self.n && string(self.d) == '2.5'",
        "dyn(self.n) == 7 && uint(self.n) == 7u && -self.n == -7 && !(self.n < 0) && 0x10 == 16",
        "self.l.all(x, size(x) == 1) && self.l.exists(x, x == 'a') && self.l.exists_one(x, x == 'c')",
        "self.l.map(x, x + x) == ['bb', 'aa', 'cc'] && self.l.filter(x, x != 'a') == ['b', 'c']",
        "self.l.map(x, x != 'b', x.upperAscii()) == ['A', 'C']",
        "'a' in self.l && !('z' in self.l) && size(self.l) == 3 && self.l[1] == 'a'",
        "[1, 2] + [3] == [1, 2, 3] && self.l + ['d'] == ['b', 'a', 'c', 'd']",
        "'x' in self.m && has(self.m.x) && self.m.x + self.m['y'] == 3",
        "self.m.all(k, self.m[k] > 0) && size(self.m) == 2 && self.m.exists(k, k == 'y')",
        "has(self.o.a) && {'a': 1, 'b': 2}[self.o.a] == 1 && {'k': [1, 2]}.k[1] == 2",
        "self.n > 5 ? self.s.startsWith('H') : false",
        "!self.ints.isSorted() && self.ints.sum() == 6 && self.ints.min() == 1 && self.ints.max() == 3 && self.ints.indexOf(1) == 1",
        "quantity(self.q).isLessThan(quantity('2')) && quantity(self.q).isGreaterThan(quantity('1')) && quantity(self.q).compareTo(quantity('1.5')) == 0",
        "isQuantity(self.q) && quantity('1Ki').asInteger() == 1024 && quantity(self.q).add(quantity('500m')).isInteger()",
        "quantity('15e-1').compareTo(quantity(self.q)) == 0 && quantity('1e19').isGreaterThan(quantity('1E')) && !isQuantity(self.q + ' ') && !isQuantity(' 1') && !isQuantity('1 Mi') && !isQuantity('1-') && !isQuantity('1,5') && !isQuantity('1K') && !isQuantity('1..2') && !isQuantity('1e') && !isQuantity('')",
        "sets.contains(self.l, ['a']) && sets.intersects(self.l, ['c', 'z']) && sets.equivalent(self.l, ['c', 'b', 'a'])",
        "has(self.dash__dash__key) && self.dash__dash__key == 'v'",
        "b'abc' + b'd' == bytes('abcd') && self.s + '!' == 'Hello-World!'",
        "self.any == 7 || self.any == 'seven'",
        "has(self.o.a) ? self.o.a == 'a' : self.o.b == 'b'",
        "type(self.any) == string && type(self.n) == int && type(self.l) == list",
        "self.o.?a.orValue('none') == 'a' && self.m.?x.hasValue() && !self.m.?z.hasValue()",
        "self.created + self.ttl < self.expires && self.expires - self.created == duration('2h') && self.ttl < duration('90m')",
        "self.inner.kind == 'ConfigMap' && self.inner.metadata.name == 'cm' && self.inner.apiVersion == 'v1'",
        "self.created.getFullYear() == 2026 && self.created.getMonth() == 0 && timestamp('2026-01-01T00:00:00Z') == self.created && string(self.ttl) == '3600s'",
    ];

    [Fact]
    public async Task TheCelOfTheKubernetesDocsEvaluatesAsCelGoDoes()
    {
        var rules = new JsonArray(LanguageRules.Select(r => (JsonNode)new JsonObject { ["rule"] = r }).ToArray());
        var schema = J("""
            {"type":"object","properties":{"spec":{"type":"object","properties":{
              "s":{"type":"string"},"n":{"type":"integer"},"d":{"type":"number"},"q":{"type":"string"},"dash-key":{"type":"string"},
              "l":{"type":"array","items":{"type":"string"}},"ints":{"type":"array","items":{"type":"integer"}},
              "m":{"type":"object","additionalProperties":{"type":"integer"}},
              "o":{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}},
              "any":{"x-kubernetes-int-or-string":true},
              "created":{"type":"string","format":"date-time"},"expires":{"type":"string","format":"date-time"},"ttl":{"type":"string","format":"duration"},
              "inner":{"type":"object","x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true,
                "x-kubernetes-validations":[{"rule":"self.metadata.name.size() > 0 && self.kind.size() > 0"}]}}}}}
            """);
        schema["properties"]!["spec"]!["x-kubernetes-validations"] = rules;
        var group = await Establish(schema);
        var ns = await _h.Ns("cel");
        var path = $"/apis/{group}/v1/namespaces/{ns}/gizmos";
        var good = await _h.Post(path, Gizmo(group, "good", """
            {"s":"Hello-World","n":7,"d":2.5,"q":"1500m","dash-key":"v","l":["b","a","c"],"ints":[3,1,2],"m":{"x":1,"y":2},"o":{"a":"a"},"any":"seven","created":"2026-01-01T00:00:00Z","ttl":"1h","expires":"2026-01-01T02:00:00Z","inner":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"}}}
            """));
        Assert.True(good.Code == 201, good.Text);
        var bad = await _h.Post(path, Gizmo(group, "bad", """
            {"s":"bye","n":-3,"d":0.5,"q":"1","l":[],"ints":[1,2,3],"m":{},"o":{"b":"c"},"any":8,"created":"2025-01-01T00:00:00Z","ttl":"3h","expires":"2025-01-01T01:00:00Z","inner":{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}}}
            """));
        IsStatus(bad, 422, "Invalid");
        var failed = bad.Node("details.causes")!.AsArray().Select(c => c!["message"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(LanguageRules.Select(r => $"Invalid value: \"object\": failed rule: {r}").Order(), failed);
    }

    [Fact]
    public async Task KubectlPrintsTheRulesErrorsAsARealServerWordsThem()
    {
        var group = await Establish(GizmoSchema());
        var ns = await _h.Ns("cel");
        var yaml = $"apiVersion: {group}/v1\nkind: Gizmo\nmetadata:\n  name: g-k\n  namespace: {ns}\nspec: {{size: 11, min: 12, mode: fast, owner: root}}\n";
        var r = await _kubectl.In(yaml, "apply", "-f", "-");
        Assert.NotEqual(0, r.Exit);
        Assert.Contains($"The Gizmo \"g-k\" is invalid: ", r.Err);
        Assert.Contains("* spec: Invalid value: \"object\": failed rule: self.min <= self.size", r.Err);
        Assert.Contains("* spec: Invalid value: \"object\": size 11 is over 10", r.Err);
        Assert.Contains("* spec.owner: Forbidden: root may not own a gizmo", r.Err);

        string Versioned(string version) => $"apiVersion: {group}/v1\nkind: Gizmo\nmetadata:\n  name: g-v\n  namespace: {ns}\nspec: {{size: 2, mode: slow, version: '{version}'}}\n";
        var first = await _kubectl.In(Versioned("1.0"), "apply", "--server-side", "-f", "-");
        Assert.True(first.Exit == 0, first.ToString());
        var changed = await _kubectl.In(Versioned("1.1"), "apply", "--server-side", "-f", "-");
        Assert.NotEqual(0, changed.Exit);
        Assert.Contains("The Gizmo \"g-v\" is invalid: spec.version: Invalid value: \"string\": version is immutable", changed.Err);

        var crd = $$"""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: gadgets.{{group}}}
            spec:
              group: {{group}}
              scope: Namespaced
              names: {plural: gadgets, kind: Gadget}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        x-kubernetes-validations: [{rule: "self.replicas <= self.maxReplicas"}]
                        properties:
                          replicas: {type: integer}
            """;
        var refused = await _kubectl.In(crd, "apply", "-f", "-");
        Assert.NotEqual(0, refused.Exit);
        Assert.Contains($"The CustomResourceDefinition \"gadgets.{group}\" is invalid: spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{{Rule:\"self.replicas <= self.maxReplicas\"", refused.Err);
        Assert.Contains("compilation failed: ERROR: <input>:1:22: undefined field 'maxReplicas'\n | self.replicas <= self.maxReplicas\n | .....................^", refused.Err);
    }
}
