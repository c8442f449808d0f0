namespace FakeApiServer;

/// <summary>
/// The cluster's simulated time, one for the controllers, the event recorder, the event printer and the
/// authenticator: starts at the real time, runs <see cref="FakeClusterOptions.ClockSpeed"/> times as fast, and jumps
/// ahead when a test advances it (<see cref="FakeCluster.AdvanceClock"/>, <c>POST /fake/clock</c>).
/// </summary>
internal sealed class FakeClock
{
    private readonly DateTime _start = DateTime.UtcNow;
    private readonly FakeClusterOptions _options;
    private long _offsetTicks;

    public FakeClock(FakeClusterOptions options) => _options = options;

    public DateTime Now => _start + TimeSpan.FromTicks((long)((DateTime.UtcNow - _start).Ticks * _options.ClockSpeed) + Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the clock ahead (never back: a real clock's readers assume it only grows).</summary>
    public DateTime Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), by, "the clock only moves ahead");
        Interlocked.Add(ref _offsetTicks, by.Ticks);
        return Now;
    }
}
