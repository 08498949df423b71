import assert from "node:assert/strict";
import { tableFromArrays } from "apache-arrow";
import { AuthError, TapPlusError } from "../../lib/tapplus/mod.ts";
import { Gaia } from "../../lib/gaia/mod.ts";
import { ANN, BOB, startTestArchive } from "./gaia_local_helpers.ts";

const stars = () =>
  tableFromArrays({
    id: new Int32Array([1, 2, 3]),
    ra: new Float64Array([56.75, 56.8, 57.0]),
    dec: new Float64Array([24.12, 24.2, 24.0]),
  });

Deno.test("Gaia TAP+ session, user space, cross-match and sharing on the local archive", async (t) => {
  const archive = await startTestArchive();
  const ann = archive.gaia;
  const bob = new Gaia({ url: archive.url });
  try {
    await t.step("login() refuses a wrong password, and plain http to a remote host", async () => {
      await assert.rejects(ann.login({ user: ANN.name, password: "wrong" }), (e) => {
        assert.ok(e instanceof AuthError);
        assert.equal(e.reason, "wrong-credentials");
        assert.equal(e.status, 401);
        return true;
      });
      assert.equal(ann.user, undefined);
      const remote = new Gaia({ url: "http://gaia.example.org" });
      await assert.rejects(remote.login({ user: "x", password: "y" }), {
        name: "AuthError",
        reason: "insecure-transport",
      });
      await assert.rejects(ann.uploadTable(stars(), { tableName: "t" }), {
        name: "AuthError",
        reason: "not-logged-in",
      });
    });

    await t.step("login() to both servers; the session is verified", async () => {
      await ann.login({ user: ANN.name, password: ANN.password });
      await bob.login({ user: BOB.name, password: BOB.password });
      assert.equal(ann.user, "ann");
      const cookies = ann.http.cookies!.cookiesFor(`${archive.url}/data-server/data`);
      assert.ok(cookies.some((c) => c.name === "SESSION"), "data-server session cookie");
    });

    await t.step(
      "uploadTable() from Arrow, records, CSV bytes, a file and a job; queries on them",
      async () => {
        const a = await ann.uploadTable(stars(), {
          tableName: "stars",
          description: "three stars",
        });
        assert.equal(a.table, "user_ann.stars");
        await ann.uploadTable([{ id: 9, ra: 10.5, dec: -3.25 }], { tableName: "records" });
        await ann.uploadTable({
          bytes: new TextEncoder().encode("id,ra,dec\n1,10.0,20.0\n2,11.0,21.0\n"),
          format: "csv",
          fileName: "x.csv",
        }, { tableName: "fromcsv" });
        const path = await Deno.makeTempFile({ suffix: ".csv" });
        await Deno.writeTextFile(path, "id,ra,dec\n5,1.5,2.5\n");
        await ann.uploadTable({ path }, { tableName: "fromfile" });
        await Deno.remove(path);
        const r = await ann.query("SELECT id, ra FROM user_ann.stars ORDER BY id");
        assert.deepEqual([...r.table.getChild("id")!], [1, 2, 3]);
        assert.equal((await ann.query("SELECT * FROM user_ann.fromcsv")).numRows, 2);
        assert.equal((await ann.query("SELECT * FROM user_ann.fromfile")).numRows, 1);
        const job = await ann.launchJobAsync(
          "SELECT TOP 4 source_id, ra, dec FROM gaiadr3.gaia_source ORDER BY source_id",
          { name: "four" },
        );
        const j = await ann.query(`SELECT COUNT(*) AS n FROM job_upload."job${job.id}"`);
        assert.equal(Number(j.table.getChild("n")!.get(0)), 4);
        const fromJob = await ann.uploadTableFromJob(job, { tableName: "fromjob" });
        assert.equal((await ann.query(`SELECT * FROM ${fromJob.table}`)).numRows, 4);
        await assert.rejects(ann.uploadTable(stars(), { tableName: "user_ann.bad" }), /no schema/);
      },
    );

    await t.step(
      "updateUserTable(), setRaDec() and renameTable() change the metadata",
      async () => {
        await ann.setRaDec("stars", "ra", "dec");
        let meta = await ann.loadTable("user_ann.stars");
        const flags = Object.fromEntries(
          meta.columns.map((c) => [c.name, Number(c.esa?.["flags"] ?? 0)]),
        );
        assert.equal(flags["ra"]! & 1, 1);
        assert.equal(flags["dec"]! & 2, 2);
        await ann.updateUserTable("stars", [{ column: "id", ucd: "meta.id;meta.main" }]);
        meta = await ann.loadTable("user_ann.stars");
        assert.equal(meta.columns.find((c) => c.name === "id")?.ucd, "meta.id;meta.main");
        const renamed = await ann.renameTable("records", {
          newName: "records2",
          columns: { id: "rid" },
        });
        assert.equal(renamed, "user_ann.records2");
        const rr = await ann.query("SELECT rid FROM user_ann.records2");
        assert.equal(rr.numRows, 1);
      },
    );

    await t.step(
      "crossMatch() (built-in) and crossMatchBasic() (ADQL) find the uploaded stars' neighbours",
      async () => {
        const g = await ann.query(
          "SELECT TOP 3 source_id, ra, dec FROM gaiadr3.gaia_source ORDER BY source_id",
        );
        await ann.uploadTable(g, { tableName: "mine" });
        await ann.setRaDec("mine", "ra", "dec");
        const job = await ann.crossMatch({
          tableA: "user_ann.mine",
          tableB: "gaiadr3.gaia_source",
          resultsName: "xm",
          radius: 1,
        });
        assert.equal(job.phase, "COMPLETED");
        const xm = await ann.query("SELECT * FROM user_ann.xm");
        assert.ok(xm.numRows >= 3, `${xm.numRows} matches`);
        await assert.rejects(
          ann.crossMatch({ tableA: "user_ann.mine", resultsName: "xm2", radius: 30 }),
          RangeError,
        );
        const basic = await ann.crossMatchBasic({
          tableA: "user_ann.mine",
          raA: "ra",
          decA: "dec",
          radius: 1,
        });
        const rows = await basic.result();
        assert.ok(rows.numRows >= 3);
        assert.ok(rows.table.schema.fields.some((f) => f.name === "separation"));
      },
    );

    await t.step(
      "datalink IDs from a job's column and a user table's column (job:<id>.col, user_x.t.col)",
      async () => {
        const job = await ann.launchJobAsync(
          "SELECT TOP 3 source_id FROM gaiadr3.gaia_source WHERE phot_variable_flag = 'VARIABLE' ORDER BY source_id",
        );
        const fromJob = await ann.datalink.load(`job:${job.id}.source_id`, {
          retrieval: "EPOCH_PHOTOMETRY",
        });
        assert.equal(fromJob.sourceIds.length, 3);
        assert.equal(fromJob.manifest.entries[0].status, "found");
        await ann.uploadTable(await job.result(), { tableName: "vars" });
        const fromTable = await ann.datalink.load("user_ann.vars.source_id", {
          retrieval: "EPOCH_PHOTOMETRY",
        });
        assert.deepEqual(fromTable.sourceIds.sort(), fromJob.sourceIds.sort());
      },
    );

    await t.step(
      "sharing: groups by title, members, shared tables readable by members only",
      async () => {
        const group = await ann.shareGroupCreate("friends", "people I share with");
        assert.equal(group.title, "friends");
        await assert.rejects(ann.shareGroupCreate("friends"), /exists already/);
        await assert.rejects(
          bob.query("SELECT * FROM user_ann.stars"),
          (e: Error) => /user_ann|permission|denied|not/i.test(e.message),
        );
        await ann.shareGroupAddUser("friends", "bob");
        await assert.rejects(ann.shareGroupAddUser("friends", "nobody"), /does not exist/);
        assert.deepEqual(
          (await ann.loadGroup("friends"))!.users.map((u) => u.id),
          ["bob"],
        );
        await ann.shareTable("friends", "stars", "shared stars");
        const items = await ann.loadSharedItems();
        assert.ok(items.some((i) => i.title === "user_ann.stars"));
        assert.equal((await bob.query("SELECT * FROM user_ann.stars")).numRows, 3);
        await assert.rejects(
          bob.deleteUserTable("user_ann.stars"),
          (e) => e instanceof TapPlusError && (e.status === 403 || e.status === 400),
        );
        await ann.shareTableStop("friends", "stars");
        await assert.rejects(bob.query("SELECT * FROM user_ann.stars"));
        await ann.shareGroupDeleteUser("friends", "bob");
        await ann.shareGroupDelete("friends");
        assert.equal(await ann.loadGroup("friends"), undefined);
        assert.equal(await ann.isValidUser("bob"), true);
        assert.equal(await ann.isValidUser("carol"), false);
      },
    );

    await t.step("events(), waitForEvent(), searchAsyncJobs() and removeJobs()", async () => {
      const since = Date.now() - 1;
      const wait = ann.waitForEvent((e) => e.category === "job", { since, timeout: 20_000 });
      const job = await ann.launchJobAsync("SELECT TOP 1 source_id FROM gaiadr3.gaia_source", {
        name: "evented",
      });
      const ev = await wait;
      assert.equal(ev.category, "job");
      const events = await ann.events();
      assert.ok(events.some((e) => e.name === "LOGIN"));
      const found = await ann.searchAsyncJobs({ name: "evented" });
      assert.equal(found[0]?.jobId, job.id);
      const byName = await ann.loadAsyncJob({ name: "evented" });
      assert.equal(byName.id, job.id);
      await ann.removeJobs(job.id);
      assert.equal((await ann.searchAsyncJobs({ name: "evented" })).length, 0);
    });

    await t.step(
      "deleteUserTable(): a missing table is an error; FORCE_REMOVAL deletes",
      async () => {
        await assert.rejects(ann.deleteUserTable("no_such_table"), TapPlusError);
        await ann.deleteUserTable("stars", { force: true });
        await assert.rejects(ann.query("SELECT * FROM user_ann.stars"));
      },
    );

    await t.step("an expired session is an AuthError that says to log in again", async () => {
      const urls = await ann.urls();
      // End the session on the server behind the client's back.
      const res = await ann.http.request(`${urls.tapServer}/logout`, { method: "POST", form: {} });
      await res.cancel();
      await assert.rejects(
        ann.searchAsyncJobs(),
        (e) =>
          e instanceof AuthError && e.reason === "session-expired" &&
          /log in again/.test(e.message),
      );
      await ann.logout();
      assert.equal(ann.user, undefined);
    });
  } finally {
    await bob.close();
    await archive.close();
  }
});
