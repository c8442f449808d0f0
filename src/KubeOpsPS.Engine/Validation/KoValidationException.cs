namespace KubeOpsPS.Engine.Validation;

/// <summary>
/// The one exception builders and validators throw for bad input. The cmdlet layer turns it into an ErrorRecord
/// (category InvalidArgument, target = the offending value, recommended action = <see cref="Hint"/>).
/// Messages name the parameter or field, the value and the rule it broke; they never carry secret values.
/// </summary>
public sealed class KoValidationException : Exception
{
    public KoValidationException(string field, object? value, string message, string? hint = null)
        : base(message)
    {
        Field = field;
        Value = value;
        Hint = hint;
    }

    /// <summary>The parameter or field path that was wrong, e.g. "-Name" or "spec.rules[0].host".</summary>
    public string Field { get; }

    /// <summary>The offending value (never a secret).</summary>
    public object? Value { get; }

    /// <summary>What the user can do about it.</summary>
    public string? Hint { get; }
}
