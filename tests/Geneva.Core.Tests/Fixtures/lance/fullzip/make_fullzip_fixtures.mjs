// Makes the LanceDB-made fixtures of this folder (see README.md): seeded rows, written by LanceDB 0.31.0 in
// storage versions 2.1 and 2.0, then scanned back by LanceDB into <table>.json (the expected values).
// Usage: node make_fullzip_fixtures.mjs <out-dir>     (from a folder whose node_modules has @lancedb/lancedb)
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

const vocab = ["lance", "table", "column", "geneva", "value", "the", "of", "and", "page", "row", "fsst",
  "string", "data", "file", "über", "naïve", "€uro", "zip", "chunk", "index", "🦀"];
// English-like text of about lo..hi UTF-8 bytes, so FSST finds symbols
function words(r, lo, hi) {
  const n = r.int(lo, hi);
  const parts = [];
  let len = 0;
  while (len < n) {
    const w = r.next() < 0.9 ? r.pick(vocab) : Array.from({ length: r.int(1, 6) }, () => String.fromCharCode(r.int(33, 126))).join("");
    parts.push(w);
    len += Buffer.byteLength(w) + 1;
  }
  return parts.join(" ");
}
const bytes = (r, lo, hi) => Uint8Array.from({ length: r.int(lo, hi) }, () => r.int(0, 255));
const maybe = (r, p, f) => (r.next() < p ? null : f());
// The last row is never null: Arrow JS 18 leaves a trailing null fixed_size_list row without its child slots.
const maybeRow = (r, p, n, i, f) => (i === n - 1 ? f() : maybe(r, p, f));
const vec = (r, n, pItem) => Array.from({ length: n }, () => (r.next() < pItem ? null : r.int(-512, 512) / 8));

function column(name, type, values) {
  return { name, type, values };
}
function fixedList(n, itemNullable) {
  return new arrow.FixedSizeList(n, new arrow.Field("item", new arrow.Float32(), itemNullable));
}

const tables = {
  // 20-60 byte strings (FSST in mini-block), few distinct (dictionary), short binary
  short: (r) => {
    const n = 1500;
    return [
      column("id", new arrow.Int64(), Array.from({ length: n }, (_, i) => BigInt(i))),
      column("short", new arrow.Utf8(), Array.from({ length: n }, () => maybe(r, 0.05, () => words(r, 20, 60)))),
      column("cat", new arrow.Utf8(), Array.from({ length: n }, () => maybe(r, 0.1, () => r.pick(["red", "green", "blue", "amber"])))),
      column("bin", new arrow.Binary(), Array.from({ length: n }, () => maybe(r, 0.1, () => bytes(r, 0, 12)))),
      column("sparse", new arrow.Utf8(), Array.from({ length: n }, () => maybe(r, 0.9, () => words(r, 20, 60)))),
    ];
  },
  // values over 256 B (full-zip, FSST when a page has 32 KiB), some over 32 KiB, random bytes (FSST escapes)
  long: (r) => {
    const n = 100;
    return [
      column("id", new arrow.Int64(), Array.from({ length: n }, (_, i) => BigInt(i))),
      column("long", new arrow.Utf8(), Array.from({ length: n }, () => maybe(r, 0.1, () => words(r, 300, 700)))),
      column("huge", new arrow.Utf8(), Array.from({ length: n }, (_, i) => maybe(r, 0.2, () => (i === 7 || i === 50 ? words(r, 33000, 40000) : words(r, 260, 400))))),
      column("large", new arrow.LargeUtf8(), Array.from({ length: n }, () => maybe(r, 0.2, () => words(r, 400, 700)))),
      column("bigbin", new arrow.Binary(), Array.from({ length: n }, () => maybe(r, 0.3, () => bytes(r, 300, 500)))),
      column("dense", new arrow.Utf8(), Array.from({ length: n }, () => maybe(r, 0.5, () => words(r, 300, 320)))),
    ];
  },
  // vectors of 8 floats (mini-block in 2.1), with null rows and null items
  vec8: (r) => {
    const n = 64;
    return [
      column("id", new arrow.Int64(), Array.from({ length: n }, (_, i) => BigInt(i))),
      column("v8", fixedList(8, true), Array.from({ length: n }, (_, i) => maybeRow(r, 0.2, n, i, () => vec(r, 8, 0)))),
      column("v8i", fixedList(8, true), Array.from({ length: n }, (_, i) => maybeRow(r, 0.2, n, i, () => vec(r, 8, 0.1)))),
    ];
  },
  // vectors of 768 floats (full-zip in 2.1), with null rows and null items
  vec: (r) => {
    const n = 16;
    return [
      column("id", new arrow.Int64(), Array.from({ length: n }, (_, i) => BigInt(i))),
      column("v768", fixedList(768, true), Array.from({ length: n }, (_, i) => maybeRow(r, 0.2, n, i, () => vec(r, 768, 0)))),
      column("v768i", fixedList(768, true), Array.from({ length: n }, (_, i) => maybeRow(r, 0.2, n, i, () => vec(r, 768, 0.1)))),
      column("v768n", fixedList(768, false), Array.from({ length: n }, () => vec(r, 768, 0))),
    ];
  },
  // lists of long strings (full-zip with repetition in 2.1): null lists, empty lists, null items
  list: (r) => {
    const n = 60;
    const item = () => maybe(r, 0.1, () => words(r, 300, 600));
    return [
      column("id", new arrow.Int64(), Array.from({ length: n }, (_, i) => BigInt(i))),
      column("tags", new arrow.List(new arrow.Field("item", new arrow.Utf8(), true)),
        Array.from({ length: n }, (_, i) => (i === n - 1 ? [item()] : maybe(r, 0.1, () => Array.from({ length: r.int(0, 4) }, item))))),
    ];
  },
};
// Geneva's 2.0 reader has no lists: the list table is made in 2.1 only.
const only21 = new Set(["list"]);

function buildTable(cols) {
  const fields = cols.map((c) => new arrow.Field(c.name, c.type, c.name !== "id"));
  const vectors = cols.map((c) => arrow.vectorFromArray(c.values, c.type));
  return new arrow.Table(Object.fromEntries(cols.map((c, i) => [c.name, vectors[i]])));
}

function canon(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  if (typeof v === "number") return v;
  if (typeof v === "string") return v;
  if (typeof v.toArray === "function" || Array.isArray(v)) return Array.from(v, canon);
  return v;
}

const db = await lancedb.connect(out);
for (const version of ["2.1", "2.0"]) {
  for (const [name, make] of Object.entries(tables)) {
    if (version !== "2.1" && only21.has(name)) continue;
    const tname = `${name}${version.replace(".", "")}`;
    const cols = make(rng(name.length * 1000 + (version === "2.1" ? 21 : 20)));
    const table = await db.createTable(tname, buildTable(cols), {
      mode: "overwrite",
      storageOptions: { new_table_data_storage_version: version },
    });
    const scanned = await table.query().toArrow();
    const expected = {};
    for (const f of scanned.schema.fields) {
      const col = scanned.getChild(f.name);
      expected[f.name] = Array.from({ length: scanned.numRows }, (_, i) => canon(col.get(i)));
    }
    writeFileSync(resolve(out, `${tname}.json`), JSON.stringify(expected));
    console.log(tname, scanned.numRows);
  }
}
