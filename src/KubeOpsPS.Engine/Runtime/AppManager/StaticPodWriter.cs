using k8s.Models;
using KubeOpsPS.Engine.Manifests.AppManager;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Runtime.AppManager;

/// <summary>Writes a checked static pod into the kubelet's manifest folder.</summary>
public static class StaticPodWriter
{
    /// <summary>Writes the manifest atomically (a temporary file in the same folder, then a rename) so the kubelet never reads half a file.</summary>
    public static string Write(V1Pod pod, string manifestPath)
    {
        var file = Path.Combine(manifestPath, StaticPodBuilder.Check(pod));
        Directory.CreateDirectory(manifestPath);
        var temp = Path.Combine(manifestPath, $".{Path.GetFileName(file)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, KoYaml.Write([pod]));
            File.Move(temp, file, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return file;
    }
}
