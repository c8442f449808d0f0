using System.Globalization;
using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>
/// The job controller and the kubelet's side of a Job's pods, on the fake's clock: a pod runs from the pod-ready
/// delay on and exits 0 after as long again (an image whose tag ends with "broken" exits 1 as soon as it starts);
/// the controller keeps up to parallelism pods running until completions succeed (Complete), retries failures after a
/// 10 s, 20 s, 40 s … back-off until more than backoffLimit have failed (Failed, BackoffLimitExceeded), fails a Job
/// past activeDeadlineSeconds, honours suspend, Indexed completion mode and ttlSecondsAfterFinished.
/// </summary>
internal sealed partial class Controllers
{
    private readonly Dictionary<string, DateTime> _jobRetryAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTime> _jobStart = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTime> _jobFinished = new(StringComparer.Ordinal);

    private static string? Phase(StoredObject pod) => pod.Object["status"]?["phase"]?.GetValue<string>();

    private static bool Terminal(StoredObject pod) => Phase(pod) is "Succeeded" or "Failed";

    private static bool HasCondition(JsonObject? status, string type) =>
        (status?["conditions"] as JsonArray)?.Any(c => c?["type"]?.GetValue<string>() == type && c["status"]?.GetValue<string>() == "True") == true;

    private void JobPodStatus(StoredObject pod)
    {
        if (Terminal(pod))
        {
            KubeletExited(pod);
            return;
        }
        var key = $"{pod.Namespace}/{pod.Name}";
        if (!_podStart.TryGetValue(key, out var started)) _podStart[key] = started = SimNow;
        var broken = Broken(pod.Object["spec"] as JsonObject);
        var running = Due(started + _options.PodReadyDelay);
        var done = running && (broken || Due(started + _options.PodReadyDelay * 2));
        // A Job's broken image pulls and starts, then exits 1.
        Kubelet(pod, running, pullsFail: false);
        if (done) KubeletExited(pod);
        var now = Api.Now();
        var statuses = new JsonArray();
        foreach (var c in pod.Object["spec"]?["containers"] as JsonArray ?? [])
        {
            var state = done
                ? new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = broken ? 1 : 0, ["reason"] = broken ? "Error" : "Completed", ["startedAt"] = pod.Object["metadata"]?["creationTimestamp"]?.DeepClone(), ["finishedAt"] = now } }
                : running ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = pod.Object["metadata"]?["creationTimestamp"]?.DeepClone() } }
                : new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating" } };
            statuses.Add(new JsonObject { ["name"] = c?["name"]?.DeepClone(), ["image"] = c?["image"]?.DeepClone(), ["imageID"] = "", ["ready"] = running && !done, ["restartCount"] = 0, ["started"] = running && !done, ["state"] = state });
        }
        var ready = new JsonObject { ["type"] = "Ready", ["status"] = running && !done ? "True" : "False" };
        if (done) ready["reason"] = "PodCompleted";
        SetStatus(pod, new JsonObject
        {
            ["phase"] = done ? (broken ? "Failed" : "Succeeded") : running ? "Running" : "Pending",
            ["conditions"] = new JsonArray(ready, new JsonObject { ["type"] = "PodScheduled", ["status"] = "True" }),
            ["hostIP"] = "10.0.0.10",
            ["podIP"] = "10.244.0." + (Math.Abs(pod.Uid.GetHashCode()) % 250 + 2),
            ["containerStatuses"] = statuses,
        });
    }

    private static JsonObject JobCondition(string type, string reason, string message, string now) => new()
    {
        ["type"] = type, ["status"] = "True", ["lastProbeTime"] = now, ["lastTransitionTime"] = now, ["reason"] = reason, ["message"] = message,
    };

    private void Job(StoredObject job)
    {
        if (job.Object["metadata"]?["deletionTimestamp"] is not null) return;
        var spec = (JsonObject)job.Object["spec"]!;
        var status = job.Object["status"] as JsonObject;
        var now = Api.Now();
        if (HasCondition(status, "Complete") || HasCondition(status, "Failed"))
        {
            if (!_jobFinished.TryGetValue(job.Uid, out var finished)) _jobFinished[job.Uid] = finished = SimNow;
            if (spec["ttlSecondsAfterFinished"]?.AsInt() is { } ttl && Due(finished + TimeSpan.FromSeconds(ttl))) _api.Delete(job);
            return;
        }
        var pods = Owned(T("", "pods"), job);
        var active = pods.Where(p => !Terminal(p) && p.Object["metadata"]?["deletionTimestamp"] is null).ToList();
        var succeededPods = pods.Where(p => Phase(p) == "Succeeded").ToList();
        var failed = pods.Count(p => Phase(p) == "Failed");
        var completions = spec["completions"]?.AsInt();
        var parallelism = Int(spec["parallelism"], 1);
        var backoffLimit = Int(spec["backoffLimit"], 6);
        var indexed = spec["completionMode"]?.GetValue<string>() == "Indexed";
        string? IndexOf(StoredObject p) => p.Object["metadata"]?["annotations"]?["batch.kubernetes.io/job-completion-index"]?.GetValue<string>();
        var succeeded = indexed ? succeededPods.Select(IndexOf).Distinct().Count() : succeededPods.Count;
        var conditions = new JsonArray();
        var next = new JsonObject();
        if (status?["startTime"] is { } st) next["startTime"] = st.DeepClone();
        if (!_jobStart.TryGetValue(job.Uid, out var startedSim) && status?["startTime"] is not null) _jobStart[job.Uid] = startedSim = SimNow;

        void Fail(string reason, string message)
        {
            foreach (var p in active) DeletePod(job, p);
            active.Clear();
            conditions.Add(JobCondition("FailureTarget", reason, message, now));
            conditions.Add(JobCondition("Failed", reason, message, now));
            Event(job, "Warning", reason, message, "job-controller");
        }

        if (spec["suspend"]?.GetValue<bool>() == true)
        {
            foreach (var p in active) DeletePod(job, p);
            active.Clear();
            conditions.Add(JobCondition("Suspended", "JobSuspended", "Job suspended", now));
            next.Remove("startTime");
        }
        else if (failed > backoffLimit)
            Fail("BackoffLimitExceeded", "Job has reached the specified backoff limit");
        else if (spec["activeDeadlineSeconds"]?.AsInt() is { } deadline && _jobStart.ContainsKey(job.Uid) && Due(After(startedSim + TimeSpan.FromSeconds(deadline))))
            Fail("DeadlineExceeded", "Job was active longer than specified deadline");
        else if (completions is { } c ? succeeded >= c : succeeded > 0 && active.Count == 0)
        {
            conditions.Add(JobCondition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", now));
            conditions.Add(JobCondition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", now));
            next["completionTime"] = now;
            Event(job, "Normal", "Completed", "Job completed", "job-controller");
        }
        else
        {
            // A new failure pushes the next attempt back: 10 s, 20 s, 40 s … (at most 6 min) of the fake's clock.
            var failuresSeen = $"{job.Uid}|{failed}";
            if (failed > 0 && !_jobRetryAt.ContainsKey(failuresSeen))
                _jobRetryAt[failuresSeen] = SimNow + TimeSpan.FromSeconds(Math.Min(360, 10 * Math.Pow(2, failed - 1)));
            var want = completions is { } cc ? Math.Min(parallelism, cc - succeeded) : succeeded > 0 ? 0 : parallelism;
            if (active.Count < want && (failed == 0 || Due(_jobRetryAt[failuresSeen])))
            {
                var template = (JsonObject)spec["template"]!;
                var taken = active.Select(IndexOf).Concat(succeededPods.Select(IndexOf)).ToHashSet();
                for (var i = active.Count; i < want; i++)
                {
                    var suffix = Hash(JsonValue.Create(Guid.NewGuid().ToString()))[..5];
                    if (!indexed)
                    {
                        CreatePod(job, $"{job.Name}-{suffix}", template, out _);
                        continue;
                    }
                    var index = Enumerable.Range(0, completions ?? parallelism).Select(n => n.ToString(CultureInfo.InvariantCulture)).First(n => !taken.Contains(n));
                    taken.Add(index);
                    var indexedTemplate = (JsonObject)template.DeepClone();
                    var tmeta = (JsonObject)(indexedTemplate["metadata"] ??= new JsonObject());
                    ((JsonObject)(tmeta["annotations"] ??= new JsonObject()))["batch.kubernetes.io/job-completion-index"] = index;
                    ((JsonObject)(tmeta["labels"] ??= new JsonObject()))["batch.kubernetes.io/job-completion-index"] = index;
                    CreatePod(job, $"{job.Name}-{index}-{suffix}", indexedTemplate, out _);
                }
                active = Owned(T("", "pods"), job).Where(p => !Terminal(p)).ToList();
            }
            next["startTime"] ??= now;
            if (!_jobStart.ContainsKey(job.Uid)) _jobStart[job.Uid] = SimNow;
            // The active deadline counts from the start just recorded too.
            if (spec["activeDeadlineSeconds"]?.AsInt() is { } activeDeadline) WakeAt(After(_jobStart[job.Uid] + TimeSpan.FromSeconds(activeDeadline)));
        }
        if (active.Count > 0) next["active"] = active.Count;
        if (succeeded > 0) next["succeeded"] = succeeded;
        if (failed > 0) next["failed"] = failed;
        next["ready"] = active.Count(p => Phase(p) == "Running");
        next["terminating"] = 0;
        next["uncountedTerminatedPods"] = new JsonObject();
        if (indexed && succeeded > 0) next["completedIndexes"] = Ranges(succeededPods.Select(IndexOf).OfType<string>().Select(x => int.Parse(x, CultureInfo.InvariantCulture)).Distinct().Order().ToList());
        if (conditions.Count > 0) next["conditions"] = conditions;
        // Keep the times of an unchanged Suspended condition (status writes are no-ops when nothing changed).
        if (HasCondition(status, "Suspended") && conditions.Count == 1 && status?["conditions"] is JsonArray oldConditions) next["conditions"] = oldConditions.DeepClone();
        SetStatus(job, next);
    }

    /// <summary>Completed indexes as the controller writes them: "0-2,4".</summary>
    private static string Ranges(List<int> sorted)
    {
        var parts = new List<string>();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(i == j ? sorted[i].ToString(CultureInfo.InvariantCulture) : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }
}
