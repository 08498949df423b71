/**
 * MCMC_GSPPHOT and MCMC_MSC products: a chain of 100 samples per source
 * (one row per sample with `source_id` and `solution_id` columns and a
 * TIMESYS, as in the archive's files), centred on the source's GSP-Phot
 * parameters and autocorrelated like a real chain.
 *
 * @module
 */
import type { Table } from "apache-arrow";
import { type ColumnDef, Rng, seedFromId } from "../catalogue/mod.ts";
import { buildProductTable, GAIA_TIMESYS, type ProductColumn } from "./product_table.ts";
import { sourceTeff } from "./spectra.ts";
import { num, PRODUCT_SOLUTION_IDS, type ProductType, type SourceRow } from "./types.ts";

/** Samples per chain. */
export const MCMC_SAMPLES = 100;

const ID_COLS = (ucd: string): ColumnDef[] => [
  {
    name: "source_id",
    datatype: "long",
    ucd,
    description: "Unique source identifier (unique within a particular Data Release)",
  },
  {
    name: "solution_id",
    datatype: "long",
    ucd: "meta.version",
    description: "Solution Identifier",
  },
];
const s = (name: string, ucd: string, description: string, unit?: string): ColumnDef => ({
  name,
  datatype: "float",
  ucd,
  description,
  ...(unit ? { unit } : {}),
});

/** Columns of MCMC_MSC (exactly as in the archive's files). */
export const MCMC_MSC_COLUMNS: ColumnDef[] = [
  ...ID_COLS("meta.id"),
  s(
    "teff1",
    "phys.temperature.effective",
    "MCMC samples for $T_{\\rm eff, 1}$ of primary from MSC",
    "K",
  ),
  s(
    "teff2",
    "phys.temperature.effective",
    "MCMC samples for $T_{\\rm eff, 2}$ of secondary from MSC",
    "K",
  ),
  s("logg1", "phys.gravity", "MCMC samples for $\\log g_1$ of primary from MSC", "log(cm.s**-2)"),
  s("logg2", "phys.gravity", "MCMC samples for $\\log g_2$ of secondary from MSC", "log(cm.s**-2)"),
  s("azero", "phys.absorption;em.opt", "MCMC samples for extinction $A_0$ from MSC", "mag"),
  s("mh", "phys.abund.Fe", "MCMC samples for the metallicity from MSC", "'dex'"),
  s("distancepc", "pos.distance", "MCMC samples for distance from MSC", "pc"),
  s("log_pos", "stat.probability", "MCMC samples for the log-posterior from MSC"),
  s("log_lik", "stat.likelihood", "MCMC samples for the log-likelihood from MSC"),
];

/** Columns of MCMC_GSPPHOT (same conventions as MCMC_MSC). */
export const MCMC_GSPPHOT_COLUMNS: ColumnDef[] = [
  ...ID_COLS("meta.id"),
  s(
    "teff",
    "phys.temperature.effective",
    "MCMC samples for $T_{\\rm eff}$ from GSP-Phot Aeneas",
    "K",
  ),
  s(
    "azero",
    "phys.absorption;em.opt",
    "MCMC samples for extinction $A_0$ from GSP-Phot Aeneas",
    "mag",
  ),
  s("logg", "phys.gravity", "MCMC samples for $\\log g$ from GSP-Phot Aeneas", "log(cm.s**-2)"),
  s("mh", "phys.abund.Z", "MCMC samples for the metallicity from GSP-Phot Aeneas", "'dex'"),
  s(
    "ag",
    "phys.absorption;em.opt",
    "MCMC samples for extinction in the G band from GSP-Phot Aeneas",
    "mag",
  ),
  s(
    "mg",
    "phys.magAbs;em.opt",
    "MCMC samples for the absolute magnitude $M_G$ from GSP-Phot Aeneas",
    "mag",
  ),
  s("distancepc", "pos.distance", "MCMC samples for distance from GSP-Phot Aeneas", "pc"),
  s(
    "abp",
    "phys.absorption;em.opt.B",
    "MCMC samples for extinction in the BP band from GSP-Phot Aeneas",
    "mag",
  ),
  s(
    "arp",
    "phys.absorption;em.opt.R",
    "MCMC samples for extinction in the RP band from GSP-Phot Aeneas",
    "mag",
  ),
  s(
    "ebpminrp",
    "phys.absorption;em.opt",
    "MCMC samples for reddening $E(G_{BP}-G_{RP})$ from GSP-Phot Aeneas",
    "mag",
  ),
  s("log_pos", "stat.probability", "MCMC samples for the log-posterior from GSP-Phot Aeneas"),
  s("log_lik", "stat.likelihood", "MCMC samples for the log-likelihood from GSP-Phot Aeneas"),
];

/** An autocorrelated chain of `n` samples around `mean` with marginal spread `sigma`. */
function chain(rng: Rng, n: number, mean: number, sigma: number, lo = -Infinity): Float32Array {
  const out = new Float32Array(n);
  const rho = 0.8, k = Math.sqrt(1 - rho * rho);
  let x = rng.gauss();
  for (let i = 0; i < n; i++) {
    x = rho * x + k * rng.gauss();
    out[i] = Math.max(lo, mean + sigma * x);
  }
  return out;
}

function centre(row: SourceRow | undefined) {
  const teff = sourceTeff(row);
  const dist = num(row, "distance_gspphot");
  const plx = num(row, "parallax");
  const d = dist === dist ? dist : plx > 0.05 ? 1000 / plx : 2000;
  const logg = num(row, "logg_gspphot");
  const mh = num(row, "mh_gspphot");
  const a0 = num(row, "azero_gspphot");
  return {
    teff,
    d,
    logg: logg === logg ? logg : 4.3,
    mh: mh === mh ? mh : -0.2,
    a0: a0 === a0 ? a0 : 0.1,
  };
}

/**
 * The MCMC chain of a source for `MCMC_GSPPHOT` or `MCMC_MSC`.
 *
 * @example
 * ```ts
 * import { mcmcProduct } from "./mcmc.ts";
 * const t = mcmcProduct("MCMC_MSC", 42n, { teff_gspphot: 5000, distance_gspphot: 300 });
 * if (t.numRows !== 100 || t.schema.fields[2].name !== "teff1") throw new Error();
 * ```
 */
export function mcmcProduct(
  type: "MCMC_GSPPHOT" | "MCMC_MSC",
  sourceId: bigint,
  row: SourceRow | undefined,
): Table {
  const rng = new Rng(seedFromId(sourceId, type === "MCMC_MSC" ? 52 : 51));
  const c = centre(row);
  const n = MCMC_SAMPLES;
  const ids: ProductColumn[] = [
    { def: ID_COLS("")[0], values: new BigInt64Array(n).fill(sourceId) },
    {
      def: ID_COLS("")[1],
      values: new BigInt64Array(n).fill(PRODUCT_SOLUTION_IDS[type as ProductType]),
    },
  ];
  const base = -1800 - 100 * rng.uniform();
  const logPos = chain(rng, n, base, 3);
  const logLik = Float32Array.from(logPos, (x) => x - 1.5 - rng.uniform());
  let values: Float32Array[];
  let defs: ColumnDef[];
  if (type === "MCMC_MSC") {
    defs = MCMC_MSC_COLUMNS;
    const t1 = chain(rng, n, c.teff, c.teff * 0.03, 2500);
    values = [
      t1,
      chain(rng, n, c.teff * 0.85, c.teff * 0.06, 2500),
      chain(rng, n, c.logg, 0.15, -0.5),
      chain(rng, n, Math.min(5.3, c.logg + 0.3), 0.2, -0.5),
      chain(rng, n, c.a0, 0.05, 0),
      chain(rng, n, c.mh, 0.1),
      chain(rng, n, c.d, c.d * 0.06, 1),
      logPos,
      logLik,
    ];
  } else {
    defs = MCMC_GSPPHOT_COLUMNS;
    const a0 = chain(rng, n, c.a0, 0.04, 0);
    const dist = chain(rng, n, c.d, c.d * 0.05, 1);
    let g = num(row, "phot_g_mean_mag");
    if (!(g === g)) g = 16;
    values = [
      chain(rng, n, c.teff, c.teff * 0.02, 2500),
      a0,
      chain(rng, n, c.logg, 0.08, -0.5),
      chain(rng, n, c.mh, 0.15),
      Float32Array.from(a0, (x) => 0.86 * x),
      Float32Array.from(a0, (x, i) => g - 5 * Math.log10(dist[i]) + 5 - 0.86 * x),
      dist,
      Float32Array.from(a0, (x) => 1.07 * x),
      Float32Array.from(a0, (x) => 0.64 * x),
      Float32Array.from(a0, (x) => 0.43 * x),
      logPos,
      logLik,
    ];
  }
  ids[0].def = defs[0];
  ids[1].def = defs[1];
  const cols = [...ids, ...values.map((v, i): ProductColumn => ({ def: defs[i + 2], values: v }))];
  return buildProductTable(n, cols, {
    product: type,
    timesys: GAIA_TIMESYS,
    resourceUtype: "spec:Spectrum",
  });
}
