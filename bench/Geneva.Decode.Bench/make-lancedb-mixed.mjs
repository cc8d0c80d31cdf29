// A second decode-bench input made by LanceDB 0.31 (default 2.1 files), one column per mini-block encoding
// LanceDB picks: small ints (InlineBitpacking), runs (Rle), nullable int64 (definition levels), few distinct
// strings (dictionary), vectors of 8 float32 (FixedSizeList), and int32 under lance-encoding:compression=zstd.
// node make-lancedb-mixed.mjs <node_modules dir with @lancedb/lancedb> <db dir> <table> [rows=2000000]
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const [modules, dbDir, name, rowsArg] = process.argv.slice(2);
const require = createRequire(join(resolve(modules), "x.js"));
const lancedb = require("@lancedb/lancedb");
const arrow = require("apache-arrow");
const rows = Number(rowsArg ?? 2_000_000);

let state = 7;
const next = () => {
  // xorshift32, seeded: the same table every run
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state / 4294967296;
};
const words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"];
const zstd = new Map([["lance-encoding:compression", "zstd"]]);
const schema = new arrow.Schema([
  new arrow.Field("small_i32", new arrow.Int32(), false),
  new arrow.Field("runs_i64", new arrow.Int64(), false),
  new arrow.Field("nullable_i64", new arrow.Int64(), true),
  new arrow.Field("category", new arrow.Utf8(), true),
  new arrow.Field("vec8", new arrow.FixedSizeList(8, new arrow.Field("item", new arrow.Float32(), true)), true),
  new arrow.Field("zstd_i32", new arrow.Int32(), false, zstd),
]);
const db = await lancedb.connect(resolve(dbDir));
let table = null;
const batch = 500_000;
let run = 0;
let runLeft = 0;
for (let start = 0; start < rows; start += batch) {
  const n = Math.min(batch, rows - start);
  const small = new Int32Array(n);
  const runs = new BigInt64Array(n);
  const nullable = [];
  const category = [];
  const vec = new Float32Array(n * 8);
  const z = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    small[i] = Math.floor(next() * 100000);
    if (runLeft-- <= 0) { run = Math.floor(next() * 1e12); runLeft = 20 + Math.floor(next() * 400); }
    runs[i] = BigInt(run);
    nullable.push(next() < 0.1 ? null : BigInt(Math.floor(next() * 1e9)));
    category.push(next() < 0.05 ? null : words[Math.floor(next() * words.length)]);
    for (let k = 0; k < 8; k++) vec[i * 8 + k] = next() * 2 - 1;
    z[i] = Math.floor(next() * 1000) * 1000;
  }
  const vecData = arrow.makeData({ type: schema.fields[4].type, length: n, nullCount: 0,
    child: arrow.makeData({ type: new arrow.Float32(), length: n * 8, data: vec }) });
  const columns = [
    arrow.makeData({ type: new arrow.Int32(), length: n, data: small }),
    arrow.makeData({ type: new arrow.Int64(), length: n, data: runs }),
    arrow.vectorFromArray(nullable, new arrow.Int64()).data[0],
    arrow.vectorFromArray(category, new arrow.Utf8()).data[0],
    vecData,
    arrow.makeData({ type: new arrow.Int32(), length: n, data: z }),
  ];
  const t = new arrow.Table(schema, [new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, children: columns }))]);
  if (table === null) table = await db.createTable(name, t, { mode: "overwrite" });
  else await table.add(t);
}
console.log(JSON.stringify({ rows: await table.countRows(), version: await table.version() }));
