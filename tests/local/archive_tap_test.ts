import assert from "node:assert/strict";
import {
  astroqueryMultipart,
  bodyBytes,
  bodyText,
  get,
  postForm,
  startTestArchive,
  type TestArchive,
} from "./archive_helpers.ts";

const Q =
  "SELECT TOP 5 source_id, ra, dec, phot_g_mean_mag FROM gaiadr3.gaia_source ORDER BY source_id";

async function sync(a: TestArchive, query: string, format: string, extra = ""): Promise<Response> {
  return await postForm(
    `${a.tapUrl}/sync`,
    `REQUEST=doQuery&LANG=ADQL&FORMAT=${format}&PHASE=RUN&tapclient=aqtappy1-0.4.6&QUERY=${
      encodeURIComponent(query)
    }${extra}`,
  );
}

function csvIds(csv: string): string[] {
  return csv.trim().split(/\r?\n/).slice(1).map((l) => l.split(",")[0]);
}

Deno.test("archive tap: VOSI availability, capabilities and tableset", async (t) => {
  const a = await startTestArchive();
  try {
    await t.step("availability", async () => {
      const res = await get(`${a.tapUrl}/availability`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /<vosi:available>true<\/vosi:available>/);
    });
    await t.step("capabilities name the TAP endpoint and formats", async () => {
      const xml = await (await get(`${a.tapUrl}/capabilities`)).text();
      assert.match(xml, /standardID="ivo:\/\/ivoa.net\/std\/TAP"/);
      assert.ok(xml.includes(`<accessURL use="base">${a.tapUrl}</accessURL>`));
    });
    await t.step("tables: qualified names, esatapplus:flags on every column", async () => {
      const res = await get(`${a.tapUrl}/tables`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type")!, /text\/xml/);
      const xml = await res.text();
      assert.ok(xml.includes("<name>gaiadr3.gaia_source</name>"));
      const columns = xml.match(/<column /g)!.length;
      const flagged = xml.match(/<column std="false" esatapplus:flags="\d+"/g)!.length;
      assert.equal(columns, flagged);
      assert.match(xml, /<name>source_id<\/name>[\s\S]*?<flag>primary<\/flag>/);
    });
    await t.step("tables?only_tables=true has no columns, only_schemas no tables", async () => {
      const only = await (await get(`${a.tapUrl}/tables?only_tables=true`)).text();
      assert.ok(only.includes("<name>gaiadr3.gaia_source</name>"));
      assert.ok(!only.includes("<column"));
      const schemas = await (await get(`${a.tapUrl}/tables?only_schemas=TRUE`)).text();
      assert.ok(schemas.includes("<name>gaiadr3</name>"));
      assert.ok(!schemas.includes("<table"));
    });
    await t.step("tables?tables= one table; unknown table is an error", async () => {
      const one = await (await get(`${a.tapUrl}/tables?tables=gaiadr3.gaia_source`)).text();
      assert.equal(one.match(/<table /g)!.length, 1);
      const res = await get(`${a.tapUrl}/tables?tables=gaiadr3.nope`);
      assert.equal(res.status, 404);
      assert.match(await res.text(), /Table 'gaiadr3.nope' not found/);
    });
    await t.step("tables?schemas= filters schemas", async () => {
      const xml = await (await get(`${a.tapUrl}/tables?schemas=gaiadr3&only_tables=true`)).text();
      assert.deepEqual([...new Set([...xml.matchAll(/<name>(\w+)\./g)].map((m) => m[1]))], [
        "gaiadr3",
      ]);
    });
  } finally {
    await a.dispose();
  }
});

Deno.test("archive tap: sync query in every format gives the same rows", async (t) => {
  const a = await startTestArchive();
  try {
    const csvRes = await sync(a, Q, "csv");
    assert.equal(csvRes.status, 200);
    assert.match(csvRes.headers.get("content-type")!, /^text\/csv/);
    const csv = await csvRes.text();
    assert.equal(csv.split(/\r?\n/)[0], "source_id,ra,dec,phot_g_mean_mag");
    const ids = csvIds(csv);
    assert.equal(ids.length, 5);
    assert.ok(ids.every((id) => /^\d+$/.test(id)));
    const sorted = [...ids].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
    assert.deepEqual(ids, sorted);

    await t.step(
      "votable_plain: TABLEDATA, QUERY_STATUS OK, JOBID, synthetic caption",
      async () => {
        const res = await sync(a, Q, "votable_plain");
        const bytes = new Uint8Array(await res.clone().arrayBuffer());
        assert.notEqual(bytes[0], 0x1f, "votable_plain must not be gzipped");
        const xml = await res.text();
        assert.match(xml, /<INFO name="QUERY_STATUS" value="OK"/);
        assert.match(xml, /<INFO name="JOBID" value="\d{13}[A-Z]+"/);
        assert.match(xml, /SYNTHETIC/);
        assert.match(xml, /<TABLEDATA>/);
        const tdIds = [...xml.matchAll(/<TR><TD>(\d+)<\/TD>/g)].map((m) => m[1]);
        assert.deepEqual(tdIds, ids);
      },
    );
    for (const format of ["votable", "votable_gzip"]) {
      await t.step(`${format}: gzip body without Content-Encoding, BINARY2`, async () => {
        const res = await sync(a, Q, format);
        assert.equal(res.headers.get("content-encoding"), null);
        assert.match(res.headers.get("content-disposition")!, /-result\.vot\.gz"/);
        const raw = new Uint8Array(await res.clone().arrayBuffer());
        assert.deepEqual([raw[0], raw[1]], [0x1f, 0x8b]);
        const xml = await bodyText(res);
        assert.match(xml, /<BINARY2>/);
        assert.match(xml, /<PARAM name="RELEASE"[^>]*value="Gaia DR3"/);
      });
    }
    await t.step("json: metadata with eight keys and exact int64 ids", async () => {
      const res = await sync(a, Q, "json");
      assert.match(res.headers.get("content-type")!, /application\/json/);
      const text = await res.text();
      const doc = JSON.parse(text);
      assert.deepEqual(Object.keys(doc.metadata[0]).sort(), [
        "arraysize",
        "datatype",
        "description",
        "name",
        "ucd",
        "unit",
        "utype",
        "xtype",
      ]);
      const jsonIds = [...text.matchAll(/\[\s*(\d{10,})\s*,/g)].map((m) => m[1]);
      assert.deepEqual(jsonIds, ids);
    });
    await t.step("fits: gzip of a FITS file with a BINTABLE", async () => {
      const res = await sync(a, Q, "fits");
      const bytes = await bodyBytes(res);
      const header = new TextDecoder().decode(bytes.subarray(0, 2880 * 2));
      assert.ok(header.startsWith("SIMPLE  ="));
      assert.match(header, /XTENSION= 'BINTABLE'/);
      assert.equal(bytes.length % 2880, 0);
    });
    await t.step("ecsv: gzip of an ECSV 1.0 text", async () => {
      const text = await bodyText(await sync(a, Q, "ecsv"));
      assert.ok(text.startsWith("# %ECSV 1.0"));
      assert.match(text, /name: source_id/);
    });
    await t.step("RESPONSEFORMAT MIME types (TAP 1.1)", async () => {
      const res = await postForm(
        `${a.tapUrl}/sync`,
        `REQUEST=doQuery&LANG=ADQL&RESPONSEFORMAT=text/csv&QUERY=${encodeURIComponent(Q)}`,
      );
      assert.deepEqual(csvIds(await res.text()), ids);
    });
    await t.step("GET with a query string works too, names case-insensitive", async () => {
      const res = await get(
        `${a.tapUrl}/sync?request=doQuery&lang=ADQL&format=csv&query=${encodeURIComponent(Q)}`,
      );
      assert.deepEqual(csvIds(await res.text()), ids);
    });
  } finally {
    await a.dispose();
  }
});

Deno.test("archive tap: MAXREC overflow is flagged after the table", async () => {
  const a = await startTestArchive();
  try {
    const res = await sync(
      a,
      "SELECT source_id FROM gaiadr3.gaia_source",
      "votable_plain",
      "&MAXREC=3",
    );
    const xml = await res.text();
    assert.equal([...xml.matchAll(/<TR>/g)].length, 3);
    const overflow = xml.indexOf('<INFO name="QUERY_STATUS" value="OVERFLOW"');
    assert.ok(overflow > xml.indexOf("</TABLE>"), "OVERFLOW INFO must follow the table");
    const full = await (await sync(
      a,
      "SELECT TOP 3 source_id FROM gaiadr3.gaia_source",
      "votable_plain",
      "&MAXREC=3",
    ))
      .text();
    assert.ok(!full.includes("OVERFLOW"));
  } finally {
    await a.dispose();
  }
});

Deno.test("archive tap: errors use the archive's shapes and statuses", async (t) => {
  const a = await startTestArchive();
  try {
    await t.step("parse error: 400 + QUERY_STATUS ERROR with 'Cannot parse query'", async () => {
      const res = await sync(a, "SELEC TOP 5 * FROM gaiadr3.gaia_source", "votable");
      assert.equal(res.status, 400);
      const xml = await res.text();
      assert.ok(
        xml.includes(`<INFO name="QUERY_STATUS" value="ERROR">Cannot parse query 'SELEC TOP 5`),
        xml,
      );
    });
    await t.step("unknown column: 400 naming it", async () => {
      const res = await sync(a, "SELECT nope FROM gaiadr3.gaia_source", "csv");
      assert.equal(res.status, 400);
      assert.match(await res.text(), /nope/);
    });
    await t.step("unknown format: 400 listing formats", async () => {
      const res = await sync(a, Q, "xlsx");
      assert.equal(res.status, 400);
      assert.match(await res.text(), /Unknown output format 'xlsx'/);
    });
    await t.step("missing QUERY and bad REQUEST", async () => {
      const r1 = await postForm(`${a.tapUrl}/sync`, "REQUEST=doQuery&LANG=ADQL");
      assert.equal(r1.status, 400);
      assert.match(await r1.text(), /Missing required parameter 'QUERY'/);
      const r2 = await postForm(`${a.tapUrl}/sync`, "REQUEST=getCapabilities&QUERY=x");
      assert.equal(r2.status, 400);
      await r2.body?.cancel();
    });
    await t.step("bad MAXREC", async () => {
      const res = await sync(a, Q, "csv", "&MAXREC=-4");
      assert.equal(res.status, 400);
      assert.match(await res.text(), /Invalid MAXREC '-4'/);
    });
    await t.step("unknown path: 404", async () => {
      const res = await get(`${a.url}/tap-server/tap/nothing`);
      assert.equal(res.status, 404);
      await res.body?.cancel();
    });
  } finally {
    await a.dispose();
  }
});

Deno.test("archive tap: TAP_UPLOAD from an astroquery-style multipart body and from a loopback URL", async (t) => {
  const a = await startTestArchive();
  const vot = await (await sync(a, Q, "votable_plain")).text();
  const ids = csvIds(await (await sync(a, Q, "csv")).text());
  try {
    await t.step("multipart part named like the table (UPLOAD=t,param:t)", async () => {
      const { contentType, body } = astroqueryMultipart(
        {
          REQUEST: "doQuery",
          LANG: "ADQL",
          FORMAT: "csv",
          tapclient: "aqtappy1-0.4.6",
          PHASE: "RUN",
          QUERY: "SELECT source_id FROM tap_upload.mine ORDER BY source_id",
          UPLOAD: "mine,param:mine",
          format: "votable",
        },
        [{ name: "mine", filename: "pytable", content: vot }],
      );
      const res = await fetch(`${a.tapUrl}/sync`, {
        method: "POST",
        headers: { "content-type": contentType },
        body,
      });
      const text = await res.text();
      assert.equal(res.status, 200, text);
      assert.deepEqual(csvIds(text), ids);
    });
    await t.step("gzipped CSV and ECSV uploads are sniffed and read", async () => {
      const { gzipSync } = await import("node:zlib");
      const contents = [
        new Uint8Array(gzipSync(new TextEncoder().encode("id,x\n1,2.5\n3,4.5\n"))),
        "# %ECSV 1.0\n# ---\n# datatype:\n# - {name: id, datatype: int64}\n# - {name: x, datatype: float64}\n" +
        "# schema: astropy-2.0\nid x\n1 2.5\n3 4.5\n",
      ];
      for (const content of contents) {
        const { contentType, body } = astroqueryMultipart({
          REQUEST: "doQuery",
          LANG: "ADQL",
          FORMAT: "csv",
          QUERY: "SELECT id, x FROM tap_upload.t ORDER BY id",
          UPLOAD: "t,param:t",
        }, [{ name: "t", filename: "t", content }]);
        const res = await fetch(`${a.tapUrl}/sync`, {
          method: "POST",
          headers: { "content-type": contentType },
          body,
        });
        assert.equal(await res.text(), "id,x\n1,2.5\n3,4.5\n");
      }
    });
    await t.step("an unreadable upload is a 400 naming the table", async () => {
      const { contentType, body } = astroqueryMultipart({
        REQUEST: "doQuery",
        QUERY: "SELECT * FROM tap_upload.bad",
        UPLOAD: "bad,param:bad",
      }, [{
        name: "bad",
        filename: "bad.xml",
        content:
          "<VOTABLE><RESOURCE><TABLE><FIELD name='a' datatype='int'/><DATA><TABLEDATA><TR><TD>1",
      }]);
      const res = await fetch(`${a.tapUrl}/sync`, {
        method: "POST",
        headers: { "content-type": contentType },
        body,
      });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /Cannot read upload table 'bad'/);
    });
    await t.step("UPLOAD naming a missing part is a 400", async () => {
      const { contentType, body } = astroqueryMultipart({
        REQUEST: "doQuery",
        QUERY: "SELECT * FROM tap_upload.x",
        UPLOAD: "x,param:x",
      }, []);
      const res = await fetch(`${a.tapUrl}/sync`, {
        method: "POST",
        headers: { "content-type": contentType },
        body,
      });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /no such part/);
    });
    await t.step("URL upload from loopback", async () => {
      const srv = Deno.serve(
        { port: 0, hostname: "127.0.0.1", onListen: () => {} },
        () => new Response(vot, { headers: { "content-type": "application/x-votable+xml" } }),
      );
      try {
        const url = `http://127.0.0.1:${srv.addr.port}/t.vot`;
        const res = await sync(
          a,
          "SELECT source_id FROM tap_upload.u ORDER BY source_id",
          "csv",
          `&UPLOAD=u,${url}`,
        );
        assert.deepEqual(csvIds(await res.text()), ids);
      } finally {
        await srv.shutdown();
      }
    });
    await t.step("URL upload from a non-loopback host is refused", async () => {
      const res = await sync(
        a,
        "SELECT * FROM tap_upload.u",
        "csv",
        "&UPLOAD=u,http://example.org/t.vot",
      );
      assert.equal(res.status, 403);
      assert.match(await res.text(), /only fetches .* loopback/);
    });
  } finally {
    await a.dispose();
  }
});

Deno.test("archive tap: GloTS table search and columns (csv and votable)", async () => {
  const a = await startTestArchive();
  try {
    const csv = await (await get(
      `${a.tapUrl}/glots?ACTION=search_tables&KEYWORD=gaia_source&MODE=table_name&FORMAT=csv`,
    ))
      .text();
    const lines = csv.trim().split("\n");
    assert.equal(lines[0], "accessurl,ivoid,table_name,table_desc,utype");
    assert.ok(lines.some((l) => l.includes(",gaiadr3.gaia_source,")));
    const cols = await (await get(
      `${a.tapUrl}/glots?ACTION=get_columns&TABLE_NAME=gaiadr3.gaia_source&FORMAT=csv`,
    )).text();
    assert.ok(
      cols.split("\n").some((l) =>
        l.startsWith("ivo://deno-gaia/local-archive/tap,gaiadr3.gaia_source,ra,")
      ),
    );
    const vot =
      await (await get(`${a.tapUrl}/glots?ACTION=search_tables&KEYWORD=nothing-matches-this`))
        .text();
    assert.match(vot, /<INFO name="QUERY_STATUS" value="OK"\/>/);
    assert.ok(!vot.includes("<TR>"));
    const bad = await get(`${a.tapUrl}/glots?ACTION=nope`);
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
  } finally {
    await a.dispose();
  }
});
