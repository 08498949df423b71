/**
 * The synthetic `gaiadr3.gaia_source`: a believable Gaia-like population
 * generated deterministically from a seed, in record batches so that
 * millions of rows can be written in chunks.
 *
 * The model: a thin + thick exponential disk (main sequence, red giant
 * branch and red clump, white dwarfs), a halo with RR Lyrae stars, and
 * three open clusters at their real positions, parallaxes and space
 * motions (Pleiades, Hyades, Praesepe), all seen through a dust layer and
 * DR3-like errors that grow with G. DR3's NULL patterns are imitated:
 * 2-parameter solutions at the faint end, missing BP/RP, radial velocities
 * only for bright stars, GSP-Phot only for G < 19 with BP/RP.
 *
 * `source_id` = level-12 nested HEALPix index × 2^35 + running number,
 * where the running number is `8 × row + variability class code` (see
 * `variability.ts`), so `source_id / 34359738368` is the pixel, as in the
 * real archive.
 *
 * @module
 */
import type { RecordBatch } from "apache-arrow";
import { ColumnBuffers, utf8WithIds } from "./arrow_columns.ts";
import { CATALOGUE_TABLES, GAIA_SOURCE_SOLUTION_ID, type TableDef } from "./columns.ts";
import {
  galacticToIcrs,
  ICRS_TO_GALACTIC,
  icrsToEcliptic,
  icrsToGalactic,
  type LonLat,
} from "./coordinates.ts";
import { ZERO_POINTS } from "./epoch_photometry.ts";
import { ang2pixNest } from "./healpix.ts";
import { Rng } from "./prng.ts";
import {
  gMeanMagError,
  gMinusGrvs,
  gMinusRp,
  msAbsMag,
  msColour,
  parallaxError,
  radialVelocityError,
  teffFromColour,
  xpMeanMagError,
} from "./stellar.ts";
import { VARI_CODE } from "./variability.ts";

/** Options of the catalogue generators. */
export interface CatalogueOptions {
  /** Number of gaia_source rows. @default 100_000 */
  rows?: number;
  /** Seed of the pseudo-random generator. @default 20160 */
  seed?: number;
}

/** Default number of gaia_source rows. */
export const DEFAULT_ROWS = 100_000;
/** Default seed. */
export const DEFAULT_SEED = 20160;
/** Rows per generated record batch (fixed, so data never depend on chunking). */
export const BATCH_ROWS = 65_536;

/** An open cluster of the synthetic sky, at its real position and motion. */
export interface ClusterDef {
  /** Common name. */
  name: string;
  /** Centre right ascension, deg. */
  ra: number;
  /** Centre declination, deg. */
  dec: number;
  /** Parallax, mas. */
  parallax: number;
  /** Proper motion at the centre, mas/yr. */
  pmra: number;
  /** Proper motion in declination at the centre, mas/yr. */
  pmdec: number;
  /** Radial velocity, km/s. */
  radialVelocity: number;
  /** Members at the default catalogue size. */
  members: number;
  /** Gaussian sky radius (deg) and depth (pc). */
  skySigma: number;
  /** Gaussian depth along the line of sight, pc. */
  depthSigma: number;
  /** Brightest main-sequence absolute G (turn-off). */
  turnOff: number;
  /** Extinction A0 (mag) towards the cluster. */
  a0: number;
  /** Internal velocity dispersion, km/s. */
  sigmaV: number;
  /** Metallicity [M/H]. */
  mh: number;
}

/** The clusters placed in the synthetic catalogue. */
export const CLUSTERS: readonly ClusterDef[] = [
  {
    name: "Pleiades",
    ra: 56.75,
    dec: 24.12,
    parallax: 7.36,
    pmra: 19.99,
    pmdec: -45.55,
    radialVelocity: 5.7,
    members: 1000,
    skySigma: 0.4,
    depthSigma: 3,
    turnOff: -1.3,
    a0: 0.12,
    sigmaV: 0.8,
    mh: 0.0,
  },
  {
    name: "Hyades",
    ra: 66.75,
    dec: 15.87,
    parallax: 21.05,
    pmra: 101.0,
    pmdec: -28.5,
    radialVelocity: 39.1,
    members: 500,
    skySigma: 3.2,
    depthSigma: 4,
    turnOff: 1.2,
    a0: 0.0,
    sigmaV: 0.3,
    mh: 0.15,
  },
  {
    name: "Praesepe",
    ra: 130.1,
    dec: 19.67,
    parallax: 5.37,
    pmra: -35.9,
    pmdec: -12.9,
    radialVelocity: 35.0,
    members: 800,
    skySigma: 0.6,
    depthSigma: 3,
    turnOff: 1.2,
    a0: 0.05,
    sigmaV: 0.5,
    mh: 0.15,
  },
];

const GAIA_SOURCE: TableDef = CATALOGUE_TABLES[0];
const DEG = Math.PI / 180;
const K = 4.740470446; // km/s per (mas/yr × kpc)
const R0 = 8200; // pc
const G_LIMIT = 21;

// population components
const C_DISK = 0, C_HALO = 1, C_RR = 2, C_CLUSTER = 3;
// stellar types
const T_MS = 0, T_GIANT = 1, T_WD = 2;

const VAR_FLAGS = ["NOT_AVAILABLE", "VARIABLE"];
const LIBNAMES = ["MARCS", "PHOENIX", "A", "OB"];

/**
 * Generates `gaiadr3.gaia_source` in record batches of
 * {@linkcode BATCH_ROWS} rows. Same options, same bytes; each batch depends
 * only on the seed and its index, so a caller may stop early.
 *
 * @example
 * ```ts
 * import { generateGaiaSourceBatches } from "./gaia_source.ts";
 * let n = 0;
 * for (const batch of generateGaiaSourceBatches({ rows: 1000, seed: 1 })) n += batch.numRows;
 * if (n !== 1000) throw new Error(String(n));
 * ```
 */
export function* generateGaiaSourceBatches(options: CatalogueOptions = {}): Generator<RecordBatch> {
  const rows = options.rows ?? DEFAULT_ROWS;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(rows) || rows < 0 || rows > 2 ** 31) {
    throw new RangeError(`rows must be an integer in 0..2^31, got ${rows}`);
  }
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const perm = new FeistelPermutation(rows, seed);
  for (let start = 0, b = 0; start < rows; start += BATCH_ROWS, b++) {
    yield generateBatch(start, Math.min(BATCH_ROWS, rows - start), rows, seed, b, perm);
  }
}

/** A bijection of [0, n) used for `random_index` (Feistel network, cycle walking). */
class FeistelPermutation {
  #n: number;
  #bits: number;
  #keys: number[];
  constructor(n: number, seed: number) {
    this.#n = n;
    let bits = 2;
    while (2 ** bits < n) bits += 2;
    this.#bits = bits / 2;
    const r = new Rng(seed, 0x5eed);
    this.#keys = [r.next(), r.next(), r.next(), r.next()];
  }
  map(i: number): number {
    const half = this.#bits, mask = (1 << half) - 1;
    let x = i;
    do {
      let l = Math.floor(x / 2 ** half), r = x & mask;
      for (const k of this.#keys) {
        const f = (Math.imul(r ^ k, 0x9e3779b1) >>> (32 - half)) & mask;
        const t = r;
        r = (l ^ f) & mask;
        l = t;
      }
      x = l * 2 ** half + r;
    } while (x >= this.#n);
    return x;
  }
}

function generateBatch(
  start: number,
  n: number,
  total: number,
  seed: number,
  batchIndex: number,
  perm: FeistelPermutation,
): RecordBatch {
  const rng = new Rng(seed, batchIndex + 1);
  const B = new ColumnBuffers(GAIA_SOURCE, n);
  B.i64("solution_id").fill(GAIA_SOURCE_SOLUTION_ID);
  const sourceId = B.i64("source_id");
  const randomIndex = B.i64("random_index");
  B.f64("ref_epoch").fill(2016.0);
  const ra = B.f64("ra"), dec = B.f64("dec");
  const raErr = B.f32("ra_error"), decErr = B.f32("dec_error");
  const plx = B.f64("parallax"),
    plxErr = B.f32("parallax_error"),
    plxOE = B.f32("parallax_over_error");
  const pm = B.f32("pm"), pmra = B.f64("pmra"), pmraErr = B.f32("pmra_error");
  const pmdec = B.f64("pmdec"), pmdecErr = B.f32("pmdec_error");
  const corrNames = [
    "ra_dec_corr",
    "ra_parallax_corr",
    "dec_parallax_corr",
    "parallax_pmra_corr",
    "parallax_pmdec_corr",
    "pmra_pmdec_corr",
  ];
  const corrs = corrNames.map((c) => B.f32(c));
  const nObs = B.i32("astrometric_n_obs_al"), nGood = B.i32("astrometric_n_good_obs_al");
  const excess = B.f32("astrometric_excess_noise"),
    excessSig = B.f32("astrometric_excess_noise_sig");
  const solved = B.i16("astrometric_params_solved");
  const nuEff = B.f32("nu_eff_used_in_astrometry"), pseudo = B.f32("pseudocolour");
  const visPeriods = B.i16("visibility_periods_used");
  const sigma5d = B.f32("astrometric_sigma5d_max");
  const ipdMulti = B.i16("ipd_frac_multi_peak");
  const ruwe = B.f32("ruwe");
  const dup = B.u8("duplicated_source");
  const gNobs = B.i16("phot_g_n_obs"),
    bpNobs = B.i16("phot_bp_n_obs"),
    rpNobs = B.i16("phot_rp_n_obs");
  const flux = [B.f64("phot_g_mean_flux"), B.f64("phot_bp_mean_flux"), B.f64("phot_rp_mean_flux")];
  const fluxErr = [
    B.f32("phot_g_mean_flux_error"),
    B.f32("phot_bp_mean_flux_error"),
    B.f32("phot_rp_mean_flux_error"),
  ];
  const fluxOE = [
    B.f32("phot_g_mean_flux_over_error"),
    B.f32("phot_bp_mean_flux_over_error"),
    B.f32("phot_rp_mean_flux_over_error"),
  ];
  const magCol = [B.f32("phot_g_mean_mag"), B.f32("phot_bp_mean_mag"), B.f32("phot_rp_mean_mag")];
  const excessFactor = B.f32("phot_bp_rp_excess_factor");
  const bpRp = B.f32("bp_rp"), bpG = B.f32("bp_g"), gRp = B.f32("g_rp");
  const rv = B.f32("radial_velocity"), rvErr = B.f32("radial_velocity_error");
  const rvNb = B.i16("rv_nb_transits");
  const grvsMag = B.f32("grvs_mag");
  const varFlag = new Uint8Array(n);
  const lCol = B.f64("l"), bCol = B.f64("b"), eLon = B.f64("ecl_lon"), eLat = B.f64("ecl_lat");
  // no quasar or galaxy candidates, no epoch radial velocities (as for DR3 stars): all false
  B.u8("in_qso_candidates");
  B.u8("in_galaxy_candidates");
  B.u8("has_epoch_rv");
  const nss = B.i16("non_single_star");
  const hasXpC = B.u8("has_xp_continuous"),
    hasXpS = B.u8("has_xp_sampled"),
    hasRvs = B.u8("has_rvs");
  const hasEpoch = B.u8("has_epoch_photometry");
  const hasMcmcG = B.u8("has_mcmc_gspphot"), hasMcmcM = B.u8("has_mcmc_msc");
  const pQso = B.f32("classprob_dsc_combmod_quasar");
  const pGal = B.f32("classprob_dsc_combmod_galaxy");
  const pStar = B.f32("classprob_dsc_combmod_star");
  const teffCol = B.f32("teff_gspphot"),
    loggCol = B.f32("logg_gspphot"),
    mhCol = B.f32("mh_gspphot");
  const distCol = B.f32("distance_gspphot"), a0Col = B.f32("azero_gspphot");
  const agCol = B.f32("ag_gspphot"), ebrCol = B.f32("ebpminrp_gspphot");
  const libCode = new Int32Array(n);

  // expected members per cluster: ~the nominal count at the default size, fewer below
  const scale = Math.min(1, total / DEFAULT_ROWS);
  const fCluster = CLUSTERS.map((c) => (c.members * scale) / Math.max(1, total));
  const fRR = 0.0015, fHalo = 0.03;
  const clusterV = CLUSTERS.map(clusterVelocity);

  const ll: LonLat = { lon: 0, lat: 0 };
  const vel = new Float64Array(3);

  for (let r = 0; r < n; r++) {
    const row = start + r;
    // ---- component and intrinsic properties -------------------------------------------
    let comp = C_DISK, cl = -1;
    let u = rng.uniform();
    for (let k = 0; k < CLUSTERS.length; k++) {
      if (u < fCluster[k]) {
        comp = C_CLUSTER;
        cl = k;
        break;
      }
      u -= fCluster[k];
    }
    if (comp === C_DISK) {
      if (u < fRR) comp = C_RR;
      else if (u < fRR + fHalo) comp = C_HALO;
    }
    let type = T_MS, c0 = 0, absG = 0, mh = 0, code: number = VARI_CODE.NONE;
    let thick = false, redClump = false;
    let d = 0, a0 = 0; // distance (pc), extinction A0
    let raDeg = 0, decDeg = 0;
    if (comp === C_CLUSTER) {
      const c = CLUSTERS[cl];
      const d0 = 1000 / c.parallax;
      d = d0 + c.depthSigma * rng.gauss();
      const faint = Math.min(15.5, G_LIMIT - 5 * Math.log10(d / 10) - c.a0);
      if (c.turnOff > 0 && rng.uniform() < 0.015) {
        type = T_GIANT;
        redClump = true;
        c0 = rng.normal(1.0, 0.04);
        absG = rng.normal(0.35, 0.1);
      } else {
        absG = c.turnOff + (faint - c.turnOff) * Math.pow(rng.uniform(), 0.6);
        c0 = msColour(absG) + 0.02 * rng.gauss();
        absG += 0.05 * rng.gauss();
        if (rng.uniform() < 0.15) absG -= 0.75 * rng.uniform();
      }
      a0 = c.a0 * (0.8 + 0.4 * rng.uniform());
      mh = c.mh;
      const dx = c.skySigma * rng.gauss(), dy = c.skySigma * rng.gauss();
      decDeg = clampDec(c.dec + dy);
      raDeg = wrap360(c.ra + dx / Math.cos(c.dec * DEG));
    } else {
      if (comp === C_RR) {
        type = T_GIANT;
        code = rng.uniform() < 0.75 ? VARI_CODE.RRAB : VARI_CODE.RRC;
        c0 = code === VARI_CODE.RRAB ? rng.normal(0.5, 0.07) : rng.normal(0.33, 0.05);
        absG = rng.normal(0.6, 0.12);
        mh = rng.normal(-1.5, 0.3);
      } else {
        const t = rng.uniform();
        thick = comp === C_HALO || rng.uniform() < 0.12;
        mh = comp === C_HALO
          ? rng.normal(-1.6, 0.4)
          : thick
          ? rng.normal(-0.5, 0.25)
          : rng.normal(-0.05, 0.2);
        if (t < 0.62) {
          type = T_MS;
          const v = rng.uniform();
          if (v < 0.7) c0 = Math.max(0.3, rng.normal(0.85, 0.22));
          else if (v < 0.9) c0 = 0.3 + 0.35 * rng.uniform();
          else if (v < 0.97) c0 = 1.4 + 2.2 * Math.pow(rng.uniform(), 1.5);
          else c0 = -0.35 + 0.65 * rng.uniform();
          if (comp === C_HALO && c0 < 0.45) c0 = 0.45 + 0.2 * rng.uniform();
          absG = msAbsMag(c0) + 0.25 * rng.gauss() + (comp === C_HALO ? 0.4 : 0);
          if (rng.uniform() < 0.2) absG -= 0.75 * rng.uniform();
          // evolved turn-off stars (subgiants) for old populations
          if (c0 > 0.45 && c0 < 1.0 && rng.uniform() < 0.15) absG -= 1.0 + 1.2 * rng.uniform();
        } else if (t < 0.997) {
          type = T_GIANT;
          if (rng.uniform() < 0.4 && comp !== C_HALO) {
            redClump = true;
            c0 = rng.normal(1.15, 0.06);
            absG = rng.normal(0.45, 0.15);
          } else {
            const s = rng.uniform() ** 2;
            absG = 2.8 - 5.8 * s + 0.15 * rng.gauss();
            c0 =
              (comp === C_HALO ? 0.85 + 0.3 * s + 0.8 * s ** 3 : 0.95 + 0.35 * s + 1.4 * s ** 3) +
              0.05 * rng.gauss();
          }
        } else {
          type = T_WD;
          c0 = -0.35 + 1.2 * Math.pow(rng.uniform(), 1.5);
          absG = 10.8 + 3.4 * Math.pow(c0 + 0.35, 0.85) + 0.2 * rng.gauss();
        }
      }
      // ---- distance and direction ---------------------------------------------------
      const dMaxG = Math.pow(10, (G_LIMIT - absG + 5) / 5);
      if (comp === C_DISK) {
        const hz = thick ? 900 : type === T_WD ? 250 : 300;
        const dMax = Math.min(dMaxG, 15000);
        const rhoMax = Math.exp(Math.min(dMax, R0) / 2600);
        let x = 0, y = 0, z = 0;
        for (let tries = 0; tries < 200; tries++) {
          const rr = dMax * Math.sqrt(rng.uniform()), ph = 2 * Math.PI * rng.uniform();
          x = rr * Math.cos(ph);
          y = rr * Math.sin(ph);
          z = -hz * Math.log(1 - rng.uniform()) * (rng.uniform() < 0.5 ? -1 : 1);
          if (x * x + y * y + z * z > dMax * dMax) continue;
          const R = Math.hypot(R0 - x, y);
          if (rng.uniform() * rhoMax < Math.exp(-(R - R0) / 2600)) break;
        }
        d = Math.max(5, Math.hypot(x, y, z));
        galacticToIcrs(
          wrap360(Math.atan2(y, x) / DEG),
          Math.asin(Math.max(-1, Math.min(1, z / d))) / DEG,
          ll,
        );
      } else {
        const dMax = Math.min(dMaxG, comp === C_RR ? 25000 : 30000);
        d = 400 + (dMax - 400) * Math.pow(rng.uniform(), 1.3);
        const zz = 2 * rng.uniform() - 1;
        galacticToIcrs(360 * rng.uniform(), Math.asin(zz) / DEG, ll);
      }
      raDeg = ll.lon;
      decDeg = ll.lat;
      icrsToGalactic(raDeg, decDeg, ll);
      const sb = Math.abs(Math.sin(ll.lat * DEG));
      const hd = 120;
      const path = sb < 1e-3 ? d : (hd / sb) * (1 - Math.exp((-d * sb) / hd));
      a0 = 0.0006 * path * (0.6 + 0.8 * rng.uniform());
    }
    // ---- apparent photometry ------------------------------------------------------------
    const dm = 5 * Math.log10(d / 10);
    const ag = 0.86 * a0, ebr = 0.43 * a0;
    const gTrue = absG + dm + ag;
    if (gTrue > G_LIMIT + 0.3 || gTrue < 2) {
      // outside the survey: redraw this row from a fresh field star
      r--;
      continue;
    }
    // ---- variability class (field stars) ------------------------------------------------
    if (code === VARI_CODE.NONE && comp !== C_CLUSTER) {
      const boost = gTrue < 13 ? 4 : 1;
      const v = rng.uniform();
      if (type === T_GIANT && !redClump && c0 > 2.0 && v < 0.25) code = VARI_CODE.LPV;
      else if (type === T_GIANT && absG < -2.2 && c0 > 0.5 && c0 < 1.3 && v < 0.3) {
        code = VARI_CODE.CEP;
      } else if (type === T_MS && c0 > 0.15 && c0 < 0.55 && absG < 3.2 && v < 0.04 * boost) {
        code = VARI_CODE.DSCT;
      } else if (type === T_MS && c0 > 0.9 && v < 0.012 * boost) code = VARI_CODE.SOLAR_LIKE;
      else if (type !== T_WD && rng.uniform() < 0.004 * boost) code = VARI_CODE.ECL;
    } else if (comp === C_CLUSTER && rng.uniform() < 0.01) {
      code = c0 > 0.9 ? VARI_CODE.SOLAR_LIKE : VARI_CODE.ECL;
    }
    const c = c0 + ebr; // observed colour
    const grp = gMinusRp(c);
    const trueMag = [gTrue, gTrue - grp + c, gTrue - grp];
    const gObs = gTrue + gMeanMagError(gTrue) * rng.gauss();
    const missingXp = rng.uniform() < 0.002 + 0.7 / (1 + Math.exp(-(gTrue - 20.6) / 0.2));
    const xpErr = xpMeanMagError(gTrue);
    const mags = [gObs, NaN, NaN];
    if (!missingXp) {
      mags[1] = trueMag[1] + xpErr * 1.3 * rng.gauss();
      mags[2] = trueMag[2] + xpErr * rng.gauss();
      if (gTrue > 19) {
        // faint-end background in the BP/RP windows
        const bg = 0.3 * Math.pow(10, 0.4 * (gTrue - 19)) * rng.uniform();
        mags[1] -= 1.0857 * Math.log(1 + bg * 0.3);
        mags[2] -= 1.0857 * Math.log(1 + bg * 0.15);
      }
    }
    const sigmas = [gMeanMagError(gTrue), 1.3 * xpErr, xpErr];
    for (let k = 0; k < 3; k++) {
      const m = mags[k];
      if (m !== m) {
        flux[k][r] =
          fluxErr[k][r] =
          fluxOE[k][r] =
          magCol[k][r] =
            NaN;
        continue;
      }
      const f = Math.pow(10, -0.4 * (m - ZERO_POINTS[k]));
      const fe = (f * sigmas[k]) / 1.0857362;
      flux[k][r] = f;
      fluxErr[k][r] = fe;
      fluxOE[k][r] = f / fe;
      magCol[k][r] = m;
    }
    const hasXp = !missingXp;
    if (hasXp) {
      excessFactor[r] = (flux[1][r] + flux[2][r]) / flux[0][r];
      bpRp[r] = mags[1] - mags[2];
      bpG[r] = mags[1] - mags[0];
      gRp[r] = mags[0] - mags[2];
    } else {
      excessFactor[r] =
        bpRp[r] =
        bpG[r] =
        gRp[r] =
          NaN;
    }
    // ---- positions, kinematics and astrometry -------------------------------------------
    ra[r] = raDeg;
    dec[r] = decDeg;
    icrsToGalactic(raDeg, decDeg, ll);
    lCol[r] = ll.lon;
    bCol[r] = ll.lat;
    icrsToEcliptic(raDeg, decDeg, ll);
    eLon[r] = ll.lon;
    eLat[r] = ll.lat;
    const eclFactor = 1 + 0.6 * Math.exp(-(((Math.abs(ll.lat) - 45) / 12) ** 2));
    if (comp === C_CLUSTER) {
      const cv = clusterV[cl];
      const s = CLUSTERS[cl].sigmaV;
      vel[0] = cv[0] + s * rng.gauss();
      vel[1] = cv[1] + s * rng.gauss();
      vel[2] = cv[2] + s * rng.gauss();
    } else {
      // Galactic U (to the centre), V (rotation), W (north) relative to the Sun
      let U: number, V: number, W: number;
      if (comp === C_DISK) {
        const k = thick ? 2 : type === T_GIANT ? 1.3 : 1;
        U = rng.normal(-11.1, 30 * k);
        V = rng.normal(-12.24 - (thick ? 40 : 12), 20 * k);
        W = rng.normal(-7.25, 15 * k);
      } else {
        U = rng.normal(-11.1, 150);
        V = rng.normal(-232, 100);
        W = rng.normal(-7.25, 95);
      }
      const m = ICRS_TO_GALACTIC;
      vel[0] = m[0] * U + m[3] * V + m[6] * W;
      vel[1] = m[1] * U + m[4] * V + m[7] * W;
      vel[2] = m[2] * U + m[5] * V + m[8] * W;
    }
    const sa = Math.sin(raDeg * DEG), ca = Math.cos(raDeg * DEG);
    const sd = Math.sin(decDeg * DEG), cd = Math.cos(decDeg * DEG);
    const vRad = vel[0] * cd * ca + vel[1] * cd * sa + vel[2] * sd;
    const vA = -vel[0] * sa + vel[1] * ca;
    const vD = -vel[0] * sd * ca - vel[1] * sd * sa + vel[2] * cd;
    const dk = d / 1000;
    const pmraTrue = vA / (K * dk), pmdecTrue = vD / (K * dk), plxTrue = 1000 / d;

    const p2 = 0.003 + 1 / (1 + Math.exp(-(gTrue - 20.3) / 0.25));
    const is2p = rng.uniform() < p2;
    const is6p = !is2p && (missingXp || rng.uniform() < 1 / (1 + Math.exp(-(gTrue - 18.7) / 0.6)));
    const sPlx = parallaxError(gTrue) * (0.85 + 0.3 * rng.uniform()) / eclFactor;
    const nTransits = Math.max(12, Math.round(rng.normal(42, 9) * eclFactor));
    const nAl = Math.round(nTransits * 8.9 * (0.97 + 0.03 * rng.uniform()));
    nObs[r] = nAl;
    nGood[r] = nAl - Math.round(nAl * 0.01 * rng.uniform());
    visPeriods[r] = Math.min(33, Math.max(is2p ? 3 : 9, Math.round(nTransits / 2.6)));
    gNobs[r] = Math.round(nTransits * 8.6);
    if (hasXp) {
      bpNobs[r] = nTransits - rng.int(3);
      rpNobs[r] = nTransits - rng.int(3);
    } else {
      B.nullAt("phot_bp_n_obs", r);
      B.nullAt("phot_rp_n_obs", r);
    }
    const bin = rng.uniform() < (gTrue < 15 ? 0.03 : 0.01);
    nss[r] = bin && gTrue < 16 ? 1 : 0;
    const ex = Math.max(0, rng.normal(-0.05 + 0.04 * Math.max(0, gTrue - 16), 0.08)) +
      (bin ? 0.3 : 0);
    excess[r] = ex;
    excessSig[r] = ex > 0 ? ex / (0.05 + sPlx) * 2 : 0;
    ipdMulti[r] = bin ? 2 + rng.int(20) : rng.uniform() < 0.05 ? 1 : 0;
    dup[r] = rng.uniform() < 0.004 ? 1 : 0;
    if (is2p) {
      solved[r] = 3;
      const sPos = 1.2 + 2 * rng.uniform();
      raErr[r] = sPos * (0.8 + 0.4 * rng.uniform());
      decErr[r] = sPos * (0.8 + 0.4 * rng.uniform());
      plx[r] =
        plxErr[r] =
        plxOE[r] =
        pm[r] =
        pmra[r] =
        pmraErr[r] =
        pmdec[r] =
        pmdecErr[r] =
          NaN;
      corrs[0][r] = clampCorr(rng.normal(0, 0.3));
      for (let k = 1; k < corrs.length; k++) corrs[k][r] = NaN;
      nuEff[r] =
        pseudo[r] =
        ruwe[r] =
        sigma5d[r] =
          NaN;
    } else {
      solved[r] = is6p ? 95 : 31;
      const s6 = is6p ? 1.25 : 1;
      const sp = sPlx * s6, spm = sPlx * 1.05 * s6;
      raErr[r] = sPlx * 0.8 * s6;
      decErr[r] = sPlx * 0.75 * s6;
      plx[r] = plxTrue + sp * rng.gauss();
      plxErr[r] = sp;
      plxOE[r] = plx[r] / sp;
      pmra[r] = pmraTrue + spm * rng.gauss();
      pmdec[r] = pmdecTrue + spm * rng.gauss();
      pmraErr[r] = spm * (0.9 + 0.2 * rng.uniform());
      pmdecErr[r] = spm * (0.9 + 0.2 * rng.uniform());
      pm[r] = Math.hypot(pmra[r], pmdec[r]);
      for (let k = 0; k < corrs.length; k++) corrs[k][r] = clampCorr(rng.normal(0, 0.25));
      sigma5d[r] = sp * (1.4 + 0.6 * rng.uniform());
      const nu = 1.76 - (1.61 / Math.PI) * Math.atan(0.531 * c);
      if (is6p) {
        nuEff[r] = NaN;
        pseudo[r] = nu + 0.05 * rng.gauss();
      } else {
        nuEff[r] = nu;
        pseudo[r] = NaN;
      }
      ruwe[r] = Math.max(0.7, Math.exp(rng.normal(0.0, 0.07))) * (bin ? 1.3 + rng.uniform() : 1);
    }
    // ---- radial velocity ----------------------------------------------------------------
    const teff = teffFromColour(c0);
    const grvs = gTrue - gMinusGrvs(gMinusRp(c));
    if (hasXp && grvs <= 14 && teff > 3100 && teff < 14500 && rng.uniform() < 0.93) {
      const se = radialVelocityError(grvs) * (type === T_MS && c0 < 0.3 ? 3 : 1);
      rv[r] = vRad + se * rng.gauss() + (bin ? rng.normal(0, 10) : 0);
      rvErr[r] = se;
      rvNb[r] = Math.max(2, Math.round(nTransits * (0.5 + 0.4 * rng.uniform())));
      grvsMag[r] = grvs + 0.03 * rng.gauss();
      hasRvs[r] = grvs <= 12 && rng.uniform() < 0.5 ? 1 : 0;
    } else {
      rv[r] = rvErr[r] = grvsMag[r] = NaN;
      B.nullAt("rv_nb_transits", r);
      hasRvs[r] = 0;
    }
    // ---- flags and astrophysical parameters ---------------------------------------------
    const xpPublished = hasXp && gTrue <= 17.65;
    hasXpC[r] = hasXpS[r] = xpPublished ? 1 : 0;
    hasEpoch[r] = code !== VARI_CODE.NONE ? 1 : 0;
    varFlag[r] = code !== VARI_CODE.NONE ? 1 : 0;
    hasMcmcM[r] = hasXp && gTrue < 18.25 && rng.uniform() < 0.8 ? 1 : 0;
    if (hasXp) {
      const q = 1e-5 * Math.exp(4 * rng.uniform()), gl = 1e-5 * Math.exp(4 * rng.uniform());
      pQso[r] = q;
      pGal[r] = gl;
      pStar[r] = type === T_WD ? 0.02 : 1 - q - gl;
    } else {
      pQso[r] = pGal[r] = pStar[r] = NaN;
    }
    const gsp = hasXp && gTrue < 19 && !is2p && type !== T_WD && rng.uniform() < 0.97;
    if (gsp) {
      const tg = teff * (1 + 0.03 * rng.gauss());
      teffCol[r] = tg;
      const logg = type === T_GIANT ? (redClump ? 2.45 : 1.0 + 0.45 * (absG + 2.5)) : Math.min(
        5.2,
        Math.max(3.6, 4.4 + 0.15 * Math.min(c0 - 0.8, 2) - (absG < msAbsMag(c0) - 0.8 ? 0.5 : 0)),
      );
      loggCol[r] = logg + 0.12 * rng.gauss();
      mhCol[r] = mh + 0.25 * rng.gauss();
      distCol[r] = d * Math.exp(0.08 * rng.gauss() + (gTrue > 17 ? 0.1 * rng.gauss() : 0));
      const az = Math.max(0, a0 + 0.08 * rng.gauss());
      a0Col[r] = az;
      agCol[r] = 0.86 * az;
      ebrCol[r] = 0.43 * az;
      libCode[r] = tg > 15000 ? 3 : tg > 8000 ? 2 : rng.uniform() < 0.2 ? 1 : 0;
      hasMcmcG[r] = xpPublished && rng.uniform() < 0.9 ? 1 : 0;
    } else {
      teffCol[r] =
        loggCol[r] =
        mhCol[r] =
        distCol[r] =
        a0Col[r] =
        agCol[r] =
        ebrCol[r] =
          NaN;
      libCode[r] = -1;
      hasMcmcG[r] = 0;
    }
    // ---- identifiers --------------------------------------------------------------------
    const pix = ang2pixNest(12, raDeg, decDeg);
    sourceId[r] = BigInt(pix) * 34359738368n + BigInt(row) * 8n + BigInt(code);
    randomIndex[r] = BigInt(perm.map(row));
  }
  B.strings("designation", utf8WithIds("Gaia DR3 ", sourceId));
  B.strings("phot_variable_flag", { codes: varFlag, strings: VAR_FLAGS });
  B.strings("libname_gspphot", { codes: libCode, strings: LIBNAMES });
  return B.toRecordBatch();
}

/** The ICRS Cartesian space velocity (km/s) of a cluster from its centre's motion. */
function clusterVelocity(c: ClusterDef): [number, number, number] {
  const a = c.ra * DEG, dd = c.dec * DEG;
  const dk = 1 / c.parallax;
  const vA = c.pmra * K * dk, vD = c.pmdec * K * dk, vR = c.radialVelocity;
  const sa = Math.sin(a), ca = Math.cos(a), sd = Math.sin(dd), cd = Math.cos(dd);
  return [
    vR * cd * ca - vA * sa - vD * sd * ca,
    vR * cd * sa + vA * ca - vD * sd * sa,
    vR * sd + vD * cd,
  ];
}

function wrap360(x: number): number {
  x %= 360;
  return x < 0 ? x + 360 : x;
}

function clampDec(x: number): number {
  return Math.max(-89.999, Math.min(89.999, x));
}

function clampCorr(x: number): number {
  return Math.max(-0.95, Math.min(0.95, x));
}
