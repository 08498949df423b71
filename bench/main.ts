// deno-lint-ignore-file no-console
/**
 * `deno task bench [--quick] [--rows N]`: deno-gaia's readers against the
 * peers people use today (astropy, pandas, STILTS) and the bounds (cat,
 * gzip -dc, a byte scan), side by side in one run on the same files. Whole
 * processes are timed (wall) with peak RSS; each case repeats, min and median
 * are reported, and the verdicts are ratios measured in this run.
 *
 * Writes `bench/RESULTS.md` (full run) or `bench/cache/RESULTS-quick.md`
 * (--quick), and prints `N passed, N failed` for the checks: in --quick mode
 * only gross regressions fail (deno-gaia slower than astropy on the same file).
 */
import { type BenchInputs, CACHE, makeInputs } from "./inputs.ts";
import { fromFileUrl, measure, median, type Sample } from "./util.ts";

const args = Deno.args;
const quick = args.includes("--quick");
const rowsArg = args.indexOf("--rows");
const rowSets = rowsArg >= 0
  ? [Number(args[rowsArg + 1])]
  : quick
  ? [200_000]
  : [200_000, 1_000_000];
const repeats = quick ? 1 : 3;
const root = fromFileUrl(new URL("..", import.meta.url));
const log = (s: string) => console.error(`[bench] ${s}`);

interface Case {
  group: string;
  tool: string;
  cmd: string[];
  input: string;
}

function casesFor(p: BenchInputs): Case[] {
  const deno = (f: string) => ["deno", "run", "-A", "--quiet", `${root}bench/read.ts`, f];
  const astropy = (
    fmt: string,
    f: string,
  ) => ["/usr/bin/python3", `${root}bench/peers/astropy_read.py`, fmt, f];
  const stilts = (f: string) => ["stilts", "tpipe", `in=${f}`, "omode=count"];
  const cat = (f: string) => ["bash", "-c", `cat '${f}' > /dev/null`];
  const scan = (f: string) => ["deno", "run", "-A", "--quiet", `${root}bench/scan.ts`, f];
  const out: Case[] = [];
  const add = (group: string, input: string, tools: [string, string[]][]) => {
    for (const [tool, cmd] of tools) out.push({ group, tool, cmd, input });
  };
  add("VOTable BINARY2", p.binary2, [
    ["deno-gaia", deno(p.binary2)],
    ["astropy", astropy("votable", p.binary2)],
    ["STILTS", stilts(p.binary2)],
    ["cat", cat(p.binary2)],
    ["byte scan (Deno)", scan(p.binary2)],
  ]);
  add("VOTable BINARY", p.binary, [
    ["deno-gaia", deno(p.binary)],
    ["astropy", astropy("votable", p.binary)],
    ["STILTS", stilts(p.binary)],
    ["byte scan (Deno)", scan(p.binary)],
  ]);
  add("VOTable TABLEDATA", p.tabledata, [
    ["deno-gaia", deno(p.tabledata)],
    ["astropy", astropy("votable", p.tabledata)],
    ["STILTS", stilts(p.tabledata)],
    ["byte scan (Deno)", scan(p.tabledata)],
  ]);
  add("VOTable BINARY2 .gz", p.binary2Gz, [
    ["deno-gaia", deno(p.binary2Gz)],
    ["STILTS", stilts(p.binary2Gz)],
    ["gzip -dc", ["bash", "-c", `gzip -dc '${p.binary2Gz}' > /dev/null`]],
  ]);
  add("VOTable TABLEDATA .gz", p.tabledataGz, [
    ["deno-gaia", deno(p.tabledataGz)],
    ["STILTS", stilts(p.tabledataGz)],
    ["gzip -dc", ["bash", "-c", `gzip -dc '${p.tabledataGz}' > /dev/null`]],
  ]);
  add("CSV", p.csv, [
    ["deno-gaia", deno(p.csv)],
    ["pandas read_csv", ["/usr/bin/python3", `${root}bench/peers/pandas_read.py`, p.csv]],
    ["astropy", astropy("csv", p.csv)],
    ["byte scan (Deno)", scan(p.csv)],
  ]);
  add("FITS", p.fits, [
    ["deno-gaia", deno(p.fits)],
    ["astropy", astropy("fits", p.fits)],
    ["STILTS", stilts(p.fits)],
    ["cat", cat(p.fits)],
  ]);
  if (quick) {
    // The regression guard needs only our reader and astropy on each format.
    return out.filter((c) => c.tool === "deno-gaia" || (c.tool === "astropy" && c.group !== "CSV"));
  }
  return out;
}

interface Result extends Case {
  rows: number;
  samples: Sample[];
  min: number;
  median: number;
  rssMB: number;
  sizeMB: number;
}

const results: Result[] = [];
for (const n of rowSets) {
  const p = await makeInputs(n, log);
  for (const c of casesFor(p)) {
    const samples: Sample[] = [];
    for (let i = 0; i < repeats; i++) {
      const s = await measure(c.cmd);
      samples.push(s);
      if (!s.ok) {
        log(`${c.group} / ${c.tool} failed: ${s.output.slice(-400)}`);
        break;
      }
    }
    const ok = samples.filter((s) => s.ok);
    const secs = ok.map((s) => s.seconds);
    const r: Result = {
      ...c,
      rows: n,
      samples,
      min: secs.length ? Math.min(...secs) : NaN,
      median: secs.length ? median(secs) : NaN,
      rssMB: ok.length ? Math.max(...ok.map((s) => s.rssMB)) : NaN,
      sizeMB: (await Deno.stat(c.input)).size / 1e6,
    };
    results.push(r);
    log(
      `${n} rows  ${c.group.padEnd(22)} ${c.tool.padEnd(18)} min ${r.min.toFixed(2)} s  median ${
        r.median.toFixed(2)
      } s  rss ${r.rssMB.toFixed(0)} MB`,
    );
  }
}

// --- verdicts: ratios within this run ---------------------------------------
interface Check {
  name: string;
  ratio: number;
  target: number;
  pass: boolean;
}
const find = (rows: number, group: string, tool: string) =>
  results.find((r) => r.rows === rows && r.group === group && r.tool === tool);
const checks: Check[] = [];
const speedup = (rows: number, group: string, peer: string, target: number, label?: string) => {
  const ours = find(rows, group, "deno-gaia");
  const theirs = find(rows, group, peer);
  if (!ours || !theirs) return;
  const ratio = theirs.min / ours.min;
  checks.push({
    name: label ?? `${group}: ${peer} / deno-gaia (${rows} rows)`,
    ratio,
    target,
    pass: ratio >= target,
  });
};
const within = (rows: number, group: string, bound: string, target: number) => {
  const ours = find(rows, group, "deno-gaia");
  const b = find(rows, group, bound);
  if (!ours || !b) return;
  const ratio = ours.min / b.min;
  checks.push({
    name: `${group}: deno-gaia / ${bound} (${rows} rows), at most`,
    ratio,
    target,
    pass: ratio <= target,
  });
};
for (const n of rowSets) {
  if (quick) {
    // Gross-regression guard only: never fail on noise.
    for (const g of ["VOTable BINARY2", "VOTable BINARY", "VOTable TABLEDATA", "FITS"]) {
      speedup(n, g, "astropy", 1);
    }
    continue;
  }
  for (const g of ["VOTable BINARY2", "VOTable BINARY"]) {
    speedup(n, g, "astropy", 40);
    speedup(n, g, "STILTS", 4);
    within(n, g, "byte scan (Deno)", 2);
  }
  speedup(n, "VOTable TABLEDATA", "astropy", 15);
  speedup(n, "VOTable TABLEDATA", "STILTS", 3);
  speedup(n, "VOTable BINARY2 .gz", "STILTS", 4);
  speedup(n, "VOTable TABLEDATA .gz", "STILTS", 4);
  speedup(n, "CSV", "pandas read_csv", 1.5);
  speedup(n, "FITS", "STILTS", 2);
  speedup(n, "FITS", "astropy", 3);
}

// --- report -----------------------------------------------------------------
const machine = `${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, ` +
  `${(Deno.systemMemoryInfo().total / 2 ** 30).toFixed(0)} GiB, ${
    Deno.version.deno ? `Deno ${Deno.version.deno}` : ""
  }`;
const lines: string[] = [];
lines.push(`# Benchmark results`, "");
lines.push(
  `Run ${
    new Date().toISOString()
  } on ${machine}; ${repeats} run(s) per case; whole-process wall time and peak RSS.`,
);
lines.push(`Reproduce with \`deno task bench\` (inputs are made once into bench/cache/).`, "");
lines.push(
  "| rows | input | size MB | tool | min s | median s | peak RSS MB |",
  "|---:|---|---:|---|---:|---:|---:|",
);
for (const r of results) {
  lines.push(
    `| ${r.rows} | ${r.group} | ${r.sizeMB.toFixed(1)} | ${r.tool} | ${r.min.toFixed(2)} | ${
      r.median.toFixed(2)
    } | ${r.rssMB.toFixed(0)} |`,
  );
}
lines.push(
  "",
  "## Ratios (same run)",
  "",
  "| check | ratio | target | verdict |",
  "|---|---:|---:|---|",
);
for (const c of checks) {
  lines.push(
    `| ${c.name} | ${c.ratio.toFixed(2)}x | ${
      c.name.includes("at most") ? "≤" : "≥"
    } ${c.target}x | ${c.pass ? "met" : "NOT met"} |`,
  );
}
const md = lines.join("\n") + "\n";
const outPath = quick
  ? `${CACHE}RESULTS-quick.md`
  : fromFileUrl(new URL("./RESULTS.md", import.meta.url));
await Deno.writeTextFile(outPath, md);
console.log(md);
const failedRuns =
  results.filter((r) => r.tool === "deno-gaia" && !r.samples.every((s) => s.ok)).length;
const passed = checks.filter((c) => c.pass).length;
const failed = checks.length - passed + failedRuns;
console.log(`${passed} passed, ${failed} failed`);
if (quick && failed > 0) Deno.exit(1);
