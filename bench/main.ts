// deno-lint-ignore-file no-console
/**
 * `deno task bench [--quick] [--rows N] [--only g1,g2] [--repeats N]`:
 * deno-gaia against the tools people use today, side by side in one run.
 *
 * Groups (all by default; `--only` picks some):
 * - `readers`: the file readers vs astropy, pandas, STILTS and the bounds
 *   (cat, gzip -dc, a byte scan), 200 000 and 1 000 000 rows;
 * - `tap`: `cli query` of 200 000 rows from the local DaCHS vs curl, pyvo,
 *   astroquery TapPlus;
 * - `memory`: `stream()` of 5 000 000 rows and `query()` of 1 000 000;
 * - `archive`: 1-degree cones on a 1 000 000-row served archive, 8 clients;
 * - `datalink`: epoch photometry of 1 000 sources vs astroquery `load_data`;
 * - `startup`: importing mod.ts and reading a small VOTable.
 *
 * Whole processes are timed (wall) with peak RSS and CPU; each case repeats,
 * min and median are reported, and the verdicts are ratios measured in this
 * run. Writes `bench/RESULTS.md` (full run) or `bench/cache/RESULTS-quick.md`
 * (--quick), and prints `N passed, N failed`. `--quick` (CI) runs the readers
 * on 200 000 rows once against astropy and the start-up case, and fails only
 * on gross regressions: slower than astropy on the same VOTable (FITS: half
 * astropy's speed, as it is at parity today), or start-up over 0.5 s of CPU.
 */
import { archive } from "./groups/archive.ts";
import { datalink } from "./groups/datalink.ts";
import { memory } from "./groups/memory.ts";
import { readers } from "./groups/readers.ts";
import { startup } from "./groups/startup.ts";
import { tap } from "./groups/tap.ts";
import { CACHE } from "./inputs.ts";
import { type GroupOptions, type GroupResult, renderMarkdown } from "./report.ts";
import { fromFileUrl } from "./util.ts";

const GROUPS: Record<string, (o: GroupOptions) => Promise<GroupResult>> = {
  readers,
  tap,
  memory,
  archive,
  datalink,
  startup,
};

const args = Deno.args;
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes("--quick");
const only = opt("--only")?.split(",").map((s) => s.trim()).filter(Boolean);
for (const g of only ?? []) {
  if (!(g in GROUPS)) {
    console.error(`unknown group "${g}"; groups: ${Object.keys(GROUPS).join(", ")}`);
    Deno.exit(2);
  }
}
const selected = only ?? (quick ? ["readers", "startup"] : Object.keys(GROUPS));
const rowsArg = opt("--rows");
const options: GroupOptions = {
  quick,
  repeats: Number(opt("--repeats") ?? (quick ? 1 : 3)),
  rows: rowsArg ? rowsArg.split(",").map(Number) : quick ? [200_000] : [200_000, 1_000_000],
  log: (s) => console.error(`[bench] ${s}`),
};

const started = new Date();
const done: [string, GroupResult][] = [];
for (const name of selected) {
  options.log(`--- ${name} ---`);
  try {
    done.push([name, await GROUPS[name]!(options)]);
  } catch (e) {
    options.log(`${name} failed: ${e instanceof Error ? e.stack : e}`);
    done.push([name, {
      rows: [],
      checks: [{
        name: `${name}: the group ran`,
        ratio: NaN,
        target: 1,
        pass: false,
        skipped: `crashed: ${String(e).slice(0, 200)}`,
      }],
    }]);
  }
}
const load = await Deno.readTextFile("/proc/loadavg").then((s) =>
  s.split(" ").slice(0, 3).join(" ")
)
  .catch(() => "?");
const cpu = await Deno.readTextFile("/proc/cpuinfo").then((s) =>
  /model name\s*:\s*(.*)/.exec(s)?.[1] ?? "?"
).catch(() => "?");
const machine =
  `${Deno.build.os} ${Deno.build.arch}, ${cpu}, ${navigator.hardwareConcurrency} cores, ${
    (Deno.systemMemoryInfo().total / 2 ** 30).toFixed(0)
  } GiB, Deno ${Deno.version.deno}`;
const header = [
  `# Benchmark results${quick ? " (--quick)" : ""}`,
  "",
  `Run ${started.toISOString()} – ${
    new Date().toISOString()
  } on ${machine}; load average at the end ${load} ` +
  `(a shared machine: wall times are inflated and noisy, ratios are within one run). ` +
  `${options.repeats} run(s) per deno-gaia case, min and median; peak RSS from GNU time.`,
  "",
  `Reproduce: \`deno task bench${args.length ? " " + args.join(" ") : ""}\` ` +
  "(inputs are made once into bench/cache/ by gen_gaia_source.py and STILTS).",
];
const md = renderMarkdown(header, done);
const outPath = quick || only
  ? `${CACHE}RESULTS-${quick ? "quick" : only!.join("-")}.md`
  : fromFileUrl(
    new URL("./RESULTS.md", import.meta.url),
  );
await Deno.writeTextFile(outPath, md);
// Keep the committed Markdown as `deno fmt` wants it (`deno task check` runs fmt --check).
await new Deno.Command("deno", { args: ["fmt", "--quiet", outPath], stderr: "null" }).output()
  .catch(() => {});
console.log(md);
const checks = done.flatMap(([, g]) => g.checks);
const failedRuns =
  done.flatMap(([, g]) => g.rows).filter((r) => r.tool.startsWith("deno") && !r.ok).length;
// A check that could not be measured (a peer missing) is reported, not failed.
const measured = checks.filter((c) =>
  !c.skipped || c.skipped.startsWith("deno-gaia") || c.skipped.startsWith("crashed")
);
const passed = measured.filter((c) => c.pass).length;
const failed = measured.length - passed + failedRuns;
console.log(`${passed} passed, ${failed} failed`);
console.error(`[bench] wrote ${outPath}`);
if (quick && failed > 0) Deno.exit(1);
