/// <reference lib="deno.worker" />
/**
 * Runs one fuzz target in a worker, so the test can stop it if a case hangs
 * (a synchronous infinite loop cannot be interrupted from the same thread).
 */
import { loadSeeds, TARGETS } from "./targets.ts";
import { mutate, prng } from "./mutate.ts";

export interface FuzzRequest {
  target: string;
  seed: number;
  cases: number;
  fixturesDir: string;
}
export interface Unexpected {
  caseIndex: number;
  what: string;
  error: string;
}
export type FuzzMessage =
  | { type: "progress"; done: number; current: number }
  | { type: "done"; cases: number; ok: number; rejected: number; unexpected: Unexpected[] };

self.onmessage = async (ev: MessageEvent<FuzzRequest>) => {
  const { target: name, seed, cases, fixturesDir } = ev.data;
  const target = TARGETS[name];
  if (!target) throw new Error(`Unknown fuzz target "${name}"`);
  const seeds = await loadSeeds(target, fixturesDir);
  const unexpected: Unexpected[] = [];
  let ok = 0;
  let rejected = 0;
  // The unmutated seeds must read cleanly: a fuzzer over a broken reader proves nothing.
  for (const s of seeds) await target.run(s);
  for (let i = 0; i < cases; i++) {
    const rand = prng(seed * 1_000_003 + i);
    const base = seeds[Math.floor(rand() * seeds.length)]!;
    const { bytes, what } = mutate(base, rand);
    self.postMessage({ type: "progress", done: i, current: i } satisfies FuzzMessage);
    try {
      await target.run(bytes);
      ok++;
    } catch (e) {
      if (target.expected(e)) rejected++;
      else if (unexpected.length < 20) {
        unexpected.push({
          caseIndex: i,
          what,
          error: e instanceof Error
            ? `${e.name}: ${e.message}\n${e.stack?.split("\n").slice(1, 4).join("\n")}`
            : String(e),
        });
      }
    }
  }
  self.postMessage({ type: "done", cases, ok, rejected, unexpected } satisfies FuzzMessage);
};
