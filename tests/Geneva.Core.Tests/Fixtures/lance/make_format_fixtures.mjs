// Makes legacy.lance and v22.lance: two rows (float64 id, utf8 s) in LanceDB's "legacy" (file format 0.2) and
// "2.2" storage versions, neither of which Geneva reads or writes. Run from a folder whose node_modules has
// @lancedb/lancedb 0.31.0 (tests/interop): node make_format_fixtures.mjs <db-folder>
import * as lancedb from "@lancedb/lancedb";

const db = await lancedb.connect(process.argv[2]);
for (const [name, version] of [["legacy", "legacy"], ["v22", "2.2"]]) {
  await db.createTable(name, [{ id: 1, s: "abc" }, { id: 2, s: "def" }],
    { mode: "overwrite", storageOptions: { new_table_data_storage_version: version } });
}
