// Makes the LanceDB-made fixtures of this folder (see README.md): seeded rows with list columns, written by
// LanceDB 0.31.0 in storage version 2.0, then scanned back by LanceDB into <table>.json (the expected values).
// Usage: node make_lists20_fixtures.mjs <out-dir>     (from a folder whose node_modules has @lancedb/lancedb)
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

const vocab = ["lance", "table", "column", "geneva", "value", "list", "of", "and", "page", "row", "über", "naïve", "€uro", "🦀", ""];
const maybe = (r, p, f) => (r.next() < p ? null : f());
const listOf = (r, lo, hi, item) => Array.from({ length: r.int(lo, hi) }, item);
const listType = (t) => new arrow.List(new arrow.Field("item", t, true));

const tables = {
  // As a user makes it: plain JS objects, LanceDB infers list<double> and list<utf8>; empty lists, no nulls.
  plain: (r) =>
    Array.from({ length: 200 }, (_, i) => ({
      id: i,
      // LanceDB infers a column's type from row 0, so its lists are not empty.
      nums: listOf(r, i === 0 ? 1 : 0, 5, () => r.int(-1000, 1000) / 8),
      tags: listOf(r, i === 0 ? 1 : 0, 4, () => r.pick(vocab)),
    })),
  // Every item type, null lists, empty lists, null items.
  typed: (r) => {
    const n = 3000;
    return [
      ["id", new arrow.Int64(), Array.from({ length: n }, (_, i) => BigInt(i))],
      ["i32", listType(new arrow.Int32()), Array.from({ length: n }, () => maybe(r, 0.1, () => listOf(r, 0, 6, () => maybe(r, 0.1, () => r.int(-2e9, 2e9)))))],
      ["i64", listType(new arrow.Int64()), Array.from({ length: n }, () => maybe(r, 0.1, () => listOf(r, 0, 6, () => maybe(r, 0.1, () => BigInt(r.int(-1e9, 1e9)) * 1000003n))))],
      ["f64", listType(new arrow.Float64()), Array.from({ length: n }, () => maybe(r, 0.1, () => listOf(r, 0, 6, () => maybe(r, 0.1, () => r.int(-1e6, 1e6) / 64))))],
      ["str", listType(new arrow.Utf8()), Array.from({ length: n }, () => maybe(r, 0.1, () => listOf(r, 0, 6, () => maybe(r, 0.1, () => r.pick(vocab) + r.int(0, 99999)))))],
      ["cat", listType(new arrow.Utf8()), Array.from({ length: n }, () => maybe(r, 0.1, () => listOf(r, 0, 3, () => maybe(r, 0.1, () => r.pick(vocab)))))],
      ["allnull", listType(new arrow.Int32()), Array.from({ length: n }, () => null)],
      ["empty", listType(new arrow.Float64()), Array.from({ length: n }, () => [])],
    ];
  },
  // Several items pages: LanceDB cuts a 2.0 page at 8 MiB of a column's Arrow data, so ~13 MB of text items
  // (long runs, so the zipped fixture stays small) make 2 items pages under 1 offsets page. (Its offsets column
  // would need 2M rows to outgrow a page, more than LanceDB puts in a file.)
  pages: (r) => {
    const n = 9000;
    const long = (i, k) => `${i}.${k}:` + r.pick(vocab) + "=".repeat(r.int(500, 1100)) + r.pick(vocab);
    return [
      ["id", new arrow.Int64(), Array.from({ length: n }, (_, i) => BigInt(i))],
      ["i32", listType(new arrow.Int32()), Array.from({ length: n }, () => maybe(r, 0.05, () => listOf(r, 0, 8, () => maybe(r, 0.05, () => r.int(-1000, 1000)))))],
      ["text", listType(new arrow.Utf8()), Array.from({ length: n }, (_, i) => maybe(r, 0.05, () => { let k = 0; return listOf(r, 0, 4, () => maybe(r, 0.05, () => long(i, k++))); }))],
    ];
  },
};

function buildTable(cols) {
  return new arrow.Table(Object.fromEntries(cols.map(([name, type, values]) => [name, arrow.vectorFromArray(values, type)])));
}

function canon(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return String(v);
  if (typeof v === "number" || typeof v === "string") return v;
  if (typeof v.toArray === "function" || Array.isArray(v)) return Array.from(v, canon);
  return v;
}

const db = await lancedb.connect(out);
const only = process.argv[3];
for (const [name, make] of Object.entries(tables)) {
  if (only && only !== name) continue;
  const tname = `${name}20`;
  const rows = make(rng(name.length * 1000 + 20));
  const data = Array.isArray(rows[0]) ? buildTable(rows) : rows;
  const table = await db.createTable(tname, data, {
    mode: "overwrite",
    storageOptions: { new_table_data_storage_version: "2.0" },
  });
  const scanned = await table.query().toArrow();
  const expected = { types: {} };
  for (const f of scanned.schema.fields) {
    const col = scanned.getChild(f.name);
    expected.types[f.name] = String(f.type);
    expected[f.name] = Array.from({ length: scanned.numRows }, (_, i) => canon(col.get(i)));
  }
  writeFileSync(resolve(out, `${tname}.json`), JSON.stringify(expected));
  console.log(tname, scanned.numRows, JSON.stringify(expected.types));
}
