import assert from "node:assert/strict";
import {
  ANN,
  astroqueryMultipart,
  bodyText,
  get,
  HEAVY_QUERY,
  login,
  postForm,
  startTestArchive,
  submitAsync,
  waitJob,
} from "./archive_helpers.ts";

async function spawnArchive(dir: string): Promise<{ child: Deno.ChildProcess; url: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./archive_crash_server.ts", import.meta.url).pathname, dir],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
    const m = /READY (http:\/\/\S+)/.exec(seen);
    if (m) {
      reader.releaseLock();
      child.stdout.cancel().catch(() => {});
      return { child, url: m[1] };
    }
  }
  child.kill("SIGKILL");
  throw new Error(`archive subprocess did not start: ${seen}`);
}

Deno.test("archive crash safety: SIGKILL mid-job, restart: results intact, running job ERROR, tables kept", async () => {
  const dir = await Deno.makeTempDir({ prefix: "archive-crash-" });
  try {
    const { child, url } = await spawnArchive(dir);
    let killed = false;
    let finished: string, finishedBody: string, running: string;
    try {
      const ann = await login(url, ANN);
      const vot = await (await postForm(
        `${url}/tap-server/tap/sync`,
        `REQUEST=doQuery&LANG=ADQL&FORMAT=votable_plain&QUERY=${
          encodeURIComponent(
            "SELECT TOP 5 source_id, ra, dec FROM gaiadr3.gaia_source ORDER BY source_id",
          )
        }`,
      )).text();
      const { contentType, body } = astroqueryMultipart({ TABLE_NAME: "kept" }, [
        { name: "FILE", filename: "pytable", content: vot },
      ]);
      const up = await fetch(`${url}/tap-server/Upload`, {
        method: "POST",
        headers: { "content-type": contentType, cookie: ann },
        body,
      });
      assert.equal(up.status, 200, await up.text());
      finished = await submitAsync(
        url,
        "SELECT TOP 9 source_id FROM gaiadr3.gaia_source ORDER BY source_id",
        {
          cookie: ann,
          format: "votable",
        },
      );
      assert.equal(await waitJob(url, finished, ann), "COMPLETED");
      finishedBody = await bodyText(
        await get(`${url}/tap-server/tap/async/${finished}/results/result`, ann),
      );
      running = await submitAsync(url, HEAVY_QUERY, { cookie: ann });
      const xml =
        await (await get(`${url}/tap-server/tap/async/${running}?WAIT=20&PHASE=QUEUED`, ann))
          .text();
      assert.match(xml, /<uws:phase>EXECUTING<\/uws:phase>/);
      child.kill("SIGKILL");
      killed = true;
      const st = await child.status;
      assert.equal(st.signal, "SIGKILL");
    } finally {
      if (!killed) {
        child.kill("SIGKILL");
        await child.status;
      }
    }
    // a half-written job folder left by the crash must not be served
    await Deno.mkdir(`${dir}/jobs/1000000000000L`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/jobs/1000000000000L/job.json`,
      '{"jobId":"1000000000000L","pha',
    );
    await Deno.writeTextFile(`${dir}/jobs/${finished!}/job.json.tmp-1-2-3`, "partial");

    const a = await startTestArchive({ dataDir: dir });
    try {
      assert.deepEqual(a.recoveredJobs, [running!]);
      const ann = await login(a.url, ANN);
      const job = await (await get(`${a.tapUrl}/async/${running!}`, ann)).text();
      assert.match(job, /<uws:phase>ERROR<\/uws:phase>/);
      assert.match(job, /archive restarted while the job was running/);
      const err = await (await get(`${a.tapUrl}/async/${running!}/error`, ann)).text();
      assert.match(err, /archive restarted while the job was running/);
      assert.equal(
        await bodyText(await get(`${a.tapUrl}/async/${finished!}/results/result`, ann)),
        finishedBody!,
      );
      const q = await postForm(
        `${a.tapUrl}/sync`,
        `REQUEST=doQuery&LANG=ADQL&FORMAT=csv&QUERY=${
          encodeURIComponent("SELECT COUNT(*) AS n FROM user_ann.kept")
        }`,
        ann,
      );
      assert.equal((await q.text()).trim().split(/\r?\n/)[1], "5");
      const broken = await get(`${a.tapUrl}/async/1000000000000L`);
      assert.equal(broken.status, 404);
      await broken.body?.cancel();
      let leftovers = 0;
      for await (const e of Deno.readDir(`${dir}/jobs/${finished!}`)) {
        if (e.name.includes(".tmp-")) leftovers++;
      }
      assert.equal(leftovers, 0);
    } finally {
      await a.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
