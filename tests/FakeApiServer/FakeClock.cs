namespace FakeApiServer;

/// <summary>The cluster's simulated time, one for the controllers and the authenticator: starts at the real time and runs <see cref="FakeClusterOptions.ClockSpeed"/> times as fast.</summary>
internal sealed class FakeClock
{
    private readonly DateTime _start = DateTime.UtcNow;
    private readonly FakeClusterOptions _options;

    public FakeClock(FakeClusterOptions options) => _options = options;

    public DateTime Now => _start + TimeSpan.FromTicks((long)((DateTime.UtcNow - _start).Ticks * _options.ClockSpeed));
}
