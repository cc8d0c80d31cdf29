namespace Geneva.Core.Udfs;

public enum ErrorAction
{
    Fail,
    Retry,
    Skip,
}
