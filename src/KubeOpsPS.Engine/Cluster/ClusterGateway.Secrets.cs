using k8s.Models;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Cluster;

public sealed partial class ClusterGateway
{
    private static readonly KubeKind SecretKind = KubeTypes.Find("v1", "Secret")!;

    /// <summary>
    /// The Secret, or null when the server says it does not exist (404). Any other failure (403, 5xx after the
    /// retries, no answer) throws: a Secret that cannot be read is not an absent one, and acting as if it were would
    /// overwrite the passwords a running service already stored.
    /// </summary>
    public async Task<V1Secret?> ExistingSecretAsync(string ns, string name, CancellationToken ct) =>
        (V1Secret?)await GetAsync(SecretKind, ns, name, ct).ConfigureAwait(false);
}
