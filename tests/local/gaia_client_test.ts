import assert from "node:assert/strict";
import { NameResolutionError, propagate } from "../../lib/gaia/mod.ts";
import { startTestArchive } from "./gaia_local_helpers.ts";

Deno.test("Gaia queries against the local archive", async (t) => {
  const archive = await startTestArchive();
  const { gaia } = archive;
  try {
    await t.step("query() states a truncated sync result: OVERFLOW at the row limit", async () => {
      const r = await gaia.query("SELECT source_id FROM gaiadr3.gaia_source", { rowLimit: 7 });
      assert.equal(r.numRows, 7);
      assert.equal(r.status, "OVERFLOW");
      const all = await gaia.query("SELECT TOP 5 source_id FROM gaiadr3.gaia_source");
      assert.equal(all.status, "OK");
    });

    await t.step("launchJob() and launchJobAsync() give the same rows", async () => {
      const q = "SELECT TOP 20 source_id, ra FROM gaiadr3.gaia_source ORDER BY source_id";
      const a = await gaia.launchJob(q);
      const job = await gaia.launchJobAsync(q, { name: "same-rows" });
      assert.equal(job.phase, "COMPLETED");
      const b = await job.result();
      assert.deepEqual([...b.table.getChild("source_id")!], [...a.table.getChild("source_id")!]);
      const bg = await gaia.launchJobAsync(q, { background: true });
      assert.ok(bg.id);
      await bg.wait();
      const again = await gaia.loadAsyncJob(bg.id);
      assert.equal((await again.result()).numRows, 20);
      const listed = await gaia.listAsyncJobs();
      assert.ok(Array.isArray(listed));
    });

    await t.step("a job that errors rejects with the archive's message", async () => {
      const job = await gaia.launchJobAsync("SELECT nope FROM gaiadr3.gaia_source");
      assert.equal(job.phase, "ERROR");
      await assert.rejects(job.result(), (e: Error) => /nope/i.test(e.message));
      await assert.rejects(
        gaia.query("SELEC 1"),
        (e: Error) => /SELEC|parse|syntax/i.test(e.message),
      );
    });

    await t.step(
      "coneSearch() adds dist last, sorted, within the radius; async agrees",
      async () => {
        const probe = await gaia.query(
          "SELECT TOP 1 ra, dec FROM gaiadr3.gaia_source ORDER BY source_id",
        );
        const ra = probe.table.getChild("ra")!.get(0) as number;
        const dec = probe.table.getChild("dec")!.get(0) as number;
        const r = await gaia.coneSearch({ ra, dec }, {
          radius: "30 arcmin",
          columns: ["source_id", "ra", "dec"],
          rowLimit: -1,
        });
        assert.deepEqual(r.table.schema.fields.map((f) => f.name), [
          "source_id",
          "ra",
          "dec",
          "dist",
        ]);
        const d = [...r.table.getChild("dist")!] as number[];
        assert.ok(d.length >= 1);
        for (let i = 1; i < d.length; i++) assert.ok(d[i] >= d[i - 1]);
        assert.ok(d[d.length - 1] <= 0.5 + 1e-9);
        const a = await gaia.coneSearchAsync(`${ra} ${dec}`, {
          radius: 0.5,
          columns: ["source_id"],
          rowLimit: -1,
        });
        assert.equal(a.numRows, r.numRows);
        const top = await gaia.coneSearch({ ra, dec }, { radius: "30 arcmin" });
        assert.ok(top.numRows <= gaia.rowLimit);
        // A cone cut by its TOP says so.
        const cut = await gaia.coneSearch({ ra, dec }, { radius: 30, rowLimit: 2 });
        assert.equal(cut.numRows, 2);
        assert.equal(cut.status, "OVERFLOW");
        const cutAsync = await gaia.coneSearchAsync({ ra, dec }, { radius: 30, rowLimit: 2 });
        assert.equal(cutAsync.status, "OVERFLOW");
      },
    );

    await t.step("queryObject() circle and box put dist first", async () => {
      const p = await gaia.query(
        "SELECT TOP 1 ra, dec FROM gaiadr3.gaia_source ORDER BY source_id",
      );
      const pos = {
        ra: p.table.getChild("ra")!.get(0) as number,
        dec: p.table.getChild("dec")!.get(0) as number,
      };
      const c = await gaia.queryObject(pos, { radius: "20 arcmin", columns: ["source_id"] });
      assert.deepEqual(c.table.schema.fields.map((f) => f.name), ["dist", "source_id"]);
      const b = await gaia.queryObjectAsync(pos, {
        width: "40 arcmin",
        height: "40 arcmin",
        columns: ["source_id"],
      });
      assert.ok(b.numRows >= c.numRows);
      await assert.rejects(gaia.queryObject(pos, {}), /radius, or a width and a height/);
    });

    await t.step(
      "queryObject() by name: a clear error when Sesame is unreachable, coordinates when it answers",
      async () => {
        const { Gaia } = await import("../../lib/gaia/mod.ts");
        const urls = await gaia.urls();
        const root = urls.tapServer!.replace(/\/tap-server$/, "");
        const dead = new Gaia({ url: root, sesameUrl: "http://127.0.0.1:9/sesame" });
        await assert.rejects(
          dead.queryObject("M45", { radius: 1 }),
          (e) => e instanceof NameResolutionError && /unreachable/.test(e.message),
        );
        const sesame = Deno.serve(
          { port: 0, hostname: "127.0.0.1", onListen() {} },
          () => new Response("# M45\n%J 56.75 24.1167 = 03 47 00.0 +24 07 00\n"),
        );
        try {
          const live = new Gaia({ url: root, sesameUrl: `http://127.0.0.1:${sesame.addr.port}/s` });
          const q = await live.queryObjectQuery("M45", { radius: 1 });
          assert.match(q, /56\.75/);
        } finally {
          await sesame.shutdown();
        }
      },
    );

    await t.step(
      "loadTables() and loadTable() with columns and units; a missing table is an error",
      async () => {
        const tables = await gaia.loadTables();
        assert.ok(tables.some((x) => x.name === "gaiadr3.gaia_source"));
        const names = await gaia.loadTables({ onlyNames: true });
        assert.ok(names.length >= 1);
        const gs = await gaia.loadTable("gaiadr3.gaia_source");
        assert.equal(gs.columns.find((c) => c.name === "parallax")?.unit, "mas");
        await assert.rejects(gaia.loadTable("gaiadr3.no_such_table"), /no table/);
        await assert.rejects(gaia.loadTable("gaia_source"), /with its schema/);
      },
    );

    await t.step("propagate() moves a query result to another epoch", async () => {
      const r = await gaia.query(
        "SELECT TOP 3 source_id, ra, dec, pmra, pmdec, parallax, radial_velocity FROM gaiadr3.gaia_source WHERE pmra IS NOT NULL ORDER BY source_id",
      );
      const moved = gaia.propagate(r, { epoch: 2026.0 });
      const back = propagate(moved, { epoch: 2016.0 });
      for (let i = 0; i < r.numRows; i++) {
        const dec0 = r.table.getChild("dec")!.get(i) as number;
        assert.ok(Math.abs((back.getChild("dec")!.get(i) as number) - dec0) < 1e-10);
        const pmdec = r.table.getChild("pmdec")!.get(i) as number;
        const shift = ((moved.getChild("dec")!.get(i) as number) - dec0) * 3_600_000; // mas
        assert.ok(
          Math.abs(shift - pmdec * 10) < Math.abs(pmdec) * 0.01 + 1,
          `${shift} vs ${pmdec * 10}`,
        );
      }
    });

    await t.step("archiveStatus() is explicit and reports availability", async () => {
      const s = await gaia.archiveStatus();
      assert.equal(s.available, true);
      assert.ok(Array.isArray(s.notifications));
    });
  } finally {
    await archive.close();
  }
});
