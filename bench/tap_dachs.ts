// deno-lint-ignore-file no-console
/**
 * `deno run -A bench/tap_dachs.ts [--rows N] [--repeats N]`: the TAP client
 * against the local DaCHS server (../shared/dachs/), side by side with curl
 * (the bound: bytes only) and pyvo (the Python peer: astropy VOTable
 * parsing). Whole processes are timed (wall) with peak RSS.
 *
 * Cases: a sync query of N rows x 25 columns in VOTable BINARY2 and CSV,
 * read by `stream()` (constant memory) and `query()` (whole table); and the
 * latency of a tiny async job with UWS blocking WAIT vs back-off polling.
 * Prints a Markdown table and `N passed, N failed` (deno-gaia must not be
 * slower than pyvo on the same query, and must match the row count).
 */
import { measure, median } from "./util.ts";

const url = Deno.env.get("DACHS_TAP_URL") ?? "http://localhost:8080/tap";
const args = Deno.args;
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const rows = arg("--rows", 200_000);
const repeats = arg("--repeats", 1);
const root = new URL("..", import.meta.url).pathname;
const big = "SELECT * FROM gaiadr3.gaia_source";
const tiny = "SELECT TOP 1 source_id FROM gaiadr3.gaia_source";

try {
  const r = await fetch(`${url}/availability`, { signal: AbortSignal.timeout(3000) });
  await r.body?.cancel();
} catch {
  console.error(
    `DaCHS is not reachable at ${url}: start it with bash ../shared/dachs/setup-dachs.sh up`,
  );
  Deno.exit(2);
}

interface Case {
  group: string;
  tool: string;
  cmd: string[];
  expectRows?: number;
}

const deno = (
  ...a: string[]
) => ["deno", "run", "-A", "--quiet", `${root}bench/tap_client.ts`, url, ...a];
const pyvo = (...a: string[]) => ["/usr/bin/python3", `${root}bench/peers/pyvo_tap.py`, url, ...a];
const curl = (format: string) => [
  "curl",
  "-s",
  "-o",
  "/dev/null",
  "-d",
  "REQUEST=doQuery",
  "-d",
  "LANG=ADQL",
  "-d",
  `MAXREC=${rows}`,
  "--data-urlencode",
  `QUERY=${big}`,
  "-d",
  `FORMAT=${format}`,
  `${url}/sync`,
];

const cases: Case[] = [];
for (const [format, pyFormat] of [["votable/b2", "votable/b2"], ["csv", "csv"]] as const) {
  const g = `sync ${rows} rows, ${format}`;
  cases.push({ group: g, tool: "curl (bytes only)", cmd: curl(format) });
  cases.push({
    group: g,
    tool: "deno-gaia stream()",
    cmd: deno("stream", format, String(rows), big),
    expectRows: rows,
  });
  cases.push({
    group: g,
    tool: "deno-gaia query()",
    cmd: deno("query", format, String(rows), big),
    expectRows: rows,
  });
  if (format === "votable/b2") {
    cases.push({
      group: g,
      tool: "pyvo run_sync",
      cmd: pyvo("sync", pyFormat, String(rows), big),
      expectRows: rows,
    });
  }
}
const ag = "async TOP 1 (job latency)";
cases.push({
  group: ag,
  tool: "deno-gaia WAIT",
  cmd: deno("async", "votable", "10", tiny, "blocking"),
  expectRows: 1,
});
cases.push({
  group: ag,
  tool: "deno-gaia polling",
  cmd: deno("async", "votable", "10", tiny, "polling"),
  expectRows: 1,
});
cases.push({
  group: ag,
  tool: "pyvo run_async",
  cmd: pyvo("async", "votable", "10", tiny),
  expectRows: 1,
});

let passed = 0;
let failed = 0;
const lines = [
  "| case | tool | wall s (median) | peak RSS MB | rows |",
  "|---|---|---:|---:|---:|",
];
const byGroup = new Map<string, Map<string, number>>();
for (const c of cases) {
  const secs: number[] = [];
  let rss = 0;
  let got: number | undefined;
  for (let i = 0; i < repeats; i++) {
    const s = await measure(c.cmd);
    if (!s.ok) {
      console.error(`[bench] ${c.tool} failed: ${s.output.slice(-500)}`);
      failed++;
      break;
    }
    secs.push(s.seconds);
    rss = Math.max(rss, s.rssMB);
    const m = /rows=(\d+)/.exec(s.output);
    if (m) got = Number(m[1]);
  }
  if (!secs.length) continue;
  const t = median(secs);
  if (!byGroup.has(c.group)) byGroup.set(c.group, new Map());
  byGroup.get(c.group)!.set(c.tool, t);
  if (c.expectRows !== undefined) {
    if (got === c.expectRows) passed++;
    else {
      failed++;
      console.error(`[bench] ${c.tool}: expected ${c.expectRows} rows, got ${got}`);
    }
  }
  lines.push(`| ${c.group} | ${c.tool} | ${t.toFixed(2)} | ${rss.toFixed(0)} | ${got ?? ""} |`);
  console.error(`[bench] ${c.group} / ${c.tool}: ${t.toFixed(2)} s, ${rss.toFixed(0)} MB`);
}
for (const [group, tools] of byGroup) {
  const ours = tools.get("deno-gaia query()") ?? tools.get("deno-gaia WAIT");
  const peer = tools.get("pyvo run_sync") ?? tools.get("pyvo run_async");
  if (ours !== undefined && peer !== undefined) {
    const ok = ours <= peer * 1.1;
    ok ? passed++ : failed++;
    lines.push(
      `| ${group} | ratio deno-gaia / pyvo | ${(ours / peer).toFixed(2)} | | ${
        ok ? "ok" : "SLOWER"
      } |`,
    );
  }
}
console.log(lines.join("\n"));
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failed ? 1 : 0);
