/**
 * The Gaia client against recorded answers of the real ESA archive
 * (../shared/fixtures/astroquery), served by a tiny loopback replay server.
 */
import assert from "node:assert/strict";
import { Gaia } from "../../lib/gaia/mod.ts";

const FIX = new URL("../../../shared/fixtures/astroquery/", import.meta.url);
const fx = (f: string) => Deno.readFileSync(new URL(f, FIX)) as Uint8Array<ArrayBuffer>;
const SESSION = "ZjQ3MjIzReplaySessionValue";

interface Seen {
  method: string;
  path: string;
  form: URLSearchParams;
  raw: string;
}

function replay(seen: Seen[]) {
  return Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const raw = req.method === "POST" ? await req.text() : "";
    const form = (req.headers.get("content-type") ?? "").includes("urlencoded")
      ? new URLSearchParams(raw)
      : new URLSearchParams();
    seen.push({ method: req.method, path: url.pathname, form, raw });
    const authed = (req.headers.get("cookie") ?? "").includes(`SESSION=${SESSION}`);
    const xml = (b: Uint8Array<ArrayBuffer>) =>
      new Response(b, { headers: { "content-type": "text/xml" } });
    switch (url.pathname) {
      case "/tap-server/login":
      case "/data-server/login": {
        const ok = form.get("username") === "jsegovia" && form.get("password") === "pw";
        if (!ok) return new Response("Invalid credentials", { status: 401 });
        const path = url.pathname.replace("/login", "");
        return new Response("OK", {
          headers: { "set-cookie": `SESSION=${SESSION}; Path=${path}; HttpOnly` },
        });
      }
      case "/tap-server/tap/event":
        return authed ? new Response("") : new Response("Not logged in", { status: 401 });
      case "/tap-server/tap/tables":
        return xml(
          fx(url.searchParams.get("tables") ? "test_table_update.xml" : "test_tables_gaia.xml"),
        );
      case "/tap-server/tap/async":
        return xml(fx("test_jobs_list.xml"));
      case "/tap-server/tap/jobs/async":
        return authed ? xml(fx("test_jobs_async.xml")) : new Response("", { status: 401 });
      case "/tap-server/TableTool":
        return new Response("OK");
      case "/tap-server/tap/glots":
        return url.searchParams.get("ACTION") === "search_tables"
          ? new Response(
            'accessurl,ivoid,table_name,table_desc,utype\nhttp://x/tap,ivo://x/tap,gaia.stars,"Stars, with a comma",\n',
            { headers: { "content-type": "text/csv" } },
          )
          : new Response(
            "ivoid,table_name,column_name,description,unit,ucd,utype,datatype,ndhnpmiighpa,principal,indexed,std\nivo://x/tap,gaia.stars,ra,Right ascension,deg,pos.eq.ra,,double,8,1,1,0\n",
          );
      case "/tap-server/tap/notification":
        return new Response("1653401204784D[type: -100,-1]=Gaia dev is under maintenance\n");
      case "/tap-server/tap/sync": {
        const json = /FORMAT"?\s*(=|\r\n\r\n)json\b/i.test(raw);
        if (/EXT_TAP_URL/.test(raw) && !/external_tap/.test(raw)) {
          return new Response("no REQUEST", { status: 400 });
        }
        return json
          ? new Response(fx("launch_job.json"), { headers: { "content-type": "application/json" } })
          : new Response(fx("1714556098855O-result.vot"), {
            headers: { "content-type": "application/x-votable+xml" },
          });
      }
      case "/data-server/data":
        return new Response(fx("gaia_dr3_source_id_5937083312263887616_dl_products_csv.zip"), {
          headers: { "content-type": "application/zip" },
        });
    }
    return new Response("not recorded", { status: 404 });
  });
}

Deno.test("Gaia against recorded ESA answers", async (t) => {
  const seen: Seen[] = [];
  const server = replay(seen);
  const gaia = new Gaia({ url: `http://127.0.0.1:${server.addr.port}` });
  try {
    await t.step("loadTables() reads the live tableset with ESA attributes", async () => {
      const tables = await gaia.loadTables();
      assert.ok(tables.length >= 3);
      const apass = tables.find((x) => x.name === "external.apassdr9")!;
      assert.equal(apass.columns[0].esa?.["flags"], "16", "the recno PK column");
      assert.equal(apass.columns[1].esa?.["flags"], "1", "raj2000 is flagged Ra");
    });

    await t.step("listAsyncJobs() reads the jobref list", async () => {
      const refs = await gaia.listAsyncJobs();
      assert.deepEqual(refs.map((r) => r.phase), ["COMPLETED", "ERROR"]);
    });

    await t.step(
      "query() reads the recorded gaia_source row with an exact int64 source_id",
      async () => {
        const r = await gaia.query(
          "SELECT TOP 20 * FROM gaiadr3.gaia_source WHERE source_id = 5929246508730155392",
        );
        assert.equal(r.table.getChild("source_id")!.get(0), 5929246508730155392n);
        const sent = seen.findLast((s) => s.path === "/tap-server/tap/sync");
        assert.ok(sent);
      },
    );

    await t.step("launchJob() with FORMAT=json reads the archive's json answer", async () => {
      const r = await gaia.launchJob(
        "SELECT TOP 1 source_id, ra, dec, parallax FROM gaiadr3.gaia_source",
        { format: "json" },
      );
      assert.deepEqual(r.table.schema.fields.map((f) => f.name), [
        "source_id",
        "ra",
        "dec",
        "parallax",
      ]);
      assert.equal(typeof r.table.getChild("source_id")!.get(0), "bigint");
    });

    await t.step(
      "externalTap() and glots send the TAP+ parameters and read the answers",
      async () => {
        const r = await gaia.externalTap("http://other.example/tap", "SELECT TOP 1 * FROM t");
        assert.equal(r.numRows, 1);
        const sent = seen.findLast((x) => x.path === "/tap-server/tap/sync")!;
        assert.match(sent.raw, /external_tap/);
        assert.match(
          decodeURIComponent(sent.raw),
          /EXT_TAP_URL[\s\S]*http:\/\/other\.example\/tap/,
        );
        const hits = await gaia.glots.searchTables("stars");
        assert.deepEqual(hits.map((h) => [h.tableName, h.description]), [[
          "gaia.stars",
          "Stars, with a comma",
        ]]);
        const cols = await gaia.glots.columns("ivo://x/tap", "gaia.stars");
        assert.equal(cols[0]?.column_name, "ra");
        await assert.rejects(gaia.externalTap("not a url", "SELECT 1"), TypeError);
      },
    );

    await t.step("notifications() parses the archive's message lines", async () => {
      const [n] = await gaia.notifications();
      assert.equal(n.message, "Gaia dev is under maintenance");
      assert.equal(n.type, -100);
    });

    await t.step(
      "login() with a wrong password is an AuthError; the right one is verified",
      async () => {
        await assert.rejects(gaia.login({ user: "jsegovia", password: "nope" }), {
          name: "AuthError",
          reason: "wrong-credentials",
        });
        await gaia.login({ user: "jsegovia", password: "pw" });
        assert.equal(gaia.user, "jsegovia");
        assert.ok(seen.some((s) => s.path === "/data-server/login"), "data-server login too");
      },
    );

    await t.step("waitForEvent() gives up after its timeout and stops on abort", async () => {
      await assert.rejects(
        gaia.waitForEvent(() => true, { timeout: 300 }),
        (e) => e instanceof RangeError && /timeout/.test(e.message),
      );
      const ctrl = new AbortController();
      const waiting = gaia.waitForEvent(() => true, { timeout: 60_000, signal: ctrl.signal });
      setTimeout(() => ctrl.abort(new DOMException("stop", "AbortError")), 50);
      await assert.rejects(waiting, (e) => e instanceof DOMException && e.name === "AbortError");
    });

    await t.step("searchAsyncJobs() reads full uws:job elements", async () => {
      const jobs = await gaia.searchAsyncJobs();
      assert.equal(jobs.length, 2);
    });

    await t.step(
      "updateUserTable() sends every column with flags read from esatapplus:flags",
      async () => {
        await gaia.updateUserTable("user_jsegovia.table6", [
          { column: "alpha", flags: "Ra" },
          { column: "delta", flags: "Dec" },
          { column: "source_id", ucd: "meta.id;meta.main" },
        ]);
        const form = seen.findLast((s) => s.path === "/tap-server/TableTool")!.form;
        assert.equal(form.get("ACTION"), "edit");
        assert.equal(form.get("TABLE0"), "user_jsegovia.table6");
        const n = Number(form.get("TABLE0_NUMCOLS"));
        const cols = Array.from({ length: n }, (_, i) => form.get(`TABLE0_COL${i}`));
        assert.deepEqual(cols.slice(0, 4), ["table6_oid", "source_id", "alpha", "delta"]);
        const flag = (name: string) => form.get(`TABLE0_COL${cols.indexOf(name)}_FLAGS`);
        assert.equal(flag("table6_oid"), "PK", "flags=16 in the recorded table is PK");
        assert.equal(flag("alpha"), "Ra");
        assert.equal(flag("delta"), "Dec");
        assert.equal(form.get(`TABLE0_COL${cols.indexOf("alpha")}_INDEXED`), "True");
        assert.equal(form.get(`TABLE0_COL${cols.indexOf("source_id")}_UCD`), "meta.id;meta.main");
        await assert.rejects(
          gaia.updateUserTable("user_jsegovia.table6", [{ column: "alpha", flags: "Dec" }]),
          /Ra and the Dec/,
        );
        await assert.rejects(
          gaia.updateUserTable("user_jsegovia.table6", [{ column: "nope", flags: "Mag" }]),
          /no column "nope"/,
        );
      },
    );

    await t.step("datalink.load() unpacks the recorded ZIP and reports the manifest", async () => {
      const p = await gaia.datalink.load(5937083312263887616n, { retrieval: "ALL", format: "csv" });
      assert.equal(p.size, 3);
      assert.equal(p.manifest.found[0].id, "5937083312263887616");
      const sent = seen.findLast((s) => s.path === "/data-server/data")!.form;
      assert.equal(sent.get("RELEASE"), "Gaia DR3");
      assert.equal(sent.get("USE_ZIP_ALWAYS"), "true");
      assert.equal(sent.get("VALID_DATA"), "false");
    });

    await t.step("logout() forgets the session", async () => {
      await gaia.logout();
      assert.equal(gaia.user, undefined);
      await assert.rejects(gaia.searchAsyncJobs(), { name: "AuthError", reason: "not-logged-in" });
    });
  } finally {
    await gaia.close();
    await server.shutdown();
  }
});

Deno.test("login() follows a same-origin redirect but never re-sends credentials to another site", async () => {
  const posts: string[] = [];
  const other = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    posts.push(`other ${await req.text()}`);
    return new Response("OK");
  });
  const main = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const body = req.method === "POST" ? await req.text() : "";
    if (url.pathname === "/tap-server/login") {
      return new Response(null, { status: 307, headers: { location: "/tap-server/login2" } });
    }
    if (url.pathname === "/tap-server/login2") {
      posts.push(`main ${body.includes("password=pw") ? "with-password" : "without"}`);
      return new Response("OK", { headers: { "set-cookie": "SESSION=s1; Path=/tap-server" } });
    }
    if (url.pathname === "/data-server/login") {
      return new Response(null, {
        status: 307,
        headers: { location: `http://localhost:${other.addr.port}/steal` },
      });
    }
    if (url.pathname === "/tap-server/tap/event") return new Response("");
    if (url.pathname.endsWith("/logout")) return new Response("OK");
    return new Response("no", { status: 404 });
  });
  try {
    const gaia = new Gaia({ url: `http://127.0.0.1:${main.addr.port}` });
    await assert.rejects(gaia.login({ user: "u", password: "pw" }), {
      name: "AuthError",
      reason: "insecure-transport",
    });
    assert.deepEqual(posts, ["main with-password"], "the other site got nothing");
    assert.equal(gaia.user, undefined);
  } finally {
    await main.shutdown();
    await other.shutdown();
  }
});
