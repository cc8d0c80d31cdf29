// Writes LanceDB's own scan of a fixture table as {"rows": N, "columns": {name: [canonical values]}} (the
// canonical form of tests/interop/lancedb-tool.mjs: int64 as decimal strings, floats as shortest strings).
// Usage: node scan_expected.mjs <db> <table> > <table>.expected.json  (run where lancedb-tool.mjs is)
import { execFileSync } from "node:child_process";
const [db, table] = process.argv.slice(2);
const out = JSON.parse(execFileSync("node", ["lancedb-tool.mjs", "scan", db, table], { maxBuffer: 1 << 30 }).toString());
const columns = {};
for (const c of out.columns) columns[c.name] = out.rows.map((r) => r[c.name]);
process.stdout.write(JSON.stringify({ rows: out.rows.length, columns }) + "\n");
