using System.Reflection;
using System.Runtime.Loader;

namespace KubeOpsPS.Loader;

/// <summary>
/// The module's private load context. The cmdlets, the engine and every package (KubernetesClient, YamlDotNet,
/// BouncyCastle) load here from the module's bin folder, so another module's copy of the same library, loaded
/// first into PowerShell's default context, never decides which version we get. Anything not in bin
/// (System.Management.Automation, the framework) falls through to the default context and is shared.
/// </summary>
public sealed class KoLoadContext : AssemblyLoadContext
{
    private static readonly object Gate = new();
    private static KoLoadContext? _instance;
    private readonly string _binDirectory;

    private KoLoadContext(string binDirectory) : base("KubeOpsPS", isCollectible: false)
    {
        _binDirectory = binDirectory;
    }

    /// <summary>Creates the context once per process (a re-import reuses it) and returns the cmdlet assembly.</summary>
    public static Assembly Initialize(string binDirectory)
    {
        lock (Gate)
        {
            _instance ??= new KoLoadContext(Path.GetFullPath(binDirectory));
            return _instance.LoadFromAssemblyName(new AssemblyName("KubeOpsPS"));
        }
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var candidate = Path.Combine(_binDirectory, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }
}
