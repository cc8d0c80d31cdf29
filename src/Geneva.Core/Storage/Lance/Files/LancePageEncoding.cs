namespace Geneva.Core.Storage.Lance.Files;

/// <summary>One page of a 2.1 column as its metadata describes it: rows, stored bytes, and its encoding in a line.</summary>
internal sealed record LancePageEncoding(string Column, int FieldId, int Page, long Rows, ulong Bytes, string Encoding);
