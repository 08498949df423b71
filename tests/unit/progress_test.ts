import assert from "node:assert/strict";
import { type JupyterDisplayApi, Progress, progress } from "../../lib/notebook/progress.ts";

function fakeJupyter() {
  const calls: Array<
    {
      bundle: Record<string, unknown>;
      options: { raw: boolean; update?: boolean; display_id?: string };
    }
  > = [];
  const api: JupyterDisplayApi = {
    display(bundle, options) {
      calls.push({ bundle, options });
      return Promise.resolve();
    },
  };
  return { api, calls };
}

Deno.test("Progress in Jupyter shows one display and updates it in place", async () => {
  const { api, calls } = fakeJupyter();
  let t = 0;
  const p = new Progress({
    label: "Downloading result",
    unit: "bytes",
    total: 4000,
    jupyter: api,
    now: () => t,
    minInterval: 100,
  });
  assert.equal(p.mode, "jupyter");
  p.update({ done: 1000 });
  t = 50;
  p.update({ done: 2000 }); // throttled
  t = 200;
  p.update({ done: 3000, rows: 120 });
  await p.finish("120 rows");
  assert.equal(calls.length, 3);
  const id = calls[0].options.display_id;
  assert.ok(id && id.startsWith("deno-gaia-progress-"));
  assert.deepEqual(calls[0].options, { raw: true, display_id: id });
  for (const c of calls.slice(1)) {
    assert.deepEqual(c.options, { raw: true, update: true, display_id: id });
  }
  assert.match(String(calls[1].bundle["text/plain"]), /75%\s+3\.00 kB \/ 4\.00 kB · 120 rows/);
  assert.match(String(calls[2].bundle["text/html"]), /120 rows · 200 ms · done/);
});

Deno.test("Progress in a terminal redraws one line with carriage returns", async () => {
  const out: string[] = [];
  let t = 0;
  const p = progress("Waiting for job", {
    mode: "terminal",
    write: (s) => out.push(s),
    now: () => t,
    minInterval: 0,
  });
  p.update({ phase: "QUEUED" });
  t = 1500;
  p.update({ phase: "EXECUTING" });
  t = 2500;
  await p.finish();
  assert.ok(out.slice(0, 3).every((s) => s.startsWith("\r")));
  assert.match(out[0], /Waiting for job {2}QUEUED · 0 ms/);
  assert.match(out[1], /EXECUTING · 1\.5 s/);
  assert.match(out[2], /done/);
  assert.equal(out.at(-1), "\n");
});

Deno.test("Progress pads a shorter line so no old characters remain", () => {
  const out: string[] = [];
  const p = progress("x", {
    mode: "terminal",
    write: (s) => out.push(s),
    minInterval: 0,
    now: () => 0,
  });
  p.update({ message: "a long message here" });
  p.update({ message: "short" });
  assert.equal(out[1].length, out[0].length);
});

Deno.test("Progress is silent when not interactive and keeps its state", async () => {
  const p = progress("Loading", { mode: "silent", unit: "sources", total: 10 });
  p.update({ done: 4, failed: 1 });
  await p.finish();
  assert.equal(p.state.done, 4);
  assert.match(p.toText(), /4 \/ 10 sources · 1 failed/);
});

Deno.test("Progress.fail() shows the error and later updates are ignored", async () => {
  const { api, calls } = fakeJupyter();
  const p = new Progress({ label: "Query", jupyter: api, minInterval: 0 });
  p.update({ phase: "EXECUTING" });
  await p.fail(new TypeError("<b>boom</b>"));
  p.update({ phase: "COMPLETED" });
  assert.equal(calls.length, 2);
  assert.match(String(calls[1].bundle["text/html"]), /failed: TypeError: &lt;b&gt;boom&lt;\/b&gt;/);
});

Deno.test("Progress adapters map TAP and HTTP progress reports", () => {
  const p = progress("q", { mode: "silent", unit: "rows" });
  p.onQueryProgress({ stage: "waiting", phase: "QUEUED", loaded: 0, total: undefined, rows: 0 });
  assert.equal(p.state.phase, "QUEUED");
  p.onQueryProgress({ stage: "downloading", loaded: 5000, total: 10000, rows: 42 });
  assert.equal(p.state.phase, "downloading");
  assert.equal(p.state.done, 42);
  assert.equal(p.state.bytes, 5000);
  const d = progress("d", { mode: "silent", unit: "bytes" });
  d.onDownload({ loaded: 10, total: 40 });
  assert.match(d.toText(), /25%/);
});

Deno.test("Progress refuses an unknown mode, and jupyter mode outside a kernel", () => {
  assert.throws(() => progress("x", { mode: "loud" as "silent" }), RangeError);
  assert.throws(() => progress("x", { mode: "jupyter" }), /needs the Deno Jupyter kernel/);
});

Deno.test("Progress adapters map job waits and DataLink batches", () => {
  const p = progress("dl", { mode: "silent", unit: "sources" });
  p.onBatch({
    sourcesDone: 250,
    sourcesTotal: 1000,
    chunksDone: 1,
    chunksTotal: 4,
    bytes: 2_000_000,
  });
  assert.match(p.toText(), /\[█{6}░{18}\] 25%\s+250 \/ 1 000 sources · 2\.00 MB/);
  const j = progress("job", { mode: "silent" });
  j.onJob({ phase: "EXECUTING", elapsed: 1200 });
  assert.equal(j.state.phase, "EXECUTING");
});
