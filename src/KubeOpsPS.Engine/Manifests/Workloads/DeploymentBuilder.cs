using k8s.Models;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Manifests.Workloads;

/// <summary>Builds a Deployment whose selector always matches its template (app.kubernetes.io/name = name).</summary>
public static class DeploymentBuilder
{
    public const string NameLabel = PodTemplateBuilder.NameLabel;

    public static V1Deployment Build(DeploymentOptions o)
    {
        var parts = PodTemplateBuilder.Build(o);
        V1DeploymentStrategy? strategy = null;
        if (o.MaxSurge is not null || o.MaxUnavailable is not null)
        {
            strategy = new V1DeploymentStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = o.MaxSurge is null ? null : Validate.IntOrPercent(o.MaxSurge, "-MaxSurge"), MaxUnavailable = o.MaxUnavailable is null ? null : Validate.IntOrPercent(o.MaxUnavailable, "-MaxUnavailable") },
            };
        }
        if (o.ProgressDeadlineSeconds is { } pds && pds <= (o.MinReadySeconds ?? 0))
            throw Validate.Invalid("-ProgressDeadlineSeconds", pds, "-ProgressDeadlineSeconds must be longer than -MinReadySeconds.");
        return new V1Deployment
        {
            ApiVersion = "apps/v1", Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = parts.Name, NamespaceProperty = o.Namespace, Labels = parts.Labels },
            Spec = new V1DeploymentSpec
            {
                Replicas = o.Replicas,
                Selector = new V1LabelSelector { MatchLabels = parts.Selector },
                Strategy = strategy,
                MinReadySeconds = o.MinReadySeconds,
                ProgressDeadlineSeconds = o.ProgressDeadlineSeconds,
                Template = parts.Template,
            },
        };
    }

    /// <summary>A probe from the shorthand tcp:8080 or http:8080/healthz (the seed's tcpSocket probes).</summary>
    public static V1Probe Probe(string spec, string field) => PodTemplateBuilder.Probe(spec, field);
}
