namespace KubeOpsPS.Engine.Manifests.Ingress;

/// <summary>The NGINX-based Ingress controllers the module installs and writes annotations and secrets for.</summary>
public enum IngressController
{
    /// <summary>F5 NGINX Ingress Controller (nginx/kubernetes-ingress): open source and maintained; the default.</summary>
    NginxInc,
    /// <summary>The community ingress-nginx (kubernetes/ingress-nginx): retired upstream in March 2026; for existing clusters.</summary>
    IngressNginx,
}

/// <summary>
/// What differs between the two controllers: their IngressClass controller value, annotation names, and the Secret
/// their basic authentication reads. Sources: ingress-nginx docs/user-guide/nginx-configuration/annotations.md and
/// examples/auth/basic; F5 NGINX Ingress Controller docs "Advanced configuration with annotations" and
/// nginx/kubernetes-ingress#3585 (secret type nginx.org/htpasswd, key htpasswd).
/// </summary>
public sealed record IngressControllerProfile(
    IngressController Controller,
    string ControllerClass,
    string DefaultClassName,
    string DefaultNamespace,
    string BasicAuthSecretType,
    string BasicAuthSecretKey)
{
    public static readonly IngressControllerProfile NginxInc = new(
        IngressController.NginxInc, "nginx.org/ingress-controller", "nginx", "nginx-ingress", "nginx.org/htpasswd", "htpasswd");

    public static readonly IngressControllerProfile IngressNginx = new(
        IngressController.IngressNginx, "k8s.io/ingress-nginx", "nginx", "ingress-nginx", "Opaque", "auth");

    public static IngressControllerProfile For(IngressController controller) =>
        controller == IngressController.IngressNginx ? IngressNginx : NginxInc;

    /// <summary>The controller whose IngressClass names this controller value, if it is one of ours.</summary>
    public static IngressController? FromControllerClass(string? controllerClass) =>
        controllerClass == NginxInc.ControllerClass ? IngressController.NginxInc
        : controllerClass == IngressNginx.ControllerClass ? IngressController.IngressNginx
        : null;

    /// <summary>The annotations that turn on basic authentication with the given secret.</summary>
    public IReadOnlyDictionary<string, string> BasicAuthAnnotations(string secretName, string realm) => Controller switch
    {
        IngressController.IngressNginx => new Dictionary<string, string>
        {
            ["nginx.ingress.kubernetes.io/auth-type"] = "basic",
            ["nginx.ingress.kubernetes.io/auth-secret"] = secretName,
            ["nginx.ingress.kubernetes.io/auth-secret-type"] = "auth-file",
            ["nginx.ingress.kubernetes.io/auth-realm"] = realm,
        },
        _ => new Dictionary<string, string>
        {
            ["nginx.org/basic-auth-secret"] = secretName,
            ["nginx.org/basic-auth-realm"] = realm,
        },
    };

    /// <summary>
    /// The annotations that strip a path prefix before the request reaches the service (an app that expects to be
    /// served at '/' published under '/prefix'). ingress-nginx: a regex path with a capture group and rewrite-target;
    /// F5 NGINX: nginx.org/rewrites per service.
    /// </summary>
    public IReadOnlyDictionary<string, string> StripPrefixAnnotations(string serviceName) => Controller switch
    {
        IngressController.IngressNginx => new Dictionary<string, string>
        {
            ["nginx.ingress.kubernetes.io/use-regex"] = "true",
            ["nginx.ingress.kubernetes.io/rewrite-target"] = "/$2",
        },
        _ => new Dictionary<string, string> { ["nginx.org/rewrites"] = $"serviceName={serviceName} rewrite=/" },
    };
}
