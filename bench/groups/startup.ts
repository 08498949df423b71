/**
 * Start-up: `deno run` of a script importing mod.ts and reading a small
 * VOTable (cache warm: one run first, not counted), against `deno eval 1`
 * (the runtime alone) and a script importing only the readers it needs.
 * Target: under 0.3 s.
 */
import type { Check, GroupOptions, GroupResult, Row } from "../report.ts";
import { timeCase } from "../report.ts";
import { fromFileUrl, measure, sharedDir } from "../util.ts";

const root = fromFileUrl(new URL("../../", import.meta.url));

/** Runs the start-up cases. */
export async function startup(o: GroupOptions): Promise<GroupResult> {
  const fixture = `${sharedDir()}/fixtures/dachs/sync-nulls-b2.vot`;
  const reps = o.quick ? 3 : Math.max(5, o.repeats * 3);
  const cases: [string, string[]][] = [
    ["deno eval 1 (runtime alone)", ["deno", "eval", "1"]],
    ["import mod.ts + read VOTable", [
      "deno",
      "run",
      "-A",
      "--quiet",
      `${root}bench/startup.ts`,
      fixture,
    ]],
    ["import lib/formats + read VOTable", [
      "deno",
      "run",
      "-A",
      "--quiet",
      `${root}bench/read.ts`,
      fixture,
    ]],
  ];
  const rows: Row[] = [];
  for (const [tool, cmd] of cases) {
    await measure(cmd); // warm the module and code caches
    const { samples: _, ...r } = await timeCase(
      "start-up",
      "sync-nulls-b2.vot (10 kB)",
      tool,
      cmd,
      reps,
      o.log,
    );
    rows.push(r);
  }
  const mod = rows[1]!;
  if (o.quick) {
    // CI guard: CPU time, which load inflates far less than wall time; 0.5 s
    // is about 3x today's, e.g. Polars or Plot loaded eagerly again.
    return {
      rows,
      checks: [{
        name: "import mod.ts + read a small VOTable: CPU s (median), at most",
        ratio: mod.cpu,
        target: 0.5,
        atMost: true,
        unit: "s CPU",
        pass: mod.ok && mod.cpu <= 0.5,
      }],
    };
  }
  const checks: Check[] = [{
    name: "import mod.ts + read a small VOTable (median), at most",
    ratio: mod.median,
    target: 0.3,
    atMost: true,
    unit: "s",
    pass: mod.ok && mod.median <= 0.3,
  }];
  return { rows, checks };
}
