using k8s.Models;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Tests.Core;

/// <summary>Each rule of <see cref="Validate"/>: valid values pass through, invalid ones throw one KoValidationException whose message names the parameter and the rule.</summary>
public class ValidateTests
{
    private static KoValidationException Fails(Action check) => Assert.Throws<KoValidationException>(check);

    private static void AssertNames(KoValidationException e, string field, string rule, object? value)
    {
        Assert.Equal(field, e.Field);
        Assert.Equal(value, e.Value);
        Assert.Contains(field, e.Message);
        Assert.Contains(rule, e.Message);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("web-1")]
    [InlineData("123-abc")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123")] // 63
    public void LabelAcceptsDns1123Labels(string value) => Assert.Equal(value, Validate.Label(value, "-Namespace"));

    [Theory]
    [InlineData("Web", "DNS-1123 label")]
    [InlineData("-web", "DNS-1123 label")]
    [InlineData("web-", "DNS-1123 label")]
    [InlineData("web.shop", "DNS-1123 label")]
    [InlineData("web_1", "DNS-1123 label")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234", "no more than 63 characters")] // 64
    public void LabelRefusesOthers(string value, string rule) => AssertNames(Fails(() => Validate.Label(value, "-Namespace")), "-Namespace", rule, value);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void EveryRuleRefusesAnEmptyValueNamingTheParameter(string? value)
    {
        foreach (var check in new Action[]
                 {
                     () => Validate.Label(value, "-Name"), () => Validate.Subdomain(value, "-Name"), () => Validate.Dns1035(value, "-Name"),
                     () => Validate.LabelKey(value, "-Name"), () => Validate.ConfigKey(value, "-Name"), () => Validate.Quantity(value, "-Name"),
                     () => Validate.PortName(value, "-Name"), () => Validate.Duration(value, "-Name"), () => Validate.Required(value, "-Name"),
                 })
        {
            var e = Fails(check);
            Assert.Equal("-Name", e.Field);
            Assert.Equal("-Name is required and cannot be empty.", e.Message);
        }
    }

    [Theory]
    [InlineData("web")]
    [InlineData("web.shop.example.com")]
    [InlineData("0-a.b-1")]
    public void SubdomainAcceptsDnsNames(string value) => Assert.Equal(value, Validate.Subdomain(value, "-Name"));

    [Theory]
    [InlineData("Web.example.com", "DNS-1123 subdomain")]
    [InlineData("web..shop", "DNS-1123 subdomain")]
    [InlineData(".web", "DNS-1123 subdomain")]
    [InlineData("../../etc/passwd", "DNS-1123 subdomain")]
    [InlineData("has space", "DNS-1123 subdomain")]
    public void SubdomainRefusesOthers(string value, string rule) => AssertNames(Fails(() => Validate.Subdomain(value, "-Name")), "-Name", rule, value);

    [Fact]
    public void SubdomainRefusesMoreThan253Characters()
    {
        var ok = string.Join('.', Enumerable.Repeat(new string('a', 63), 4))[..253];
        Assert.Equal(ok, Validate.Subdomain(ok, "-Name"));
        var e = Fails(() => Validate.Subdomain(ok + "a", "-Name"));
        AssertNames(e, "-Name", "no more than 253 characters", ok + "a");
        Assert.Contains("254 characters", e.Message);
    }

    [Theory]
    [InlineData("web", true)]
    [InlineData("web-1", true)]
    [InlineData("1web", false)]
    [InlineData("web.shop", false)]
    public void Dns1035NeedsALeadingLetter(string value, bool valid)
    {
        if (valid) Assert.Equal(value, Validate.Dns1035(value, "-ServiceName"));
        else AssertNames(Fails(() => Validate.Dns1035(value, "-ServiceName")), "-ServiceName", "DNS-1035 label", value);
    }

    [Theory]
    [InlineData("Namespace", "shop.example", "DNS-1123 label")]
    [InlineData("Service", "1web", "DNS-1035 label")]
    [InlineData("ConfigMap", "Web", "DNS-1123 subdomain")]
    public void ObjectNameAppliesTheKindsRule(string kind, string value, string rule)
    {
        AssertNames(Fails(() => Validate.ObjectName(value, kind)), "-Name", rule, value);
        Assert.Equal("shop.example", Validate.ObjectName("shop.example", "ConfigMap"));
    }

    [Theory]
    [InlineData("app")]
    [InlineData("app.kubernetes.io/name")]
    [InlineData("example.com/My_Key.v2")]
    public void LabelKeyAcceptsPrefixedAndPlainKeys(string key) => Assert.Equal(key, Validate.LabelKey(key, "-Labels"));

    [Theory]
    [InlineData("/name", "invalid prefix")]
    [InlineData("Example.com/name", "invalid prefix")]
    [InlineData("example.com/", "name part must be 1-63 characters")]
    [InlineData("-app", "name part must be 1-63 characters")]
    [InlineData("a b", "name part must be 1-63 characters")]
    public void LabelKeyRefusesOthers(string key, string rule) => AssertNames(Fails(() => Validate.LabelKey(key, "-Labels")), "-Labels", rule, key);

    [Theory]
    [InlineData("", true)]
    [InlineData(null, true)]
    [InlineData("v1.2_beta-3", true)]
    [InlineData("-lead", false)]
    [InlineData("has space", false)]
    [InlineData("a/b", false)]
    public void LabelValueAllowsEmptyAndQualifiedNames(string? value, bool valid)
    {
        if (valid) Assert.Equal(value ?? string.Empty, Validate.LabelValue(value, "-Labels[app]"));
        else AssertNames(Fails(() => Validate.LabelValue(value, "-Labels[app]")), "-Labels[app]", "not a valid label value", value);
    }

    [Fact]
    public void LabelValueRefusesMoreThan63Characters() =>
        AssertNames(Fails(() => Validate.LabelValue(new string('a', 64), "-Labels[app]")), "-Labels[app]", "at most 63 characters", new string('a', 64));

    [Fact]
    public void LabelsChecksEveryKeyAndValueAndNamesTheKey()
    {
        Assert.Equal("web", Validate.Labels(new Dictionary<string, string> { ["app"] = "web" }, "-Labels")["app"]);
        Assert.Empty(Validate.Labels(null, "-Labels"));
        AssertNames(Fails(() => Validate.Labels(new Dictionary<string, string> { ["app"] = "bad value" }, "-Labels")), "-Labels[app]", "not a valid label value", "bad value");
        AssertNames(Fails(() => Validate.Labels(new Dictionary<string, string> { ["bad key"] = "v" }, "-Labels")), "-Labels", "name part", "bad key");
    }

    [Theory]
    [InlineData("app.properties", true)]
    [InlineData(".dockerconfigjson", true)]
    [InlineData("TLS_CRT-2", true)]
    [InlineData("a/b", false)]
    [InlineData("has space", false)]
    [InlineData("../x", false)]
    public void ConfigKeyAllowsDataKeysOnly(string key, bool valid)
    {
        if (valid) Assert.Equal(key, Validate.ConfigKey(key, "-Data"));
        else AssertNames(Fails(() => Validate.ConfigKey(key, "-Data")), "-Data", "ConfigMap and Secret keys", key);
    }

    [Theory]
    [InlineData("10Gi", "10Gi")]
    [InlineData("512Mi", "512Mi")]
    [InlineData("500m", "500m")]
    [InlineData("1.5", "1500m")]
    [InlineData("2", "2")]
    [InlineData("1e3", "1e3")]
    [InlineData(" 1Gi ", "1Gi")]
    public void QuantityParsesKubernetesQuantities(string value, string canonical) => Assert.Equal(canonical, Validate.Quantity(value, "-Size").ToString());

    [Theory]
    [InlineData("ten", "is not a Kubernetes quantity")]
    [InlineData("10GB", "is not a Kubernetes quantity")]
    [InlineData("Gi", "is not a Kubernetes quantity")]
    [InlineData("1.2.3", "is not a Kubernetes quantity")]
    [InlineData("-5Gi", "must be greater than zero")]
    [InlineData("0", "must be greater than zero")]
    [InlineData("1e400", "too large")]
    public void QuantityRefusesOthers(string value, string rule)
    {
        var e = Fails(() => Validate.Quantity(value, "-Size"));
        AssertNames(e, "-Size", rule, value);
        if (rule.StartsWith("is not", StringComparison.Ordinal)) Assert.Contains("Mi", e.Hint);
    }

    [Fact]
    public void QuantityAllowsZeroWhenNotRequiredPositive() => Assert.Equal(0m, Validate.Quantity("0", "-Limit", positive: false).ToDecimal());

    [Theory]
    [InlineData(1, true)]
    [InlineData(443, true)]
    [InlineData(65535, true)]
    [InlineData(0, false)]
    [InlineData(-1, false)]
    [InlineData(65536, false)]
    public void PortIsBetween1And65535(int value, bool valid)
    {
        if (valid) Assert.Equal(value, Validate.Port(value, "-Port"));
        else AssertNames(Fails(() => Validate.Port(value, "-Port")), "-Port", "between 1 and 65535", value);
    }

    [Theory]
    [InlineData("http", true)]
    [InlineData("web-metrics", true)]
    [InlineData("h2c", true)]
    [InlineData("8080", false)]
    [InlineData("web--metrics", false)]
    [InlineData("-http", false)]
    [InlineData("HTTP", false)]
    [InlineData("a-very-long-port-name", false)]
    public void PortNameFollowsIanaServiceNames(string value, bool valid)
    {
        if (valid) Assert.Equal(value, Validate.PortName(value, "-TargetPort"));
        else AssertNames(Fails(() => Validate.PortName(value, "-TargetPort")), "-TargetPort", "not a valid port name", value);
    }

    [Fact]
    public void PortOrNameTakesNumbersDigitStringsAndNames()
    {
        Assert.Equal("8080", Validate.PortOrName(8080, "-TargetPort").Value);
        Assert.Equal("8080", Validate.PortOrName(8080L, "-TargetPort").Value);
        Assert.Equal("8080", Validate.PortOrName("8080", "-TargetPort").Value);
        Assert.Equal("http", Validate.PortOrName("http", "-TargetPort").Value);
        AssertNames(Fails(() => Validate.PortOrName(70000, "-TargetPort")), "-TargetPort", "between 1 and 65535", 70000);
        AssertNames(Fails(() => Validate.PortOrName("Bad Name", "-TargetPort")), "-TargetPort", "not a valid port name", "Bad Name");
        AssertNames(Fails(() => Validate.PortOrName(null, "-TargetPort")), "-TargetPort", "is required", null);
        AssertNames(Fails(() => Validate.PortOrName(1.5, "-TargetPort")), "-TargetPort", "neither a port number nor a port name", 1.5);
        AssertNames(Fails(() => Validate.PortOrName(new[] { 1, 2 }, "-TargetPort")), "-TargetPort", "is required", null);
    }

    [Theory]
    [InlineData("30s")]
    [InlineData("15d")]
    [InlineData("1h30m")]
    [InlineData("500ms")]
    [InlineData("2w")]
    public void DurationAcceptsPrometheusDurations(string value) => Assert.Equal(value, Validate.Duration(value, "-Retention"));

    [Theory]
    [InlineData("10")]
    [InlineData("ten")]
    [InlineData("-5m")]
    [InlineData("1x")]
    [InlineData("0s")]
    [InlineData("1.5h")]
    [InlineData("1h 30m")]
    public void DurationRefusesOthers(string value) => AssertNames(Fails(() => Validate.Duration(value, "-Retention")), "-Retention", "is not a duration", value);

    [Fact]
    public void RequiredReturnsTheValue() => Assert.Equal("x", Validate.Required("x", "-Image"));

    [Fact]
    public void InvalidCarriesFieldValueMessageAndHint()
    {
        var e = Validate.Invalid("-Host", "a b", "-Host 'a b' is not a host name.", "Use a DNS name.");
        Assert.Equal("-Host", e.Field);
        Assert.Equal("a b", e.Value);
        Assert.Equal("-Host 'a b' is not a host name.", e.Message);
        Assert.Equal("Use a DNS name.", e.Hint);
    }

    [Fact]
    public void AQuantityIsAKubernetesClientQuantity() => Assert.IsType<ResourceQuantity>(Validate.Quantity("1Gi", "-Size"));
}
