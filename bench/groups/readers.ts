/**
 * Readers: deno-gaia's readers (openTable → collectTable, one Arrow table)
 * against astropy, pandas and STILTS, and the bounds (cat, gzip -dc, a byte
 * scan in Deno), on the same deterministic gaia_source-like files.
 */
import { type BenchInputs, makeInputs } from "../inputs.ts";
import {
  type Check,
  type GroupOptions,
  type GroupResult,
  type Row,
  speedup,
  timeCase,
  within,
} from "../report.ts";
import { fromFileUrl } from "../util.ts";

const root = fromFileUrl(new URL("../../", import.meta.url));

interface Case {
  group: string;
  tool: string;
  cmd: string[];
  input: string;
}

function casesFor(p: BenchInputs, quick: boolean): Case[] {
  const deno = (
    f: string,
  ) => ["deno", "run", "-A", "--quiet", `${root}bench/read.ts`, f, "--expect", String(p.rows)];
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
    // omode=count reads only the FITS header (NAXIS2); discard reads every row.
    ["STILTS omode=discard", ["stilts", "tpipe", `in=${p.fits}`, "omode=discard"]],
    ["cat", cat(p.fits)],
  ]);
  if (quick) {
    // The regression guard needs only our reader, and astropy on three files
    // (BINARY and CSV astropy runs would add half a minute and tell nothing new).
    return out.filter((c) =>
      c.tool === "deno-gaia" ||
      (c.tool === "astropy" && ["VOTable BINARY2", "VOTable TABLEDATA", "FITS"].includes(c.group))
    );
  }
  return out;
}

/** Runs the reader cases for each row count. */
export async function readers(o: GroupOptions): Promise<GroupResult> {
  const rows: Row[] = [];
  const checks: Check[] = [];
  for (const n of o.rows) {
    const p = await makeInputs(n, o.log);
    const mine: Row[] = [];
    for (const c of casesFor(p, o.quick)) {
      const size = (await Deno.stat(c.input)).size / 1e6;
      const r = await timeCase(
        c.group,
        `${n} rows, ${size.toFixed(1)} MB`,
        c.tool,
        c.cmd,
        // Peers twice (astropy takes most of a minute per run here), ours o.repeats times.
        c.tool === "deno-gaia" ? o.repeats : Math.min(o.repeats, 2),
        o.log,
      );
      const { samples: _, ...row } = r;
      mine.push(row);
    }
    rows.push(...mine);
    const find = (g: string, t: string) => mine.find((r) => r.group === g && r.tool === t);
    const sp = (g: string, peer: string, target: number) =>
      checks.push(
        speedup(
          `${g}: ${peer} / deno-gaia (${n} rows)`,
          find(g, "deno-gaia"),
          find(g, peer),
          target,
        ),
      );
    const wi = (g: string, bound: string, target: number, label = bound) =>
      checks.push(
        within(
          `${g}: deno-gaia / ${label} (${n} rows)`,
          find(g, "deno-gaia"),
          find(g, bound),
          target,
        ),
      );
    if (o.quick) {
      // Gross-regression guard only: never fail on noise.
      for (const g of ["VOTable BINARY2", "VOTable TABLEDATA"]) sp(g, "astropy", 1);
      // FITS is at parity with astropy today (it memory-maps): a gross regression is 2x slower.
      sp("FITS", "astropy", 0.5);
      // BINARY against astropy's BINARY2 time (the same rows, a 2% smaller file).
      checks.push(
        speedup(
          `VOTable BINARY: astropy BINARY2 / deno-gaia (${n} rows)`,
          find("VOTable BINARY", "deno-gaia"),
          find("VOTable BINARY2", "astropy"),
          1,
        ),
      );
      continue;
    }
    for (const g of ["VOTable BINARY2", "VOTable BINARY"]) {
      sp(g, "astropy", 40);
      sp(g, "STILTS", 4);
      wi(g, "byte scan (Deno)", 2);
    }
    sp("VOTable TABLEDATA", "astropy", 15);
    sp("VOTable TABLEDATA", "STILTS", 3);
    sp("VOTable BINARY2 .gz", "STILTS", 4);
    sp("VOTable TABLEDATA .gz", "STILTS", 4);
    // Gzip: within 1.3x of gunzip alone plus the plain parse (same run).
    for (
      const [gz, plain] of [["VOTable BINARY2 .gz", "VOTable BINARY2"], [
        "VOTable TABLEDATA .gz",
        "VOTable TABLEDATA",
      ]] as const
    ) {
      const ours = find(gz, "deno-gaia");
      const gunzip = find(gz, "gzip -dc");
      const parse = find(plain, "deno-gaia");
      if (ours?.ok && gunzip?.ok && parse?.ok) {
        const ratio = ours.min / (gunzip.min + parse.min);
        checks.push({
          name: `${gz}: deno-gaia / (gzip -dc + plain parse) (${n} rows), at most`,
          ratio,
          target: 1.3,
          atMost: true,
          pass: ratio <= 1.3,
        });
      }
    }
    sp("CSV", "pandas read_csv", 1.5);
    sp("FITS", "STILTS omode=discard", 2);
    sp("FITS", "astropy", 3);
  }
  return {
    rows,
    checks,
    notes: [
      "Whole processes: `deno run bench/read.ts FILE` (openTable → collectTable: one materialised Arrow table, like astropy's Table), " +
      "`astropy.io.votable.parse_single_table(f).to_table()` / `Table.read`, `pandas.read_csv`, `stilts tpipe omode=count`. " +
      "CPU s is user+system time (GNU time), which the machine's load inflates less than wall time.",
    ],
  };
}
