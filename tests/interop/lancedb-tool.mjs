#!/usr/bin/env node
// LanceDB 0.31 itself, as a small CLI for the interop tests (tests/Geneva.PowerShell.Tests/LanceInterop.Tests.ps1).
// Every command prints one JSON document on stdout (ASCII only); errors go to stderr, with exit code 1 (2 for a
// usage error).
//
// Values are printed in a canonical form that PowerShell produces for the module's reads too
// (LanceInteropHelpers.ps1), so the two compare exactly as text:
//   int8..int32, uint8..uint32, date32 (days since 1970-01-01)  JSON number
//   int64, uint64, timestamp[us] (microseconds since the epoch)  decimal string
//   float32, float64   JavaScript's shortest round-trip string of the value as a double (float32 widened
//                      exactly), with "-0", "NaN", "Infinity", "-Infinity"
//   bool true/false; utf8 string; binary base64 string; list and fixed_size_list arrays; null null
// Arrow JS's own getters are not used for timestamps: they turn microseconds into fractional milliseconds.
//
// Usage (run with no arguments for the list):
//   node lancedb-tool.mjs scan <db> <table> [--columns a,b] [--where SQL] [--with-row-address] [--version N] [--limit N] [--lines]
//   node lancedb-tool.mjs batch <file.json|->     a JSON array of argument arrays, run in one process
import * as lancedb from "@lancedb/lancedb";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { createHash } from "node:crypto";

// LanceDB loads apache-arrow as CommonJS; importing its ES module build would give a second copy whose
// classes fail LanceDB's instanceof checks (and ours on LanceDB's results). One copy: require it too.
const arrow = createRequire(import.meta.url)("apache-arrow");

const USAGE = `usage: node lancedb-tool.mjs <command> ...
  list-tables <db>
  scan <db> <table> [--columns a,b] [--where SQL] [--with-row-address] [--version N] [--limit N] [--offset N]
       [--lines [--hash]]                         --lines: rows as JSON texts (JSON.stringify), not objects;
                                                  --hash: their SHA-256 (hex) instead
  search <db> <table> <column> <vector-json> <k> [--where SQL] [--columns a,b] [--distance l2|cosine|dot]
         [--bypass-index] [--nprobes N] [--refine-factor N]   rows nearest first, with _distance
  count <db> <table> [--where SQL] [--version N]
  schema <db> <table> [--version N]
  versions <db> <table>
  list-indices <db> <table>
  create <db> <table> <spec-json|@file|->           rows or seeded values, types, storage version (makeSpecRows)
  delete <db> <table> <where>
  append <db> <table> <rows-json|@file>             rows in the canonical form; absent columns are null
  add-columns <db> <table> <name> <sql>
  drop-columns <db> <table> <name[,name...]>        LanceDB's dropColumns
  create-index <db> <table> <column> [--type btree|bitmap|label_list|ivf_pq|ivf_flat] [--num-partitions N]
               [--num-sub-vectors N] [--distance l2|cosine|dot]
  optimize <db> <table> [--keep-unverified]         compaction, then cleanup of every version older than now
           [--keep-versions]                        compaction only (no cleanup of recent versions)
  canon-float <hex-bits-json>                       canonical strings of float64 values given as 16-digit hex
  wait-file <path> [--timeout-ms N]                 waits until the file exists (default 60000 ms; fails after)
  touch-file <path>                                 creates (or truncates) the file: a signal to another process
  batch <file.json|->                               run several commands in one process; prints their results`;

class UsageError extends Error {}

// ---------- canonical values: Arrow -> JSON ----------

function canonFloat(x) {
  if (Number.isNaN(x)) return "NaN";
  if (Object.is(x, -0)) return "-0";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  return String(x);
}

/** Our type name for an Arrow type (Geneva's spelling), or null when Geneva has none. */
function typeName(t) {
  switch (t.typeId) {
    case arrow.Type.Bool: return "bool";
    case arrow.Type.Int: return `${t.isSigned ? "int" : "uint"}${t.bitWidth}`;
    case arrow.Type.Float:
      return t.precision === arrow.Precision.SINGLE ? "float32" : t.precision === arrow.Precision.DOUBLE ? "float64" : null;
    case arrow.Type.Utf8: return "utf8";
    case arrow.Type.LargeUtf8: return "large_utf8";
    case arrow.Type.Binary: return "binary";
    case arrow.Type.LargeBinary: return "large_binary";
    case arrow.Type.Date: return t.unit === arrow.DateUnit.DAY ? "date32" : null;
    case arrow.Type.Timestamp: return t.unit === arrow.TimeUnit.MICROSECOND ? "timestamp[us]" : null;
    case arrow.Type.List: {
      const inner = typeName(t.children[0].type);
      return inner === null ? null : `list<${inner}>`;
    }
    case arrow.Type.FixedSizeList: {
      const inner = typeName(t.children[0].type);
      return inner === null ? null : `fixed_size_list<${inner}>[${t.listSize}]`;
    }
    default: return null;
  }
}

// The value at index i of one Data chunk (i relative to the chunk, as Arrow JS's getters take it).
function canonAt(d, i) {
  const t = d.type;
  if (t.typeId === arrow.Type.Dictionary) {
    if (!d.getValid(i)) return null;
    return canonVectorAt(d.dictionary, Number(d.values[i]));
  }
  if (!d.getValid(i)) return null;
  switch (t.typeId) {
    case arrow.Type.Bool:
      return arrow.makeVector(d).get(i);
    case arrow.Type.Int:
      return t.bitWidth === 64 ? String(d.values[i]) : Number(d.values[i]);
    case arrow.Type.Float:
      if (t.precision === arrow.Precision.HALF) break;
      return canonFloat(d.values[i]);
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
      return arrow.makeVector(d).get(i);
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary:
      return Buffer.from(arrow.makeVector(d).get(i)).toString("base64");
    case arrow.Type.Date:
      if (t.unit !== arrow.DateUnit.DAY) break;
      return d.values[i];
    case arrow.Type.Timestamp:
      if (t.unit !== arrow.TimeUnit.MICROSECOND) break;
      return String(d.values[i]);
    case arrow.Type.List:
    case arrow.Type.LargeList: {
      const child = d.children[0];
      const start = Number(d.valueOffsets[i]);
      const end = Number(d.valueOffsets[i + 1]);
      const out = [];
      for (let j = start; j < end; j++) out.push(canonAt(child, j));
      return out;
    }
    case arrow.Type.FixedSizeList: {
      const child = d.children[0];
      const size = t.listSize;
      const out = [];
      for (let k = 0; k < size; k++) out.push(canonAt(child, i * size + k));
      return out;
    }
  }
  throw new Error(`type ${t} has no canonical form here (Geneva does not support it)`);
}

function canonVectorAt(vec, index) {
  let base = 0;
  for (const d of vec.data) {
    if (index < base + d.length) return canonAt(d, index - base);
    base += d.length;
  }
  throw new Error(`index ${index} is outside a vector of ${vec.length}`);
}

function canonColumn(vec) {
  const out = [];
  for (const d of vec.data) for (let i = 0; i < d.length; i++) out.push(canonAt(d, i));
  return out;
}

/** An Arrow table as {columns, rows}: rows are objects with the columns in the table's order. */
function canonTable(table) {
  const names = table.schema.fields.map((f) => f.name);
  const columns = names.map((n) => canonColumn(table.getChild(n)));
  const rows = [];
  for (let r = 0; r < table.numRows; r++) {
    const row = {};
    names.forEach((n, c) => { row[n] = columns[c][r]; });
    rows.push(row);
  }
  return {
    columns: table.schema.fields.map((f) => ({ name: f.name, type: typeName(f.type), arrowType: String(f.type) })),
    rows,
  };
}

// ---------- canonical values: JSON -> Arrow (create, append) ----------

function bitmap(valid) {
  const bytes = new Uint8Array(Math.ceil(valid.length / 8) || 1);
  let nulls = 0;
  valid.forEach((v, i) => { if (v) bytes[i >> 3] |= 1 << (i & 7); else nulls++; });
  return { bytes, nulls };
}

function parseFloatCanon(v) {
  if (typeof v === "number") return v;
  if (typeof v !== "string") throw new Error(`expected a float as a string or number, got ${JSON.stringify(v)}`);
  const x = Number(v);
  if (Number.isNaN(x) && v !== "NaN") throw new Error(`'${v}' is not a float`);
  return x;
}

function toBigInt(v) {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  if (typeof v === "string" && /^-?\d+$/.test(v)) return BigInt(v);
  throw new Error(`expected an integer as a decimal string, got ${JSON.stringify(v)}`);
}

const INT_ARRAYS = {
  int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
};

/** Builds one Data of Arrow type t from canonical values (null allowed everywhere). */
function buildData(t, values) {
  const valid = values.map((v) => v !== null && v !== undefined);
  const { bytes: nullBitmap, nulls: nullCount } = bitmap(valid);
  const length = values.length;
  const name = typeName(t);
  const base = { type: t, length, nullCount, nullBitmap };
  switch (t.typeId) {
    case arrow.Type.Bool: {
      const { bytes } = bitmap(values.map((v) => v === true));
      values.forEach((v) => { if (v !== null && v !== undefined && typeof v !== "boolean") throw new Error(`expected a bool, got ${JSON.stringify(v)}`); });
      return arrow.makeData({ ...base, data: bytes });
    }
    case arrow.Type.Int: {
      const Ctor = INT_ARRAYS[name];
      const data = new Ctor(length);
      values.forEach((v, i) => {
        if (!valid[i]) return;
        if (t.bitWidth === 64) { data[i] = toBigInt(v); return; }
        if (typeof v !== "number" || !Number.isInteger(v)) throw new Error(`expected an integer for ${name}, got ${JSON.stringify(v)}`);
        data[i] = v;
        if (data[i] !== v) throw new Error(`${v} does not fit ${name}`);
      });
      return arrow.makeData({ ...base, data });
    }
    case arrow.Type.Float: {
      const data = t.precision === arrow.Precision.SINGLE ? new Float32Array(length) : new Float64Array(length);
      values.forEach((v, i) => { if (valid[i]) data[i] = parseFloatCanon(v); });
      return arrow.makeData({ ...base, data });
    }
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
    case arrow.Type.Binary: {
      const parts = values.map((v) => {
        if (!(v !== null && v !== undefined)) return Buffer.alloc(0);
        if (typeof v !== "string") throw new Error(`expected a string for ${name}, got ${JSON.stringify(v)}`);
        return t.typeId === arrow.Type.Binary ? Buffer.from(v, "base64") : Buffer.from(v, "utf8");
      });
      const large = t.typeId === arrow.Type.LargeUtf8;
      const valueOffsets = large ? new BigInt64Array(length + 1) : new Int32Array(length + 1);
      parts.forEach((p, i) => { valueOffsets[i + 1] = valueOffsets[i] + (large ? BigInt(p.length) : p.length); });
      const data = new Uint8Array(Buffer.concat(parts));
      return arrow.makeData({ ...base, valueOffsets, data });
    }
    case arrow.Type.Date: {
      const data = new Int32Array(length);
      values.forEach((v, i) => { if (valid[i]) data[i] = v; });
      return arrow.makeData({ ...base, data });
    }
    case arrow.Type.Timestamp: {
      const data = new BigInt64Array(length);
      values.forEach((v, i) => { if (valid[i]) data[i] = toBigInt(v); });
      return arrow.makeData({ ...base, data });
    }
    case arrow.Type.List: {
      const flat = [];
      const valueOffsets = new Int32Array(length + 1);
      values.forEach((v, i) => {
        if (valid[i]) {
          if (!Array.isArray(v)) throw new Error(`expected an array for ${name}, got ${JSON.stringify(v)}`);
          flat.push(...v);
        }
        valueOffsets[i + 1] = flat.length;
      });
      return arrow.makeData({ ...base, valueOffsets, child: buildData(t.children[0].type, flat) });
    }
    case arrow.Type.FixedSizeList: {
      const size = t.listSize;
      const flat = [];
      values.forEach((v, i) => {
        if (!valid[i]) { for (let k = 0; k < size; k++) flat.push(zeroOf(t.children[0].type)); return; }
        if (!Array.isArray(v) || v.length !== size) throw new Error(`expected ${size} values for ${name}, got ${JSON.stringify(v)}`);
        flat.push(...v);
      });
      return arrow.makeData({ ...base, child: buildData(t.children[0].type, flat) });
    }
  }
  throw new Error(`cannot build values of type ${t}`);
}

// The value under a null fixed-size-list row: Arrow leaves it undefined; a zero keeps vector indexes happy.
function zeroOf(t) {
  switch (t.typeId) {
    case arrow.Type.Int: return t.bitWidth === 64 ? "0" : 0;
    case arrow.Type.Float: return "0";
    case arrow.Type.Bool: return false;
    default: return null;
  }
}

/** Parses Geneva's type names (int32, timestamp[us], list<int32>, fixed_size_list<float32>[8]) into Arrow types. */
function parseType(name) {
  const s = name.replace(/\s+/g, "").toLowerCase();
  let m = /^fixed_size_list<(.+)>\[(\d+)\]$/.exec(s);
  if (m) return new arrow.FixedSizeList(Number(m[2]), new arrow.Field("item", parseType(m[1]), true));
  m = /^list<(.+)>$/.exec(s);
  if (m) return new arrow.List(new arrow.Field("item", parseType(m[1]), true));
  switch (s) {
    case "bool": return new arrow.Bool();
    case "int8": return new arrow.Int8();
    case "int16": return new arrow.Int16();
    case "int32": return new arrow.Int32();
    case "int64": return new arrow.Int64();
    case "uint8": return new arrow.Uint8();
    case "uint16": return new arrow.Uint16();
    case "uint32": return new arrow.Uint32();
    case "uint64": return new arrow.Uint64();
    case "float32": return new arrow.Float32();
    case "float64": return new arrow.Float64();
    case "utf8": return new arrow.Utf8();
    case "large_utf8": return new arrow.LargeUtf8();
    case "binary": return new arrow.Binary();
    case "date32": return new arrow.DateDay();
    case "timestamp[us]": return new arrow.TimestampMicrosecond("UTC");
    case "timestamp[us,tz=none]": return new arrow.TimestampMicrosecond(null);
  }
  throw new UsageError(`unknown type '${name}'`);
}

/**
 * An arrow.Table of the schema from canonical rows (objects by column name; absent keys are null), in record
 * batches of batchRows rows (lance's 2.1 writer starts a new page only between batches, after 8 MiB of a column).
 */
function buildTable(schema, rows, batchRows = rows.length) {
  const batches = [];
  for (let start = 0; start < rows.length || batches.length === 0; start += Math.max(batchRows, 1)) {
    const part = rows.slice(start, start + Math.max(batchRows, 1));
    const children = schema.fields.map((f) => buildData(f.type, part.map((r) => (f.name in r ? r[f.name] : null))));
    const struct = arrow.makeData({ type: new arrow.Struct(schema.fields), length: part.length, nullCount: 0, children });
    batches.push(new arrow.RecordBatch(schema, struct));
  }
  return new arrow.Table(schema, batches);
}

// ---------- seeded generation (create's "generate") ----------

// splitmix64: the same sequence from the same seed on every platform.
function rng(seed) {
  let state = BigInt.asUintN(64, BigInt(seed));
  const next = () => {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
  return {
    u64: next,
    int(n) { return Number(next() % BigInt(n)); },
    float64() { return Number(next() >> 11n) / 2 ** 53; },
  };
}

const INT_RANGE = {
  int8: [-128n, 127n], int16: [-32768n, 32767n], int32: [-2147483648n, 2147483647n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n], uint8: [0n, 255n], uint16: [0n, 65535n], uint32: [0n, 4294967295n],
  uint64: [0n, 2n ** 64n - 1n],
};
const FLOAT_EDGES = ["-0", "0", "NaN", "Infinity", "-Infinity", "5e-324", "-2.2250738585072014e-308",
  "1.7976931348623157e+308", "0.1", "1e+21", "1e-7", "123456789012345680000"];
const FLOAT32_EDGES = ["-0", "0", "NaN", "Infinity", "-Infinity", "1.401298464324817e-45", "3.4028234663852886e+38",
  "0.10000000149011612", "-1.1754943508222875e-38", "16777216"];
const STRING_EDGES = ["", "a", "héllo wörld", "日本語", "emoji 🎉🚀", "quote \" back\\slash", "line\nbreak\ttab", "x".repeat(300)];

function genValue(t, r, opts) {
  const name = typeName(t);
  if (r.float64() < opts.nullFraction) return null;
  switch (t.typeId) {
    case arrow.Type.Bool: return r.int(2) === 1;
    case arrow.Type.Int: {
      const [lo, hi] = INT_RANGE[name];
      const pick = r.int(8);
      const v = pick === 0 ? lo : pick === 1 ? hi : pick === 2 ? 0n : lo + (r.u64() % (hi - lo + 1n));
      return t.bitWidth === 64 ? String(v) : Number(v);
    }
    case arrow.Type.Float: {
      const single = t.precision === arrow.Precision.SINGLE;
      const edges = single ? FLOAT32_EDGES : FLOAT_EDGES;
      if (!opts.finite && r.int(4) === 0) return edges[r.int(edges.length)];
      const x = (r.float64() - 0.5) * 10 ** (r.int(20) - 10);
      return canonFloat(single ? Math.fround(x) : x);
    }
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8: return r.int(3) === 0 ? STRING_EDGES[r.int(STRING_EDGES.length)] : `s${r.u64().toString(36)}`;
    case arrow.Type.Binary: {
      const bytes = Buffer.alloc(r.int(12));
      for (let i = 0; i < bytes.length; i++) bytes[i] = r.int(256);
      return bytes.toString("base64");
    }
    case arrow.Type.Date: return r.int(80000) - 40000;
    case arrow.Type.Timestamp: return String(BigInt(r.int(2 ** 31)) * 1000003n - 2n ** 40n);
    case arrow.Type.List: {
      const n = r.int(5);
      return Array.from({ length: n }, () => genValue(t.children[0].type, r, opts));
    }
    case arrow.Type.FixedSizeList:
      // Vectors: LanceDB's add refuses NaN in them (on_bad_vectors), so finite values only; null items only when
      // asked (itemNullFraction).
      return Array.from({ length: t.listSize }, () => genValue(t.children[0].type, r, { ...opts, nullFraction: opts.itemNullFraction ?? 0, finite: true }));
  }
  throw new Error(`cannot generate ${t}`);
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.,;:!?\u00e9\u00fc\u65e5\u672c";

function randomText(r, length) {
  let s = "";
  while (s.length < length) s += ALPHABET[r.int(ALPHABET.length)];
  return s.slice(0, length);
}

function randomBase64(r, length) {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = r.int(256);
  return bytes.toString("base64");
}

// A value of an integer type from a JavaScript number or BigInt, in the canonical form.
function intValue(t, v) {
  const big = BigInt(v);
  const [lo, hi] = INT_RANGE[typeName(t)];
  if (big < lo || big > hi) throw new UsageError(`${big} does not fit ${typeName(t)}`);
  return t.bitWidth === 64 ? String(big) : Number(big);
}

/**
 * A column generator from a field's "gen" (absent: seeded, edge-heavy values of its type):
 *   {"kind":"random"}                          edge-heavy values of the type (genValue)
 *   {"kind":"seq","start":0,"step":1}          integers start + step * row (row counts across fragments)
 *   {"kind":"runs","runLength":50,"distinct":7}   integers in runs of runLength rows (RLE's input)
 *   {"kind":"range","lo":0,"hi":100}           uniform random integers (or floats, or vectors of them) in [lo, hi)
 *   {"kind":"pool","size":10,"length":8}       strings (binary: bytes) drawn from a seeded pool: low cardinality
 *   {"kind":"unique","minLength":5,"maxLength":40}   distinct strings or bytes: high cardinality
 *   {"kind":"long","minLength":300,"maxLength":400}  the same, under another name, for long values
 *   {"kind":"const","value":V}                 one value everywhere
 * and "nullFraction" (0..1) for this column, 1 making every value null; "itemNullFraction" for the items of a
 * fixed_size_list (random kind).
 */
function columnGenerator(field, r, defaults) {
  const t = field.type;
  const g = field.gen ?? {};
  const nullFraction = g.nullFraction ?? (field.nullable ? defaults.nullFraction : 0);
  const isString = [arrow.Type.Utf8, arrow.Type.LargeUtf8].includes(t.typeId);
  const isBinary = t.typeId === arrow.Type.Binary;
  const text = (length) => (isBinary ? randomBase64(r, length) : randomText(r, length));
  let make;
  switch (g.kind ?? "random") {
    // genValue draws the row's null itself (and nulls inside lists), as it did before "gen" existed.
    case "random": return () => genValue(t, r, { nullFraction, itemNullFraction: g.itemNullFraction });
    case "seq": make = (row) => intValue(t, BigInt(g.start ?? 0) + BigInt(g.step ?? 1) * BigInt(row)); break;
    case "runs": {
      const values = Array.from({ length: g.distinct ?? 7 }, () => genValue(t, r, { nullFraction: 0 }));
      make = (row) => values[Math.floor(row / (g.runLength ?? 50)) % values.length];
      break;
    }
    case "range": {
      const one = (type) => (type.typeId === arrow.Type.Float
        ? canonFloat(type.precision === arrow.Precision.SINGLE ? Math.fround(g.lo + r.float64() * (g.hi - g.lo)) : g.lo + r.float64() * (g.hi - g.lo))
        : intValue(type, BigInt(g.lo) + BigInt(r.int(g.hi - g.lo))));
      // A vector in range: each of its values.
      make = t.typeId === arrow.Type.FixedSizeList ? () => Array.from({ length: t.listSize }, () => one(t.children[0].type)) : () => one(t);
      break;
    }
    case "pool": {
      if (!isString && !isBinary) throw new UsageError(`gen pool needs a string or binary column, not ${typeName(t)}`);
      const pool = Array.from({ length: g.size ?? 10 }, (_, i) => `${i}:${text(g.length ?? 8)}`.slice(0, Math.max(g.length ?? 8, 2)));
      make = () => pool[r.int(pool.length)];
      break;
    }
    case "unique":
    case "long": {
      if (!isString && !isBinary) throw new UsageError(`gen ${g.kind} needs a string or binary column, not ${typeName(t)}`);
      const min = g.minLength ?? 5;
      const max = g.maxLength ?? 40;
      make = (row) => {
        const length = min + r.int(max - min + 1);
        return isBinary ? randomBase64(r, length) : `${row}~${randomText(r, length)}`.slice(0, Math.max(length, String(row).length + 1));
      };
      break;
    }
    case "const": make = () => g.value; break;
    default: throw new UsageError(`unknown gen kind '${g.kind}'`);
  }
  return (row) => (nullFraction > 0 && r.float64() < nullFraction ? null : make(row));
}

/**
 * A spec is { "schema": [{"name","type","nullable"?,"metadata"?,"gen"?}], "storageVersion"?: "2.0"|"2.1"|...,
 *   then either "fragments": [[row, ...], ...] (canonical rows; the first creates the table, each next one is an add)
 *   or "generate": {"seed": 1, "fragments": [100, 100, 50], "nullFraction": 0.1} (seeded values; each field's "gen"
 *   chooses how, see columnGenerator),
 *   "deletes": ["SQL", ...] run after the last add, "batchRows": N to write record batches of N rows, "env": {..}
 *   to set lance's environment settings during the writes, and "echo": true to print the rows written }.
 */
function makeSpecRows(spec, schema) {
  if (spec.fragments) return spec.fragments;
  const g = spec.generate;
  if (!g) throw new UsageError("a spec needs \"fragments\" or \"generate\"");
  const r = rng(g.seed ?? 1);
  const defaults = { nullFraction: g.nullFraction ?? 0.1 };
  const gens = spec.schema.map((f, c) => {
    const field = { ...f, type: schema.fields[c].type, nullable: schema.fields[c].nullable };
    if (f.name === g.rowNumberColumn) return (_, f2, i) => String(f2 * 1_000_000 + i);
    return columnGenerator(field, r, defaults);
  });
  let row = 0;
  return g.fragments.map((count, f) => Array.from({ length: count }, (_, i) => {
    const out = {};
    schema.fields.forEach((field, c) => { out[field.name] = gens[c](row, f, i); });
    row++;
    return out;
  }));
}

// ---------- commands ----------

function parseArgs(args, flags) {
  const positional = [];
  const options = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith("--")) {
      const key = a.slice(2);
      if (!(key in flags)) throw new UsageError(`unknown option ${a}`);
      if (flags[key]) {
        if (i + 1 >= args.length) throw new UsageError(`${a} needs a value`);
        options[key] = args[++i];
      } else {
        options[key] = true;
      }
    } else {
      positional.push(a);
    }
  }
  return { positional, options };
}

function readJsonArg(text) {
  const parse = (s) => JSON.parse(s.replace(/^\uFEFF/, ""));
  if (text === "-") return parse(readFileSync(0, "utf8"));
  if (text.startsWith("@")) return parse(readFileSync(text.slice(1), "utf8"));
  return parse(text);
}

const connections = new Map();
async function connect(dir) {
  // An absolute path: LanceDB takes a relative one that starts with "db" for a LanceDB Cloud URI.
  dir = resolve(dir);
  if (!connections.has(dir)) connections.set(dir, await lancedb.connect(dir));
  return connections.get(dir);
}

async function open(dir, name, version) {
  const table = await (await connect(dir)).openTable(name);
  if (version !== undefined) await table.checkout(Number(version));
  return table;
}

function need(positional, count, usage) {
  if (positional.length !== count) throw new UsageError(`usage: ${usage}`);
  return positional;
}

function fieldInfo(f) {
  return {
    name: f.name,
    type: typeName(f.type),
    arrowType: String(f.type),
    nullable: f.nullable,
    timezone: f.type.typeId === arrow.Type.Timestamp ? f.type.timezone ?? null : undefined,
    metadata: Object.fromEntries([...f.metadata.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}

const commands = {
  async "list-tables"(args) {
    const [dir] = need(parseArgs(args, {}).positional, 1, "list-tables <db>");
    return { tables: await (await connect(dir)).tableNames() };
  },

  async scan(args) {
    const { positional, options } = parseArgs(args, { columns: true, where: true, "with-row-address": false, version: true, limit: true, offset: true, lines: false, hash: false });
    const [dir, name] = need(positional, 2, "scan <db> <table> [options]");
    const table = await open(dir, name, options.version);
    let query = table.query();
    const schema = await table.schema();
    let columns = options.columns ? options.columns.split(",") : schema.fields.map((f) => f.name);
    if (options["with-row-address"]) columns = [...columns, "_rowaddr"];
    query = query.select(columns);
    if (options.where) query = query.where(options.where);
    if (options.limit) query = query.limit(Number(options.limit));
    if (options.offset) query = query.offset(Number(options.offset));
    const result = canonTable(await query.toArrow());
    // --lines: each row as its own JSON text (JSON.stringify's), which the tests compare as strings, fast.
    // --hash (with --lines): each row's SHA-256 (hex) of that text instead, for tables of many megabytes.
    if (options.lines && options.hash) {
      const hash = (row) => createHash("sha256").update(JSON.stringify(row), "utf8").digest("hex");
      return { version: await table.version(), columns: result.columns, hashes: result.rows.map(hash) };
    }
    if (options.lines) return { version: await table.version(), columns: result.columns, lines: result.rows.map((row) => JSON.stringify(row)) };
    return { version: await table.version(), ...result };
  },

  async search(args) {
    const { positional, options } = parseArgs(args, {
      columns: true, where: true, distance: true, "bypass-index": false, nprobes: true, "refine-factor": true,
    });
    const [dir, name, column, vectorJson, k] = need(positional, 5, "search <db> <table> <column> <vector-json> <k> [options]");
    const table = await open(dir, name);
    let query = table.vectorSearch(readJsonArg(vectorJson).map(parseFloatCanon)).column(column).limit(Number(k));
    // (_distance comes anyway, with a deprecation warning on stderr: naming it selects every column.
    // _rowaddr is not offered: lance 8.0 panics when a vector search asks for it.)
    if (options.columns) query = query.select(options.columns.split(","));
    if (options.where) query = query.where(options.where);
    if (options.distance) query = query.distanceType(options.distance);
    if (options["bypass-index"]) query = query.bypassVectorIndex();
    if (options.nprobes) query = query.nprobes(Number(options.nprobes));
    if (options["refine-factor"]) query = query.refineFactor(Number(options["refine-factor"]));
    return { version: await table.version(), ...canonTable(await query.toArrow()) };
  },

  async count(args) {
    const { positional, options } = parseArgs(args, { where: true, version: true });
    const [dir, name] = need(positional, 2, "count <db> <table> [--where SQL]");
    const table = await open(dir, name, options.version);
    return { count: await table.countRows(options.where) };
  },

  async schema(args) {
    const { positional, options } = parseArgs(args, { version: true });
    const [dir, name] = need(positional, 2, "schema <db> <table>");
    const table = await open(dir, name, options.version);
    const schema = await table.schema();
    return {
      version: await table.version(),
      fields: schema.fields.map(fieldInfo),
      metadata: Object.fromEntries(schema.metadata.entries()),
    };
  },

  async versions(args) {
    const [dir, name] = need(parseArgs(args, {}).positional, 2, "versions <db> <table>");
    const table = await open(dir, name);
    const versions = await table.listVersions();
    return { versions: versions.map((v) => ({ version: v.version, timestamp: v.timestamp.toISOString(), metadata: v.metadata })) };
  },

  async "list-indices"(args) {
    const [dir, name] = need(parseArgs(args, {}).positional, 2, "list-indices <db> <table>");
    const table = await open(dir, name);
    return { indices: (await table.listIndices()).map((i) => ({ name: i.name, indexType: i.indexType, columns: i.columns })) };
  },

  async create(args) {
    const [dir, name, specArg] = need(parseArgs(args, {}).positional, 3, "create <db> <table> <spec-json|@file|->");
    const spec = readJsonArg(specArg);
    const schema = new arrow.Schema(spec.schema.map((f) => new arrow.Field(f.name, parseType(f.type), f.nullable ?? true,
      new Map(Object.entries(f.metadata ?? {})))));
    const fragments = makeSpecRows(spec, schema);
    if (fragments.length === 0) throw new UsageError("a spec needs at least one fragment");
    const options = { mode: "create", schema };
    if (spec.storageVersion) options.storageOptions = { new_table_data_storage_version: spec.storageVersion };
    const db = await connect(dir);
    // "env": lance's writer settings read from the environment (LANCE_FILE_WRITER_MAX_PAGE_BYTES), for this create only.
    const saved = Object.fromEntries(Object.keys(spec.env ?? {}).map((k) => [k, process.env[k]]));
    Object.assign(process.env, spec.env ?? {});
    let table;
    try {
      table = await db.createTable(name, buildTable(schema, fragments[0], spec.batchRows), options);
      for (const rows of fragments.slice(1)) await table.add(buildTable(schema, rows, spec.batchRows));
    } finally {
      for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
    }
    for (const where of spec.deletes ?? []) await table.delete(where);
    const result = { version: await table.version(), rows: await table.countRows(), fragments: fragments.length };
    if (spec.echo) result.data = fragments.flat();
    return result;
  },

  async delete(args) {
    const [dir, name, where] = need(parseArgs(args, {}).positional, 3, "delete <db> <table> <where>");
    const table = await open(dir, name);
    await table.delete(where);
    return { version: await table.version() };
  },

  async append(args) {
    const [dir, name, rowsArg] = need(parseArgs(args, {}).positional, 3, "append <db> <table> <rows-json|@file>");
    const table = await open(dir, name);
    const rows = readJsonArg(rowsArg);
    await table.add(buildTable(await table.schema(), rows));
    return { version: await table.version() };
  },

  async "add-columns"(args) {
    const [dir, name, column, sql] = need(parseArgs(args, {}).positional, 4, "add-columns <db> <table> <name> <sql>");
    const table = await open(dir, name);
    await table.addColumns([{ name: column, valueSql: sql }]);
    return { version: await table.version() };
  },

  async "drop-columns"(args) {
    const [dir, name, columns] = need(parseArgs(args, {}).positional, 3, "drop-columns <db> <table> <name[,name...]>");
    const table = await open(dir, name);
    await table.dropColumns(columns.split(","));
    return { version: await table.version() };
  },

  async "create-index"(args) {
    const { positional, options } = parseArgs(args, { type: true, "num-partitions": true, "num-sub-vectors": true, distance: true });
    const [dir, name, column] = need(positional, 3, "create-index <db> <table> <column> [--type T]");
    const table = await open(dir, name);
    const vectorOptions = {};
    if (options["num-partitions"]) vectorOptions.numPartitions = Number(options["num-partitions"]);
    if (options["num-sub-vectors"]) vectorOptions.numSubVectors = Number(options["num-sub-vectors"]);
    if (options.distance) vectorOptions.distanceType = options.distance;
    const type = options.type ?? "btree";
    const config = {
      btree: () => lancedb.Index.btree(),
      bitmap: () => lancedb.Index.bitmap(),
      label_list: () => lancedb.Index.labelList(),
      ivf_pq: () => lancedb.Index.ivfPq(vectorOptions),
      ivf_flat: () => lancedb.Index.ivfFlat(vectorOptions),
    }[type];
    if (!config) throw new UsageError(`unknown index type '${type}'`);
    await table.createIndex(column, { config: config() });
    return {
      version: await table.version(),
      indices: (await table.listIndices()).map((i) => ({ name: i.name, indexType: i.indexType, columns: i.columns })),
    };
  },

  async optimize(args) {
    const { positional, options } = parseArgs(args, { "keep-unverified": false, "keep-versions": false });
    const [dir, name] = need(positional, 2, "optimize <db> <table>");
    const table = await open(dir, name);
    // --keep-versions: compaction only (LanceDB's default cleanup keeps a week of versions), so a reader of an
    // older version, a backfill under way, still finds its files.
    const stats = await table.optimize(options["keep-versions"] ? {}
      : { cleanupOlderThan: new Date(), deleteUnverified: !options["keep-unverified"] });
    return {
      version: await table.version(),
      compaction: { fragmentsRemoved: stats.compaction.fragmentsRemoved, fragmentsAdded: stats.compaction.fragmentsAdded },
      prune: { oldVersionsRemoved: stats.prune.oldVersionsRemoved, bytesRemoved: stats.prune.bytesRemoved },
    };
  },

  async "canon-float"(args) {
    const [hexJson] = need(parseArgs(args, {}).positional, 1, "canon-float <hex-bits-json>");
    const view = new DataView(new ArrayBuffer(8));
    return {
      values: readJsonArg(hexJson).map((hex) => {
        view.setBigUint64(0, BigInt(`0x${hex}`));
        return canonFloat(view.getFloat64(0));
      }),
    };
  },

  // wait-file and touch-file sequence this process with another one (a backfill's UDF, in the Pester tests), as
  // steps of a batch: wait for the other side's flag, write to the table, raise our own flag.
  async "wait-file"(args) {
    const { positional, options } = parseArgs(args, { "timeout-ms": true });
    const [path] = need(positional, 1, "wait-file <path> [--timeout-ms N]");
    const timeout = Number(options["timeout-ms"] ?? 60000);
    const start = Date.now();
    while (!existsSync(path)) {
      if (Date.now() - start > timeout) throw new Error(`'${path}' did not appear within ${timeout} ms`);
      await new Promise((done) => setTimeout(done, 25));
    }
    return { waitedMs: Date.now() - start };
  },

  async "touch-file"(args) {
    const [path] = need(parseArgs(args, {}).positional, 1, "touch-file <path>");
    writeFileSync(path, "");
    return { path };
  },

  async batch(args) {
    const [file] = need(parseArgs(args, {}).positional, 1, "batch <file.json|->");
    const steps = readJsonArg(file.startsWith("@") || file === "-" ? file : `@${file}`);
    const results = [];
    for (const [i, step] of steps.entries()) {
      if (!Array.isArray(step) || step.length === 0 || step[0] === "batch") throw new UsageError(`batch step ${i} is not a command`);
      try {
        results.push(await run(step));
      } catch (e) {
        e.message = `batch step ${i} (${step.slice(0, 3).join(" ")}): ${e.message}`;
        throw e;
      }
    }
    return results;
  },
};

async function run([command, ...args]) {
  const handler = commands[command];
  if (!handler) throw new UsageError(command ? `unknown command '${command}'` : "no command");
  return handler(args);
}

try {
  const result = await run(process.argv.slice(2));
  // ASCII only: whatever encoding the reader's console assumes, the text arrives unchanged.
  const json = JSON.stringify(result).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  process.stdout.write(json + "\n");
} catch (e) {
  // LANCEDB_TOOL_STACK=1 shows where an error came from.
  process.stderr.write(`lancedb-tool: ${process.env.LANCEDB_TOOL_STACK ? e.stack : e.message}\n${process.argv.length <= 2 ? USAGE + "\n" : ""}`);
  process.exitCode = e instanceof UsageError ? 2 : 1;
}
