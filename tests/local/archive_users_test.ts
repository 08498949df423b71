import assert from "node:assert/strict";
import {
  ANN,
  astroqueryMultipart,
  BOB,
  get,
  login,
  postForm,
  startTestArchive,
  submitAsync,
  type TestArchive,
  waitJob,
} from "./archive_helpers.ts";

const SAMPLE =
  "SELECT TOP 6 source_id, ra, dec, parallax FROM gaiadr3.gaia_source ORDER BY source_id";

async function upload(
  a: TestArchive,
  cookie: string,
  fields: Record<string, string>,
  file?: { filename: string; content: string },
): Promise<Response> {
  const { contentType, body } = astroqueryMultipart(
    { TASKID: "-1", ...fields },
    [{ name: "FILE", filename: file?.filename ?? "", content: file?.content ?? "" }],
  );
  return await fetch(`${a.url}/tap-server/Upload`, {
    method: "POST",
    headers: { "content-type": contentType, cookie },
    body,
  });
}

async function syncCsv(a: TestArchive, query: string, cookie?: string): Promise<Response> {
  return await postForm(
    `${a.tapUrl}/sync`,
    `REQUEST=doQuery&LANG=ADQL&FORMAT=csv&QUERY=${encodeURIComponent(query)}`,
    cookie,
  );
}

Deno.test("archive users: login cookies, bad credentials, logout", async (t) => {
  const a = await startTestArchive();
  try {
    await t.step(
      "200 OK with JSESSIONID first, then SESSION, Path=/tap-server, HttpOnly",
      async () => {
        const res = await postForm(
          `${a.url}/tap-server/login`,
          `username=ann&password=${ANN.password}`,
        );
        assert.equal(res.status, 200);
        assert.equal(await res.text(), "OK");
        const cookies = res.headers.getSetCookie();
        assert.match(cookies[0], /^JSESSIONID=[0-9A-F]+; Path=\/tap-server; HttpOnly$/);
        assert.match(cookies[1], /^SESSION=[\w-]+; Path=\/tap-server; HttpOnly; SameSite=Lax$/);
      },
    );
    await t.step("401 on a wrong password or unknown user; the password never echoed", async () => {
      for (
        const body of ["username=ann&password=wrong-secret", "username=zed&password=wrong-secret"]
      ) {
        const res = await postForm(`${a.url}/tap-server/login`, body);
        assert.equal(res.status, 401);
        const text = await res.text();
        assert.ok(!text.includes("wrong-secret"));
        assert.equal(res.headers.getSetCookie().length, 0);
      }
    });
    await t.step("data-server sessions are separate", async () => {
      const tap = await login(a.url, ANN);
      const res = await postForm(`${a.dataUrl}/login`, `username=ann&password=${ANN.password}`);
      assert.equal(res.status, 200);
      assert.match(res.headers.getSetCookie()[1], /Path=\/data-server/);
      await res.body?.cancel();
      // a tap-server cookie does not authenticate on the TAP+ endpoints after logout
      const out = await postForm(`${a.url}/tap-server/logout`, "", tap);
      assert.equal(out.status, 200);
      await out.body?.cancel();
      const ev = await get(`${a.tapUrl}/event`, tap);
      assert.equal(ev.status, 401);
      await ev.body?.cancel();
    });
  } finally {
    await a.dispose();
  }
});

Deno.test("archive users: user tables from VOTable, CSV, URL and job; edit, rename, delete", async (t) => {
  const a = await startTestArchive();
  try {
    const cookie = await login(a.url, ANN);
    const vot = await (await postForm(
      `${a.tapUrl}/sync`,
      `REQUEST=doQuery&LANG=ADQL&FORMAT=votable_plain&QUERY=${encodeURIComponent(SAMPLE)}`,
    )).text();
    await t.step(
      "VOTable file upload creates user_ann.<name> with a <name>_oid column",
      async () => {
        const res = await upload(a, cookie, {
          TABLE_NAME: "stars",
          TABLE_DESC: "my stars",
          FORMAT: "votable",
        }, {
          filename: "pytable",
          content: vot,
        });
        assert.equal(res.status, 200, await res.clone().text());
        await res.body?.cancel();
        const xml = await (await get(`${a.tapUrl}/tables?tables=user_ann.stars`, cookie)).text();
        assert.ok(xml.includes("<name>user_ann.stars</name>"));
        assert.ok(xml.includes("<name>stars_oid</name>"));
        assert.match(xml, /<schema esatapplus:public="false">/);
        const csv = await (await syncCsv(a, "SELECT COUNT(*) AS n FROM user_ann.stars", cookie))
          .text();
        assert.equal(csv.trim().split(/\r?\n/)[1], "6");
      },
    );
    await t.step("CSV upload", async () => {
      const res = await upload(a, cookie, { TABLE_NAME: "pts", FORMAT: "csv" }, {
        filename: "pts.csv",
        content: "id,ra,dec\n1,56.75,24.1\n2,56.8,24.2\n",
      });
      assert.equal(res.status, 200, await res.clone().text());
      await res.body?.cancel();
      const csv = await (await syncCsv(a, "SELECT id, ra FROM user_ann.pts ORDER BY id", cookie))
        .text();
      assert.deepEqual(csv.trim().split(/\r?\n/).slice(1), ["1,56.75", "2,56.8"]);
    });
    await t.step("URL upload from loopback", async () => {
      const srv = Deno.serve(
        { port: 0, hostname: "127.0.0.1", onListen: () => {} },
        () => new Response(vot),
      );
      try {
        const res = await upload(a, cookie, {
          TABLE_NAME: "fromurl",
          URL: `http://127.0.0.1:${srv.addr.port}/x.vot`,
          FORMAT: "votable",
        });
        assert.equal(res.status, 200, await res.clone().text());
        await res.body?.cancel();
      } finally {
        await srv.shutdown();
      }
    });
    await t.step(
      "upload from a job (FORMAT ignored, as astroquery sends a bogus one)",
      async () => {
        const id = await submitAsync(a.url, SAMPLE, { cookie });
        assert.equal(await waitJob(a.url, id, cookie), "COMPLETED");
        const res = await upload(a, cookie, {
          TABLE_NAME: `t${id.toLowerCase()}`,
          JOBID: id,
          FORMAT: "<built-in function format>",
        });
        assert.equal(res.status, 200, await res.clone().text());
        await res.body?.cancel();
        const csv =
          await (await syncCsv(a, `SELECT COUNT(*) FROM user_ann.t${id.toLowerCase()}`, cookie))
            .text();
        assert.equal(csv.trim().split(/\r?\n/)[1], "6");
      },
    );
    await t.step("a dotted TABLE_NAME and a duplicate are refused", async () => {
      const r1 = await upload(a, cookie, { TABLE_NAME: "user_ann.x" }, {
        filename: "x",
        content: vot,
      });
      assert.equal(r1.status, 400);
      await r1.body?.cancel();
      const r2 = await upload(a, cookie, { TABLE_NAME: "stars" }, { filename: "x", content: vot });
      assert.equal(r2.status, 409);
      await r2.body?.cancel();
    });
    await t.step("TableTool edit with astroquery's Python literals sets flags", async () => {
      const body = [
        "ACTION=edit",
        "NUMTABLES=1",
        "TABLE0=user_ann.stars",
        "TABLE0_NUMCOLS=2",
        "TABLE0_COL0=ra",
        "TABLE0_COL0_UCD=pos.eq.ra",
        "TABLE0_COL0_UTYPE=None",
        "TABLE0_COL0_INDEXED=True",
        "TABLE0_COL0_FLAGS=Ra",
        "TABLE0_COL1=dec",
        "TABLE0_COL1_UCD=None",
        "TABLE0_COL1_UTYPE=None",
        "TABLE0_COL1_INDEXED=True",
        "TABLE0_COL1_FLAGS=Dec",
      ].join("&");
      const res = await postForm(`${a.url}/tap-server/TableTool`, body, cookie);
      assert.equal(res.status, 200, await res.clone().text());
      await res.body?.cancel();
      const xml = await (await get(`${a.tapUrl}/tables?tables=user_ann.stars`, cookie)).text();
      assert.match(xml, /esatapplus:flags="1"[^>]*>\s*<name>ra<\/name>/);
      assert.match(xml, /esatapplus:flags="2"[^>]*>\s*<name>dec<\/name>/);
    });
    await t.step("TableTool radec and rename (table and column)", async () => {
      const r1 = await postForm(
        `${a.url}/tap-server/TableTool`,
        "ACTION=radec&TABLE_NAME=user_ann.pts&RA=ra&DEC=dec",
        cookie,
      );
      assert.equal(r1.status, 200, await r1.clone().text());
      await r1.body?.cancel();
      const r2 = await postForm(
        `${a.url}/tap-server/TableTool`,
        "action=rename&table_name=user_ann.pts&new_table_name=points&new_column_names=id:pid",
        cookie,
      );
      assert.equal(r2.status, 200, await r2.clone().text());
      await r2.body?.cancel();
      const csv = await (await syncCsv(a, "SELECT pid FROM user_ann.points ORDER BY pid", cookie))
        .text();
      assert.deepEqual(csv.trim().split(/\r?\n/), ["pid", "1", "2"]);
    });
    await t.step("delete (DELETE=TRUE, FORCE_REMOVAL) removes the table", async () => {
      const res = await postForm(
        `${a.url}/tap-server/Upload`,
        "TABLE_NAME=user_ann.fromurl&DELETE=TRUE&FORCE_REMOVAL=FALSE",
        cookie,
      );
      assert.equal(res.status, 200, await res.clone().text());
      await res.body?.cancel();
      const q = await syncCsv(a, "SELECT * FROM user_ann.fromurl", cookie);
      assert.equal(q.status, 400);
      await q.body?.cancel();
    });
    await t.step("events record table and job activity", async () => {
      const text = await (await get(`${a.tapUrl}/event`, cookie)).text();
      for (const type of [300, 100, 4000, 4001, 4002]) {
        assert.match(text, new RegExp(`^${type}=\\d{13}$`, "m"));
      }
      const only = await (await get(`${a.tapUrl}/event?id=4000`, cookie)).text();
      assert.ok(only.trim().split("\n").every((l) => l.startsWith("4000=")));
    });
  } finally {
    await a.dispose();
  }
});

Deno.test("archive users: sharing groups and items grant read access to members only", async (t) => {
  const a = await startTestArchive();
  try {
    const ann = await login(a.url, ANN);
    const bob = await login(a.url, BOB);
    const vot = await (await postForm(
      `${a.tapUrl}/sync`,
      `REQUEST=doQuery&LANG=ADQL&FORMAT=votable_plain&QUERY=${encodeURIComponent(SAMPLE)}`,
    )).text();
    const up = await upload(a, ann, { TABLE_NAME: "shared" }, {
      filename: "pytable",
      content: vot,
    });
    assert.equal(up.status, 200);
    await up.body?.cancel();
    await t.step("bob cannot read user_ann.shared before it is shared", async () => {
      const res = await syncCsv(a, "SELECT * FROM user_ann.shared", bob);
      assert.equal(res.status, 403);
      assert.match(await res.text(), /user_ann.shared/);
    });
    let groupId = "";
    await t.step(
      "users endpoint, group creation (raw form body, astroquery's stray resource_type)",
      async () => {
        assert.equal(await (await get(`${a.tapUrl}/users?USER=bob`, ann)).text(), "bob:bob");
        assert.equal(await (await get(`${a.tapUrl}/users?USER=nobody`, ann)).text(), "");
        const res = await postForm(
          `${a.tapUrl}/share`,
          "action=CreateOrUpdateGroup&resource_type=0&title=my team & co&description=a b=c&users_list=bob",
          ann,
        );
        const text = await res.text();
        assert.equal(res.status, 200, text);
        groupId = /Group '([^']+)' successfully created/.exec(text)![1];
        assert.match(groupId, /^ann_\d+JC$/);
        const xml = await (await get(`${a.tapUrl}/share?action=GetGroups`, ann)).text();
        assert.ok(xml.includes(`<sharedGroup id="${groupId}" owner="ann">`));
        assert.ok(xml.includes('<user id="bob" name="bob"/>'));
      },
    );
    await t.step("share the table: bob can query it and see it with share_accessible", async () => {
      const res = await postForm(
        `${a.tapUrl}/share`,
        `action=CreateOrUpdateItem&resource_type=0&title=user_ann.shared&description=d&items_list=${groupId}|Group|Read`,
        ann,
      );
      const text = await res.text();
      assert.equal(res.status, 200, text);
      assert.match(text, /^OK\nResource '\w+' \(type '0'\) successfully created\.$/);
      const q = await syncCsv(a, "SELECT COUNT(*) FROM user_ann.shared", bob);
      assert.equal(q.status, 200);
      assert.equal((await q.text()).trim().split(/\r?\n/)[1], "6");
      const without = await (await get(`${a.tapUrl}/tables?only_tables=true`, bob)).text();
      assert.ok(!without.includes("user_ann.shared"));
      const withShared =
        await (await get(`${a.tapUrl}/tables?only_tables=true&share_accessible=true`, bob)).text();
      assert.ok(withShared.includes("user_ann.shared"));
      const items = await (await get(`${a.tapUrl}/share?action=GetSharedItems`, ann)).text();
      assert.ok(
        items.includes(`<sharedToItem shareTo="${groupId}" shareType="Group" shareMode="Read"/>`),
      );
    });
    await t.step("bob cannot share, delete or edit ann's table", async () => {
      const s = await postForm(
        `${a.tapUrl}/share`,
        `action=CreateOrUpdateItem&resource_type=0&title=user_ann.shared&items_list=${groupId}|Group|Read`,
        bob,
      );
      assert.equal(s.status, 403);
      await s.body?.cancel();
      const d = await postForm(
        `${a.url}/tap-server/Upload`,
        "TABLE_NAME=user_ann.shared&DELETE=TRUE",
        bob,
      );
      assert.equal(d.status, 403);
      await d.body?.cancel();
      const e = await postForm(
        `${a.url}/tap-server/TableTool`,
        "ACTION=radec&TABLE_NAME=user_ann.shared&RA=ra&DEC=dec",
        bob,
      );
      assert.equal(e.status, 403);
      await e.body?.cancel();
      const g = await postForm(`${a.tapUrl}/share`, `action=RemoveGroup&group_id=${groupId}`, bob);
      assert.equal(g.status, 403);
      await g.body?.cancel();
    });
    await t.step("a shared table needs FORCE_REMOVAL to be deleted", async () => {
      const r = await postForm(
        `${a.url}/tap-server/Upload`,
        "TABLE_NAME=user_ann.shared&DELETE=TRUE&FORCE_REMOVAL=FALSE",
        ann,
      );
      assert.equal(r.status, 409);
      await r.body?.cancel();
    });
    await t.step("removing bob from the group (full users_list) revokes access", async () => {
      const res = await postForm(
        `${a.tapUrl}/share`,
        `action=CreateOrUpdateGroup&group_id=${groupId}&title=my team & co&description=x&users_list=`,
        ann,
      );
      assert.equal(res.status, 200);
      await res.body?.cancel();
      const q = await syncCsv(a, "SELECT COUNT(*) FROM user_ann.shared", bob);
      assert.equal(q.status, 403);
      await q.body?.cancel();
      const events = await (await get(`${a.tapUrl}/event`, ann)).text();
      assert.match(events, /^220=/m);
      assert.match(events, /^221=/m);
      assert.match(events, /^210=/m);
    });
  } finally {
    await a.dispose();
  }
});

Deno.test("archive users: notifications are anonymous, empty by default and configurable", async () => {
  const a = await startTestArchive();
  const b = await startTestArchive({
    notifications: ["1653401204784D[type: -100,-1]=Local archive maintenance"],
  });
  try {
    const r1 = await get(`${a.tapUrl}/notification?action=GetNotifications`);
    assert.equal(r1.status, 200);
    assert.equal(await r1.text(), "");
    const r2 = await get(`${b.tapUrl}/notification?action=GetNotifications`);
    assert.equal(await r2.text(), "1653401204784D[type: -100,-1]=Local archive maintenance\n");
  } finally {
    await a.dispose();
    await b.dispose();
  }
});

Deno.test("archive users: crossmatch_positional through an async job", async () => {
  const a = await startTestArchive();
  try {
    const cookie = await login(a.url, ANN);
    const vot = await (await postForm(
      `${a.tapUrl}/sync`,
      `REQUEST=doQuery&LANG=ADQL&FORMAT=votable_plain&QUERY=${encodeURIComponent(SAMPLE)}`,
    )).text();
    const up = await upload(a, cookie, { TABLE_NAME: "xa" }, { filename: "pytable", content: vot });
    assert.equal(up.status, 200);
    await up.body?.cancel();
    const rd = await postForm(
      `${a.url}/tap-server/TableTool`,
      "ACTION=radec&TABLE_NAME=user_ann.xa&RA=ra&DEC=dec",
      cookie,
    );
    assert.equal(rd.status, 200);
    await rd.body?.cancel();
    const q =
      "SELECT crossmatch_positional('user_ann','xa','gaiadr3','gaia_source',1.0, 'xm') FROM dual;";
    const id = await submitAsync(a.url, q, {
      cookie,
      format: "votable_gzip",
      extra: "&jobname=xm",
    });
    assert.equal(await waitJob(a.url, id, cookie), "COMPLETED");
    const csv = await (await syncCsv(a, "SELECT COUNT(*) FROM user_ann.xm", cookie)).text();
    assert.ok(Number(csv.trim().split(/\r?\n/)[1]) >= 6, csv);
  } finally {
    await a.dispose();
  }
});
