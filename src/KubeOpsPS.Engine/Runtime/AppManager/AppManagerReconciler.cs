using System.Text.Json.Nodes;
using KubeOpsPS.Engine.Cluster;
using KubeOpsPS.Engine.Manifests.AppManager;
using KubeOpsPS.Engine.Validation;
using KubeOpsPS.Engine.Yaml;

namespace KubeOpsPS.Engine.Runtime.AppManager;

/// <summary>
/// Keeps a cluster in step with a folder of manifests, like Kubernetes' addon-manager but reacting to changes at
/// once: server-side apply of changed files, per-object Reconcile / EnsureExists / Ignore modes (the addon-manager's
/// mode label), pruning only of objects it applied itself (by its own label), a periodic resync that repairs drift
/// without writing anything when nothing drifted, and retries that catch up after the cluster comes back.
/// </summary>
public sealed class AppManagerReconciler
{
    public const string OwnerLabel = "kubeops.io/app-manager";
    public const string FileAnnotation = "kubeops.io/app-manager-file";

    // Deleting these loses data or whole namespaces: the prune pass reports them and leaves them.
    private static readonly HashSet<string> NeverPrune = ["PersistentVolumeClaim", "PersistentVolume", "Namespace", "CustomResourceDefinition"];

    private readonly ClusterGateway _gateway;
    private readonly AppManagerReconcilerOptions _options;
    private readonly Action<AppManagerEvent> _emit;
    private readonly Dictionary<string, (DateTime Written, long Length)> _fingerprints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ManifestFile> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _retry = new(StringComparer.Ordinal);
    private readonly HashSet<(string, string)> _seenKinds = [];

    public AppManagerReconciler(ClusterGateway gateway, AppManagerReconcilerOptions options, Action<AppManagerEvent> emit)
    {
        _gateway = gateway;
        _options = options with { Instance = Validate.LabelValue(options.Instance, "-Instance") };
        _emit = emit;
        if (!Directory.Exists(options.Folder))
            throw Validate.Invalid("-Path", options.Folder, $"The folder '{options.Folder}' does not exist.", "Create it, or give the folder that holds your manifests.");
    }

    /// <summary>Failures since the manager started (for -Once exit status).</summary>
    public int Failures { get; private set; }

    private void Emit(AppManagerAction action, string? file, DesiredObject? o, string message)
    {
        if (action == AppManagerAction.Failed) Failures++;
        _emit(new AppManagerEvent(DateTimeOffset.UtcNow, action, file, o?.Kind, o?.Namespace, o?.Name, message));
    }

    /// <summary>
    /// One pass: reads files whose content changed (all files when <paramref name="full"/>), applies what they ask
    /// for, and prunes (when enabled) what no file asks for any more. Returns the number of failures in this pass.
    /// </summary>
    public async Task<int> ReconcileAsync(bool full, CancellationToken ct)
    {
        var before = Failures;
        var present = ManifestFolder.ListFiles(_options.Folder, _options.Recurse).ToList();
        var changed = new List<string>();
        foreach (var path in present)
        {
            var info = new FileInfo(path);
            var fp = (info.LastWriteTimeUtc, info.Length);
            if (full || _retry.Contains(path) || !_fingerprints.TryGetValue(path, out var old) || old != fp)
            {
                _fingerprints[path] = fp;
                var read = ManifestFolder.Read(_options.Folder, path, _gateway.DefaultNamespace);
                if (!full && !_retry.Contains(path) && _files.TryGetValue(path, out var prev) && prev.Hash == read.Hash && prev.Error is null) continue;
                changed.Add(path);
                _files[path] = read;
            }
        }
        var removed = _files.Keys.Where(p => !present.Contains(p)).ToList();
        foreach (var r in removed) { _files.Remove(r); _fingerprints.Remove(r); _retry.Remove(r); }

        // Objects asked for by more than one file are ambiguous: report both files, apply neither copy.
        var owners = _files.Values.Where(f => f.Error is null).SelectMany(f => f.Objects.Select(o => (o.Key, f.RelativePath))).GroupBy(x => x.Key)
            .Where(g => g.Select(x => x.RelativePath).Distinct().Count() > 1).ToDictionary(g => g.Key, g => g.Select(x => x.RelativePath).Distinct().ToList());

        // What exists: one LIST per kind and namespace of the objects to apply, instead of a GET per object.
        var live = await ListLiveAsync(changed.Select(p => _files[p]).Where(f => f.Error is null).SelectMany(f => f.Objects).Where(o => o.Mode != "Ignore"), ct).ConfigureAwait(false);
        foreach (var path in changed)
        {
            var file = _files[path];
            _retry.Remove(path);
            if (file.Error is not null)
            {
                Emit(AppManagerAction.Failed, file.RelativePath, null, $"{file.Error} (the file was not applied; it is read again when it changes)");
                continue;
            }
            foreach (var o in file.Objects)
            {
                ct.ThrowIfCancellationRequested();
                if (owners.TryGetValue(o.Key, out var files))
                {
                    Emit(AppManagerAction.Failed, file.RelativePath, o, $"{o.Kind} {o.Name} is defined in more than one file: {string.Join(", ", files)}; neither copy was applied");
                    continue;
                }
                if (!await ApplyOneAsync(file, o, live, ct).ConfigureAwait(false)) _retry.Add(path);
            }
        }
        if (_options.Prune) await PruneAsync(ct).ConfigureAwait(false);
        return Failures - before;
    }

    /// <summary>
    /// The live objects of each kind and namespace the objects ask for, by name, one paginated LIST each. A kind the
    /// module cannot resolve without asking, or a LIST that fails, is left out: those objects are read one by one.
    /// </summary>
    private async Task<Dictionary<(string ApiVersion, string Kind, string? Ns), Dictionary<string, JsonObject>>> ListLiveAsync(IEnumerable<DesiredObject> objects, CancellationToken ct)
    {
        var live = new Dictionary<(string, string, string?), Dictionary<string, JsonObject>>();
        foreach (var group in objects.GroupBy(o => (o.ApiVersion, o.Kind, o.Namespace)))
        {
            if (KubeTypes.Find(group.Key.ApiVersion, group.Key.Kind) is not { } kind) continue;
            var ns = kind.Namespaced ? group.Key.Namespace ?? _gateway.DefaultNamespace : null;
            if (live.ContainsKey((kind.ApiVersion, kind.Kind, ns))) continue;
            try
            {
                var (items, _) = await _gateway.ListAsync(kind, ns, ct: ct).ConfigureAwait(false);
                live[(kind.ApiVersion, kind.Kind, ns)] = items.Select(i => KoYaml.ToJsonObject(i, includeServerFields: true))
                    .ToDictionary(j => j["metadata"]!["name"]!.GetValue<string>(), StringComparer.Ordinal);
            }
            catch (KoClusterException)
            {
                // Not allowed to list, or down: ApplyOneAsync reads each object and reports its own failure.
            }
        }
        return live;
    }

    private async Task<bool> ApplyOneAsync(ManifestFile file, DesiredObject o, Dictionary<(string ApiVersion, string Kind, string? Ns), Dictionary<string, JsonObject>> live, CancellationToken ct)
    {
        if (o.Mode == "Ignore")
        {
            Emit(AppManagerAction.Skipped, file.RelativePath, o, $"{ManifestFolder.ModeLabel}=Ignore");
            return true;
        }
        try
        {
            var desired = Owned(o, file.RelativePath);
            var (kind, json, ns, name) = await _gateway.PrepareAsync(desired, ct).ConfigureAwait(false);
            _seenKinds.Add((kind.ApiVersion, kind.Kind));
            var listed = live.TryGetValue((kind.ApiVersion, kind.Kind, ns), out var group);
            var current = listed ? group!.GetValueOrDefault(name)
                : await _gateway.GetAsync(kind, ns, name, ct).ConfigureAwait(false) is { } got ? KoYaml.ToJsonObject(got, includeServerFields: true) : null;
            if (current is not null && (o.Mode == "EnsureExists" || IsSubset(json, current)))
            {
                Emit(AppManagerAction.Unchanged, file.RelativePath, o, o.Mode == "EnsureExists" ? "exists (EnsureExists)" : "up to date");
                return true;
            }
            var options = new ApplyOptions(Force: true);
            var result = listed
                ? await _gateway.ApplyListedAsync(desired, options, current, ct).ConfigureAwait(false)
                : await _gateway.ApplyAsync(desired, options, ct).ConfigureAwait(false);
            Emit(result.Outcome == ApplyOutcome.Unchanged ? AppManagerAction.Unchanged : AppManagerAction.Applied, file.RelativePath, o, result.Outcome.ToString().ToLowerInvariant());
            return true;
        }
        catch (Exception e) when (e is KoClusterException or KoValidationException)
        {
            var transient = e is KoClusterException { Transient: true };
            Emit(AppManagerAction.Failed, file.RelativePath, o, e.Message + (transient ? " (retrying)" : string.Empty));
            return !transient;
        }
    }

    /// <summary>The object with this manager's ownership label and source-file annotation added.</summary>
    private object Owned(DesiredObject o, string relativePath)
    {
        var json = KoYaml.ToJsonObject(o.Value);
        var meta = json["metadata"] as JsonObject ?? [];
        json["metadata"] = meta;
        var labels = meta["labels"] as JsonObject ?? [];
        meta["labels"] = labels;
        labels[OwnerLabel] = _options.Instance;
        var annotations = meta["annotations"] as JsonObject ?? [];
        meta["annotations"] = annotations;
        annotations[FileAnnotation] = relativePath.Replace('\\', '/');
        return json;
    }

    private async Task PruneAsync(CancellationToken ct)
    {
        var wanted = new HashSet<string>(_files.Values.SelectMany(f => f.Objects.Select(o => o.Key)), StringComparer.Ordinal);
        // Files that failed to read still own their objects: never prune what a broken file may still ask for.
        var brokenFiles = _files.Values.Where(f => f.Error is not null).Select(f => f.RelativePath.Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);
        var kinds = AppManagerBundle.PruneKinds.Concat(_seenKinds).Distinct();
        foreach (var (apiVersion, kindName) in kinds)
        {
            var kind = KubeTypes.Find(apiVersion, kindName);
            if (kind is null) continue;
            IReadOnlyList<object> items;
            try
            {
                (items, _) = await _gateway.ListAsync(kind, null, $"{OwnerLabel}={_options.Instance}", null, ct).ConfigureAwait(false);
            }
            catch (KoClusterException e)
            {
                Emit(AppManagerAction.Failed, null, null, $"cannot list {kind.Plural} to prune: {e.Message}");
                continue;
            }
            foreach (var item in items)
            {
                var json = KoYaml.ToJsonObject(item, includeServerFields: true);
                var meta = json["metadata"]!;
                var name = meta["name"]!.GetValue<string>();
                var ns = kind.Namespaced ? meta["namespace"]?.GetValue<string>() : null;
                var key = ManifestFolder.Key(apiVersion, kindName, ns, name);
                if (wanted.Contains(key)) continue;
                var source = meta["annotations"]?[FileAnnotation]?.GetValue<string>();
                var desc = new DesiredObject(key, apiVersion, kindName, ns, name, "Reconcile", item);
                if (source is not null && brokenFiles.Contains(source)) continue;
                var mode = meta["labels"]?[ManifestFolder.ModeLabel]?.GetValue<string>() ?? meta["annotations"]?[ManifestFolder.ModeLabel]?.GetValue<string>();
                var keep = KeepReason(kindName, mode, meta["annotations"] as JsonObject, json["type"]?.GetValue<string>());
                if (keep is not null)
                {
                    Emit(AppManagerAction.Skipped, source, desc, $"its file is gone, but it is kept: {keep}");
                    continue;
                }
                try
                {
                    await _gateway.DeleteAsync(kind, ns, name, ct: ct).ConfigureAwait(false);
                    Emit(AppManagerAction.Pruned, source, desc, "its file is gone");
                }
                catch (KoClusterException e)
                {
                    Emit(AppManagerAction.Failed, source, desc, $"prune failed: {e.Message}");
                }
            }
        }
    }

    /// <summary>Why an object must not be pruned, or null. Honours Flux's and Argo CD's opt-outs so one set of annotations works under all three tools.</summary>
    public static string? KeepReason(string kind, string? mode, JsonObject? annotations, string? secretType)
    {
        if (NeverPrune.Contains(kind)) return $"a {kind} is never pruned (its loss takes data with it); delete it with Remove-KoResource";
        if (kind == "Secret" && secretType == "kubernetes.io/tls") return "TLS secrets are never pruned; delete it with Remove-KoResource";
        if (mode == "EnsureExists") return "EnsureExists objects are never pruned";
        if (annotations?["kustomize.toolkit.fluxcd.io/prune"]?.GetValue<string>() == "disabled") return "kustomize.toolkit.fluxcd.io/prune: disabled";
        if (annotations?["argocd.argoproj.io/sync-options"]?.GetValue<string>() is { } opts && (opts.Contains("Prune=false", StringComparison.Ordinal) || opts.Contains("Delete=false", StringComparison.Ordinal)))
            return $"argocd.argoproj.io/sync-options: {opts}";
        return null;
    }

    /// <summary>Whether every field the folder asks for already has that value on the live object (defaults the server added are ignored).</summary>
    public static bool IsSubset(JsonNode? desired, JsonNode? live) => (desired, live) switch
    {
        (null, _) => true,
        (JsonObject d, JsonObject l) => d.All(p => p.Value is null || (l.TryGetPropertyValue(p.Key, out var lv) && IsSubset(p.Value, lv))),
        (JsonArray d, JsonArray l) => d.Count == l.Count && d.Select((x, i) => IsSubset(x, l[i])).All(b => b),
        (JsonArray { Count: 0 }, null) => true,
        _ => desired.ToJsonString() == live?.ToJsonString(),
    };

    /// <summary>
    /// Runs until cancelled: a full reconcile, then reacts to folder changes (file-system events, debounced, plus a
    /// poll for volumes that change by symlink swaps), retries failures, and resyncs everything periodically.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var signal = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(_options.Folder)
        {
            IncludeSubdirectories = _options.Recurse,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName,
        };
        void Poke(object? s, EventArgs e) => signal.Release();
        watcher.Changed += Poke; watcher.Created += Poke; watcher.Deleted += Poke; watcher.Renamed += Poke;
        watcher.EnableRaisingEvents = true;

        await SafeReconcileAsync(true, ct).ConfigureAwait(false);
        var lastFull = DateTime.UtcNow;
        while (!ct.IsCancellationRequested)
        {
            var wait = _retry.Count > 0 ? _options.RetryDelay : _options.PollInterval;
            if (await signal.WaitAsync(wait, ct).ConfigureAwait(false))
            {
                // Debounce: let a burst of writes settle before reading.
                while (await signal.WaitAsync(_options.Debounce, ct).ConfigureAwait(false)) { }
            }
            var full = DateTime.UtcNow - lastFull >= _options.Resync;
            await SafeReconcileAsync(full, ct).ConfigureAwait(false);
            if (full) lastFull = DateTime.UtcNow;
        }
    }

    private async Task SafeReconcileAsync(bool full, CancellationToken ct)
    {
        try
        {
            await ReconcileAsync(full, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Emit(AppManagerAction.Failed, null, null, $"cannot read the folder: {e.Message}");
        }
    }
}
