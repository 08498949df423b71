/** A hostile or broken data server: zip bombs, corrupt zips and HTML pages never become short results. */
import assert from "node:assert/strict";
import { zipSync } from "fflate";
import { GaiaDataLink, ZipFormatError } from "../../lib/datalink/mod.ts";
import { SizeLimitError } from "../../lib/io/errors.ts";

function serve(body: () => Uint8Array<ArrayBuffer> | string, status = 200) {
  return Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    await req.text();
    return new Response(body(), { status, headers: { "content-type": "application/zip" } });
  });
}

async function withServer(
  body: () => Uint8Array<ArrayBuffer> | string,
  f: (dl: GaiaDataLink) => Promise<void>,
  status = 200,
) {
  const s = serve(body, status);
  try {
    await f(new GaiaDataLink({ dataServer: `http://127.0.0.1:${s.addr.port}/data-server` }));
  } finally {
    await s.shutdown();
  }
}

Deno.test("GaiaDataLink.load() stops a zip bomb at maxUnpackedBytes", async () => {
  const bomb = zipSync({ "EPOCH_PHOTOMETRY-Gaia DR3 1.csv": new Uint8Array(50_000_000).fill(48) }, {
    level: 9,
  });
  await withServer(() => bomb as Uint8Array<ArrayBuffer>, async (dl) => {
    await assert.rejects(
      dl.load(1n, { retrieval: "EPOCH_PHOTOMETRY", maxUnpackedBytes: 1_000_000 }),
      (e) => e instanceof SizeLimitError && e.limit === 1_000_000,
    );
  });
});

Deno.test("GaiaDataLink.load() rejects a corrupt ZIP with the entry named", async () => {
  const good = zipSync({
    "RVS-Gaia DR3 1.csv": new TextEncoder().encode("wavelength,flux\n" + "846.0,1.0\n".repeat(500)),
  });
  const bad = good.slice();
  bad[60] ^= 0xff;
  await withServer(() => bad as Uint8Array<ArrayBuffer>, async (dl) => {
    await assert.rejects(
      dl.load(1n, { retrieval: "RVS" }),
      (e) => e instanceof ZipFormatError && /RVS-Gaia DR3 1\.csv/.test(e.message),
    );
  });
});

Deno.test("GaiaDataLink.load() reports the server's refusal (e.g. too many IDs) as a DataLinkError", async () => {
  await withServer(
    () =>
      '<VOTABLE><RESOURCE type="results"><INFO name="QUERY_STATUS" value="ERROR">Maximum number of Source Ids reached</INFO></RESOURCE></VOTABLE>',
    async (dl) => {
      await assert.rejects(
        dl.load([1n, 2n], { retrieval: "RVS" }),
        (e: Error) => e.name === "DataLinkError" && /Maximum number of Source Ids/.test(e.message),
      );
    },
    400,
  );
});

Deno.test("GaiaDataLink.load() keeps the other chunks when one fails, and says which IDs failed", async () => {
  let n = 0;
  const zip = zipSync({
    "RVS-Gaia DR3 1.csv": new TextEncoder().encode("wavelength,flux\n846,1\n"),
  });
  const s = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const form = new URLSearchParams(await req.text());
    n++;
    if (form.get("ID") === "2") return new Response("boom", { status: 500 });
    return new Response(zip as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": "application/zip" },
    });
  });
  try {
    const dl = new GaiaDataLink({
      dataServer: `http://127.0.0.1:${s.addr.port}/data-server`,
      http: new (await import("../../lib/http/mod.ts")).HttpClient({ retries: 0 }),
    });
    const p = await dl.load([1n, 2n], { retrieval: "RVS", chunkSize: 1 });
    assert.equal(p.manifest.found.map((e) => e.id).join(), "1");
    assert.equal(p.manifest.failed.map((e) => e.id).join(), "2");
    assert.match(p.manifest.failed[0].error!, /HTTP 500.*boom/);
    assert.equal(p.table("RVS").numRows, 1);
    assert.equal(n, 2);
  } finally {
    await s.shutdown();
  }
});

Deno.test("GaiaDataLink.load() stops an endless answer at maxUnpackedBytes while downloading", async () => {
  const s = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    await req.text();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent > 50_000_000) return c.close();
        sent += 65536;
        c.enqueue(new Uint8Array(65536));
      },
    });
    return new Response(body, { headers: { "content-type": "application/zip" } });
  });
  try {
    const dl = new GaiaDataLink({ dataServer: `http://127.0.0.1:${s.addr.port}/data-server` });
    await assert.rejects(
      dl.load(1n, { retrieval: "RVS", maxUnpackedBytes: 1_000_000 }),
      (e) => e instanceof SizeLimitError && /exceeds 1000000 bytes/.test(e.message),
    );
  } finally {
    await s.shutdown();
  }
});
