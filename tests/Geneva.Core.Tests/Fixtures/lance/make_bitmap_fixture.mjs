// Makes the Lance fixture bitmap.lance with LanceDB 0.31 itself: one fragment of 20,000 rows, then a delete of
// 10,001 of them, which LanceDB stores as a roaring bitmap (.bin) deletion file (it does above ~5,000 deletions).
// Regenerate like make_fixture.mjs (same npm packages, node 20):
//   node make_bitmap_fixture.mjs /tmp/lancefix/db && cp -r /tmp/lancefix/db/bitmap.lance <repo>/tests/Geneva.Core.Tests/Fixtures/lance/
import * as lancedb from "@lancedb/lancedb";
import * as arrow from "apache-arrow";
import { rmSync } from "node:fs";
const dir = process.argv[2];
rmSync(dir, { recursive: true, force: true });
const schema = new arrow.Schema([new arrow.Field("id", new arrow.Int64(), false)]);
const rows = [];
for (let i = 0; i < 20000; i++) rows.push({ id: BigInt(i) });
const db = await lancedb.connect(dir);
const table = await db.createTable("bitmap", rows, { schema });
// deletes every id not divisible by 3 below 15000, and 19999: 10000 + 1 offsets
await table.delete("(id < 15000 AND id % 3 != 0) OR id = 19999");
console.log(`version ${await table.version()}, ${await table.countRows()} rows`);
