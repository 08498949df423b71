import assert from "node:assert/strict";
import { HttpClient, HttpError, NetworkError, UnexpectedContentError } from "../../lib/http/mod.ts";
import { TableFormatError } from "../../lib/io/errors.ts";
import { adql } from "../../lib/adql/mod.ts";
import { JobTimeoutError, TapQueryError, TapService, UwsJobError } from "../../lib/tap/mod.ts";
import {
  type FixtureServer,
  type FixtureServerOptions,
  startFixtureServer,
} from "./tap_fixture_server.ts";

const Q5 =
  "SELECT * FROM gaiadr3.gaia_source WHERE source_id IN (64942654294589445, 34634616274944, 506565622759429, 676577608204294, 22676671408635908) ORDER BY source_id";
const IDS = [
  34634616274944n,
  506565622759429n,
  676577608204294n,
  22676671408635908n,
  64942654294589445n,
];

async function withTap(
  fn: (tap: TapService, server: FixtureServer) => Promise<void>,
  options: FixtureServerOptions = {},
  serviceOptions: ConstructorParameters<typeof TapService>[1] = {},
) {
  const server = startFixtureServer(options);
  try {
    const http = new HttpClient({ backoff: { initialDelay: 1, maxDelay: 5 } });
    await fn(new TapService(server.tap, { http, ...serviceOptions }), server);
  } finally {
    await server.close();
  }
}

Deno.test("TapService VOSI: availability, capabilities, tables, table()", async () => {
  await withTap(async (tap) => {
    assert.equal((await tap.availability()).available, true);
    const caps = await tap.capabilities();
    assert.equal(caps.outputLimit.default?.value, 20000);
    assert.equal(tap.cachedCapabilities, caps);
    const schemas = await tap.tables();
    assert.ok(schemas.some((s) => s.name === "tap_schema"));
    const t = await tap.table("gaiadr3.gaia_source");
    assert.equal(t.columns.length, 25);
    await assert.rejects(tap.table("gaiadr3.nosuch"), (e) => {
      assert.ok(e instanceof TapQueryError);
      assert.match(e.message, /no table "gaiadr3.nosuch"/);
      return true;
    });
  });
});

for (
  const [format, expected] of [
    [undefined, "votable/binary"],
    ["votable/td", "votable/tabledata"],
    ["votable/b2", "votable/binary2"],
    ["csv", "csv"],
    ["json", "json"],
    ["fits", "fits"],
  ] as const
) {
  Deno.test(`TapService.query() reads DaCHS ${format ?? "default"} results with exact int64 and nulls`, async () => {
    await withTap(async (tap, server) => {
      const r = await tap.query(Q5, format ? { format } : {});
      assert.equal(r.numRows, 5);
      assert.equal(r.status, "OK");
      assert.ok(r.format.startsWith(expected.split("/")[0]!), `${r.format} vs ${expected}`);
      const ids = [...r.table.getChild("source_id")!].map((v) => BigInt(v as bigint));
      assert.deepEqual(ids, IDS);
      // Row 0 is the 2-parameter solution: parallax is NULL.
      const plx = r.table.getChild("parallax")!;
      assert.equal(plx.get(0), null);
      const sent = server.seen.find((s) => s.path === "/tap/sync")!;
      assert.equal(sent.params["QUERY"], Q5);
      assert.equal(sent.params["LANG"], "ADQL");
      assert.equal(sent.params["REQUEST"], "doQuery");
      if (format) assert.ok(sent.params["FORMAT"], "FORMAT sent");
    });
  });
}

Deno.test("TapService formatParam RESPONSEFORMAT sends the TAP 1.1 parameter with the MIME type", async () => {
  await withTap(
    async (tap, server) => {
      const r = await tap.query(Q5, { format: "votable/b2" });
      assert.equal(r.numRows, 5);
      const sent = server.seen.find((s) => s.path === "/tap/sync")!;
      assert.equal(
        sent.params["RESPONSEFORMAT"],
        "application/x-votable+xml;serialization=BINARY2",
      );
      assert.equal(sent.params["FORMAT"], undefined);
    },
    {},
    { formatParam: "RESPONSEFORMAT" },
  );
});

Deno.test("TapService.query() with dialect gaia sends votable_plain for votable/td", async () => {
  await withTap(
    async (tap, server) => {
      await tap.query("SELECT 1", { format: "votable/td", maxrec: 3 }).catch(() => {});
      assert.equal(server.seen.at(-1)!.params["FORMAT"], "votable_plain");
    },
    {},
    { dialect: "gaia" },
  );
});

Deno.test("TapService.query() reads the cone count (1020) and distances", async () => {
  await withTap(async (tap) => {
    const q =
      adql`SELECT COUNT(*) AS n FROM gaiadr3.gaia_source WHERE 1=CONTAINS(POINT('ICRS',ra,dec), CIRCLE('ICRS',56.75,24.12,1))`;
    const r = await tap.query(q, { format: "csv" });
    assert.equal(Number(r.table.getChild("n")!.get(0)), 1020);
    const d = await tap.query(
      "SELECT TOP 5 source_id, DISTANCE(POINT('ICRS',ra,dec), POINT('ICRS',56.75,24.12)) AS dist",
      {
        format: "csv",
      },
    );
    assert.equal(d.numRows, 5);
    const dist = [...d.table.getChild("dist")!] as number[];
    assert.ok(dist.every((x, i) => i === 0 || x >= dist[i - 1]!), "ordered by distance");
  });
});

Deno.test("TapService.query() flags OVERFLOW (VOTable INFO after the table, JSON, MAXREC=0)", async () => {
  await withTap(async (tap) => {
    const td = await tap.query("SELECT source_id FROM gaiadr3.gaia_source ORDER BY source_id", {
      maxrec: 3,
      format: "votable/td",
    });
    assert.equal(td.numRows, 3);
    assert.equal(td.status, "OVERFLOW");
    assert.ok(td.overflow && td.statusReported);
    assert.equal(td.table.schema.metadata.get("query_status"), "OVERFLOW");
    const json = await tap.query("SELECT source_id FROM gaiadr3.gaia_source ORDER BY source_id", {
      maxrec: 3,
      format: "json",
    });
    assert.equal(json.status, "OVERFLOW");
    const zero = await tap.query("SELECT source_id, ra, dec FROM gaiadr3.gaia_source", {
      maxrec: 0,
    });
    assert.equal(zero.numRows, 0);
    assert.equal(zero.status, "OVERFLOW");
    assert.deepEqual(zero.columns.map((c) => c.name), ["source_id", "ra", "dec"]);
  });
});

Deno.test("TapService.query() turns DaCHS error VOTables (HTTP 200) into TapQueryError", async () => {
  await withTap(async (tap) => {
    await assert.rejects(tap.query("SELEKT * FROM gaiadr3.gaia_source"), (e) => {
      assert.ok(e instanceof TapQueryError, String(e));
      assert.match(e.serverMessage, /Could not parse your query/);
      assert.equal(e.line, 1);
      assert.equal(e.column, 1);
      assert.equal(e.adql, "SELEKT * FROM gaiadr3.gaia_source");
      assert.equal(e.httpStatus, 200);
      return true;
    });
    await assert.rejects(tap.query("SELECT TOP 1 * FROM gaiadr3.nosuchtable"), /nosuchtable/i);
    await assert.rejects(
      tap.query("SELECT TOP 1 nonexistent FROM gaiadr3.gaia_source"),
      /nonexistent/i,
    );
    await assert.rejects(tap.query("SELECT 1", { format: "votable/b" }), (e) => {
      assert.ok(e instanceof TapQueryError);
      assert.match(e.serverMessage, /Cannot serialize in 'votable\/b'/);
      return true;
    });
  });
});

Deno.test("TapService.query() reports 4xx/5xx bodies (VOTable 400, HTML 500, text) as TapQueryError", async () => {
  const bodies: Array<[number, string, string, RegExp]> = [
    [
      400,
      "text/xml",
      '<VOTABLE><RESOURCE type="results"><INFO name="QUERY_STATUS" value="ERROR">Cannot parse query \'SELEC\'</INFO></RESOURCE></VOTABLE>',
      /Cannot parse query 'SELEC'/,
    ],
    [
      500,
      "text/html",
      "<html><body><ul><li><b>Message: </b>Internal failure 42</li></ul></body></html>",
      /Internal failure 42/,
    ],
    [500, "text/plain", "null", /null/],
  ];
  for (const [status, type, body, re] of bodies) {
    await withTap(async (tap) => {
      await assert.rejects(tap.query("SELECT 1"), (e) => {
        assert.ok(e instanceof TapQueryError, String(e));
        assert.equal(e.httpStatus, status);
        assert.match(e.serverMessage, re);
        return true;
      });
    }, {
      override: (req) =>
        req.url.endsWith("/sync")
          ? new Response(body, { status, headers: { "content-type": type } })
          : undefined,
    });
  }
});

Deno.test("TapService.query() refuses an HTML page sent with status 200", async () => {
  await withTap(async (tap) => {
    await assert.rejects(tap.query("SELECT 1"), (e) => {
      assert.ok(e instanceof UnexpectedContentError, String(e));
      assert.match(e.message, /Maintenance/);
      return true;
    });
  }, {
    override: (req) =>
      req.url.endsWith("/sync")
        ? new Response(
          "<html><head><title>Maintenance</title></head><body>back soon</body></html>",
          {
            headers: { "content-type": "text/html" },
          },
        )
        : undefined,
  });
});

const ROWS_THEN_ERROR = `<?xml version="1.0"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE type="results">
<INFO name="QUERY_STATUS" value="OK"/>
<TABLE><FIELD name="x" datatype="int"/><DATA><TABLEDATA><TR><TD>1</TD></TR><TR><TD>2</TD></TR></TABLEDATA></DATA></TABLE>
<INFO name="QUERY_STATUS" value="ERROR">Disk full while writing the result</INFO>
</RESOURCE></VOTABLE>`;

Deno.test("TapService.stream() throws for QUERY_STATUS=ERROR after rows, query() too", async () => {
  await withTap(async (tap) => {
    let rows = 0;
    await assert.rejects(
      (async () => {
        for await (const b of tap.stream("SELECT x FROM t")) rows += b.numRows;
      })(),
      (e) => {
        assert.ok(e instanceof TapQueryError, String(e));
        assert.match(e.serverMessage, /Disk full/);
        return true;
      },
    );
    assert.equal(
      rows,
      2,
      "the rows before the error were seen, but the stream did not end normally",
    );
    await assert.rejects(tap.query("SELECT x FROM t"), TapQueryError);
  }, {
    override: (req) =>
      req.url.endsWith("/sync")
        ? new Response(ROWS_THEN_ERROR, {
          headers: { "content-type": "application/x-votable+xml" },
        })
        : undefined,
  });
});

Deno.test("TapService.query() fails on a truncated body instead of returning a short table", async () => {
  const full = Deno.readTextFileSync(
    new URL("../../../shared/fixtures/dachs/sync-nulls-td.vot", import.meta.url),
  );
  const cut = full.slice(0, Math.floor(full.length * 0.6));
  await withTap(async (tap) => {
    await assert.rejects(tap.query(Q5, { format: "votable/td" }), (e) => {
      assert.ok(e instanceof TableFormatError || e instanceof NetworkError, String(e));
      return true;
    });
  }, {
    override: (req) =>
      req.url.endsWith("/sync")
        ? new Response(cut, {
          headers: { "content-type": "application/x-votable+xml;serialization=TABLEDATA" },
        })
        : undefined,
  });
});

Deno.test("TapService.stream() yields record batches and the status at the end", async () => {
  await withTap(async (tap) => {
    const s = tap.stream("SELECT source_id FROM gaiadr3.gaia_source ORDER BY source_id", {
      maxrec: 3,
      format: "votable/td",
    });
    assert.equal(s.status, undefined);
    let n = 0;
    for await (const b of s) n += b.numRows;
    assert.equal(n, 3);
    assert.equal(s.status, "OVERFLOW");
    await assert.rejects(async () => {
      for await (const _ of s) { /* second use */ }
    }, TypeError);
  });
});

Deno.test("TapService.query() uploads records as VOTable multipart (UPLOAD=t1,param:t1)", async () => {
  await withTap(async (tap, server) => {
    const r = await tap.query("SELECT * FROM TAP_UPLOAD.t1", {
      format: "csv",
      upload: {
        t1: [{ id: 1, ra: 56.75, dec: 24.12, label: "a" }, {
          id: 2,
          ra: 56.8,
          dec: 24.2,
          label: "b",
        }],
      },
    });
    assert.equal(r.numRows, 3, "the fixture's answer");
    const sent = server.seen.find((s) => s.path === "/tap/sync")!;
    assert.equal(sent.params["UPLOAD"], "t1,param:t1");
    const vot = new TextDecoder().decode(sent.files["t1"]);
    assert.match(vot, /<VOTABLE/);
    assert.match(vot, /name="label"/);
  });
});

Deno.test("TapService.query() sends URL uploads by reference and refuses bad table names", async () => {
  await withTap(async (tap, server) => {
    await tap.query("SELECT * FROM TAP_UPLOAD.t1", {
      format: "csv",
      upload: { t1: new URL("http://example.org/t1.vot") },
    });
    const sent = server.seen.find((s) => s.path === "/tap/sync")!;
    assert.equal(sent.params["UPLOAD"], "t1,http://example.org/t1.vot");
    assert.throws(
      () => tap.stream("SELECT 1", { upload: { "bad name": new Uint8Array(3) } }),
      TypeError,
    );
  });
});

Deno.test("UwsJob lifecycle: submit once, wait, result, phases, delete on dispose", async () => {
  await withTap(async (tap, server) => {
    {
      await using job = await tap.submit(
        "SELECT source_id FROM gaiadr3.gaia_source ORDER BY source_id",
        {
          maxrec: 3,
          format: "votable/td",
          jobName: "lifecycle",
        },
      );
      assert.match(job.url, /\/__system__\/tap\/run\/async\/job1$/);
      assert.equal(job.id, "job1");
      const created = server.seen.filter((s) => s.path === "/tap/async" && s.method === "POST");
      assert.equal(created.length, 1);
      assert.equal(created[0]!.params["PHASE"], "RUN");
      assert.equal(created[0]!.params["JOBNAME"], "lifecycle");
      const phases: string[] = [];
      for await (const p of job.phases()) phases.push(p);
      assert.deepEqual(phases, ["EXECUTING", "COMPLETED"]);
      const r = await job.result();
      assert.equal(r.numRows, 3);
      assert.equal(r.status, "OVERFLOW");
      assert.equal(r.jobUrl, job.url);
      const info = await job.info();
      assert.equal(info.results[0]!.href, `${job.url}/results/result`);
    }
    assert.ok(
      server.seen.some((s) => s.method === "DELETE" && s.path.endsWith("/job1")),
      "deleted on dispose",
    );
    assert.equal(server.jobs.get("job1")!.deleted, true);
  }, { executingPolls: 3 });
});

Deno.test("UwsJob.keep() leaves the job on the server; service.job(url) picks it up", async () => {
  await withTap(async (tap, server) => {
    let url = "";
    {
      await using job = await tap.submit("SELECT 1", { autorun: false });
      job.keep();
      url = job.url;
      assert.equal((await job.info()).phase, "PENDING");
    }
    assert.ok(!server.seen.some((s) => s.method === "DELETE"));
    const again = await tap.job(url);
    assert.equal(again.phase, "PENDING");
    const info = await again.wait();
    assert.equal(info.phase, "COMPLETED", "wait() runs a PENDING job");
    assert.ok(
      server.seen.some((s) =>
        s.method === "POST" && s.path.endsWith("/phase") && s.params["PHASE"] === "RUN"
      ),
    );
    const list = await tap.jobs({ phase: "COMPLETED" });
    assert.deepEqual(list.map((j) => j.url), [url]);
  });
});

Deno.test("UwsJob.result() throws UwsJobError with the error document's message", async () => {
  await withTap(async (tap) => {
    await using job = await tap.submit("SELEKT broken");
    await assert.rejects(job.result(), (e) => {
      assert.ok(e instanceof UwsJobError, String(e));
      assert.ok(e instanceof TapQueryError);
      assert.equal(e.phase, "ERROR");
      assert.match(e.serverMessage, /Could not parse your query/);
      assert.equal(e.line, 1);
      assert.equal(e.adql, "SELEKT broken");
      return true;
    });
    const report = await job.error();
    assert.match(report.document!, /QUERY_STATUS/);
    assert.equal(report.summary?.type, "fatal");
  });
});

Deno.test("UwsJob.wait() timeout throws JobTimeoutError saying how to resume", async () => {
  await withTap(async (tap) => {
    const job = await tap.submit("SELECT 1");
    await assert.rejects(job.wait({ timeout: 300 }), (e) => {
      assert.ok(e instanceof JobTimeoutError, String(e));
      assert.equal(e.phase, "EXECUTING");
      assert.equal(e.jobUrl, job.url);
      assert.match(e.message, /service\.job\(/);
      return true;
    });
    const resumed = await tap.job(job.url);
    assert.equal(resumed.phase, "EXECUTING");
    await resumed.delete();
  }, { executingPolls: 1_000_000 });
});

Deno.test("UwsJob.abort({server: true}) stops a wait and aborts the job on the server", async () => {
  await withTap(async (tap, server) => {
    const job = await tap.submit("SELECT 1");
    const waiting = job.wait().then(
      () => new Error("wait() should have been stopped"),
      (e: Error) => e,
    );
    await new Promise((r) => setTimeout(r, 50));
    await job.abort({ server: true });
    assert.equal((await waiting).name, "AbortError");
    assert.ok(server.seen.some((s) => s.path.endsWith("/phase") && s.params["PHASE"] === "ABORT"));
    assert.equal((await job.info()).phase, "ABORTED");
    await assert.rejects(
      job.result(),
      (e) => e instanceof UwsJobError && /aborted/.test(e.message),
    );
    await job.delete();
  }, { executingPolls: 1_000_000 });
});

Deno.test("UwsJob.wait() stops promptly when the caller's signal aborts (job keeps running)", async () => {
  await withTap(async (tap, server) => {
    const job = await tap.submit("SELECT 1");
    const ctrl = new AbortController();
    const waiting = job.wait({ signal: ctrl.signal });
    setTimeout(() => ctrl.abort(new Error("user gave up")), 50);
    await assert.rejects(waiting, /user gave up/);
    assert.ok(!server.seen.some((s) => s.params["PHASE"] === "ABORT"));
    await job.delete();
  }, { executingPolls: 1_000_000 });
});

Deno.test("TapService.job() of a deleted job throws UwsJobError", async () => {
  await withTap(async (tap) => {
    const job = await tap.submit("SELECT 1");
    await job.delete();
    assert.ok(job.deleted);
    await assert.rejects(tap.job(job.url), (e) => {
      assert.ok(e instanceof UwsJobError);
      assert.match(e.message, /does not exist.*could not be located/);
      return true;
    });
  });
});

Deno.test("TapService.submit() never retries job creation, even on 503", async () => {
  await withTap(async (tap, server) => {
    await assert.rejects(tap.submit("SELECT 1"), HttpError);
    assert.equal(server.seen.filter((s) => s.path === "/tap/async").length, 1);
  }, {
    override: (req) =>
      req.url.endsWith("/tap/async") ? new Response("busy", { status: 503 }) : undefined,
  });
});

Deno.test("TapService.query() reports progress: bytes and rows", async () => {
  await withTap(async (tap) => {
    const stages = new Set<string>();
    let last = { loaded: 0, rows: 0 };
    await tap.query(Q5, {
      format: "votable/td",
      onProgress: (p) => (stages.add(p.stage), last = p),
    });
    assert.ok(
      stages.has("submitting") && stages.has("downloading") && stages.has("done"),
      [...stages].join(),
    );
    assert.equal(last.rows, 5);
    assert.ok(last.loaded > 1000);
  });
});

Deno.test("TapService.query() stops a stalled download promptly when the signal aborts", async () => {
  let release!: () => void;
  const hold = new Promise<void>((r) => release = r);
  const head = Deno.readTextFileSync(
    new URL("../../../shared/fixtures/dachs/sync-nulls-td.vot", import.meta.url),
  )
    .slice(0, 3000);
  await withTap(async (tap) => {
    const ctrl = new AbortController();
    const p = tap.query(Q5, {
      format: "votable/td",
      signal: ctrl.signal,
      onProgress: (e) => {
        if (e.loaded > 0) ctrl.abort(new DOMException("stop now", "AbortError"));
      },
    });
    try {
      await assert.rejects(
        p,
        (e) => (e as Error).name === "AbortError" && /stop now/.test((e as Error).message),
      );
    } finally {
      release();
    }
  }, {
    override: (req) => {
      if (!req.url.endsWith("/sync")) return undefined;
      const body = new ReadableStream<Uint8Array>({
        async start(c) {
          c.enqueue(new TextEncoder().encode(head));
          await hold;
          c.close();
        },
      });
      return new Response(body, { headers: { "content-type": "application/x-votable+xml" } });
    },
  });
});

Deno.test("TapService.query() reads a gzip body sent without Content-Encoding (as the Gaia archive does)", async () => {
  const vot = Deno.readFileSync(
    new URL("../../../shared/fixtures/dachs/sync-nulls-b2.vot", import.meta.url),
  );
  const gz = new Uint8Array(
    await new Response(new Blob([vot]).stream().pipeThrough(new CompressionStream("gzip")))
      .arrayBuffer(),
  );
  await withTap(async (tap) => {
    const r = await tap.query(Q5, { format: "votable_gzip" });
    assert.equal(r.numRows, 5);
    assert.deepEqual([...r.table.getChild("source_id")!], IDS);
  }, {
    override: (req) =>
      req.url.endsWith("/sync")
        ? new Response(gz, { headers: { "content-type": "application/x-votable+xml" } })
        : undefined,
  });
});

Deno.test("UwsJob.wait() reports a job that vanishes (404) while polled as UwsJobError", async () => {
  await withTap(async (tap, server) => {
    const job = await tap.submit("SELECT 1");
    setTimeout(() => server.jobs.get(job.id)!.deleted = true, 30);
    await assert.rejects(job.wait({ timeout: 10_000 }), (e) => {
      assert.ok(e instanceof UwsJobError, String(e));
      assert.match(e.message, /does not exist/);
      return true;
    });
  }, { executingPolls: 1_000_000 });
});

Deno.test("QueryResult.toPolars() keeps int64 exact and nulls", async () => {
  await withTap(async (tap) => {
    const r = await tap.query(Q5, { format: "votable/b2" });
    const df = await r.toPolars();
    assert.equal(df.height, 5);
    assert.equal(df.getColumn("parallax").nullCount(), r.table.getChild("parallax")!.nullCount);
    const { tableFromIPC } = await import("apache-arrow");
    const back = tableFromIPC(df.writeIPC());
    assert.deepEqual([...back.getChild("source_id")!], IDS);
  });
});

Deno.test("TapService.query() uploads a Polars DataFrame (strings, int64, floats) as VOTable", async () => {
  const { loadPolars } = await import("../../lib/table/polars.ts");
  const pl = await loadPolars();
  const df = pl.DataFrame({
    id: [1, 2, 3],
    ra: [56.75, 180.0, 266.4],
    label: ["pleiades", "field", null],
  });
  await withTap(
    async (tap, server) => {
      await tap.query("SELECT * FROM TAP_UPLOAD.t1", { format: "csv", upload: { t1: df } });
      const sent = server.seen.find((s) => s.path === "/tap/sync")!;
      const { readVOTable } = await import("../../lib/votable/mod.ts");
      const { collectTable } = await import("../../lib/table/reader.ts");
      const { table } = await collectTable(readVOTable(sent.files["t1"]!));
      assert.equal(table.numRows, 3);
      assert.deepEqual([...table.getChild("label")!], ["pleiades", "field", null]);
      assert.deepEqual([...table.getChild("ra")!], [56.75, 180.0, 266.4]);
    },
    {},
    { uploadSerialization: "tabledata" },
  );
});

Deno.test("TapService.stream() stopped early (break) cancels the download without leaking", async () => {
  const rows = Array.from({ length: 200_000 }, (_, i) => `${i},${i * 0.5}`).join("\n");
  await withTap(async (tap) => {
    const s = tap.stream("SELECT i, x FROM big", { format: "csv" });
    let seen = 0;
    for await (const b of s) {
      seen += b.numRows;
      break;
    }
    assert.ok(seen > 0 && seen < 200_000, String(seen));
    assert.equal(s.done, false, "a stream left early is not complete");
    assert.equal(s.status, undefined);
  }, {
    override: (req) =>
      req.url.endsWith("/sync")
        ? new Response(`i,x\n${rows}\n`, { headers: { "content-type": "text/csv;header=present" } })
        : undefined,
  });
});
