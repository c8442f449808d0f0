using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Manifests.Workloads;

namespace KubeOpsPS.Rollout;

/// <summary>Builds a Deployment (image, replicas, ports, env, resources, probes, claims, rolling-update strategy). Touches no cluster.</summary>
[Cmdlet(VerbsCommon.New, "KoDeployment")]
[OutputType(typeof(V1Deployment))]
public sealed class NewKoDeploymentCommand : KoWorkloadCmdlet
{
    [Parameter] public string? MaxSurge { get; set; }
    [Parameter] public string? MaxUnavailable { get; set; }
    [Parameter] public int? ProgressDeadlineSeconds { get; set; }

    protected override void EndProcessing() =>
        WriteObject(Build(() => DeploymentBuilder.Build(Fill(new DeploymentOptions
        {
            Name = Name, Image = Image, MaxSurge = MaxSurge, MaxUnavailable = MaxUnavailable, ProgressDeadlineSeconds = ProgressDeadlineSeconds,
        }))));
}
