/**
 * Runs the fault scenarios: one local archive (small catalogue) for all of
 * them, a fresh fault proxy per scenario in front of it.
 */
import { startArchive } from "../../lib/archive/mod.ts";
import { TapService } from "../../lib/tap/service.ts";
import { startFaultProxy } from "./proxy.ts";
import { type FaultCase, faultClient } from "./scenarios.ts";

export interface FaultOutcome {
  name: string;
  expected: string;
  outcome: string;
  pass: boolean;
}

export async function withArchive<T>(f: (archiveUrl: string) => Promise<T>): Promise<T> {
  const archive = await startArchive({ rows: 20_000 });
  try {
    return await f(archive.url);
  } finally {
    await archive.close();
  }
}

export async function runFaultCase(archiveUrl: string, c: FaultCase): Promise<FaultOutcome> {
  const origin = new URL(archiveUrl).origin;
  const proxy = startFaultProxy(origin, c.scenario);
  const http = faultClient();
  const base = new URL(archiveUrl).pathname.replace(/\/$/, "");
  const tap = new TapService(`${proxy.url}${base}/tap-server/tap`, { http, dialect: "gaia" });
  try {
    const outcome = await c.run({ proxy, tap, http });
    return { name: c.name, expected: c.expected, outcome, pass: true };
  } catch (e) {
    return {
      name: c.name,
      expected: c.expected,
      outcome: `FAILED: ${(e as Error).message}`,
      pass: false,
    };
  } finally {
    await proxy.close();
  }
}

export function markdownTable(rows: FaultOutcome[]): string {
  const esc = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");
  return [
    "| # | fault | the client must | outcome | verdict |",
    "|---:|---|---|---|---|",
    ...rows.map((r, i) =>
      `| ${i + 1} | ${esc(r.name)} | ${esc(r.expected)} | ${esc(r.outcome)} | ${
        r.pass ? "pass" : "**FAIL**"
      } |`
    ),
  ].join("\n");
}
