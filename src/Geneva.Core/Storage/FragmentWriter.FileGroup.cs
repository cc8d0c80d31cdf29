using Apache.Arrow;

namespace Geneva.Core.Storage;

internal sealed partial class FragmentWriter
{
    /// <summary>Columns of the input batches that go to one data file per fragment.</summary>
    private sealed class FileGroup(IReadOnlyList<int> columns, ComputedColumn? computed)
    {
        public IReadOnlyList<int> Columns { get; } = columns;

        /// <summary>The computed column this file keeps values of; null for the plain columns' file.</summary>
        public ComputedColumn? Computed { get; } = computed;

        public Schema Schema { get; set; } = null!;

        /// <summary>The file of the fragment being written; null between fragments.</summary>
        public DataFileWriter? File { get; set; }

        public string? Path { get; set; }
    }
}
