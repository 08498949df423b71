/**
 * Fuzzing every reader and the ADQL parser with mutated fixtures (issue 10):
 * only typed errors, no hangs, no allocation from lying lengths. CI runs
 * FUZZ_CASES (default 10 000) cases per target with a fixed seed;
 * `deno task fuzz --long` runs a million. A failure prints the case index:
 * rerun it with FUZZ_SEED / FUZZ_ONLY to reproduce, then keep it as a
 * regression fixture in tests/fuzz/regressions/.
 */
import assert from "node:assert/strict";
import { TARGETS } from "./targets.ts";
import type { FuzzMessage, FuzzRequest } from "./worker.ts";

const CASES = Number(Deno.env.get("FUZZ_CASES") ?? 10_000);
const SEED = Number(Deno.env.get("FUZZ_SEED") ?? 20160);
const ONLY = Deno.env.get("FUZZ_ONLY");
/** A case that takes longer than this is a hang. Generous: machines are shared. */
const STALL_MS = Number(Deno.env.get("FUZZ_STALL_MS") ?? 30_000);
const FIXTURES = Deno.env.get("FIXTURES_DIR") ??
  decodeURIComponent(new URL("../../../shared/fixtures", import.meta.url).pathname);

function runTarget(target: string): Promise<Extract<FuzzMessage, { type: "done" }>> {
  const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  return new Promise((resolve, reject) => {
    let last = -1;
    let lastAt = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - lastAt > STALL_MS) {
        clearInterval(timer);
        worker.terminate();
        reject(
          new Error(
            `Fuzz target "${target}" hung on case ${last} (seed ${SEED}) for over ${STALL_MS} ms`,
          ),
        );
      }
    }, 500);
    worker.onmessage = (ev: MessageEvent<FuzzMessage>) => {
      const m = ev.data;
      if (m.type === "progress") {
        last = m.current;
        lastAt = Date.now();
      } else {
        clearInterval(timer);
        worker.terminate();
        resolve(m);
      }
    };
    worker.onerror = (e) => {
      clearInterval(timer);
      worker.terminate();
      e.preventDefault();
      reject(new Error(`Fuzz worker for "${target}" crashed: ${e.message}`));
    };
    worker.postMessage(
      { target, seed: SEED, cases: CASES, fixturesDir: FIXTURES } satisfies FuzzRequest,
    );
  });
}

for (const name of Object.keys(TARGETS)) {
  Deno.test({
    name: `fuzz: ${name} rejects ${CASES} mutated inputs only with typed errors`,
    ignore: ONLY !== undefined && ONLY !== name,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const r = await runTarget(name);
      assert.deepEqual(
        r.unexpected,
        [],
        `unexpected errors (seed ${SEED}):\n${
          r.unexpected.map((u) => `#${u.caseIndex} ${u.what}: ${u.error}`).join("\n")
        }`,
      );
      // The mutations must really reach the error paths, or the fuzzer tests nothing.
      assert.ok(r.rejected > 0, `no mutated input was rejected by ${name}`);
    },
  });
}
