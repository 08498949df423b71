import assert from "node:assert/strict";
import { startArchive } from "../../lib/archive/server.ts";
import {
  ANN,
  astroqueryMultipart,
  BOB,
  get,
  HEAVY_QUERY,
  login,
  postForm,
  startTestArchive,
  submitAsync,
  waitJob,
} from "./archive_helpers.ts";

const SAMPLE = "SELECT TOP 4 source_id, ra, dec FROM gaiadr3.gaia_source ORDER BY source_id";

async function status(res: Promise<Response>): Promise<number> {
  const r = await res;
  await r.body?.cancel();
  return r.status;
}

Deno.test("archive security: nobody reads, queries, deletes or shares another user's tables or jobs", async (t) => {
  const a = await startTestArchive();
  try {
    const ann = await login(a.url, ANN);
    const bob = await login(a.url, BOB);
    const vot = await (await postForm(
      `${a.tapUrl}/sync`,
      `REQUEST=doQuery&LANG=ADQL&FORMAT=votable_plain&QUERY=${encodeURIComponent(SAMPLE)}`,
    )).text();
    const { contentType, body } = astroqueryMultipart({ TABLE_NAME: "secret", TASKID: "-1" }, [
      { name: "FILE", filename: "pytable", content: vot },
    ]);
    const up = await fetch(`${a.url}/tap-server/Upload`, {
      method: "POST",
      headers: { "content-type": contentType, cookie: ann },
      body,
    });
    assert.equal(up.status, 200, await up.text());
    const job = await submitAsync(a.url, SAMPLE, { cookie: ann, format: "csv" });
    assert.equal(await waitJob(a.url, job, ann), "COMPLETED");
    const jobUrl = `${a.tapUrl}/async/${job}`;
    const sync = (q: string, cookie?: string) =>
      postForm(
        `${a.tapUrl}/sync`,
        `REQUEST=doQuery&LANG=ADQL&FORMAT=csv&QUERY=${encodeURIComponent(q)}`,
        cookie,
      );

    for (
      const [who, cookie, expected] of [["anonymous", undefined, 401], ["bob", bob, 403]] as const
    ) {
      await t.step(
        `${who}: ann's job document, phase, results, parameters, error, owner`,
        async () => {
          for (
            const sub of [
              "",
              "/phase",
              "/results",
              "/results/result",
              "/parameters",
              "/error",
              "/owner",
            ]
          ) {
            assert.equal(await status(get(`${jobUrl}${sub}`, cookie)), expected, sub);
          }
        },
      );
      await t.step(`${who}: cannot abort, change or delete ann's job`, async () => {
        assert.equal(await status(postForm(`${jobUrl}/phase`, "PHASE=ABORT", cookie)), expected);
        assert.equal(await status(postForm(jobUrl, "ACTION=DELETE", cookie)), expected);
        assert.equal(
          await status(
            fetch(jobUrl, {
              method: "DELETE",
              headers: cookie ? { cookie } : {},
              redirect: "manual",
            }),
          ),
          expected,
        );
      });
      await t.step(`${who}: cannot query user_ann.secret or ann's job results`, async () => {
        const r = await sync("SELECT * FROM user_ann.secret", cookie);
        assert.equal(r.status, 403);
        assert.ok(!(await r.text()).includes(","), "no rows leak");
        for (
          const q of [
            `SELECT * FROM job_upload."job${job}"`,
            `SELECT * FROM "job_upload"."job${job}"`,
          ]
        ) {
          const r2 = await sync(q, cookie);
          assert.ok(r2.status === 403 || r2.status === 404, `${q}: ${r2.status}`);
          await r2.body?.cancel();
        }
      });
      await t.step(`${who}: user_ann tables not listed in tables`, async () => {
        const xml = await (await get(`${a.tapUrl}/tables?share_accessible=true`, cookie)).text();
        assert.ok(!xml.includes("user_ann"));
        assert.equal(await status(get(`${a.tapUrl}/tables?tables=user_ann.secret`, cookie)), 404);
      });
    }
    await t.step(
      "bob: deletejobs, Upload DELETE, TableTool, share on ann's things are refused",
      async () => {
        assert.equal(await status(postForm(`${a.tapUrl}/deletejobs`, `JOB_IDS=${job}`, bob)), 403);
        assert.equal(
          await status(
            postForm(`${a.url}/tap-server/Upload`, "TABLE_NAME=user_ann.secret&DELETE=TRUE", bob),
          ),
          403,
        );
        assert.equal(
          await status(
            postForm(
              `${a.url}/tap-server/TableTool`,
              "action=rename&table_name=user_ann.secret&new_table_name=x",
              bob,
            ),
          ),
          403,
        );
        assert.equal(
          await status(
            postForm(
              `${a.tapUrl}/share`,
              "action=CreateOrUpdateItem&title=user_ann.secret&items_list=g|Group|Read",
              bob,
            ),
          ),
          403,
        );
        const list = await (await get(`${a.tapUrl}/jobs/async`, bob)).text();
        assert.ok(!list.includes(job));
        assert.ok(!(await (await get(`${a.tapUrl}/async`, bob)).text()).includes(job));
      },
    );
    await t.step(
      "TAP_SCHEMA does not reveal ann's tables to bob or anonymous callers",
      async () => {
        for (const cookie of [bob, undefined]) {
          for (
            const q of [
              "SELECT table_name FROM tap_schema.tables",
              "SELECT table_name, column_name FROM tap_schema.columns",
            ]
          ) {
            const r = await sync(q, cookie);
            assert.equal(r.status, 200);
            assert.ok(!(await r.text()).includes("user_ann"), q);
          }
        }
      },
    );
    await t.step("anonymous: every TAP+ endpoint needs a login (401)", async () => {
      assert.equal(await status(postForm(`${a.tapUrl}/deletejobs`, `JOB_IDS=${job}`)), 401);
      assert.equal(
        await status(postForm(`${a.url}/tap-server/Upload`, "TABLE_NAME=x&DELETE=TRUE")),
        401,
      );
      assert.equal(await status(postForm(`${a.url}/tap-server/TableTool`, "ACTION=radec")), 401);
      assert.equal(await status(get(`${a.tapUrl}/share?action=GetGroups`)), 401);
      assert.equal(await status(get(`${a.tapUrl}/event`)), 401);
      assert.equal(await status(get(`${a.tapUrl}/users?USER=ann`)), 401);
      assert.equal(await status(get(`${a.tapUrl}/jobs/async`)), 401);
    });
    await t.step("a forged cookie is not a session", async () => {
      assert.equal(await status(get(`${a.tapUrl}/event`, "SESSION=forged")), 401);
      assert.equal(await status(get(`${jobUrl}`, "JSESSIONID=ABC")), 401);
    });
    await t.step("the job still exists and ann still reads it", async () => {
      assert.equal(await status(get(`${jobUrl}/results/result`, ann)), 200);
      assert.equal(await status(sync("SELECT * FROM user_ann.secret", ann)), 200);
    });
    await t.step("injection attempts in identifiers and strings fail cleanly", async () => {
      for (
        const q of [
          "SELECT * FROM gaiadr3.gaia_source WHERE designation = ''; DROP TABLE user_ann.secret; --'",
          'SELECT * FROM "user_ann"."secret"; DROP TABLE x',
          "SELECT * FROM user_ann.secret -- as bob",
        ]
      ) {
        const r = await sync(q, bob);
        assert.ok(r.status === 400 || r.status === 403, `${q}: ${r.status}`);
        await r.body?.cancel();
      }
      assert.equal(await status(sync("SELECT COUNT(*) FROM user_ann.secret", ann)), 200);
    });
  } finally {
    await a.dispose();
  }
});

Deno.test("archive security: path traversal cannot escape the data folder", async (t) => {
  const a = await startTestArchive();
  try {
    await Deno.writeTextFile(`${a.dataDir}/../outside-secret.txt`, "secret").catch(() => {});
    await t.step("job ids with ../ or encoded slashes", async () => {
      for (
        const p of [
          "/tap-server/tap/async/..%2F..%2Fetc%2Fpasswd",
          "/tap-server/tap/async/%2e%2e/%2e%2e/sharing.json",
          "/tap-server/tap/async/1700000000000L%2F..%2F..%2Fsharing.json/results/result",
          "/tap-server/tap/async/..%5C..%5Cx",
          "/tap-server/tap/async/1700000000000L%00/results/result",
        ]
      ) {
        const r = await fetch(`${a.url}${p}`);
        assert.ok(r.status === 400 || r.status === 404, `${p}: ${r.status}`);
        const text = await r.text();
        assert.ok(!text.includes("secret") && !text.includes("root:"), p);
      }
    });
    await t.step(
      "DataLink ids and job references with path pieces are rejected per id",
      async () => {
        const r = await postForm(
          `${a.dataUrl}/datalink/links`,
          "ID=../../etc/passwd,job:../../x.source_id",
        );
        assert.equal(r.status, 200);
        const xml = await r.text();
        assert.equal([...xml.matchAll(/UsageFault: invalid ID/g)].length, 2);
        const d = await postForm(`${a.dataUrl}/data`, "ID=../../etc/passwd&RETRIEVAL_TYPE=ALL");
        assert.equal(d.status, 400);
        await d.body?.cancel();
      },
    );
    await t.step("table names with path pieces are refused", async () => {
      const ann = await login(a.url, ANN);
      const { contentType, body } = astroqueryMultipart({ TABLE_NAME: "../../x" }, [
        { name: "FILE", filename: "../../etc/passwd", content: "a\n1\n" },
      ]);
      const r = await fetch(`${a.url}/tap-server/Upload`, {
        method: "POST",
        headers: { "content-type": contentType, cookie: ann },
        body,
      });
      assert.equal(r.status, 400);
      await r.body?.cancel();
    });
  } finally {
    await Deno.remove(`${a.dataDir}/../outside-secret.txt`).catch(() => {});
    await a.dispose();
  }
});

Deno.test("archive security: limits give clear errors", async (t) => {
  const a = await startTestArchive({
    limits: {
      maxUploadBytes: 4096,
      maxQueryLength: 300,
      maxJobsPerUser: 2,
      maxDatalinkIds: 3,
      maxRows: 10,
    },
  });
  try {
    const ann = await login(a.url, ANN);
    await t.step("upload size", async () => {
      const { contentType, body } = astroqueryMultipart({ TABLE_NAME: "big" }, [
        { name: "FILE", filename: "big.csv", content: "a\n" + "1\n".repeat(5000) },
      ]);
      const r = await fetch(`${a.url}/tap-server/Upload`, {
        method: "POST",
        headers: { "content-type": contentType, cookie: ann },
        body,
      });
      assert.equal(r.status, 413);
      assert.match(await r.text(), /upload limit of 4096 bytes \(limits.maxUploadBytes\)/);
    });
    await t.step("query length", async () => {
      const q = `SELECT source_id FROM gaiadr3.gaia_source WHERE source_id IN (${
        "1,".repeat(200)
      }1)`;
      const r = await postForm(
        `${a.tapUrl}/sync`,
        `REQUEST=doQuery&LANG=ADQL&QUERY=${encodeURIComponent(q)}`,
      );
      assert.equal(r.status, 400);
      assert.match(await r.text(), /limits.maxQueryLength/);
    });
    await t.step("result rows are capped at limits.maxRows with OVERFLOW", async () => {
      const r = await postForm(
        `${a.tapUrl}/sync`,
        `REQUEST=doQuery&LANG=ADQL&FORMAT=votable_plain&MAXREC=1000&QUERY=${
          encodeURIComponent("SELECT source_id FROM gaiadr3.gaia_source")
        }`,
      );
      const xml = await r.text();
      assert.equal([...xml.matchAll(/<TR>/g)].length, 10);
      assert.match(xml, /value="OVERFLOW"/);
    });
    await t.step("jobs per user", async () => {
      await submitAsync(a.url, "SELECT TOP 1 source_id FROM gaiadr3.gaia_source", {
        cookie: ann,
        run: false,
      });
      await submitAsync(a.url, "SELECT TOP 1 source_id FROM gaiadr3.gaia_source", {
        cookie: ann,
        run: false,
      });
      const r = await postForm(
        `${a.tapUrl}/async`,
        "REQUEST=doQuery&LANG=ADQL&QUERY=SELECT 1 FROM dual",
        ann,
      );
      assert.equal(r.status, 403);
      assert.match(await r.text(), /Job limit reached: ann already keeps 2 jobs \(limit 2\)/);
    });
    await t.step("DataLink ids per request", async () => {
      const r = await postForm(`${a.dataUrl}/datalink/links`, "ID=1,2,3,4");
      assert.equal(r.status, 400);
      assert.match(await r.text(), /Maximum number of Source Ids reached/);
    });
  } finally {
    await a.dispose();
  }
});

Deno.test("archive security: one user's simultaneous sync queries are capped (429 + Retry-After)", async () => {
  const a = await startTestArchive({ limits: { maxSyncPerUser: 1, maxExecutionSeconds: 5 } });
  try {
    const ann = await login(a.url, ANN);
    const bob = await login(a.url, BOB);
    const heavy = HEAVY_QUERY;
    const sync = (q: string, cookie: string) =>
      postForm(
        `${a.tapUrl}/sync`,
        `REQUEST=doQuery&LANG=ADQL&FORMAT=csv&QUERY=${encodeURIComponent(q)}`,
        cookie,
      );
    let firstDone = false;
    const first = sync(heavy, ann).then((r) => {
      firstDone = true;
      return r;
    });
    let second: Response | undefined;
    for (let i = 0; i < 100 && !firstDone; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const r = await sync("SELECT TOP 1 source_id FROM gaiadr3.gaia_source", ann);
      if (r.status === 429) {
        second = r;
        break;
      }
      await r.body?.cancel();
    }
    assert.ok(second, "a second simultaneous query of ann is refused while the first runs");
    assert.equal(second.headers.get("retry-after"), "5");
    assert.match(
      await second.text(),
      /Too many simultaneous synchronous queries for ann \(limit 1/,
    );
    const other = await sync("SELECT TOP 1 source_id FROM gaiadr3.gaia_source", bob);
    assert.equal(other.status, 200, "other users are still served");
    await other.body?.cancel();
    await (await first).body?.cancel();
    const again = await sync("SELECT TOP 1 source_id FROM gaiadr3.gaia_source", ann);
    assert.equal(again.status, 200, "the slot is released when the query ends");
    await again.body?.cancel();
  } finally {
    await a.dispose();
  }
});

Deno.test("archive security: binding to a non-loopback interface is refused by default", async () => {
  await assert.rejects(() => startArchive({ hostname: "0.0.0.0" }), RangeError);
});

Deno.test("archive load: 8 concurrent clients get complete, correct results while one user runs a heavy job", async () => {
  const a = await startTestArchive();
  let guard: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    guard = setTimeout(() => reject(new Error("load test exceeded its 180 s bound")), 180_000);
  });
  try {
    const ann = await login(a.url, ANN);
    const heavy = await submitAsync(
      a.url,
      HEAVY_QUERY,
      { cookie: ann },
    );
    const seeds = await (await postForm(
      `${a.tapUrl}/sync`,
      `REQUEST=doQuery&LANG=ADQL&FORMAT=csv&QUERY=${
        encodeURIComponent("SELECT TOP 8 ra, dec FROM gaiadr3.gaia_source ORDER BY random_index")
      }`,
    )).text();
    const centres = seeds.trim().split(/\r?\n/).slice(1).map((l) => l.split(",").map(Number));
    assert.equal(centres.length, 8);
    const query = ([ra, dec]: number[]) =>
      `SELECT source_id, ra, dec FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', ${ra}, ${dec}, 2)) ORDER BY source_id`;
    const run = async (c: number[]) => {
      const r = await postForm(
        `${a.tapUrl}/sync`,
        `REQUEST=doQuery&LANG=ADQL&FORMAT=csv&QUERY=${encodeURIComponent(query(c))}`,
      );
      assert.equal(r.status, 200);
      return await r.text();
    };
    const expected: string[] = [];
    for (const c of centres) expected.push(await run(c));
    for (const [i, c] of centres.entries()) {
      const count = await (await postForm(
        `${a.tapUrl}/sync`,
        `REQUEST=doQuery&LANG=ADQL&FORMAT=csv&QUERY=${
          encodeURIComponent(
            query(c).replace("source_id, ra, dec", "COUNT(*) AS n").replace(
              " ORDER BY source_id",
              "",
            ),
          )
        }`,
      )).text();
      const n = Number(count.trim().split(/\r?\n/)[1]);
      assert.ok(n > 0, "every cone has rows");
      assert.equal(
        expected[i].trim().split(/\r?\n/).length - 1,
        n,
        "the serial answer is complete",
      );
    }
    const rounds = 3;
    const all = await Promise.race([
      timeout,
      Promise.all(centres.map(async (c, i) => {
        const got: string[] = [];
        for (let k = 0; k < rounds; k++) got.push(await run(c));
        return got.map((g) => g === expected[i]);
      })),
    ]);
    assert.ok(all.flat().every(Boolean), "every concurrent answer equals the serial one");
    const phase = await (await get(`${a.tapUrl}/async/${heavy}/phase`, ann)).text();
    assert.ok(["QUEUED", "EXECUTING", "COMPLETED"].includes(phase), phase);
    await (await postForm(`${a.tapUrl}/async/${heavy}/phase`, "PHASE=ABORT", ann)).body?.cancel();
  } finally {
    clearTimeout(guard);
    await a.dispose();
  }
});

Deno.test("archive security: a non-loopback Host header is refused (DNS rebinding)", async () => {
  const a = await startTestArchive();
  try {
    const port = new URL(a.url).port;
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
    await conn.write(new TextEncoder().encode(
      `GET /tap-server/tap/availability HTTP/1.1\r\nHost: evil.example:${port}\r\nConnection: close\r\n\r\n`,
    ));
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(4096);
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      chunks.push(buf.slice(0, n));
    }
    conn.close();
    const answer = new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
    assert.match(answer, /^HTTP\/1\.1 403/);
    assert.match(answer, /Host 'evil.example:\d+' refused/);
    const ok = await get(`${a.tapUrl}/availability`);
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    const local = await fetch(`http://localhost:${port}/tap-server/tap/availability`).catch(() =>
      undefined
    );
    if (local) {
      assert.equal(local.status, 200);
      await local.body?.cancel();
    }
  } finally {
    await a.dispose();
  }
});
