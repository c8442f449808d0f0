using System.Globalization;
using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>
/// The cronjob controller on the fake's clock: schedule times are counted from when the controller first sees a
/// CronJob, in simulated time; at each one (only the latest of several missed ones) it creates the Job
/// `NAME-&lt;minutes since the epoch&gt;` from the job template, unless suspended or Forbid finds one still running
/// (Replace deletes it first); it keeps status.active, lastScheduleTime and lastSuccessfulTime, and deletes finished
/// Jobs beyond the successful/failed history limits. Times it writes are simulated times.
/// </summary>
internal sealed partial class Controllers
{
    private readonly Dictionary<string, DateTime> _cronSeen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sawCompleted = new(StringComparer.Ordinal);

    private static string Stamp(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private void CronJob(StoredObject cj)
    {
        if (cj.Object["metadata"]?["deletionTimestamp"] is not null) return;
        var spec = (JsonObject)cj.Object["spec"]!;
        var jobType = T("batch", "jobs");
        var jobs = Owned(jobType, cj);
        bool Finished(StoredObject j, string type) => HasCondition(j.Object["status"] as JsonObject, type);
        var running = jobs.Where(j => !Finished(j, "Complete") && !Finished(j, "Failed")).ToList();
        var status = (JsonObject?)cj.Object["status"]?.DeepClone() ?? new JsonObject();
        var now = SimNow;
        if (!_cronSeen.TryGetValue(cj.Uid, out var last)) _cronSeen[cj.Uid] = last = now;
        if (status["lastScheduleTime"]?.GetValue<string>() is { } ls) last = Parse(ls);
        var schedule = CronSchedule.Parse(spec["schedule"]!.GetValue<string>(), out _);
        var due = schedule?.GetOccurrences(last, now, fromInclusive: false, toInclusive: true).Select(d => (DateTime?)d).LastOrDefault();
        // The loop wakes for the next schedule time.
        if (schedule?.GetNextOccurrence(now) is { } next) WakeAt(next);
        var policy = spec["concurrencyPolicy"]?.GetValue<string>() ?? "Allow";
        if (due is { } at && spec["suspend"]?.GetValue<bool>() != true)
        {
            if (policy != "Forbid" || running.Count == 0)
            {
                if (policy == "Replace")
                    foreach (var j in running)
                    {
                        _api.Delete(j, "Background");
                        Event(cj, "Normal", "SuccessfulDelete", $"Deleted job {j.Name}", "cronjob-controller");
                    }
                var name = $"{cj.Name}-{new DateTimeOffset(at).ToUnixTimeSeconds() / 60}";
                if (_store.Get(jobType, cj.Namespace, name) is null)
                {
                    var template = (JsonObject?)spec["jobTemplate"]?.DeepClone() ?? new JsonObject();
                    var meta = (JsonObject?)template["metadata"]?.DeepClone() ?? new JsonObject();
                    meta["name"] = name;
                    meta["ownerReferences"] = OwnerRef(cj);
                    ((JsonObject)(meta["annotations"] ??= new JsonObject()))["batch.kubernetes.io/cronjob-scheduled-timestamp"] = at.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
                    _api.Commit(jobType, cj.Namespace, name, new JsonObject { ["metadata"] = meta, ["spec"] = template["spec"]?.DeepClone() }, null, Ctx(), null);
                    Event(cj, "Normal", "SuccessfulCreate", $"Created job {name}", "cronjob-controller");
                }
                status["lastScheduleTime"] = Stamp(at);
            }
        }
        jobs = Owned(jobType, cj);
        running = jobs.Where(j => !Finished(j, "Complete") && !Finished(j, "Failed")).ToList();
        foreach (var j in jobs.Where(j => Finished(j, "Complete") && _sawCompleted.Add(j.Uid)))
            Event(cj, "Normal", "SawCompletedJob", $"Saw completed job: {j.Name}, status: Complete", "cronjob-controller");
        var lastSuccess = jobs.Where(j => Finished(j, "Complete")).Select(j => j.Object["status"]?["completionTime"]?.GetValue<string>()).OfType<string>().Order(StringComparer.Ordinal).LastOrDefault();
        if (lastSuccess is not null) status["lastSuccessfulTime"] = lastSuccess;
        if (running.Count > 0)
            status["active"] = new JsonArray(running.Select(j => (JsonNode?)new JsonObject { ["kind"] = "Job", ["namespace"] = j.Namespace, ["name"] = j.Name, ["uid"] = j.Uid, ["apiVersion"] = "batch/v1", ["resourceVersion"] = j.Object["metadata"]?["resourceVersion"]?.DeepClone() }).ToArray());
        else status.Remove("active");
        SetStatus(cj, status);
        // History limits: the oldest finished Jobs beyond them go.
        foreach (var (type, limit) in new[] { ("Complete", Int(spec["successfulJobsHistoryLimit"], 3)), ("Failed", Int(spec["failedJobsHistoryLimit"], 1)) })
        {
            var done = jobs.Where(j => Finished(j, type)).OrderBy(j => j.Name, StringComparer.Ordinal).ToList();
            foreach (var old in done.Take(Math.Max(0, done.Count - limit)))
            {
                _api.Delete(old, "Background");
                Event(cj, "Normal", "SuccessfulDelete", $"Deleted job {old.Name}", "cronjob-controller");
            }
        }
    }
}
