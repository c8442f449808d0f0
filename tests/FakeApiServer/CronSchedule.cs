using Cronos;

namespace FakeApiServer;

/// <summary>CronJob schedules as the cronjob controller reads them: five fields or a descriptor such as @hourly, in UTC.</summary>
internal static class CronSchedule
{
    /// <summary>The parsed schedule, or null with the reason (worded as the server's cron parser words a wrong field count).</summary>
    public static CronExpression? Parse(string schedule, out string? error)
    {
        var fields = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        error = null;
        if (!schedule.StartsWith('@') && fields.Length != 5)
        {
            error = $"expected exactly 5 fields, found {fields.Length}: {schedule}";
            return null;
        }
        try
        {
            return CronExpression.Parse(schedule, CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            error = e.Message;
            return null;
        }
    }
}
