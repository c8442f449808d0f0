using System.Globalization;
using FakeApiServer;

// Standalone: dotnet FakeApiServer.dll --port N [--tls-port N] --kubeconfig FILE [--clock-speed X] [--pod-ready-delay-ms N] [--watch-history N]
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
