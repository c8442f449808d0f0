using System.Management.Automation;
using k8s.Models;
using KubeOpsPS.Core;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Crypto;
using KubeOpsPS.Engine.Manifests.Ingress;
using KubeOpsPS.Engine.Runtime.Ingress;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Ingress;

/// <summary>
/// Builds the basic-auth Secret of the chosen NGINX controller from PSCredentials (bcrypt by default). Passwords are
/// hashed in memory and never written to any stream. -Append keeps the users of an existing secret (piped, or read
/// from the cluster when connected).
/// </summary>
[Cmdlet(VerbsCommon.New, "KoBasicAuthSecret")]
[OutputType(typeof(V1Secret))]
public sealed class NewKoBasicAuthSecretCommand : KoClusterCmdlet
{
    private static readonly Engine.Yaml.KubeKind SecretKind = Engine.Yaml.KubeTypes.Find("v1", "Secret")!;

    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = string.Empty;

    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter(Position = 1)]
    public PSCredential[] Credential { get; set; } = [];

    [Parameter]
    public HtpasswdAlgorithm Algorithm { get; set; } = HtpasswdAlgorithm.Bcrypt;

    [Parameter]
    public int BcryptCost { get; set; } = Htpasswd.MinBcryptCost;

    [Parameter]
    public IngressController? Controller { get; set; }

    [Parameter]
    public SwitchParameter Append { get; set; }

    [Parameter(ValueFromPipeline = true)]
    public V1Secret? InputObject { get; set; }

    protected override void EndProcessing()
    {
        Build(() => Validate.Subdomain(Name, "-Name"));
        if (Namespace is not null) Build(() => Validate.Label(Namespace, "-Namespace"));
        Build(() => Htpasswd.BcryptCost(BcryptCost));
        var connected = ClusterSession.Current is not null || Context is not null || KubeConfig is not null;
        var existing = InputObject ?? (Append ? ReadExisting(connected) : null);
        var controller = Controller ?? Detect(existing, connected);
        var credentials = Credential.Length > 0 ? Credential : Prompt();
        var entries = new List<(string, string)>();
        foreach (var c in credentials)
        {
            if (c is null) continue;
            var user = Build(() => Htpasswd.User(c.UserName, "-Credential"));
            entries.Add((user, Build(() => Htpasswd.Hash(c.Password, Algorithm, BcryptCost))));
            WriteVerbose($"Hashed the password of {user} with {Algorithm}.");
        }
        if (Algorithm == HtpasswdAlgorithm.Apr1) WriteWarning("apr1 (MD5) hashes are fast to crack; use bcrypt unless an old tool needs apr1.");
        WriteObject(Build(() => BasicAuthSecretBuilder.Build(new BasicAuthSecretOptions { Name = Name, Namespace = Namespace, Controller = controller, Entries = entries, Existing = existing })));
    }

    private PSCredential[] Prompt()
    {
        PSCredential? c = null;
        try
        {
            c = Host.UI.PromptForCredential("New-KoBasicAuthSecret", $"User name and password for basic-auth secret {Name}", string.Empty, string.Empty);
        }
        catch (Exception e) when (HostPrompts.CannotAsk(e))
        {
            // A non-interactive session (a script, a job, CI) cannot prompt.
        }
        if (c is null) Fail(Validate.Invalid("-Credential", null, "-Credential is required in a non-interactive session: pass one or more PSCredential objects, e.g. -Credential (Get-Credential admin)."));
        return [c!];
    }

    private V1Secret? ReadExisting(bool connected)
    {
        if (!connected) Fail(Validate.Invalid("-Append", Name, "-Append needs the existing secret: pipe it in (Get-KoResource Secret <name> | New-KoBasicAuthSecret ...) or connect to the cluster first."));
        var gateway = Connect();
        var secret = Run(ct => gateway.GetAsync(SecretKind, NamespaceOrDefault(Namespace), Name, ct)) as V1Secret;
        if (secret is null) WriteVerbose($"Secret {Name} does not exist yet; -Append starts an empty one.");
        return secret;
    }

    private IngressController Detect(V1Secret? existing, bool connected)
    {
        if (existing?.Type == IngressControllerProfile.NginxInc.BasicAuthSecretType) return IngressController.NginxInc;
        if (existing?.Data?.ContainsKey(IngressControllerProfile.IngressNginx.BasicAuthSecretKey) == true) return IngressController.IngressNginx;
        if (!connected) return IngressController.NginxInc;
        try
        {
            var gateway = Connect();
            return Run(ct => IngressClassLookup.ControllerAsync(gateway, null, ct)) ?? IngressController.NginxInc;
        }
        catch (KoClusterException e)
        {
            // Offline (no answer) the documented default applies quietly; a server that answered with an error is worth a warning.
            if (e.StatusCode == 0) WriteVerbose($"Could not read the default IngressClass, so its controller is unknown ({e.Message}); writing the NginxInc format. Give -Controller to choose.");
            else WriteWarning($"Could not read the default IngressClass, so its controller is unknown ({e.Message}); writing the NginxInc format. Give -Controller to choose.");
            return IngressController.NginxInc;
        }
    }
}
