/**
 * The TAP client against a real GAVO DaCHS server (../shared/dachs/):
 * VOSI, every format sync and async, uploads and a cross-match, errors,
 * overflow, job list, abort and delete. Values are checked against the
 * fixtures captured from the same server (../shared/fixtures/dachs/).
 *
 * Run: DACHS_REQUIRED=1 deno test -A tests/integration/
 */
import assert from "node:assert/strict";
import { type Table, tableFromArrays } from "apache-arrow";
import { adql, circle, coneSearch, point } from "../../lib/adql/mod.ts";
import { openTable } from "../../lib/formats/sniff.ts";
import { collectTable } from "../../lib/table/reader.ts";
import { type QueryResult, TapQueryError, UwsJobError } from "../../lib/tap/mod.ts";
import { dachs, FIXTURES, ignore, rowsOf } from "./dachs_helpers.ts";

const Q5 =
  "SELECT * FROM gaiadr3.gaia_source WHERE source_id IN (64942654294589445, 34634616274944, 506565622759429, 676577608204294, 22676671408635908) ORDER BY source_id";

async function fixtureTable(name: string): Promise<Table> {
  const bytes = await Deno.readFile(new URL(name, FIXTURES));
  const headers = await Deno.readTextFile(new URL(name + ".headers", FIXTURES));
  const contentType = /^content-type:\s*(.*)$/im.exec(headers)?.[1]?.trim() ?? "";
  const { table } = await collectTable(await openTable(bytes, { contentType }));
  return table;
}

const FORMATS: Array<[string | undefined, string]> = [
  [undefined, "sync-nulls-default.vot"],
  ["votable", "sync-nulls-default.vot"],
  ["votable/td", "sync-nulls-td.vot"],
  ["votable/b2", "sync-nulls-b2.vot"],
  ["csv", "sync-nulls.csv"],
  ["json", "sync-nulls.json"],
  ["fits", "sync-nulls.fits"],
];

const COMPARED = [
  "source_id",
  "solution_id",
  "designation",
  "ra",
  "dec",
  "parallax",
  "pmra",
  "phot_g_mean_mag",
];

function assertSameRows(got: QueryResult, expected: Table, label: string) {
  assert.equal(got.numRows, expected.numRows, `${label}: row count`);
  assert.deepEqual(rowsOf(got.table, COMPARED), rowsOf(expected, COMPARED), `${label}: values`);
}

for (const [format, fixture] of FORMATS) {
  Deno.test({
    name: `DaCHS sync query in ${format ?? "the default format"} matches ${fixture}`,
    ignore,
    async fn() {
      const tap = dachs();
      const r = await tap.query(Q5, format ? { format } : {});
      assertSameRows(r, await fixtureTable(fixture), `sync ${format}`);
      assert.equal(r.status, "OK");
      const ra = r.columns.find((c) => c.name === "ra");
      if (format !== "csv") assert.equal(ra?.unit, "deg", `${format}: unit of ra`);
    },
  });
  Deno.test({
    name: `DaCHS async query in ${format ?? "the default format"} matches ${fixture}`,
    ignore,
    async fn() {
      const tap = dachs();
      await using job = await tap.submit(Q5, format ? { format } : {});
      const r = await job.result({ timeout: 60_000 });
      assertSameRows(r, await fixtureTable(fixture), `async ${format}`);
      assert.equal(r.jobUrl, job.url);
    },
  });
}

Deno.test({
  name: "DaCHS tsv result has the five rows",
  ignore,
  async fn() {
    const r = await dachs().query(Q5, { format: "tsv" });
    assert.equal(r.numRows, 5);
  },
});

for (const formatParam of ["RESPONSEFORMAT", "both"] as const) {
  Deno.test({
    name: `DaCHS accepts the format in ${formatParam}`,
    ignore,
    async fn() {
      const r = await dachs({ formatParam }).query(Q5, { format: "votable/b2" });
      assert.equal(r.format, "votable/binary2");
      assertSameRows(r, await fixtureTable("sync-nulls-b2.vot"), formatParam);
    },
  });
}

Deno.test({
  name: "DaCHS VOSI: availability, capabilities, tables, table()",
  ignore,
  async fn() {
    const tap = dachs();
    assert.equal((await tap.availability()).available, true);
    const caps = await tap.capabilities();
    assert.equal(caps.outputLimit.default?.value, 20000);
    assert.equal(caps.outputLimit.hard?.value, 20000000);
    assert.ok(caps.outputFormats.some((f) => f.aliases.includes("votable/b2")));
    assert.ok(caps.uploadMethods.some((m) => m.endsWith("upload-inline")));
    const schemas = await tap.tables();
    const gs = schemas.flatMap((s) => s.tables).find((t) => t.name === "gaiadr3.gaia_source");
    assert.equal(gs?.columns.length, 25);
    const t = await tap.table("gaiadr3.gaia_source");
    const sid = t.columns.find((c) => c.name === "source_id")!;
    assert.equal(sid.datatype, "long");
    assert.ok(sid.primary);
    await assert.rejects(tap.table("gaiadr3.nosuchtable"), TapQueryError);
  },
});

Deno.test({
  name:
    "DaCHS cone count is 1020 (adql`` with circle()) and coneSearch() ordering matches the fixture",
  ignore,
  async fn() {
    const tap = dachs();
    const count = await tap.query(
      adql`SELECT COUNT(*) AS n FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(${
        point("ra", "dec")
      }, ${circle(56.75, 24.12, "1 deg")})`,
    );
    assert.equal(Number(count.table.getChild("n")!.get(0)), 1020);
    const near = await tap.query(
      coneSearch({
        table: "gaiadr3.gaia_source",
        ra: 56.75,
        dec: 24.12,
        radius: "30 arcmin",
        columns: ["source_id"],
        top: 5,
      }),
      { format: "csv" },
    );
    assert.deepEqual(
      rowsOf(near.table, ["source_id", "dist"]),
      rowsOf(await fixtureTable("sync-distance-top5.csv")),
    );
  },
});

Deno.test({
  name: "DaCHS flags OVERFLOW at MAXREC (TABLEDATA, JSON, CSV inferred, MAXREC=0)",
  ignore,
  async fn() {
    const tap = dachs();
    const q = "SELECT source_id FROM gaiadr3.gaia_source ORDER BY source_id";
    for (const format of ["votable/td", "votable/b2", "json"]) {
      const r = await tap.query(q, { maxrec: 3, format });
      assert.equal(r.numRows, 3, format);
      assert.equal(r.status, "OVERFLOW", format);
      assert.ok(r.statusReported, format);
    }
    const csv = await tap.query(q, { maxrec: 3, format: "csv" });
    assert.equal(csv.status, "OVERFLOW");
    assert.equal(csv.statusReported, false);
    const zero = await tap.query("SELECT source_id, ra, dec FROM gaiadr3.gaia_source", {
      maxrec: 0,
    });
    assert.equal(zero.numRows, 0);
    assert.equal(zero.status, "OVERFLOW");
    const ok = await tap.query("SELECT TOP 3 source_id FROM gaiadr3.gaia_source", { maxrec: 10 });
    assert.equal(ok.status, "OK");
    const job = await tap.submit(q, { maxrec: 3, format: "votable/td" });
    const ar = await job.result({ timeout: 60_000 });
    assert.equal(ar.status, "OVERFLOW");
    await job.delete();
  },
});

Deno.test({
  name: "DaCHS errors: syntax, unknown table, unknown column, bad format (sync and async)",
  ignore,
  async fn() {
    const tap = dachs();
    const cases: Array<[string, { format?: string }, RegExp]> = [
      ["SELEKT * FROM gaiadr3.gaia_source", {}, /Could not parse your query/],
      ["SELECT TOP 1 * FROM gaiadr3.nosuchtable", {}, /nosuchtable/i],
      ["SELECT TOP 1 nonexistent FROM gaiadr3.gaia_source", {}, /nonexistent/i],
      [
        "SELECT TOP 1 source_id FROM gaiadr3.gaia_source",
        { format: "votable/b" },
        /Cannot serialize in 'votable\/b'/,
      ],
    ];
    for (const [q, opts, re] of cases) {
      await assert.rejects(tap.query(q, opts), (e) => {
        assert.ok(e instanceof TapQueryError, String(e));
        assert.match(e.serverMessage, re);
        assert.equal(e.adql, q);
        return true;
      });
      const job = await tap.submit(q, opts);
      await assert.rejects(job.result({ timeout: 60_000 }), (e) => {
        assert.ok(e instanceof UwsJobError, String(e));
        assert.equal(e.phase, "ERROR");
        assert.match(e.serverMessage, re);
        return true;
      });
      await job.delete();
    }
    await assert.rejects(
      tap.query("SELEKT 1"),
      (e) => e instanceof TapQueryError && e.line === 1 && e.column === 1,
    );
  },
});

const T1 = [
  { id: 1, ra: 56.75, dec: 24.12, label: "pleiades" },
  { id: 2, ra: 180.0, dec: 0.0, label: "field" },
  { id: 3, ra: 266.4, dec: -28.9, label: "gc" },
];
const XMATCH =
  "SELECT u.id, u.label, COUNT(*) AS n FROM TAP_UPLOAD.t1 AS u JOIN gaiadr3.gaia_source AS g " +
  "ON 1=CONTAINS(POINT('ICRS',g.ra,g.dec), CIRCLE('ICRS',u.ra,u.dec,0.5)) GROUP BY u.id, u.label ORDER BY u.id";

Deno.test({
  name:
    "DaCHS uploads: records, Arrow table, VOTable bytes (binary2 and tabledata), sync and async",
  ignore,
  async fn() {
    const expected = rowsOf(await fixtureTable("sync-upload-select.csv"));
    const arrow = tableFromArrays({
      id: Int32Array.from(T1.map((r) => r.id)),
      ra: Float64Array.from(T1.map((r) => r.ra)),
      dec: Float64Array.from(T1.map((r) => r.dec)),
    });
    const bytes = await Deno.readFile(new URL("upload-t1.vot", FIXTURES));
    for (const serialization of ["binary2", "tabledata"] as const) {
      const tap = dachs({ uploadSerialization: serialization });
      const r = await tap.query("SELECT * FROM TAP_UPLOAD.t1 ORDER BY id", {
        format: "csv",
        upload: { t1: T1 },
      });
      assert.deepEqual(rowsOf(r.table), expected, serialization);
      const a = await tap.query("SELECT id, ra, dec FROM TAP_UPLOAD.t1 ORDER BY id", {
        upload: { t1: arrow },
      });
      assert.deepEqual(
        rowsOf(a.table),
        expected.map((row) => row.slice(0, 3)),
        `${serialization} arrow`,
      );
    }
    const tap = dachs();
    const v = await tap.query("SELECT * FROM TAP_UPLOAD.t1 ORDER BY id", {
      format: "csv",
      upload: { t1: bytes },
    });
    assert.deepEqual(rowsOf(v.table), expected);
    const { loadPolars } = await import("../../lib/table/polars.ts");
    const pl = await loadPolars();
    const df = pl.DataFrame({
      id: T1.map((r) => r.id),
      ra: T1.map((r) => r.ra),
      dec: T1.map((r) => r.dec),
      label: T1.map((r) => r.label),
    });
    const p = await tap.query("SELECT * FROM TAP_UPLOAD.t1 ORDER BY id", {
      format: "csv",
      upload: { t1: df },
    });
    assert.deepEqual(rowsOf(p.table), expected, "polars upload");
    await using job = await tap.submit("SELECT * FROM TAP_UPLOAD.t1 ORDER BY id", {
      format: "csv",
      upload: { t1: T1 },
    });
    assert.deepEqual(rowsOf((await job.result({ timeout: 60_000 })).table), expected);
  },
});

Deno.test({
  name: "DaCHS upload cross-match matches sync-upload-xmatch.csv (277, 5, 4)",
  ignore,
  async fn() {
    const tap = dachs();
    const r = await tap.query(XMATCH, { format: "csv", upload: { t1: T1 } });
    assert.deepEqual(rowsOf(r.table), rowsOf(await fixtureTable("sync-upload-xmatch.csv")));
    await using job = await tap.submit(XMATCH, { upload: { t1: T1 } });
    const a = await job.result({ timeout: 60_000 });
    assert.deepEqual(rowsOf(a.table, ["id", "n"]), [["1", "277"], ["2", "5"], ["3", "4"]]);
  },
});

Deno.test({
  name: "DaCHS async: 303 job URL, phases, info(), job list, resume with service.job()",
  ignore,
  async fn() {
    const tap = dachs();
    const job = await tap.submit(
      "SELECT TOP 3 source_id, ra, dec FROM gaiadr3.gaia_source ORDER BY source_id",
      {
        autorun: false,
        maxrec: 100,
        format: "votable/td",
        runId: "deno-gaia-it",
      },
    );
    try {
      assert.match(job.url, /\/__system__\/tap\/run\/async\/[^/]+$/);
      const pending = await job.info();
      assert.equal(pending.phase, "PENDING");
      // DaCHS 2.7 does not keep RUNID (it is sent; other services echo it).
      assert.ok(pending.destruction && pending.destruction > new Date());
      assert.equal(pending.parameters["maxrec"], "100");
      const listed = await tap.jobs({ phase: "PENDING" });
      assert.ok(listed.some((j) => j.id === job.id), `job ${job.id} in the PENDING list`);
      const resumed = await tap.job(job.url);
      assert.equal(resumed.id, job.id);
      const phases: string[] = [];
      for await (const p of resumed.phases({ timeout: 60_000 })) phases.push(p);
      assert.equal(phases.at(-1), "COMPLETED");
      const done = await resumed.info();
      assert.ok(done.startTime && done.endTime && done.endTime >= done.startTime);
      assert.equal(done.results.length, 1);
      const r = await resumed.result();
      assert.equal(r.numRows, 3);
    } finally {
      await job.delete();
    }
    await assert.rejects(tap.job(job.url), UwsJobError);
  },
});

Deno.test({
  name: "DaCHS abort({server: true}) of a pending job ends ABORTED; delete makes it 404",
  ignore,
  async fn() {
    const tap = dachs();
    const job = await tap.submit("SELECT TOP 1 source_id FROM gaiadr3.gaia_source", {
      autorun: false,
    });
    await job.abort({ server: true });
    assert.equal((await job.info()).phase, "ABORTED");
    await assert.rejects(
      job.result({ timeout: 10_000 }),
      (e) => e instanceof UwsJobError && /aborted/i.test(e.message),
    );
    await job.delete();
    await assert.rejects(
      job.info(),
      (e) => e instanceof UwsJobError && /does not exist/.test(e.message),
    );
    let url = "";
    {
      await using disposable = await tap.submit("SELECT TOP 1 source_id FROM gaiadr3.gaia_source", {
        autorun: false,
      });
      assert.equal((await disposable.info()).phase, "PENDING");
      url = disposable.url;
    }
    await assert.rejects(tap.job(url), UwsJobError);
  },
});

Deno.test({
  name: "DaCHS stream() of 20000 rows arrives in batches with the status at the end",
  ignore,
  async fn() {
    const tap = dachs();
    const s = tap.stream("SELECT source_id, ra, dec FROM gaiadr3.gaia_source", {
      format: "votable/b2",
      maxrec: 20000,
    });
    let rows = 0;
    let batches = 0;
    for await (const b of s) {
      rows += b.numRows;
      batches++;
    }
    assert.equal(rows, 20000);
    assert.ok(batches >= 1);
    assert.equal(s.status, "OVERFLOW");
  },
});
