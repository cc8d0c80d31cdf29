// Compacts a table the way LanceDB's optimize does, keeping old versions (no cleanup).
import * as lancedb from "@lancedb/lancedb";
const db = await lancedb.connect(process.argv[2]);
const t = await db.openTable(process.argv[3]);
const stats = await t.optimize({ cleanupOlderThan: new Date(Date.now() - 365 * 24 * 3600 * 1000) });
console.log(JSON.stringify(stats.compaction), await t.version());
