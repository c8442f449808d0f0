using System.Management.Automation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Core;

/// <summary>
/// Runs when PowerShell imports the cmdlet assembly. On a machine with a core to spare, the manifest path (the YAML
/// reader and writer, and the JSON metadata of the common kinds) is warmed in the background (<see cref="KoYaml.Prepare"/>)
/// while PowerShell finishes the import and the script reaches its first conversion; on a single core it is left to
/// the first use, so import never waits for it.
/// </summary>
public sealed class ModuleImport : IModuleAssemblyInitializer
{
    public void OnImport()
    {
        if (Environment.ProcessorCount > 1) ThreadPool.UnsafeQueueUserWorkItem(_ => KoYaml.Prepare(), null);
    }
}
