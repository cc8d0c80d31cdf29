// LanceDB's side of the Geneva benchmark (run by Geneva.Bench, not by hand; see README.md).
// node bench/lancedb-addcol.mjs <tests/interop folder> <expected length sum> <t0> <table.lance> [<table.lance> ...]
// t0: CLOCK_MONOTONIC in ns when the parent started this process (.NET's Stopwatch and node's hrtime both read it).
// For each table copy, in this one node process: open it, addColumns([{ name: 'tlen', valueSql: 'length(text)' }]),
// then scan its text column and check the new column's sum (neither timed into addColumns).
// The first copy is LanceDB's "fresh process"; later copies run warm. Prints one RESULT JSON line.
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";

const [interop, expectedSum, t0, ...tables] = process.argv.slice(2);
const started = BigInt(t0);
const require = createRequire(join(resolve(interop), "package.json"));
const lancedb = await import(require.resolve("@lancedb/lancedb"));
const seconds = (from) => Number(process.hrtime.bigint() - from) / 1e9;
const imported = seconds(started);

const runs = [];
for (const path of tables) {
  let t = process.hrtime.bigint();
  const db = await lancedb.connect(dirname(resolve(path)));
  const table = await db.openTable(basename(path).replace(/\.lance$/, ""));
  const open = seconds(t);

  t = process.hrtime.bigint();
  await table.addColumns([{ name: "tlen", valueSql: "length(text)" }]);
  const addColumns = seconds(t);
  const sinceStart = seconds(started);

  t = process.hrtime.bigint();
  let rows = 0;
  let textBytes = 0;
  for await (const batch of table.query().select(["text"])) {
    rows += batch.numRows;
    const data = batch.getChild("text").data;
    for (const d of data) textBytes += d.valueOffsets[d.length] - d.valueOffsets[0];
  }
  const scan = seconds(t);

  let sum = 0;
  let nonNull = 0;
  for await (const batch of table.query().select(["tlen"])) {
    const v = batch.getChild("tlen");
    for (let i = 0; i < v.length; i++) {
      const x = v.get(i);
      if (x !== null) {
        nonNull++;
        sum += Number(x);
      }
    }
  }
  runs.push({ open, scan, addColumns, sinceStart, rows, textBytes, nonNull, sum, verified: String(sum) === expectedSum && nonNull === rows });
  table.close();
}
// Peak resident set of this node process (VmHWM), as the bench reads it for its own processes.
const status = (await import("node:fs")).readFileSync("/proc/self/status", "utf8");
const peakBytes = Number((status.match(/VmHWM:\s+(\d+) kB/) ?? [0, 0])[1]) * 1024;
console.log("RESULT " + JSON.stringify({ imported, runs, peakBytes }));
