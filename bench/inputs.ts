/**
 * Deterministic gaia_source-like benchmark inputs, made once into
 * `bench/cache/`: the 25 columns of `../shared/dachs/gen_gaia_source.py`
 * (seed 20160) as CSV, converted by STILTS (a peer, so the files are not
 * shaped by our own writer) to VOTable BINARY2, BINARY, TABLEDATA and FITS,
 * with DaCHS' column types (float for errors and magnitudes), plus gzip'd copies.
 */
import { existsSync } from "node:fs";
import { fromFileUrl, sharedDir } from "./util.ts";

export const CACHE = fromFileUrl(new URL("./cache/", import.meta.url));

/** Columns DaCHS stores as `real` (VOTable float); STILTS would infer double. */
const FLOAT_COLUMNS = [
  "ra_error",
  "dec_error",
  "parallax_error",
  "pmra_error",
  "pmdec_error",
  "ruwe",
  "phot_g_mean_mag",
  "phot_bp_mean_mag",
  "phot_rp_mean_mag",
  "bp_rp",
  "radial_velocity",
];

export interface BenchInputs {
  rows: number;
  csv: string;
  binary2: string;
  binary: string;
  tabledata: string;
  fits: string;
  binary2Gz: string;
  tabledataGz: string;
}

async function run(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
}

/** Makes (or reuses) the inputs for `rows` rows. */
export async function makeInputs(rows: number, log: (s: string) => void): Promise<BenchInputs> {
  await Deno.mkdir(CACHE, { recursive: true });
  const base = `${CACHE}gaia_source_${rows}`;
  const p: BenchInputs = {
    rows,
    csv: `${base}.csv`,
    binary2: `${base}.b2.vot`,
    binary: `${base}.b.vot`,
    tabledata: `${base}.td.vot`,
    fits: `${base}.fits`,
    binary2Gz: `${base}.b2.vot.gz`,
    tabledataGz: `${base}.td.vot.gz`,
  };
  if (!existsSync(p.csv)) {
    log(`generating ${rows} rows (gen_gaia_source.py, seed 20160)`);
    await run("/usr/bin/python3", [
      `${sharedDir()}/dachs/gen_gaia_source.py`,
      p.csv,
      String(rows),
      "20160",
    ]);
  }
  const casts = FLOAT_COLUMNS.map((c) => `replacecol ${c} toFloat(${c})`).join("; ") +
    "; replacecol random_index toLong(random_index)";
  const conversions: [string, string][] = [
    [p.binary2, "votable(format=BINARY2,inline=true)"],
    [p.binary, "votable(format=BINARY,inline=true)"],
    [p.tabledata, "votable(format=TABLEDATA)"],
    [p.fits, "fits-basic"],
  ];
  for (const [out, ofmt] of conversions) {
    if (existsSync(out)) continue;
    log(`stilts: ${out.slice(CACHE.length)}`);
    await run("stilts", [
      "tpipe",
      `in=${p.csv}`,
      "ifmt=csv",
      `cmd=${casts}`,
      `out=${out}`,
      `ofmt=${ofmt}`,
    ]);
  }
  for (const [src, gz] of [[p.binary2, p.binary2Gz], [p.tabledata, p.tabledataGz]] as const) {
    if (existsSync(gz)) continue;
    log(`gzip: ${gz.slice(CACHE.length)}`);
    await run("bash", ["-c", `gzip -c '${src}' > '${gz}.tmp' && mv '${gz}.tmp' '${gz}'`]);
  }
  return p;
}
