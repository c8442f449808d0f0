using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>A Kubernetes Status error (contract E-1): the HTTP code equals the body's code.</summary>
public sealed class ApiError : Exception
{
    public ApiError(int code, string reason, string message, JsonObject? details = null) : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public int Code { get; }
    public string Reason { get; }
    public JsonObject? Details { get; }
    public int? RetryAfter { get; init; }

    public JsonObject ToStatus()
    {
        var s = Envelope("Failure");
        s["message"] = Message;
        s["reason"] = Reason;
        if (Details is not null) s["details"] = Details.DeepClone();
        s["code"] = Code;
        return s;
    }

    /// <summary>The Status a DELETE answers with when the object is gone at once (M-12): every Status body is built here.</summary>
    public static JsonObject Success(JsonObject details)
    {
        var s = Envelope("Success");
        s["details"] = details;
        return s;
    }

    private static JsonObject Envelope(string status) => new() { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = status };

    public static ApiError NotFound(ResourceType t, string name) =>
        new(404, "NotFound", $"{t.Qualified} \"{name}\" not found", Det(t, name));

    public static ApiError NamespaceNotFound(string ns) =>
        new(404, "NotFound", $"namespaces \"{ns}\" not found", new JsonObject { ["name"] = ns, ["kind"] = "namespaces" });

    public static ApiError AlreadyExists(ResourceType t, string name) =>
        new(409, "AlreadyExists", $"{t.Qualified} \"{name}\" already exists", Det(t, name));

    public static ApiError Conflict(ResourceType t, string name) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {t.Qualified} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", Det(t, name));

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    /// <summary>422 Invalid with causes; the message lists the field errors as the real server does.</summary>
    public static ApiError Invalid(ResourceType t, string name, IReadOnlyList<(string Field, string Type, string Detail)> errors)
    {
        var causes = new JsonArray();
        foreach (var (f, ty, d) in errors)
            causes.Add(new JsonObject { ["reason"] = ReasonFor(ty), ["message"] = $"{ty}: {d}".Replace("Required value: ", "Required value: ", StringComparison.Ordinal), ["field"] = f });
        var parts = errors.Select(e => $"{e.Field}: {e.Type}{(e.Detail.Length > 0 ? ": " + e.Detail : string.Empty)}").ToList();
        var what = t.Group.Length == 0 ? t.Kind : $"{t.Kind}.{t.Group}";
        var msg = $"{what} \"{name}\" is invalid: " + (parts.Count == 1 ? parts[0] : "[" + string.Join(", ", parts) + "]");
        return new ApiError(422, "Invalid", msg, new JsonObject { ["name"] = name, ["group"] = t.Group, ["kind"] = t.Kind, ["causes"] = causes });
    }

    private static string ReasonFor(string type) => type switch
    {
        "Required value" => "FieldValueRequired",
        "Unsupported value" => "FieldValueNotSupported",
        "Duplicate value" => "FieldValueDuplicate",
        "Forbidden" => "FieldValueForbidden",
        "Too long" => "FieldValueTooLong",
        "Not found" => "FieldValueNotFound",
        _ => "FieldValueInvalid",
    };

    private static JsonObject Det(ResourceType t, string name)
    {
        var d = new JsonObject { ["name"] = name };
        if (t.Group.Length > 0) d["group"] = t.Group;
        d["kind"] = t.Plural;
        return d;
    }
}
