// Makes the Lance fixture small.lance with LanceDB 0.31 itself.
// Regenerate (outside the repo, node 20):
//   mkdir -p /tmp/lancefix && cd /tmp/lancefix && npm install @lancedb/lancedb@0.31.0 apache-arrow@18.1.0
//   cp <repo>/tests/Geneva.Core.Tests/Fixtures/lance/make_fixture.mjs . && node make_fixture.mjs /tmp/lancefix/db   (node resolves packages next to the script)
//   rm -rf <repo>/tests/Geneva.Core.Tests/Fixtures/lance/small.lance && cp -r /tmp/lancefix/db/small.lance <repo>/tests/Geneva.Core.Tests/Fixtures/lance/
// Then update the expectations in tests/Geneva.Core.Tests/LanceManifestTests.cs (paths, sizes, timestamps change).
import * as lancedb from "@lancedb/lancedb";
import * as arrow from "apache-arrow";
import { rmSync } from "node:fs";

const dir = process.argv[2];
if (!dir) { console.error("usage: node make_fixture.mjs <database folder>"); process.exit(2); }
rmSync(dir, { recursive: true, force: true });

const schema = new arrow.Schema([
  new arrow.Field("id", new arrow.Int64(), false),
  new arrow.Field("text", new arrow.Utf8(), true),
  new arrow.Field("vector", new arrow.FixedSizeList(4, new arrow.Field("item", new arrow.Float32(), true)), true),
]);

// rows first..first+count-1: id i, text "row i", vector [i, i+0.5, -i, 0.25]
function rows(first, count) {
  const out = [];
  for (let i = first; i < first + count; i++) {
    out.push({ id: BigInt(i), text: `row ${i}`, vector: [i, i + 0.5, -i, 0.25] });
  }
  return out;
}

const db = await lancedb.connect(dir);
const table = await db.createTable("small", rows(0, 5), { schema });   // version 1: fragment 0, rows 0..4
await table.add(rows(5, 5));                                        // version 2: fragment 1, rows 5..9
await table.delete("id = 2 OR id = 7");                             // version 3: a deletion file in each fragment
console.log(`version ${await table.version()}, ${await table.countRows()} rows`);
