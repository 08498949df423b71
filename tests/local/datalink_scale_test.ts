/**
 * DataLink at scale against the local archive (functional, not timed): a few
 * thousand IDs in many chunks with bounded concurrency, the per-ID manifest,
 * monotonic progress, cancellation mid-batch (no request after the abort,
 * counted at the server), and nothing written to disk without `saveTo`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type ArchiveRequestInfo, startArchive } from "../../lib/archive/server.ts";
import { type DataLinkProgress, GaiaDataLink } from "../../lib/datalink/mod.ts";
import { HttpClient } from "../../lib/http/mod.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A data-server request as the archive saw it: arrival and answer times (performance.now()). */
interface Seen {
  path: string;
  status: number;
  arrived: number;
  answered: number;
}

async function csvIds(tapUrl: string, query: string): Promise<bigint[]> {
  const body = new URLSearchParams({
    REQUEST: "doQuery",
    LANG: "ADQL",
    FORMAT: "csv",
    MAXREC: "100000",
    QUERY: query,
  });
  const res = await fetch(`${tapUrl}/sync`, { method: "POST", body });
  const text = await res.text();
  assert.equal(res.status, 200, text.slice(0, 300));
  return text.trim().split(/\r?\n/).slice(1).map((s) => BigInt(s.replace(/"/g, "")));
}

/** Largest number of intervals open at once. */
function maxOverlap(xs: { arrived: number; answered: number }[]): number {
  const ev = xs.flatMap((x) => [[x.arrived, 1], [x.answered, -1]] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0, max = 0;
  for (const [, d] of ev) max = Math.max(max, cur += d);
  return max;
}

async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

Deno.test("GaiaDataLink.load() at scale: chunks, manifest, progress, abort, no files", async (t) => {
  const seen: Seen[] = [];
  const dataDir = await Deno.makeTempDir({ prefix: "deno-gaia-dl-scale-" });
  const archive = await startArchive({
    rows: 30_000,
    dataDir,
    onRequest: (info: ArchiveRequestInfo) => {
      if (!info.path.endsWith("/data-server/data")) return;
      const now = performance.now();
      seen.push({ path: info.path, status: info.status, arrived: now - info.ms, answered: now });
    },
  });
  try {
    const tap = archive.tapUrl;
    const withEpoch = await csvIds(
      tap,
      "SELECT source_id FROM gaiadr3.gaia_source WHERE has_epoch_photometry = 'True' ORDER BY source_id",
    );
    const without = await csvIds(
      tap,
      "SELECT TOP 2000 source_id FROM gaiadr3.gaia_source WHERE has_epoch_photometry = 'False' ORDER BY random_index",
    );
    assert.ok(withEpoch.length >= 300, `${withEpoch.length} sources with epoch photometry`);
    assert.equal(without.length, 2000);
    // Interleaved so that every chunk holds sources with and without a light curve.
    const ids: bigint[] = [];
    for (let i = 0; i < Math.max(withEpoch.length, without.length); i++) {
      if (i < without.length) ids.push(without[i]);
      if (i < withEpoch.length) ids.push(withEpoch[i]);
    }
    assert.ok(ids.length >= 2300);
    const dl = new GaiaDataLink({ dataServer: archive.dataUrl });

    await t.step(
      "many chunks, bounded concurrency, correct manifest, monotonic progress",
      async () => {
        seen.length = 0;
        const events: DataLinkProgress[] = [];
        // A user-table reference without a data-server login: the archive refuses
        // it (401), which must fail that reference alone.
        const refused = "user_nobody.sources.source_id";
        const chunkSize = 250;
        const res = await dl.load([...ids, refused], {
          retrieval: "EPOCH_PHOTOMETRY",
          chunkSize,
          concurrency: 3,
          onProgress: (p) => events.push({ ...p }),
        });
        const chunks = Math.ceil(ids.length / chunkSize) + 1;
        // Requests at the server: one per chunk, never more than 3 at once.
        assert.equal(seen.length, chunks);
        assert.ok(maxOverlap(seen) <= 3, `up to ${maxOverlap(seen)} requests at once`);
        assert.equal(seen.filter((s) => s.status === 401).length, 1);
        // Manifest: every ID once, in the order asked.
        const m = res.manifest;
        assert.equal(m.entries.length, ids.length + 1);
        assert.deepEqual(m.entries.map((e) => e.id), [...ids.map(String), refused]);
        const want = new Set(withEpoch.map(String));
        assert.deepEqual(m.found.map((e) => e.id).sort(), [...want].sort());
        for (const e of m.found) assert.deepEqual(e.types, ["EPOCH_PHOTOMETRY"]);
        assert.equal(m.noProduct.length, without.length);
        assert.ok(m.noProduct.every((e) => !want.has(e.id)));
        assert.equal(m.failed.length, 1);
        assert.equal(m.failed[0].id, refused);
        assert.match(m.failed[0].error ?? "", /401/);
        assert.equal(m.ok, false);
        // The products: one light curve per found source, all in one table.
        assert.equal(res.size, withEpoch.length);
        assert.deepEqual(
          res.sourceIds.map(String).sort(),
          [...want].sort(),
        );
        const table = res.table("EPOCH_PHOTOMETRY");
        const sid = table.getChild("source_id")!;
        const inTable = new Set<string>();
        for (let i = 0; i < sid.length; i++) inTable.add(String(sid.get(i)));
        assert.equal(inTable.size, withEpoch.length);
        // Progress: non-decreasing, ends complete.
        assert.ok(events.length >= chunks);
        for (let i = 1; i < events.length; i++) {
          const a = events[i - 1], b = events[i];
          assert.ok(b.sourcesDone >= a.sourcesDone, `sourcesDone went back at event ${i}`);
          assert.ok(b.chunksDone >= a.chunksDone, `chunksDone went back at event ${i}`);
          assert.ok(b.bytes >= a.bytes, `bytes went back at event ${i}`);
          assert.equal(b.sourcesTotal, ids.length + 1);
          assert.equal(b.chunksTotal, chunks);
        }
        const last = events[events.length - 1];
        assert.equal(last.sourcesDone, ids.length + 1);
        assert.equal(last.chunksDone, chunks);
        assert.equal(last.bytes, res.bytes);
        assert.ok(res.bytes > 0);
      },
    );

    await t.step(
      "an AbortSignal mid-batch stops it: rejects, no request after the abort",
      async () => {
        seen.length = 0;
        const started: number[] = [];
        const http = new HttpClient({
          fetch: (input, init) => {
            started.push(performance.now());
            return fetch(input, init);
          },
        });
        const counted = new GaiaDataLink({ dataServer: archive.dataUrl, http });
        const ctrl = new AbortController();
        let abortedAt = Infinity;
        let doneAtAbort = 0;
        const chunkSize = 100;
        const total = Math.ceil(ids.length / chunkSize);
        const run = counted.load(ids, {
          retrieval: "EPOCH_PHOTOMETRY",
          chunkSize,
          concurrency: 2,
          signal: ctrl.signal,
          onProgress: (p) => {
            if (p.chunksDone >= 2 && !ctrl.signal.aborted) {
              doneAtAbort = p.chunksDone;
              abortedAt = performance.now();
              ctrl.abort(new DOMException("stopped by the test", "AbortError"));
            }
          },
        });
        // Bounded wait (generous: it is a hang detector, not a timing check).
        let timer: ReturnType<typeof setTimeout> | undefined;
        const hang = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("load() did not stop within 60 s")), 60_000);
        });
        try {
          await assert.rejects(
            Promise.race([run, hang]),
            (e) => e instanceof DOMException && e.name === "AbortError" && /test/.test(e.message),
          );
        } finally {
          clearTimeout(timer);
        }
        assert.ok(Number.isFinite(abortedAt), "the load finished before the test could abort it");
        // Every request was sent before the abort, at most `concurrency` beyond those done.
        assert.ok(started.every((s) => s <= abortedAt), "a request was sent after the abort");
        assert.ok(
          started.length <= doneAtAbort + 2,
          `${started.length} requests for ${doneAtAbort} chunks done`,
        );
        assert.ok(started.length < total);
        // The server saw no more than that, even after it finished answering.
        for (let i = 0; i < 600 && seen.length < started.length; i++) {
          await new Promise((r) => setTimeout(r, 50));
        }
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(seen.length, started.length);
      },
    );

    await t.step(
      "nothing is written to disk without saveTo (no write permission at all)",
      async () => {
        const cwd = await Deno.makeTempDir({ prefix: "deno-gaia-dl-cwd-" });
        const tmp = await Deno.makeTempDir({ prefix: "deno-gaia-dl-tmp-" });
        const idsFile = await Deno.makeTempFile({ prefix: "deno-gaia-dl-ids-" });
        try {
          await Deno.writeTextFile(idsFile, ids.slice(0, 600).join("\n"));
          const script = `
          import { GaiaDataLink } from ${JSON.stringify(`${ROOT}lib/datalink/mod.ts`)};
          const ids = Deno.readTextFileSync(Deno.args[1]).split("\\n").map(BigInt);
          const saveTo = Deno.args[2];
          const dl = new GaiaDataLink({ dataServer: Deno.args[0] });
          const r = await dl.load(ids, { retrieval: "EPOCH_PHOTOMETRY", chunkSize: 200,
            ...(saveTo ? { saveTo } : {}) });
          const df = await r.toPolars();
          console.log(JSON.stringify({ found: r.manifest.found.length, rows: df.height }));
        `;
          const run = (write: string[], extra: string[]) =>
            new Deno.Command(Deno.execPath(), {
              args: [
                "eval",
                "--config",
                `${ROOT}deno.json`,
                "--allow-net=127.0.0.1",
                "--allow-read",
                "--allow-env",
                "--allow-ffi",
                "--allow-sys",
                ...write,
                script,
                archive.dataUrl,
                idsFile,
                ...extra,
              ],
              cwd,
              env: { TMPDIR: tmp, TMP: tmp, TEMP: tmp },
              stdout: "piped",
              stderr: "piped",
            }).output();
          const out = await run([], []);
          const text = new TextDecoder().decode(out.stdout);
          assert.ok(out.success, new TextDecoder().decode(out.stderr).slice(-2000));
          const r = JSON.parse(text.trim().split("\n").pop()!);
          const expected = ids.slice(0, 600).filter((i) => withEpoch.includes(i)).length;
          assert.equal(r.found, expected);
          assert.ok(r.rows > expected);
          assert.deepEqual(await listing(cwd), [], "files appeared in the working directory");
          assert.deepEqual(await listing(tmp), [], "files appeared in the temporary directory");

          // The control: with saveTo (and write permission there) the raw answers are kept.
          const saved = await run([`--allow-write=${cwd}`], [`${cwd}/saved`]);
          assert.ok(saved.success, new TextDecoder().decode(saved.stderr).slice(-2000));
          assert.deepEqual(await listing(cwd), ["saved"]);
          assert.equal((await listing(`${cwd}/saved`)).length, 3);
          assert.deepEqual(await listing(tmp), []);
        } finally {
          await Deno.remove(cwd, { recursive: true }).catch(() => {});
          await Deno.remove(tmp, { recursive: true }).catch(() => {});
          await Deno.remove(idsFile).catch(() => {});
        }
      },
    );
  } finally {
    await archive.close();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
