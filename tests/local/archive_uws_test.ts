import assert from "node:assert/strict";
import {
  ANN,
  bodyText,
  get,
  HEAVY_QUERY,
  login,
  postForm,
  startTestArchive,
  submitAsync,
  waitJob,
} from "./archive_helpers.ts";

const Q = "SELECT TOP 7 source_id, ra FROM gaiadr3.gaia_source ORDER BY source_id";

Deno.test("archive uws: create (303), run, WAIT, complete, results, documents", async (t) => {
  const a = await startTestArchive();
  try {
    const res = await postForm(
      `${a.tapUrl}/async`,
      `REQUEST=doQuery&LANG=ADQL&FORMAT=csv&JOBNAME=first&QUERY=${encodeURIComponent(Q)}`,
    );
    assert.equal(res.status, 303);
    const location = res.headers.get("location")!;
    assert.match(location, new RegExp(`^${a.tapUrl}/async/\\d{13}[A-Z]+$`));
    const jobId = location.split("/").pop()!;
    await t.step("PENDING without PHASE=RUN; job XML with the uws: prefix", async () => {
      const xml = await (await get(location)).text();
      assert.match(xml, /<uws:job xmlns:uws="http:\/\/www.ivoa.net\/xml\/UWS\/v1.0"/);
      assert.ok(xml.includes(`<uws:jobId><![CDATA[${jobId}]]></uws:jobId>`));
      assert.match(xml, /<uws:phase>PENDING<\/uws:phase>/);
      assert.match(xml, /<uws:ownerId><!\[CDATA\[anonymous\]\]><\/uws:ownerId>/);
      assert.match(xml, /<uws:parameter id="query"><!\[CDATA\[SELECT TOP 7/);
      assert.match(xml, /<uws:parameter id="maxRec">/);
      assert.match(
        xml,
        /<uws:creationTime>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000<\/uws:creationTime>/,
      );
      assert.equal(await (await get(`${location}/phase`)).text(), "PENDING");
    });
    await t.step("a parameter can be changed while PENDING", async () => {
      const r = await postForm(location, "MAXREC=3");
      assert.equal(r.status, 200);
      await r.body?.cancel();
      assert.match(
        await (await get(`${location}/parameters`)).text(),
        /<uws:parameter id="maxRec"><!\[CDATA\[3\]\]>/,
      );
    });
    await t.step("PHASE=RUN answers 303 to the job; WAIT blocks until done", async () => {
      const r = await postForm(`${location}/phase`, "PHASE=RUN");
      assert.equal(r.status, 303);
      assert.equal(r.headers.get("location"), location);
      await r.body?.cancel();
      assert.equal(await waitJob(a.url, jobId), "COMPLETED");
    });
    await t.step("results list, result file, owner, destruction", async () => {
      const results = await (await get(`${location}/results`)).text();
      assert.match(
        results,
        /<uws:result id="result" xlink:type="simple" xlink:href="http%3A%2F%2F/,
      );
      assert.match(results, /rows="3"/);
      const r = await get(`${location}/results/result`);
      assert.equal(r.status, 200);
      assert.match(r.headers.get("content-type")!, /text\/csv/);
      const csv = await r.text();
      assert.equal(csv.trim().split(/\r?\n/).length, 4);
      assert.equal(await (await get(`${location}/owner`)).text(), "anonymous");
      assert.match(await (await get(`${location}/destruction`)).text(), /\+0000$/);
      assert.match(await (await get(`${location}/executionduration`)).text(), /^\d+$/);
    });
    await t.step("a finished job cannot be re-run or re-parameterised", async () => {
      const r = await postForm(location, "MAXREC=9");
      assert.equal(r.status, 400);
      assert.match(await r.text(), /not PENDING/);
    });
    await t.step("GET tap/async lists nothing for anonymous callers", async () => {
      const xml = await (await get(`${a.tapUrl}/async`)).text();
      assert.match(xml, /total="0"/);
    });
  } finally {
    await a.dispose();
  }
});

Deno.test("archive uws: a bad query ends in ERROR with /error in the archive's shape", async () => {
  const a = await startTestArchive();
  try {
    const id = await submitAsync(a.url, "SELECT nothing FROM gaiadr3.gaia_source");
    assert.equal(await waitJob(a.url, id), "ERROR");
    const xml = await (await get(`${a.tapUrl}/async/${id}`)).text();
    assert.match(xml, /<uws:errorSummary type="fatal" hasDetail="true"><uws:message>/);
    const err = await get(`${a.tapUrl}/async/${id}/error`);
    assert.equal(err.status, 200);
    assert.match(
      await err.text(),
      /<INFO name="QUERY_STATUS" value="ERROR">Cannot parse query 'SELECT nothing/,
    );
    const res = await get(`${a.tapUrl}/async/${id}/results/result`);
    assert.equal(res.status, 400);
    await res.body?.cancel();
  } finally {
    await a.dispose();
  }
});

Deno.test("archive uws: abort (200), DELETE and ACTION=DELETE (303 to the list)", async () => {
  const a = await startTestArchive();
  try {
    const pending = await submitAsync(a.url, Q, { run: false });
    const ab = await postForm(`${a.tapUrl}/async/${pending}/phase`, "PHASE=ABORT");
    assert.equal(ab.status, 200);
    await ab.body?.cancel();
    assert.equal(await (await get(`${a.tapUrl}/async/${pending}/phase`)).text(), "ABORTED");

    const wrong = await fetch(`${a.tapUrl}/async/${pending}/phase`, { method: "DELETE" });
    assert.equal(wrong.status, 405);
    await wrong.body?.cancel();
    const d1 = await fetch(`${a.tapUrl}/async/${pending}`, {
      method: "DELETE",
      redirect: "manual",
    });
    assert.equal(d1.status, 303);
    assert.equal(d1.headers.get("location"), `${a.tapUrl}/async`);
    await d1.body?.cancel();
    const gone = await get(`${a.tapUrl}/async/${pending}`);
    assert.equal(gone.status, 404);
    await gone.body?.cancel();

    const done = await submitAsync(a.url, Q);
    await waitJob(a.url, done);
    const d2 = await postForm(`${a.tapUrl}/async/${done}`, "ACTION=DELETE");
    assert.equal(d2.status, 303);
    await d2.body?.cancel();
    const gone2 = await get(`${a.tapUrl}/async/${done}/results/result`);
    assert.equal(gone2.status, 404);
    await gone2.body?.cancel();
  } finally {
    await a.dispose();
  }
});

Deno.test("archive uws: a running heavy job can be aborted", async () => {
  const a = await startTestArchive();
  try {
    const heavy = HEAVY_QUERY;
    const id = await submitAsync(a.url, heavy);
    const xml = await (await get(`${a.tapUrl}/async/${id}?WAIT=10&PHASE=QUEUED`)).text();
    assert.match(xml, /<uws:phase>EXECUTING<\/uws:phase>/);
    const r = await postForm(`${a.tapUrl}/async/${id}/phase`, "PHASE=ABORT");
    assert.equal(r.status, 200);
    await r.body?.cancel();
    assert.equal(await waitJob(a.url, id), "ABORTED");
  } finally {
    await a.dispose();
  }
});

Deno.test("archive uws: TAP+ job list with order, offset, limit, filters; deletejobs", async () => {
  const a = await startTestArchive();
  try {
    const cookie = await login(a.url, ANN);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push(
        await submitAsync(a.url, `SELECT TOP ${i + 1} source_id FROM gaiadr3.gaia_source`, {
          cookie,
          extra: `&JOBNAME=job${i}`,
        }),
      );
    }
    for (const id of ids) assert.equal(await waitJob(a.url, id, cookie), "COMPLETED");
    const list =
      await (await get(`${a.tapUrl}/jobs/async?order=CREATION_TIME:ASC&offset=1&limit=2`, cookie))
        .text();
    assert.match(list, /total="4"/);
    const listed = [...list.matchAll(/<uws:jobId><!\[CDATA\[(\w+)\]\]>/g)].map((m) => m[1]);
    assert.deepEqual(listed, ids.slice(1, 3));
    const desc =
      await (await get(`${a.tapUrl}/jobs/async?order=CREATION_TIME:DESC&limit=1`, cookie)).text();
    assert.ok(desc.includes(ids[3]));
    const byName = await (await get(`${a.tapUrl}/jobs/async?metadata_only=True&name=job2`, cookie))
      .text();
    assert.match(byName, /total="1"/);
    assert.ok(byName.includes(ids[2]));
    const refs = await (await get(`${a.tapUrl}/async`, cookie)).text();
    assert.match(refs, /total="4"/);
    assert.match(
      refs,
      /<uws:jobref id="\w+" xlink:href="[^"]+"><uws:phase>COMPLETED<\/uws:phase><\/uws:jobref>/,
    );
    const bad = await get(`${a.tapUrl}/jobs/async?order=NOPE:ASC`, cookie);
    assert.equal(bad.status, 400);
    await bad.body?.cancel();

    const del = await postForm(`${a.tapUrl}/deletejobs`, `JOB_IDS=${ids[0]},${ids[1]}`, cookie);
    assert.equal(del.status, 200);
    await del.body?.cancel();
    assert.match(await (await get(`${a.tapUrl}/jobs/async`, cookie)).text(), /total="2"/);
  } finally {
    await a.dispose();
  }
});

Deno.test("archive uws: results and user jobs survive a restart on the same data folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "archive-restart-" });
  try {
    let a = await startTestArchive({ dataDir: dir });
    const cookie = await login(a.url, ANN);
    const id = await submitAsync(a.url, Q, { cookie, format: "votable_plain" });
    assert.equal(await waitJob(a.url, id, cookie), "COMPLETED");
    const before = await bodyText(await get(`${a.tapUrl}/async/${id}/results/result`, cookie));
    await a.close();
    a = await startTestArchive({ dataDir: dir });
    try {
      const cookie2 = await login(a.url, ANN);
      const xml = await (await get(`${a.tapUrl}/async/${id}`, cookie2)).text();
      assert.match(xml, /<uws:phase>COMPLETED<\/uws:phase>/);
      assert.equal(
        await bodyText(await get(`${a.tapUrl}/async/${id}/results/result`, cookie2)),
        before,
      );
      const q = await postForm(
        `${a.tapUrl}/sync`,
        `REQUEST=doQuery&LANG=ADQL&FORMAT=csv&QUERY=${
          encodeURIComponent(`SELECT COUNT(*) AS n FROM job_upload."job${id}"`)
        }`,
        cookie2,
      );
      const text = await q.text();
      assert.equal(q.status, 200, text);
      assert.equal(text.trim().split(/\r?\n/)[1], "7");
      // Deleting the job also drops its job_upload table.
      const del = await fetch(`${a.tapUrl}/async/${id}`, {
        method: "DELETE",
        headers: { cookie: cookie2 },
        redirect: "manual",
      });
      await del.body?.cancel();
      assert.ok(del.status < 400, `DELETE answered ${del.status}`);
      const gone = await postForm(
        `${a.tapUrl}/sync`,
        `REQUEST=doQuery&LANG=ADQL&FORMAT=csv&QUERY=${
          encodeURIComponent(`SELECT COUNT(*) AS n FROM job_upload."job${id}"`)
        }`,
        cookie2,
      );
      const goneText = await gone.text();
      assert.notEqual(gone.status, 200, goneText);
      assert.match(goneText, new RegExp(id));
    } finally {
      await a.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
