// Makes the benchmark's LanceDB-made input table (run by Geneva.Bench --input lancedb, not by hand; see README.md).
// node bench/lancedb-make.mjs <tests/interop folder> <table.lance> <rows>
// LanceDB 0.31's createTable with its defaults (2.1 files, up to 1,048,576 rows per file): int64 id (0..rows-1, not
// null) and utf8 text of 20-60 characters drawn from a seeded pool of 8,192 strings, about one in eight with
// non-ASCII characters (2-4 byte UTF-8). Writes expected.json (Rows, LengthSum in characters) beside the table's
// files, as Geneva.Bench's own input tables have it. Prints one RESULT JSON line.
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

const [interop, path, rowsArg] = process.argv.slice(2);
const rows = Number(rowsArg);
const require = createRequire(join(resolve(interop), "package.json"));
const lancedb = await import(require.resolve("@lancedb/lancedb"));
const arrow = await import(require.resolve("apache-arrow"));

// xorshift32: the same table on every run.
let state = 20261201;
const next = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0);
};
const below = (n) => next() % n;

const ascii = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;:-";
const extra = ["é", "ü", "ß", "ñ", "ø", "中", "文", "字", "€", "😀", "ж", "λ"];
const encoder = new TextEncoder();
const pool = [];
const poolChars = [];
for (let p = 0; p < 8192; p++) {
  const chars = 20 + below(41);
  const unicode = below(8) === 0;
  let s = "";
  for (let c = 0; c < chars; c++) {
    s += unicode && below(4) === 0 ? extra[below(extra.length)] : ascii[below(ascii.length)];
  }
  pool.push(encoder.encode(s));
  poolChars.push(chars);
}

const schema = new arrow.Schema([
  new arrow.Field("id", new arrow.Int64(), false),
  new arrow.Field("text", new arrow.Utf8(), true),
]);
let lengthSum = 0;
const batchRows = 65536;
const batches = [];
for (let done = 0; done < rows; done += batchRows) {
  const n = Math.min(batchRows, rows - done);
  const picks = new Uint32Array(n);
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    picks[i] = below(pool.length);
    bytes += pool[picks[i]].length;
    lengthSum += poolChars[picks[i]];
  }
  const offsets = new Int32Array(n + 1);
  const data = new Uint8Array(bytes);
  let at = 0;
  for (let i = 0; i < n; i++) {
    data.set(pool[picks[i]], at);
    at += pool[picks[i]].length;
    offsets[i + 1] = at;
  }
  const ids = new BigInt64Array(n);
  for (let i = 0; i < n; i++) ids[i] = BigInt(done + i);
  const children = [
    arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: 0, data: ids }),
    arrow.makeData({ type: new arrow.Utf8(), length: n, nullCount: 0, valueOffsets: offsets, data }),
  ];
  const struct = arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children });
  batches.push(new arrow.RecordBatch(schema, struct));
}

const started = process.hrtime.bigint();
const db = await lancedb.connect(dirname(resolve(path)));
const table = await db.createTable(basename(path).replace(/\.lance$/, ""), new arrow.Table(schema, batches), { mode: "create" });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const count = await table.countRows();
table.close();
writeFileSync(join(resolve(path), "expected.json"), JSON.stringify({ Rows: rows, LengthSum: lengthSum }));
console.log("RESULT " + JSON.stringify({ rows: count, lengthSum, seconds }));
