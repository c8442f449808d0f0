using System.Text.Json.Nodes;

namespace FakeApiServer;

public sealed partial class Api
{
    /// <summary>
    /// Watch (W-1..W-8): one compact JSON line per event, flushed at once; resume from a resourceVersion within the
    /// kept history, or one ERROR 410 Expired event and the end of the stream; selector transitions as ADDED/DELETED;
    /// bookmarks when asked; timeoutSeconds; and injected drops.
    /// </summary>
    private async Task WatchAsync(HttpContext ctx, ResourceType t, string? ns)
    {
        var q = ctx.Request.Query;
        var labels = Selectors.Labels(q["labelSelector"]);
        var fields = Selectors.Fields(q["fieldSelector"], t);
        bool Matches(JsonObject? o) => o is not null && (ns is null || o["metadata"]?["namespace"]?.GetValue<string>() == ns) && labels(o) && fields(o);
        var bookmarks = q["allowWatchBookmarks"] == "true";
        var timeout = int.TryParse(q["timeoutSeconds"], out var ts) && ts > 0 ? TimeSpan.FromSeconds(ts) : _options.WatchTimeout;
        var rvText = q["resourceVersion"].ToString();

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = Wire.MediaTypes.WatchContentType(ctx);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _stopping);
        stop.CancelAfter(timeout);
        var drop = _options.Faults.WatchDropAfter;
        var dropAt = drop is null ? DateTime.MaxValue : DateTime.UtcNow + drop.Value;

        List<Change> backlog = [];
        System.Threading.Channels.Channel<Change>? channel = null;
        var initial = new List<JsonObject>();
        string? expired = null;
        lock (_store.Gate)
        {
            long after;
            if (string.IsNullOrEmpty(rvText) || rvText == "0")
            {
                after = _store.ResourceVersion;
                initial.AddRange(_store.List(t, ns).Select(Store.Render).Where(Matches));
            }
            else if (!long.TryParse(rvText, out after))
            {
                throw ApiError.BadRequest($"invalid resource version: {rvText}");
            }
            var sub = _store.Subscribe(after);
            if (sub is null) expired = $"too old resource version: {after} ({_store.OldestResumable})";
            else (channel, backlog) = sub.Value;
        }
        if (channel is null)
        {
            await WriteLineAsync(ctx, t, new JsonObject { ["type"] = "ERROR", ["object"] = new ApiError(410, "Expired", expired!).ToStatus() }).ConfigureAwait(false);
            return;
        }
        try
        {
            foreach (var o in initial) await WriteLineAsync(ctx, t, new JsonObject { ["type"] = "ADDED", ["object"] = o }).ConfigureAwait(false);
            await ctx.Response.Body.FlushAsync(stop.Token).ConfigureAwait(false);
            var queue = new Queue<Change>(backlog);
            var lastBookmark = DateTime.UtcNow;
            while (!stop.IsCancellationRequested)
            {
                if (DateTime.UtcNow >= dropAt) { ctx.Abort(); return; }
                Change? change = null;
                if (queue.Count > 0) change = queue.Dequeue();
                else
                {
                    using var tick = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                    tick.CancelAfter(TimeSpan.FromMilliseconds(Math.Clamp(_options.BookmarkInterval.TotalMilliseconds / 2, 20, 250)));
                    try
                    {
                        if (await channel.Reader.WaitToReadAsync(tick.Token).ConfigureAwait(false)) channel.Reader.TryRead(out change);
                    }
                    catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                    {
                    }
                }
                if (change is null)
                {
                    if (bookmarks && DateTime.UtcNow - lastBookmark >= _options.BookmarkInterval)
                    {
                        lastBookmark = DateTime.UtcNow;
                        await WriteLineAsync(ctx, t, new JsonObject { ["type"] = "BOOKMARK", ["object"] = new JsonObject { ["kind"] = t.Kind, ["apiVersion"] = t.GroupVersion, ["metadata"] = new JsonObject { ["resourceVersion"] = _store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) } } }).ConfigureAwait(false);
                    }
                    continue;
                }
                if (change.ResourceType.Qualified != t.Qualified) continue;
                var now = Matches(change.Object);
                var before = change.Previous is not null && Matches(change.Previous);
                string? type = change.Type switch
                {
                    "ADDED" => now ? "ADDED" : null,
                    "DELETED" => now ? "DELETED" : null,
                    _ => now && before ? "MODIFIED" : now ? "ADDED" : before ? "DELETED" : null,
                };
                if (type is null) continue;
                await WriteLineAsync(ctx, t, new JsonObject { ["type"] = type, ["object"] = change.Object.DeepClone() }).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
        finally
        {
            _store.Unsubscribe(channel);
        }
    }

    private async Task WriteLineAsync(HttpContext ctx, ResourceType t, JsonObject ev)
    {
        if (RequestView.Of(ctx) is { } view && ev["object"] is { } viewed) ev["object"] = view.OutBody(viewed.DeepClone());
        // Watches negotiated as Table carry each object as a one-row Table (kubectl get -w).
        if (Wire.MediaTypes.OutcomeOf(ctx) is { Table: true } && ev["type"]?.GetValue<string>() is "ADDED" or "MODIFIED" or "DELETED" && ev["object"] is JsonObject o)
            ev["object"] = Tables.TableConverter.ToTable(t, o, Tables.TableConverter.IncludeObject(ctx.Request.Query), _store, DateTime.UtcNow, EventNow);
        await ctx.Response.Body.WriteAsync(Wire.MediaTypes.WatchEvent(ctx, ev, Compact)).ConfigureAwait(false);
        await ctx.Response.Body.FlushAsync().ConfigureAwait(false);
    }
}
