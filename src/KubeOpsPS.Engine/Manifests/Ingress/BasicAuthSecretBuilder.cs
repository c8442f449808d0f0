using System.Text;
using k8s.Models;
using KubeOpsPS.Engine.Crypto;
using KubeOpsPS.Engine.Validation;

namespace KubeOpsPS.Engine.Manifests.Ingress;

/// <summary>
/// Builds the Secret each controller's basic authentication reads: ingress-nginx an Opaque secret with the htpasswd
/// lines under key "auth"; F5 NGINX a secret of type nginx.org/htpasswd under key "htpasswd". Always LF line endings.
/// </summary>
public static class BasicAuthSecretBuilder
{
    public static V1Secret Build(BasicAuthSecretOptions o)
    {
        var name = Validate.Subdomain(o.Name, "-Name");
        if (o.Namespace is not null) Validate.Label(o.Namespace, "-Namespace");
        if (o.Entries.Count == 0) throw Validate.Invalid("-Credential", null, "-Credential needs at least one user.");
        var profile = IngressControllerProfile.For(o.Controller);
        var users = new List<(string User, string Hash)>();
        if (o.Existing is not null) users.AddRange(Htpasswd.Parse(Content(o.Existing), $"secret {o.Existing.Metadata?.Name}"));
        foreach (var (user, hash) in o.Entries)
        {
            Htpasswd.User(user, "-Credential");
            var at = users.FindIndex(e => e.User == user);
            if (at >= 0) users[at] = (user, hash); else users.Add((user, hash));
        }
        var text = new StringBuilder();
        foreach (var (user, hash) in users) text.Append(user).Append(':').Append(hash).Append('\n');
        return new V1Secret
        {
            ApiVersion = "v1", Kind = "Secret", Type = profile.BasicAuthSecretType,
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = o.Namespace ?? o.Existing?.Metadata?.NamespaceProperty },
            Data = new Dictionary<string, byte[]> { [profile.BasicAuthSecretKey] = Encoding.UTF8.GetBytes(text.ToString()) },
        };
    }

    /// <summary>The htpasswd text of a basic-auth secret of either controller (key "auth" or "htpasswd", data or stringData).</summary>
    public static string Content(V1Secret secret)
    {
        foreach (var key in new[] { IngressControllerProfile.IngressNginx.BasicAuthSecretKey, IngressControllerProfile.NginxInc.BasicAuthSecretKey })
        {
            if (secret.Data?.TryGetValue(key, out var bytes) == true) return Encoding.UTF8.GetString(bytes);
            if (secret.StringData?.TryGetValue(key, out var s) == true) return s;
        }
        throw Validate.Invalid("-Append", secret.Metadata?.Name, $"Secret {secret.Metadata?.Name} has no 'auth' or 'htpasswd' key, so it is not a basic-auth secret.");
    }
}
