import assert from "node:assert/strict";
import { AdqlSemanticError, AdqlSyntaxError } from "../../lib/adql/errors.ts";
import {
  AccessDeniedError,
  ArchiveEngine,
  QueryExecutionError,
  QueryLimitError,
} from "../../lib/archive/engine.ts";
import { skyCatalogue } from "./engine_fixture.ts";

const cat = skyCatalogue(3_000);

async function withEngine(
  fn: (e: ArchiveEngine) => Promise<void>,
  options: { queryTimeoutMs?: number; hardMaxRows?: number; maxQueryLength?: number } = {},
) {
  const engine = await ArchiveEngine.open({ catalogue: cat, ...options });
  try {
    await fn(engine);
  } finally {
    await engine.close();
  }
}

// A cross join big enough to run for many seconds unless interrupted.
const SLOW =
  "SELECT COUNT(*) FROM gaiadr3.gaia_source AS a, gaiadr3.gaia_source AS b, gaiadr3.gaia_source AS c " +
  "WHERE SIN(a.ra + b.ra + c.ra) > 2";

Deno.test("ArchiveEngine.query() refuses a query longer than the limit before parsing it", async () => {
  await withEngine(async (engine) => {
    const q = "SELECT source_id FROM gaiadr3.gaia_source WHERE source_id IN (" + "1,".repeat(600) +
      "1)";
    await assert.rejects(
      engine.query(q, {}),
      (e: unknown) =>
        e instanceof QueryLimitError && e.limit === "query-length" && /TAP_UPLOAD/.test(e.message),
    );
  }, { maxQueryLength: 1000 });
});

Deno.test("ArchiveEngine.query() caps rows at hardMaxRows whatever MAXREC asks", async () => {
  await withEngine(async (engine) => {
    const a = await engine.query("SELECT source_id FROM gaiadr3.gaia_source", {
      maxrec: 1_000_000,
    });
    assert.equal(a.table.numRows, 100);
    assert.equal(a.overflow, true);
    const b = await engine.query("SELECT source_id FROM gaiadr3.gaia_source", {});
    assert.equal(b.table.numRows, 100);
    assert.equal(b.overflow, true);
    await assert.rejects(
      engine.query("SELECT ra FROM gaiadr3.gaia_source", { maxrec: -1 }),
      QueryLimitError,
    );
  }, { hardMaxRows: 100 });
});

Deno.test("ArchiveEngine.query() stops a running query when its signal aborts", async () => {
  await withEngine(async (engine) => {
    const ac = new AbortController();
    const p = engine.query(SLOW, { signal: ac.signal });
    setTimeout(() => ac.abort(new DOMException("client went away", "AbortError")), 200);
    await assert.rejects(p, (e: unknown) => e instanceof DOMException && e.name === "AbortError");
    // the connection is usable afterwards
    const { table } = await engine.query("SELECT COUNT(*) AS n FROM gaiadr3.gaia_source", {});
    assert.equal(table.getChild("n")!.get(0), 3000n);
    // an already aborted signal never starts the query
    await assert.rejects(
      engine.query("SELECT ra FROM gaiadr3.gaia_source", { signal: AbortSignal.abort() }),
    );
  });
});

Deno.test("ArchiveEngine.query() interrupts a query that runs past queryTimeoutMs", async () => {
  await withEngine(async (engine) => {
    await assert.rejects(
      engine.query(SLOW, {}),
      (e: unknown) =>
        e instanceof QueryLimitError && e.limit === "timeout" && /asynchronous job/.test(e.message),
    );
  }, { queryTimeoutMs: 300 });
});

Deno.test("ArchiveEngine.query() fails injection attempts cleanly and leaves the data intact", async () => {
  await withEngine(async (engine) => {
    const attempts: [string, (e: unknown) => boolean][] = [
      // string literal content is data: no match, no error
      [
        "SELECT ra FROM gaiadr3.gaia_source WHERE designation = '''; DROP TABLE gaiadr3.gaia_source; --'",
        () => false,
      ],
      // a delimited identifier is looked up, never pasted
      [
        'SELECT "ra; DROP TABLE gaiadr3.gaia_source; --" FROM gaiadr3.gaia_source',
        (e) => e instanceof AdqlSemanticError,
      ],
      ['SELECT ra FROM "gaiadr3.gaia_source; DROP TABLE x"', (e) => e instanceof AdqlSemanticError],
      [
        'SELECT ra FROM gaiadr3."gaia_source"" ; DROP TABLE x; --"',
        (e) => e instanceof AdqlSemanticError,
      ],
      // stacked statements do not parse
      [
        "SELECT ra FROM gaiadr3.gaia_source; DROP TABLE gaiadr3.gaia_source",
        (e) => e instanceof AdqlSyntaxError,
      ],
      // functions outside the ADQL list are unknown, not passed through
      [
        "SELECT read_csv('/etc/passwd') FROM gaiadr3.gaia_source",
        (e) => e instanceof AdqlSemanticError,
      ],
      ["SELECT ra FROM read_parquet('/etc/passwd')", (e) => e instanceof AdqlSyntaxError],
      ["SELECT * FROM deno_gaia_meta.tabledefs", (e) => e instanceof AdqlSemanticError],
      ["SELECT * FROM information_schema.tables", (e) => e instanceof AdqlSemanticError],
      ["SELECT * FROM user_bob.t", (e) => e instanceof AccessDeniedError],
    ];
    for (const [q, ok] of attempts) {
      try {
        const { table } = await engine.query(q, { user: "alice" });
        assert.equal(table.numRows, 0, q);
      } catch (e) {
        assert.ok(ok(e), `${q}: ${e}`);
      }
    }
    const { table } = await engine.query("SELECT COUNT(*) AS n FROM gaiadr3.gaia_source", {});
    assert.equal(table.getChild("n")!.get(0), 3000n);
  });
});

Deno.test("ArchiveEngine.query() wraps DuckDB failures (type errors) in QueryExecutionError", async () => {
  await withEngine(async (engine) => {
    await assert.rejects(
      engine.query("SELECT ra FROM gaiadr3.gaia_source WHERE designation > ra + 'x'", {}),
      QueryExecutionError,
    );
  });
});

Deno.test("ArchiveEngine runs many concurrent queries on its pool without mixing results", async () => {
  await withEngine(async (engine) => {
    const ids = Array.from(cat.sky.sourceId.slice(0, 40));
    const results = await Promise.all(
      ids.map((id) =>
        engine.query(`SELECT source_id, ra FROM gaiadr3.gaia_source WHERE source_id = ${id}`, {})
      ),
    );
    results.forEach((r, i) => {
      assert.equal(r.table.numRows, 1);
      assert.equal(r.table.getChild("source_id")!.get(0), ids[i]);
      assert.equal(r.table.getChild("ra")!.get(0), cat.sky.ra[i]);
    });
  });
});
