namespace Geneva.Core;

/// <summary>
/// The one exception family the engine throws for problems a user can act on.
/// <see cref="Target"/> names what failed (a table path, a column, a fragment id) so the
/// cmdlet layer can put it into the error record without parsing the message.
/// </summary>
public class GenevaException : Exception
{
    public GenevaException(GenevaErrorCode code, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Target = target;
    }

    public GenevaErrorCode Code { get; }

    public object? Target { get; }
}
