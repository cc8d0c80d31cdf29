// Makes the decode bench's input with LanceDB 0.31 itself (default 2.1 files): <rows> rows of int64 id and
// 20-60 character utf8 text (seeded; about one in eight with non-ASCII characters), appended 1M rows at a time.
// node make-lancedb-table.mjs <node_modules dir with @lancedb/lancedb> <db dir> <table> [rows=10000000]
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const [modules, dbDir, name, rowsArg] = process.argv.slice(2);
const require = createRequire(join(resolve(modules), "x.js"));
const lancedb = require("@lancedb/lancedb");
const arrow = require("apache-arrow");
const rows = Number(rowsArg ?? 10_000_000);

let state = 20261201n;
function next() {
  // splitmix64
  state = (state + 0x9E3779B97F4A7C15n) & 0xFFFFFFFFFFFFFFFFn;
  let z = state;
  z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & 0xFFFFFFFFFFFFFFFFn;
  z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & 0xFFFFFFFFFFFFFFFFn;
  return Number((z ^ (z >> 31n)) >> 11n) / 2 ** 53;
}
const ascii = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 the of and to in is";
const extra = "éüßçñøåÆ漢字";
function text() {
  const chars = 20 + Math.floor(next() * 41);
  const unicode = next() < 0.125;
  let s = "";
  while (s.length < chars) s += unicode && next() < 0.25 ? extra[Math.floor(next() * extra.length)] : ascii[Math.floor(next() * ascii.length)];
  return s;
}

const db = await lancedb.connect(resolve(dbDir));
const schema = new arrow.Schema([new arrow.Field("id", new arrow.Int64(), false), new arrow.Field("text", new arrow.Utf8(), true)]);
let table = null;
const batch = 1_000_000;
let lengthSum = 0;
for (let start = 0; start < rows; start += batch) {
  const n = Math.min(batch, rows - start);
  const ids = new BigInt64Array(n);
  const texts = new Array(n);
  for (let i = 0; i < n; i++) {
    ids[i] = BigInt(start + i);
    texts[i] = text();
    lengthSum += texts[i].length;
  }
  const data = arrow.tableFromArrays({ id: ids, text: arrow.vectorFromArray(texts, new arrow.Utf8()) });
  const t = new arrow.Table(schema, data.batches.map((b) => new arrow.RecordBatch(schema, b.data)));
  if (table === null) table = await db.createTable(name, t, { mode: "overwrite" });
  else await table.add(t);
}
console.log(JSON.stringify({ rows: await table.countRows(), version: await table.version(), lengthSum }));
