using System.Globalization;
using FakeApiServer;

// Standalone: dotnet FakeApiServer.dll --port N [--tls-port N] --kubeconfig FILE [--clock-speed X] [--pod-ready-delay-ms N] [--watch-history N]
//         or: dotnet FakeApiServer.dll elasticsearch --port N   (the Elasticsearch test double, mapped through the service proxy)
if (args is ["elasticsearch", "--port", var esPort])
{
    // The Elasticsearch test double on its own (Pester maps it through PUT /fake/service-proxies).
    await using var es = await FakeApiServer.Doubles.ElasticsearchDouble.StartAsync(int.Parse(esPort, CultureInfo.InvariantCulture));
    Console.WriteLine($"Listening on {es.BaseUri.ToString().TrimEnd('/')}");
    var done = new TaskCompletionSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; done.TrySetResult(); };
    AppDomain.CurrentDomain.ProcessExit += (_, _) => done.TrySetResult();
    await done.Task;
    return 0;
}
var options = new FakeClusterOptions();
string? kubeconfig = null;
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--port": options.Port = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--tls-port": options.TlsPort = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--kubeconfig": kubeconfig = Next(); break;
        case "--clock-speed": options.ClockSpeed = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--pod-ready-delay-ms": options.PodReadyDelay = TimeSpan.FromMilliseconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
        case "--watch-history": options.WatchHistory = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine($"Unknown argument {args[i]}. Usage: FakeApiServer --port N [--tls-port N] --kubeconfig FILE [--clock-speed X] [--pod-ready-delay-ms N] [--watch-history N]");
            return 2;
    }
}
await using var cluster = await FakeCluster.StartAsync(options);
if (kubeconfig is not null) cluster.WriteKubeConfig(kubeconfig);
Console.WriteLine($"Listening on {cluster.BaseUri.ToString().TrimEnd('/')}");
try { await Task.Delay(Timeout.Infinite, cluster.Stopping); } catch (OperationCanceledException) { }
Console.WriteLine("Stopping");
return 0;
