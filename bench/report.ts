/**
 * What every benchmark group reports, and the Markdown it becomes. Times are
 * whole-process wall seconds unless a row says otherwise; ratios are always
 * between measurements taken in the same run.
 */
import { measure, median, type Sample } from "./util.ts";

/** One measured case: a tool on an input, repeated. */
export interface Row {
  group: string;
  /** The input or scenario, e.g. "200000 rows, 47.1 MB". */
  input: string;
  tool: string;
  /** Seconds (min and median over the repeats); NaN when every run failed. */
  min: number;
  median: number;
  /** User + system CPU seconds (median), NaN when not measured. */
  cpu: number;
  /** Peak resident memory, MB (max over repeats); NaN when not measured. */
  rssMB: number;
  ok: boolean;
  /** Free text: rows read, a failure's tail, the unit of min/median when not seconds. */
  note?: string;
}

/** A target: a ratio measured in this run against its threshold. */
export interface Check {
  name: string;
  ratio: number;
  target: number;
  /** True when the ratio must stay at or below the target. */
  atMost?: boolean;
  /** Unit of ratio/target when they are not a speed ratio (e.g. "ms", "MB"). */
  unit?: string;
  pass: boolean;
  /** When the check is only informative (a peer that did not run). */
  skipped?: string;
}

/** Options every group receives. */
export interface GroupOptions {
  quick: boolean;
  repeats: number;
  rows: number[];
  log: (s: string) => void;
}

/** A group's results. */
export interface GroupResult {
  rows: Row[];
  checks: Check[];
  /** Notes printed under the group's table (method, caveats). */
  notes?: string[];
}

/** Runs `cmd` `repeats` times (stopping at the first failure) into a Row. */
export async function timeCase(
  group: string,
  input: string,
  tool: string,
  cmd: string[],
  repeats: number,
  log: (s: string) => void,
  check?: (s: Sample) => string | undefined,
): Promise<Row & { samples: Sample[] }> {
  const [row] = await timeCasesInterleaved(group, input, [{ tool, cmd, repeats, check }], log);
  return row!;
}

function rowOf(
  group: string,
  input: string,
  tool: string,
  samples: Sample[],
  note: string | undefined,
  log: (s: string) => void,
): Row & { samples: Sample[] } {
  const ok = samples.filter((s) => s.ok);
  const secs = ok.map((s) => s.seconds);
  const row = {
    group,
    input,
    tool,
    min: secs.length ? Math.min(...secs) : NaN,
    median: secs.length ? median(secs) : NaN,
    cpu: ok.length ? median(ok.map((s) => s.cpu)) : NaN,
    rssMB: ok.length ? Math.max(...ok.map((s) => s.rssMB)) : NaN,
    ok: ok.length === samples.length && samples.length > 0,
    samples,
    ...(note ? { note } : {}),
  };
  log(
    `${group.padEnd(22)} ${tool.padEnd(24)} min ${row.min.toFixed(2)} s  median ${
      row.median.toFixed(2)
    } s  cpu ${row.cpu.toFixed(2)} s  rss ${row.rssMB.toFixed(0)} MB${row.ok ? "" : "  FAILED"}`,
  );
  return row;
}

/** One case of {@linkcode timeCasesInterleaved}. */
export interface InterleavedCase {
  tool: string;
  cmd: string[];
  repeats: number;
  check?: (s: Sample) => string | undefined;
}

/**
 * Like {@linkcode timeCase} for several cases at once, run in rounds (one run
 * of each case per round) rather than case after case: when the thing
 * measured drifts (a server's speed), every case sees the same drift, and
 * their ratio stays fair. A case stops at its first failure.
 */
export async function timeCasesInterleaved(
  group: string,
  input: string,
  cases: InterleavedCase[],
  log: (s: string) => void,
): Promise<(Row & { samples: Sample[] })[]> {
  const samples: Sample[][] = cases.map(() => []);
  const notes: (string | undefined)[] = cases.map(() => undefined);
  const rounds = Math.max(0, ...cases.map((c) => c.repeats));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      if (r >= c.repeats || notes[i] !== undefined) continue;
      const s = await measure(c.cmd);
      if (s.ok && c.check) {
        const bad = c.check(s);
        if (bad) {
          s.ok = false;
          s.output = bad;
        }
      }
      samples[i]!.push(s);
      if (!s.ok) {
        notes[i] = s.output.slice(-300).replace(/\s+/g, " ");
        log(`${group} / ${c.tool} failed: ${s.output.slice(-600)}`);
      }
    }
  }
  return cases.map((c, i) => rowOf(group, input, c.tool, samples[i]!, notes[i], log));
}

/** A speed-up check: `peer.min / ours.min >= target` (skipped when either is missing). */
export function speedup(
  name: string,
  ours: Row | undefined,
  peer: Row | undefined,
  target: number,
): Check {
  if (!ours?.ok || !peer?.ok) {
    return {
      name,
      ratio: NaN,
      target,
      pass: false,
      skipped: !ours?.ok ? "deno-gaia did not run" : "peer did not run",
    };
  }
  const ratio = peer.min / ours.min;
  return { name, ratio, target, pass: ratio >= target };
}

/** A bound check: `ours.min / bound.min <= target`. */
export function within(
  name: string,
  ours: Row | undefined,
  bound: Row | undefined,
  target: number,
): Check {
  if (!ours?.ok || !bound?.ok) {
    return {
      name,
      ratio: NaN,
      target,
      atMost: true,
      pass: false,
      skipped: !ours?.ok ? "deno-gaia did not run" : "bound did not run",
    };
  }
  const ratio = ours.min / bound.min;
  return { name, ratio, target, atMost: true, pass: ratio <= target };
}

const f = (x: number, d = 2) =>
  !Number.isFinite(x) ? "–" : x.toFixed(d === 2 && Math.abs(x) < 0.1 && x !== 0 ? 3 : d);

/** The Markdown tables of all groups. */
export function renderMarkdown(
  header: string[],
  groups: [string, GroupResult][],
): string {
  const lines = [...header];
  for (const [name, g] of groups) {
    lines.push("", `## ${name}`, "");
    lines.push(
      "| case | input | tool | min | median | CPU s | peak RSS MB | note |",
      "|---|---|---|---:|---:|---:|---:|---|",
    );
    for (const r of g.rows) {
      lines.push(
        `| ${r.group} | ${r.input} | ${r.tool} | ${f(r.min)} | ${f(r.median)} | ${f(r.cpu)} | ${
          f(r.rssMB, 0)
        } | ${r.ok ? (r.note ?? "") : `FAILED ${r.note ?? ""}`} |`,
      );
    }
    if (g.checks.length) {
      lines.push("", "| check (same run) | measured | target | verdict |", "|---|---:|---:|---|");
      for (const c of g.checks) {
        const u = c.unit ?? "x";
        lines.push(
          `| ${c.name} | ${f(c.ratio)} ${u} | ${c.atMost ? "≤" : "≥"} ${c.target} ${u} | ${
            c.skipped ? `not measured (${c.skipped})` : c.pass ? "met" : "NOT met"
          } |`,
        );
      }
    }
    for (const n of g.notes ?? []) lines.push("", n);
  }
  return lines.join("\n") + "\n";
}
