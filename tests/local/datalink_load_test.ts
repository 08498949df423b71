import assert from "node:assert/strict";
import { tableFromArrays } from "apache-arrow";
import {
  DATA_STRUCTURES,
  DATALINK_FORMATS,
  DataLinkError,
  DR3_RETRIEVAL_TYPES,
} from "../../lib/datalink/mod.ts";
import { SizeLimitError } from "../../lib/io/errors.ts";
import { startTestArchive } from "./gaia_local_helpers.ts";

Deno.test("gaia.datalink against the local archive", async (t) => {
  const archive = await startTestArchive();
  const { gaia } = archive;
  try {
    // Variable stars, chosen so that every product type occurs among them.
    const cand = await gaia.query(
      "SELECT TOP 60 source_id FROM gaiadr3.gaia_source WHERE phot_variable_flag = 'VARIABLE' ORDER BY source_id",
    );
    const all = await gaia.datalink.links(cand);
    const ids: bigint[] = [];
    for (const type of DR3_RETRIEVAL_TYPES.filter((x) => x !== "ALL")) {
      const hit = all.links.find((l) =>
        l.retrievalType === type && !ids.some((i) => l.id.endsWith(` ${i}`))
      );
      if (hit) ids.push(BigInt(hit.id.split(" ").pop()!));
    }
    assert.ok(ids.length >= 4, `found ${ids.length} sources`);
    const vars = await gaia.query(
      `SELECT source_id FROM gaiadr3.gaia_source WHERE source_id IN (${ids.join(",")})`,
    );

    await t.step("links() lists products and flags unknown IDs", async () => {
      const links = await gaia.datalink.links([ids[0], 999n]);
      assert.ok(links.links.some((l) => l.retrievalType === "EPOCH_PHOTOMETRY"), String(links));
      assert.equal(links.errors.length, 1);
      assert.match(links.errors[0].id, /999/);
    });

    // Reference: INDIVIDUAL VOTable.
    const ref = await gaia.datalink.load(ids, { retrieval: "ALL" });
    const expected = new Map(ref.types.map((ty) => [ty, ref.table(ty).numRows]));

    await t.step(
      "every retrieval type, format and data structure gives the same tidy rows",
      async () => {
        assert.deepEqual(
          [...ref.types].sort(),
          DR3_RETRIEVAL_TYPES.filter((x) => x !== "ALL").slice().sort(),
          "the synthetic variables have every product",
        );
        for (const type of DR3_RETRIEVAL_TYPES) {
          for (const format of DATALINK_FORMATS) {
            for (const dataStructure of DATA_STRUCTURES) {
              const p = await gaia.datalink.load(ids, { retrieval: type, format, dataStructure });
              const what = `${type} ${format} ${dataStructure}`;
              assert.ok(p.manifest.ok, what);
              const types = type === "ALL" ? [...expected.keys()] : [type];
              for (const ty of types) {
                const table = p.table(ty);
                assert.equal(table.numRows, expected.get(ty), `${what}: ${ty}`);
                assert.equal(table.schema.fields[0].name, "source_id", what);
                assert.ok(ids.includes(table.getChild("source_id")!.get(0) as bigint), what);
              }
            }
          }
        }
      },
    );

    await t.step(
      "epoch photometry is one row per observation with Gaia time as dates",
      async () => {
        const lc = await gaia.datalink.load(ids[0], { retrieval: "EPOCH_PHOTOMETRY" });
        const tab = lc.get(ids[0], "EPOCH_PHOTOMETRY")!.table;
        assert.deepEqual(new Set(tab.getChild("band")!.toArray()), new Set(["G", "BP", "RP"]));
        const time = tab.getChild("time")!.get(0) as number;
        const date = tab.getChild("date")!.get(0) as number;
        assert.ok(time > 1600 && time < 2700, `time ${time}`);
        // 2010-01-01 TCB + time days, minus about 82-88 s (TCB -> UTC).
        const approx = Date.parse("2010-01-01T00:00:00Z") + time * 86_400_000;
        assert.ok(approx - date > 80_000 && approx - date < 90_000, `${approx - date} ms`);
        const df = await lc.toPolars();
        assert.equal(df.height, tab.numRows);
      },
    );

    await t.step("validData drops rejected epochs", async () => {
      const all = (await gaia.datalink.load(ids, { retrieval: "EPOCH_PHOTOMETRY" })).table();
      const valid =
        (await gaia.datalink.load(ids, { retrieval: "EPOCH_PHOTOMETRY", validData: true })).table();
      assert.ok(valid.numRows <= all.numRows);
      const rej = valid.getChild("rejected_by_photometry")!;
      for (let i = 0; i < rej.length; i++) assert.notEqual(rej.get(i), true);
    });

    await t.step(
      "IDs as a query result, an Arrow column, designations and a Polars Series",
      async () => {
        const a = await gaia.datalink.load(vars, { retrieval: "RVS" });
        const b = await gaia.datalink.load(vars.table.getChild("source_id")!, { retrieval: "RVS" });
        const c = await gaia.datalink.load(ids.map((i) => `Gaia DR3 ${i}`), { retrieval: "RVS" });
        const df = await vars.toPolars() as { getColumn(n: string): unknown };
        const d = await gaia.datalink.load(df.getColumn("source_id") as never, {
          retrieval: "RVS",
        });
        for (const x of [b, c, d]) assert.equal(x.table("RVS").numRows, a.table("RVS").numRows);
      },
    );

    await t.step(
      "chunks, progress and a per-ID manifest with IDs that have no product",
      async () => {
        const events: number[] = [];
        const p = await gaia.datalink.load([...ids, 12345n], {
          retrieval: "EPOCH_PHOTOMETRY",
          chunkSize: 2,
          concurrency: 2,
          onProgress: (e) => events.push(e.chunksDone),
        });
        assert.equal(Math.max(...events), Math.ceil((ids.length + 1) / 2));
        assert.ok(p.manifest.noProduct.some((e) => e.id === "12345"));
        assert.equal(p.manifest.failed.length, 0);
        assert.equal(p.manifest.found.length + p.manifest.noProduct.length, ids.length + 1);
        assert.ok(p.manifest.found.length >= 1);
        assert.ok(p.bytes > 0);
      },
    );

    await t.step("cancellation rejects promptly with the signal's reason", async () => {
      const ctrl = new AbortController();
      const run = gaia.datalink.load(ids, {
        retrieval: "ALL",
        chunkSize: 1,
        concurrency: 1,
        signal: ctrl.signal,
      });
      ctrl.abort(new DOMException("stop", "AbortError"));
      await assert.rejects(run, (e) => e instanceof DOMException && e.name === "AbortError");
    });

    await t.step(
      "an answer over maxUnpackedBytes is a SizeLimitError, not a short result",
      async () => {
        await assert.rejects(
          gaia.datalink.load(ids, { retrieval: "ALL", maxUnpackedBytes: 10_000 }),
          (e) => e instanceof SizeLimitError && /maxUnpackedBytes/.test(e.message),
        );
      },
    );

    await t.step("a bad retrieval type is refused before any request", async () => {
      await assert.rejects(gaia.datalink.load(ids, { retrieval: "SPECTRA" as never }), RangeError);
    });

    await t.step("saveTo keeps the raw ZIP answers; without it nothing is written", async () => {
      const dir = await Deno.makeTempDir();
      try {
        await gaia.datalink.load(ids, { retrieval: "RVS", saveTo: dir });
        const files = [...Deno.readDirSync(dir)].map((e) => e.name);
        assert.equal(files.length, 1);
        assert.match(files[0], /^datalink_RVS_0001\.zip$/);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });

    await t.step(
      "IDs beyond the data server's limit fail per chunk with its message, others kept",
      async () => {
        // chunkSize above the server limit is refused by the client itself:
        await assert.rejects(gaia.datalink.load(ids, { chunkSize: 6000 }), RangeError);
        const table = tableFromArrays({ x: new Float64Array([1]), y: new Float64Array([2]) });
        await assert.rejects(gaia.datalink.load(table, {}), /no source_id column/);
        assert.ok(DataLinkError);
      },
    );
  } finally {
    await archive.close();
  }
});
