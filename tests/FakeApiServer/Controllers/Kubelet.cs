using System.Globalization;
using System.Text.Json.Nodes;

namespace FakeApiServer;

/// <summary>
/// The simulated kubelet's containers and the Events a v1.32 kubelet (source <c>kubelet</c>, host the node) and
/// scheduler write about them, on the fake's clock: <c>Scheduled</c> when a pod is first seen; per container
/// <c>Pulling</c> then <c>Pulled</c> ("Successfully pulled image … in …") when the image must be pulled (policy
/// Always, or IfNotPresent and not yet on the node), or <c>Pulled</c> "already present on machine"; <c>Created</c> and
/// <c>Started</c> once the pod-ready delay has passed; <c>Killing</c> "Stopping container" for each started container
/// when the pod is deleted. A broken image's pull fails (Failed, "Error: ErrImagePull", container waiting in
/// ErrImagePull); the kubelet syncs the pod again every 10 s, and while the image back-off (10 s doubling to 5 min)
/// lasts it reports BackOff and "Error: ImagePullBackOff" (waiting in ImagePullBackOff), then pulls again.
/// </summary>
internal sealed partial class Controllers
{
    private static readonly TimeSpan KubeletResync = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ImageBackOffStart = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ImageBackOffMax = TimeSpan.FromMinutes(5);
    private readonly Dictionary<string, KubeletPod> _kubelet = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _nodeImages = new(StringComparer.Ordinal);

    /// <summary>What the kubelet knows of a pod it runs (by uid).</summary>
    private sealed class KubeletPod(EventSubject pod, string node)
    {
        public EventSubject Pod { get; set; } = pod;
        public string Node { get; } = node;
        public Dictionary<string, KubeletContainer> Containers { get; } = new(StringComparer.Ordinal);
        /// <summary>Every container started (nothing more to do until the pod goes).</summary>
        public bool Settled { get; set; }
        /// <summary>The containers were stopped (the pod is being deleted).</summary>
        public bool Stopping { get; set; }
        /// <summary>The containers ran to completion (a Job's pod): nothing to stop.</summary>
        public bool Exited { get; set; }
    }

    private sealed class KubeletContainer(string name, string image, bool broken)
    {
        public string Name { get; } = name;
        public string Image { get; } = image;
        public bool Broken { get; } = broken;
        public DateTime? PullStarted { get; set; }
        public bool Started { get; set; }
        public DateTime LastPull { get; set; }
        public TimeSpan BackOff { get; set; }
        public DateTime NextSync { get; set; }
        public string? Waiting { get; set; }
        public string? WaitingMessage { get; set; }
        public string FieldPath => $"spec.containers{{{Name}}}";
    }

    /// <summary>Whether the pod-ready delay has passed since the pod was created (its containers start then).</summary>
    private bool StartDue(StoredObject pod)
    {
        var key = $"{pod.Namespace}/{pod.Name}";
        if (!_podStart.TryGetValue(key, out var started)) _podStart[key] = started = SimNow;
        return Due(started + _options.PodReadyDelay);
    }

    /// <summary>One kubelet sync of a pod: first sight (Scheduled, image checks), container starts, pull retries, stopping on deletion.</summary>
    private KubeletPod Kubelet(StoredObject pod, bool startDue, bool pullsFail)
    {
        if (!_kubelet.TryGetValue(pod.Uid, out var k))
        {
            var node = pod.Object["spec"]?["nodeName"]?.GetValue<string>() ?? ControlPlaneNode;
            _kubelet[pod.Uid] = k = new KubeletPod(EventSubject.Of(pod), node);
            ScheduledEvent(pod, node);
            foreach (var c in (pod.Object["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var image = c["image"]?.GetValue<string>() ?? "";
                var run = new KubeletContainer(c["name"]?.GetValue<string>() ?? "", image, pullsFail && BrokenImage(image));
                k.Containers[run.Name] = run;
                EnsureImage(k, run, c["imagePullPolicy"]?.GetValue<string>() ?? DefaultPullPolicy(image));
            }
        }
        if (pod.Object["metadata"]?["deletionTimestamp"] is not null)
        {
            if (!k.Stopping) Stop(k);
            return k;
        }
        if (k.Settled) return k;
        k.Pod = EventSubject.Of(pod);
        var now = SimNow;
        foreach (var run in k.Containers.Values)
        {
            if (run.Broken)
            {
                if (now >= run.NextSync) SyncBrokenPull(k, run, now);
                WakeAt(run.NextSync);
                continue;
            }
            if (run.Started || !startDue) continue;
            if (run.PullStarted is { } pullStarted)
            {
                var took = GoDuration(now - pullStarted);
                KubeletEvent(k, run, "Normal", "Pulled", $"Successfully pulled image \"{run.Image}\" in {took} ({took} including waiting). Image size: {ImageSize(run.Image)} bytes.");
                NodeImages(k.Node).Add(run.Image);
            }
            KubeletEvent(k, run, "Normal", "Created", $"Created container: {run.Name}");
            KubeletEvent(k, run, "Normal", "Started", $"Started container {run.Name}");
            run.Started = true;
        }
        k.Settled = k.Containers.Values.All(r => r.Started);
        return k;
    }

    /// <summary>The kubelet's first look at a container's image, by its pull policy and what the node already has.</summary>
    private void EnsureImage(KubeletPod k, KubeletContainer run, string policy)
    {
        if (run.Broken)
        {
            FailPull(k, run, SimNow);
            return;
        }
        // The node keeps every image it pulled; with policy Never it is taken to have the image (nothing preloads one here).
        if (policy == "Never" || (policy != "Always" && NodeImages(k.Node).Contains(run.Image)))
        {
            KubeletEvent(k, run, "Normal", "Pulled", $"Container image \"{run.Image}\" already present on machine");
            return;
        }
        KubeletEvent(k, run, "Normal", "Pulling", $"Pulling image \"{run.Image}\"");
        run.PullStarted = SimNow;
    }

    /// <summary>A pull attempt of a broken image: it fails, and the back-off grows (10 s, doubling to 5 min; reset after 10 min without one).</summary>
    private void FailPull(KubeletPod k, KubeletContainer run, DateTime now)
    {
        var error = PullError(run.Image);
        KubeletEvent(k, run, "Normal", "Pulling", $"Pulling image \"{run.Image}\"");
        KubeletEvent(k, run, "Warning", "Failed", $"Failed to pull image \"{run.Image}\": {error}");
        KubeletEvent(k, run, "Warning", "Failed", "Error: ErrImagePull");
        run.BackOff = run.LastPull == default || now - run.LastPull > ImageBackOffMax * 2 ? ImageBackOffStart : TimeSpan.FromTicks(Math.Min(run.BackOff.Ticks * 2, ImageBackOffMax.Ticks));
        run.LastPull = now;
        run.Waiting = "ErrImagePull";
        run.WaitingMessage = error;
        run.NextSync = now + KubeletResync;
    }

    /// <summary>A later sync of a pod whose image failed: still in back-off (BackOff, "Error: ImagePullBackOff"), or another pull.</summary>
    private void SyncBrokenPull(KubeletPod k, KubeletContainer run, DateTime now)
    {
        if (now - run.LastPull >= run.BackOff)
        {
            FailPull(k, run, now);
            return;
        }
        var message = $"Back-off pulling image \"{run.Image}\"";
        KubeletEvent(k, run, "Normal", "BackOff", message);
        KubeletEvent(k, run, "Warning", "Failed", "Error: ImagePullBackOff");
        run.Waiting = "ImagePullBackOff";
        run.WaitingMessage = message;
        run.NextSync = now + KubeletResync;
    }

    /// <summary>The kubelet stops a deleted pod's running containers, each with a Killing Event.</summary>
    private void Stop(KubeletPod k)
    {
        k.Stopping = true;
        if (k.Exited) return;
        foreach (var run in k.Containers.Values.Where(r => r.Started))
            KubeletEvent(k, run, "Normal", "Killing", $"Stopping container {run.Name}");
    }

    /// <summary>Pods the kubelet ran that are gone from the store: their containers are stopped and forgotten.</summary>
    private void StopGonePods(HashSet<string> live)
    {
        List<string>? gone = null;
        foreach (var (uid, k) in _kubelet)
        {
            if (live.Contains(uid)) continue;
            if (!k.Stopping) Stop(k);
            (gone ??= []).Add(uid);
        }
        foreach (var uid in gone ?? []) _kubelet.Remove(uid);
    }

    /// <summary>Marks a pod's containers as exited (a Job's pod that completed or failed).</summary>
    private void KubeletExited(StoredObject pod)
    {
        if (_kubelet.TryGetValue(pod.Uid, out var k)) k.Exited = true;
    }

    private void KubeletEvent(KubeletPod k, KubeletContainer run, string type, string reason, string message) =>
        Event(k.Pod with { FieldPath = run.FieldPath }, type, reason, message, "kubelet", k.Node);

    private HashSet<string> NodeImages(string node)
    {
        if (!_nodeImages.TryGetValue(node, out var images)) _nodeImages[node] = images = new HashSet<string>(StringComparer.Ordinal);
        return images;
    }

    /// <summary>The API server's default pull policy: Always for the latest tag (or none), else IfNotPresent.</summary>
    private static string DefaultPullPolicy(string image)
    {
        var tag = ImageTag(image);
        return tag is "" or "latest" && !image.Contains('@', StringComparison.Ordinal) ? "Always" : "IfNotPresent";
    }

    /// <summary>What containerd answers for an image that does not exist, about its fully qualified reference.</summary>
    private static string PullError(string image)
    {
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? "" : image[..slash];
        var qualified = slash < 0 ? "docker.io/library/" + image
            : first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost" ? image
            : "docker.io/" + image;
        if (ImageTag(image).Length == 0 && !image.Contains('@', StringComparison.Ordinal)) qualified += ":latest";
        return $"rpc error: code = NotFound desc = failed to pull and unpack image \"{qualified}\": failed to resolve reference \"{qualified}\": {qualified}: not found";
    }

    /// <summary>A stable size for an image (20 to 200 MB), as the runtime reports one.</summary>
    private static long ImageSize(string image)
    {
        var hash = 2166136261u;
        foreach (var ch in image) hash = (hash ^ ch) * 16777619u;
        return 20_000_000 + hash % 180_000_000;
    }

    /// <summary>A duration as Go prints it after truncation to milliseconds: 796ms, 1.594s, 2m3.5s, 1h0m0s.</summary>
    internal static string GoDuration(TimeSpan d)
    {
        var ms = (long)d.TotalMilliseconds;
        if (ms <= 0) return "0s";
        if (ms < 1000) return ms.ToString(CultureInfo.InvariantCulture) + "ms";
        var seconds = ms % 60_000 / 1000;
        var fraction = ms % 1000;
        var s = fraction == 0 ? $"{seconds}s" : $"{seconds}.{fraction:000}".TrimEnd('0') + "s";
        var minutes = ms / 60_000 % 60;
        var hours = ms / 3_600_000;
        return hours > 0 ? $"{hours}h{minutes}m{s}" : minutes > 0 ? $"{minutes}m{s}" : s;
    }
}
