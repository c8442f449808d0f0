using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>
/// The controllers' event recorder, correlating as client-go's core/v1 recorder does before it writes: an Event with
/// the same source, involved object, type, reason and message as one already sent updates that Event (count + 1,
/// lastTimestamp, the first name and firstTimestamp kept); the tenth distinct message with the same source, object,
/// type and reason within ten minutes of the previous one is written as "(combined from similar events): …" and
/// counted from then on. New Events are named <c>&lt;object&gt;.&lt;hex of the Unix time in nanoseconds&gt;</c>.
/// </summary>
internal sealed partial class Controllers
{
    private const int SimilarMessages = 10;
    private static readonly TimeSpan SimilarWindow = TimeSpan.FromMinutes(10);
    private readonly Dictionary<string, (string Name, long Count, string First)> _eventLog = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (HashSet<string> Messages, DateTime Last)> _similar = new(StringComparer.Ordinal);

    /// <summary>Records an Event about an object from the component a real cluster names, counted as the real recorder counts it.</summary>
    private void Event(StoredObject about, string type, string reason, string message, string component = "kubelet")
    {
        var now = DateTime.UtcNow;
        var ns = about.Namespace ?? "default";
        var similarKey = string.Join('|', component, about.Type.Kind, about.Namespace, about.Name, about.Uid, about.Type.GroupVersion, type, reason);
        if (!_similar.TryGetValue(similarKey, out var similar) || now - similar.Last > SimilarWindow) similar = (new HashSet<string>(StringComparer.Ordinal), now);
        similar.Messages.Add(message);
        _similar[similarKey] = (similar.Messages, now);
        var key = similarKey + "|" + message;
        if (similar.Messages.Count >= SimilarMessages)
        {
            similar.Messages.Remove(similar.Messages.First());
            message = "(combined from similar events): " + message;
            key = similarKey;
        }
        var stamp = Stamp(now);
        var events = T("", "events");
        if (_eventLog.TryGetValue(key, out var seen) && _store.Get(events, ns, seen.Name) is { } live)
        {
            Update(live, o =>
            {
                o["count"] = seen.Count + 1;
                o["lastTimestamp"] = stamp;
                o["message"] = message;
            });
            _eventLog[key] = seen with { Count = seen.Count + 1 };
            return;
        }
        // An Event sent before but since deleted is created again under its name, with its count, as the recorder does when its patch finds nothing.
        var (name, count, first) = _eventLog.TryGetValue(key, out seen)
            ? (seen.Name, seen.Count + 1, seen.First)
            : ($"{about.Name}.{(now - DateTime.UnixEpoch).Ticks * 100:x}", 1L, stamp);
        _api.Commit(events, ns, name, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name },
            ["involvedObject"] = new JsonObject { ["kind"] = about.Type.Kind, ["namespace"] = about.Namespace, ["name"] = about.Name, ["uid"] = about.Uid, ["apiVersion"] = about.Type.GroupVersion },
            ["reason"] = reason, ["message"] = message, ["type"] = type, ["count"] = count,
            ["firstTimestamp"] = first, ["lastTimestamp"] = stamp, ["source"] = new JsonObject { ["component"] = component },
        }, null, Ctx(), null);
        _eventLog[key] = (name, count, first);
    }
}
