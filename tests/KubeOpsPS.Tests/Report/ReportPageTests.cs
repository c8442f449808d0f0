using KubeOpsPS.Engine.Report;

namespace KubeOpsPS.Tests.Report;

public class ReportPageTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void ObjectNamesAndMessagesAreTextNotMarkup()
    {
        var hostile = new ReportFinding(ReportSeverity.Critical, "Exposure", "ingress-missing-service", "Ingress", "shop", "<script>alert(1)</script>", "Routes to \"<img src=x onerror=alert(2)>\".", "kubectl get ingress '<b>'") { Context = "prod&<eu>" };
        var html = ReportPage.Render([hostile], [new ReportCluster("prod&<eu>", "1.32", "1.33", null)], Now);
        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("<img", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("data-context=\"prod&amp;&lt;eu&gt;\"", html);
        Assert.Contains("<th class=\"n\" id=\"total-critical\">1</th>", html);
    }

    [Fact]
    public void AClusterThatWasNotReachedShowsWhyAndHasNoChart()
    {
        var html = ReportPage.Render([], [new ReportCluster("lab-down", null, null, "Connecting: cannot reach the cluster at https://10.0.0.1:6443: refused.")], Now);
        Assert.Contains("not reached: Connecting: cannot reach the cluster at https://10.0.0.1:6443: refused.", html);
        Assert.DoesNotContain("<figure", html);
        Assert.Contains("<th class=\"n\" id=\"total-info\">0</th>", html);
    }
}
