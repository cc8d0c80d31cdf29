// Geneva backfill benchmark, run by hand (see ../README.md). Not a test: nothing here asserts timings.
//
// The parent process builds one Lance table per row count, then runs every timed measurement in a
// child process of its own (this program re-invoked with --child, or node for LanceDB), so each reports
// its own peak working set (VmHWM) and "a fresh process" means one. Each measurement runs on a fresh
// copy of the input table (data files hard-linked, so the copy costs nothing and the bytes read are the
// same files).

using System.Globalization;
using Geneva.Bench;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var options = BenchOptions.Parse(args);
if (options.Child is { } child)
{
    return Child.Run(child, options);
}
return options.Scaling ? Scaling.Run(options) : Parent.Run(options);
