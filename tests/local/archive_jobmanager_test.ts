import assert from "node:assert/strict";
import {
  JobManager,
  type JobManagerOptions,
  type JobOutput,
  type JobRunner,
  RESTART_MESSAGE,
} from "../../lib/archive/server/uws.ts";
import { parseFormBody, parseMultipart, RequestParams } from "../../lib/archive/server/params.ts";
import { SessionStore } from "../../lib/archive/server/sessions.ts";

const output = (rows: number): JobOutput => ({
  bytes: new TextEncoder().encode("x\n".repeat(rows + 1)),
  mime: "text/csv",
  ext: "csv",
  gzip: false,
  rows,
  arrow: new Uint8Array([1, 2, 3]),
});

async function withManager(
  runner: JobRunner,
  fn: (m: JobManager, dir: string) => Promise<void>,
  opts: {
    workers?: number;
    maxExecutionSeconds?: number;
    onChange?: JobManagerOptions["onChange"];
  } = {},
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "jobs-" });
  const m = await JobManager.open({
    dir,
    runner,
    workers: opts.workers ?? 2,
    maxExecutionSeconds: opts.maxExecutionSeconds ?? 0,
    onChange: opts.onChange,
  });
  try {
    await fn(m, dir);
  } finally {
    await m.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("JobManager runs at most `workers` jobs at once and keeps queue order", async () => {
  let running = 0, peak = 0;
  const order: string[] = [];
  const gate = Promise.withResolvers<void>();
  const runner: JobRunner = async (_job) => {
    running++;
    peak = Math.max(peak, running);
    await gate.promise; // every job waits until all six are queued: no timing involved
    running--;
    return output(1);
  };
  await withManager(runner, async (m) => {
    const ids = [];
    for (let i = 0; i < 6; i++) {
      ids.push((await m.create("anonymous", { query: `q${i}` }, {})).jobId);
    }
    for (const id of ids) await m.start(id);
    assert.deepEqual(ids.map((id) => m.get(id)!.phase), [
      "EXECUTING",
      "EXECUTING",
      "QUEUED",
      "QUEUED",
      "QUEUED",
      "QUEUED",
    ]);
    gate.resolve();
    for (const id of ids) {
      let j = m.get(id)!;
      while (!["COMPLETED", "ERROR"].includes(j.phase)) j = await m.waitFor(id, j.phase, 5000);
      assert.equal(j.phase, "COMPLETED");
    }
    assert.equal(peak, 2);
    assert.deepEqual(order, ["q0", "q1", "q2", "q3", "q4", "q5"]);
  }, {
    workers: 2,
    onChange: (job, kind) => {
      if (kind === "updated" && job.phase === "EXECUTING") order.push(job.parameters.query);
    },
  });
});

Deno.test("JobManager: the execution time limit ends a job in ERROR naming the limit", async () => {
  const runner: JobRunner = (_job, _u, signal) =>
    new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
  await withManager(runner, async (m) => {
    const job = await m.create("ann", { query: "slow" }, {});
    await m.start(job.jobId);
    let j = job;
    while (!["COMPLETED", "ERROR", "ABORTED"].includes(j.phase)) {
      j = await m.waitFor(job.jobId, j.phase, 10_000);
    }
    assert.equal(j.phase, "ERROR");
    assert.match(j.error!, /execution time limit of 1 s/);
  }, { maxExecutionSeconds: 1 });
});

Deno.test("JobManager: uploads are kept beside the job and handed to the runner", async () => {
  let seen = "";
  const runner: JobRunner = (_job, uploads) => {
    seen = new TextDecoder().decode(uploads.t1);
    return Promise.resolve(output(0));
  };
  await withManager(runner, async (m) => {
    const job = await m.create("anonymous", { query: "q" }, {
      t1: new TextEncoder().encode("<VOTABLE/>"),
    });
    await m.start(job.jobId);
    while (m.get(job.jobId)!.phase !== "COMPLETED") {
      await m.waitFor(job.jobId, m.get(job.jobId)!.phase, 5000);
    }
    assert.equal(seen, "<VOTABLE/>");
  });
});

Deno.test("JobManager: a restart marks QUEUED/EXECUTING jobs ERROR and skips unreadable folders", async () => {
  const dir = await Deno.makeTempDir({ prefix: "jobs-" });
  try {
    const block: JobRunner = (_job, _u, signal) =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
    const m1 = await JobManager.open({ dir, runner: block, workers: 1, maxExecutionSeconds: 0 });
    const a = await m1.create("ann", { query: "a" }, {});
    const b = await m1.create("ann", { query: "b" }, {});
    await m1.start(a.jobId);
    await m1.start(b.jobId);
    await m1.waitFor(a.jobId, "QUEUED", 2000);
    assert.equal(m1.get(a.jobId)!.phase, "EXECUTING");
    assert.equal(m1.get(b.jobId)!.phase, "QUEUED");
    // simulate a crash: never call close(); open a second manager on the same folder
    await Deno.mkdir(`${dir}/1000000000000L`);
    await Deno.writeTextFile(`${dir}/1000000000000L/job.json`, "{ not json");
    const m2 = await JobManager.open({
      dir,
      runner: () => Promise.resolve(output(0)),
      workers: 1,
      maxExecutionSeconds: 0,
    });
    assert.deepEqual(new Set(m2.recovered), new Set([a.jobId, b.jobId]));
    assert.deepEqual(m2.unreadable, ["1000000000000L"]);
    assert.equal(m2.get(a.jobId)!.error, RESTART_MESSAGE);
    assert.equal(m2.get("1000000000000L"), undefined);
    await m2.close();
    await m1.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("JobManager: list filters, orders and pages one owner's jobs", async () => {
  await withManager(() => Promise.resolve(output(0)), async (m) => {
    for (const [owner, name] of [["ann", "x1"], ["bob", "x2"], ["ann", "y3"], ["ann", "x4"]]) {
      await m.create(owner, { query: `SELECT ${name}` }, {}, name);
    }
    assert.deepEqual(m.list("ann", { order: "JOB_NAME:ASC" }).jobs.map((j) => j.name), [
      "x1",
      "x4",
      "y3",
    ]);
    assert.deepEqual(
      m.list("ann", { jobname: "x", order: "CREATION_TIME:DESC" }).jobs.map((j) => j.name),
      ["x4", "x1"],
    );
    const page = m.list("ann", { offset: 1, limit: 1, order: "CREATION_TIME:ASC" });
    assert.equal(page.total, 3);
    assert.deepEqual(page.jobs.map((j) => j.name), ["y3"]);
    assert.throws(() => m.list("ann", { order: "SIZE:ASC" }), /Unknown order column 'SIZE'/);
  });
});

Deno.test("parseMultipart() rejects a truncated body with the byte offset", () => {
  const body = new TextEncoder().encode(
    '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue-without-end',
  );
  assert.throws(
    () => parseMultipart(body, "b", new RequestParams()),
    /no closing boundary \(truncated upload\?\)/,
  );
  assert.throws(
    () => parseMultipart(body, "other", new RequestParams()),
    /boundary 'other' not found/,
  );
});

Deno.test("parseFormBody() tolerates raw spaces, colons, stray % and keeps the first value", () => {
  const p = new RequestParams();
  parseFormBody("JOB_IDS=1,2&title=50% off&Title=second&ID=Gaia DR3 1", p);
  assert.equal(p.get("job_ids"), "1,2");
  assert.equal(p.get("TITLE"), "50% off");
  assert.deepEqual(p.getAll("title"), ["50% off", "second"]);
  assert.equal(p.get("id"), "Gaia DR3 1");
});

Deno.test("SessionStore: sessions expire and end", () => {
  const s = new SessionStore(0);
  const session = s.create("ann", "tap-server");
  const req = new Request("http://x/", { headers: { cookie: `SESSION=${session.id}` } });
  const later = Date.now() + 5;
  while (Date.now() < later) { /* let the 0 ms lifetime pass */ }
  assert.equal(s.fromRequest(req, "tap-server"), undefined);
  const s2 = new SessionStore();
  const live = s2.create("ann", "tap-server");
  const req2 = new Request("http://x/", { headers: { cookie: `JSESSIONID=${live.jsessionId}` } });
  assert.equal(s2.fromRequest(req2, "tap-server")?.user, "ann");
  s2.end(live);
  assert.equal(s2.fromRequest(req2, "tap-server"), undefined);
});
