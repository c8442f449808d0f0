using System.Net;
using System.Text.Json;
using k8s.Models;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Cluster;

/// <summary>
/// A failure talking to a cluster, translated once, here: the server's reason and message quoted, a stable error id,
/// a PowerShell error category and what to do about it. Raw HTTP bodies and .NET exception types never reach users.
/// </summary>
public sealed class KoClusterException : Exception, IKoError
{
    public KoClusterException(string errorId, string category, string message, object? target = null, string? recommendedAction = null, int statusCode = 0, string? reason = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
        Target = target;
        RecommendedAction = recommendedAction;
        StatusCode = statusCode;
        Reason = reason;
    }

    public string ErrorId { get; }
    public string Category { get; }
    public object? Target { get; }
    public string? RecommendedAction { get; }
    public int StatusCode { get; }
    public string? Reason { get; }
    public V1Status? Status { get; init; }

    /// <summary>Whether a retry of an idempotent call may succeed (429, 5xx, a dropped connection).</summary>
    public bool Transient => StatusCode is 429 or 500 or 502 or 503 or 504 || ErrorId == "ConnectionFailed";

    /// <summary>What to do about a field-manager conflict, for a cmdlet that has -Force.</summary>
    public const string ApplyConflictRemedy = "Another field manager owns these fields. Re-run with -Force to take them over, or leave them out of your object.";

    /// <summary>The same for a cmdlet without -Force: the remedy names a command that has it.</summary>
    public const string ApplyConflictRemedyWithoutForce = "Another field manager owns these fields. Leave them out of your objects, or take them over by applying the objects with Publish-KoResource -Force.";

    /// <summary>Translates an HTTP error answer (a Status body, or anything else) for the object described by <paramref name="what"/>.</summary>
    public static KoClusterException FromResponse(HttpStatusCode code, string? body, string what)
    {
        V1Status? status = null;
        try
        {
            if (!string.IsNullOrWhiteSpace(body) && body.TrimStart().StartsWith('{'))
                status = JsonSerializer.Deserialize<V1Status>(body, KoJson.Options);
        }
        catch (JsonException)
        {
            // not a Status: report the code alone
        }
        var reason = status?.Reason ?? code.ToString();
        var serverMessage = status?.Message;
        var n = (int)code;
        var said = serverMessage is null ? $"the server answered {n} {reason}" : $"the server said {reason}: {serverMessage}";
        (string id, string cat, string? action) = (n, reason) switch
        {
            (404, _) when status?.Details?.Kind == "namespaces" && !what.StartsWith("Namespace ", StringComparison.Ordinal) =>
                ("NamespaceNotFound", "ObjectNotFound", $"Create namespace '{status.Details.Name}' first, or use -CreateNamespace."),
            (404, _) => ("NotFound", "ObjectNotFound", null),
            (409, "AlreadyExists") => ("AlreadyExists", "ResourceExists", null),
            (409, _) when status?.Details?.Causes?.Any(c => c.Reason == "FieldManagerConflict") == true =>
                ("ApplyConflict", "ResourceBusy", ApplyConflictRemedy),
            (409, _) => ("Conflict", "ResourceBusy", "The object changed on the server; read it again and retry."),
            (422, _) => ("Invalid", "InvalidData", "Fix the fields the server named and apply again."),
            (400, _) => ("BadRequest", "InvalidData", null),
            (401, _) => ("Unauthorized", "AuthenticationError", "Check the credentials of your kubeconfig context (token, client certificate or exec plugin)."),
            (403, _) => ("Forbidden", "PermissionDenied", "Your account lacks the permission; ask for a Role that allows it."),
            (405, _) => ("MethodNotAllowed", "InvalidOperation", null),
            (410, _) => ("Expired", "ResourceUnavailable", null),
            (415, _) => ("UnsupportedMediaType", "InvalidOperation", null),
            (429, _) => ("TooManyRequests", "LimitsExceeded", "The server is busy; try again later."),
            ( >= 500, _) => ("ServerError", "ResourceUnavailable", "The API server failed; try again, and check its health if it persists."),
            _ => ("RequestFailed", "NotSpecified", null),
        };
        var detail = status?.Details?.Causes is { Count: > 0 } causes && n == 422 && serverMessage is null
            ? " (" + string.Join("; ", causes.Select(c => $"{c.Field}: {c.Message}")) + ")"
            : string.Empty;
        return new KoClusterException(id, cat, $"{what}: {said}{detail}", what, action, n, reason) { Status = status };
    }
}
