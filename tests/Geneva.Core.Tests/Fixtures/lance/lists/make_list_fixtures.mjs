// Makes the LanceDB-made list<T> fixtures of this folder (see README.md): seeded rows written by LanceDB 0.31.0
// in storage version 2.1, then scanned back by LanceDB into <table>.json (the expected values).
// Usage: LANCE_FILE_WRITER_MAX_PAGE_BYTES=<n> node make_list_fixtures.mjs <out-dir>
//        (from a folder whose node_modules has @lancedb/lancedb 0.31.0 and apache-arrow 18.1.0)
import * as lancedb from "@lancedb/lancedb";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";

const arrow = createRequire(import.meta.url)("apache-arrow");
const out = resolve(process.argv[2] ?? ".");

// mulberry32: small, seeded, the same on every machine
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), pick: (xs) => xs[Math.floor(next() * xs.length)] };
}

const vocab = ["lance", "table", "column", "geneva", "value", "the", "of", "and", "page", "row", "über", "🦀", ""];
const maybe = (r, p, f) => (r.next() < p ? null : f());
// A list of 0..hi items (now and then a long one, so lists span chunks), or null / empty with the given odds.
function list(r, i, pNull, pEmpty, pItem, item) {
  const u = r.next();
  if (u < pNull) return null;
  if (u < pNull + pEmpty) return [];
  const n = i % 150 === 75 ? r.int(150, 300) : r.int(1, 9);
  return Array.from({ length: n }, () => maybe(r, pItem, () => item(r)));
}
const listOf = (t) => new arrow.List(new arrow.Field("item", t, true));

const tables = {
  // every item type, null lists, empty lists and null items
  lists: (r) => {
    const n = 450;
    const col = (name, t, pNull, pEmpty, pItem, item) => ({ name, type: listOf(t), values: Array.from({ length: n }, (_, i) => list(r, i, pNull, pEmpty, pItem, item)) });
    return [
      { name: "id", type: new arrow.Int64(), values: Array.from({ length: n }, (_, i) => BigInt(i)) },
      col("f64", new arrow.Float64(), 0.1, 0.1, 0.1, (r) => r.int(-4096, 4096) / 8),
      col("i32", new arrow.Int32(), 0.1, 0.1, 0.1, (r) => r.int(-100, 1000)),
      col("i64", new arrow.Int64(), 0.05, 0.05, 0, (r) => BigInt(r.int(0, 5000))),
      col("f32", new arrow.Float32(), 0, 0.1, 0.05, (r) => r.int(-512, 512) / 4),
      col("str", new arrow.Utf8(), 0.1, 0.1, 0.1, (r) => r.pick(vocab) + (r.next() < 0.3 ? " " + r.pick(vocab) : "")),
      col("allvalid", new arrow.Int32(), 0, 0, 0, (r) => r.int(0, 60)),
      // Distinct items (no dictionary); row 200 (second page) holds a 300-byte item: LanceDB writes that page
      // full-zip, the others mini-block.
      {
        name: "mixed", type: listOf(new arrow.Utf8()),
        values: Array.from({ length: n }, (_, i) => (i === 200 ? ["x".repeat(300), "y"] : list(r, i, 0.1, 0.1, 0.1, (r) => `${r.pick(vocab)}-${r.int(0, 99999)}`))),
      },
    ];
  },
};

// LanceDB starts a new page of a column when it has buffered 8 MiB of it, counted as the Arrow memory the
// column's batches hold on to; batches read from Arrow IPC share their message's memory. So each batch carries
// "pad", a list<int8> column of null rows over 9 MB of hidden child values: the batch's columns each count 9 MB,
// every batch becomes a page of its own, and the file stays small (pad is all null: no buffers).
const padType = new arrow.List(new arrow.Field("item", new arrow.Int8(), true));
function pad(n) {
  const child = arrow.makeData({ type: new arrow.Int8(), length: 9_000_000, data: new Int8Array(9_000_000) });
  const per = Math.floor(9_000_000 / n);
  return arrow.makeData({ type: padType, length: n, nullCount: n, nullBitmap: new Uint8Array(Math.ceil(n / 8)), valueOffsets: Int32Array.from({ length: n + 1 }, (_, i) => i * per), child });
}

// The rows in batches (pages) of the given sizes.
function buildTable(cols, sizes) {
  const fields = [...cols.map((c) => new arrow.Field(c.name, c.type, c.name !== "id")), new arrow.Field("pad", padType, true)];
  const schema = new arrow.Schema(fields);
  const batches = [];
  let at = 0;
  for (const n of sizes) {
    const children = [...cols.map((c) => arrow.vectorFromArray(c.values.slice(at, at + n), c.type).data[0]), pad(n)];
    batches.push(new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(fields), length: n, children })));
    at += n;
  }
  return new arrow.Table(batches);
}

function canon(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return String(v);
  if (typeof v === "number" || typeof v === "string") return v;
  if (typeof v.toArray === "function" || Array.isArray(v)) return Array.from(v, canon);
  return v;
}

async function save(table, name) {
  const scanned = await table.query().toArrow();
  const expected = {};
  for (const f of scanned.schema.fields) {
    const col = scanned.getChild(f.name);
    expected[f.name] = Array.from({ length: scanned.numRows }, (_, i) => canon(col.get(i)));
  }
  writeFileSync(resolve(out, `${name}.json`), JSON.stringify(expected));
  console.log(name, scanned.numRows, scanned.schema.fields.map((f) => `${f.name}:${f.type}`).join(" "));
}

const db = await lancedb.connect(out);
const opts = { mode: "overwrite", storageOptions: { new_table_data_storage_version: "2.1" } };
for (const [name, make] of Object.entries(tables)) {
  const cols = make(rng(name.length * 1000 + 21));
  const arrowTable = buildTable(cols, [160, 130, 90, 70]);
  await save(await db.createTable(name, arrowTable, opts), name);
}
// What a user gets from plain JS rows, no schema: list<double> (LanceDB infers it), float64 id, utf8 name.
{
  const r = rng(7021);
  const rows = Array.from({ length: 300 }, (_, i) => ({ id: i, name: `row ${i}`, vec: Array.from({ length: i === 150 ? 300 : r.int(1, 8) }, () => r.int(-800, 800) / 16) }));
  await save(await db.createTable("plain", rows, opts), "plain");
}
