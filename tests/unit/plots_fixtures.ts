/**
 * Deterministic synthetic data for the Plot recipe tests (seeded; no live data).
 *
 * @module
 */
import { type Table, tableFromArrays } from "apache-arrow";

/** A small seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates from a uniform generator (Box–Muller). */
export function gauss(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
}

/** A cluster (a main sequence at ~7.4 mas, common motion) on a field of stars. */
export function clusterTable(n = 400, seed = 1): Table {
  const u = rng(seed), g = gauss(u);
  const ra = new Float64Array(n), dec = new Float64Array(n), plx = new Float64Array(n);
  const pmra = new Float64Array(n), pmdec = new Float64Array(n), bprp = new Float64Array(n);
  const gmag = new Float64Array(n), id = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const member = i % 2 === 0;
    ra[i] = 56.75 + g() * (member ? 0.8 : 2);
    dec[i] = 24.12 + g() * (member ? 0.8 : 2);
    plx[i] = member ? 7.36 + 0.2 * g() : Math.abs(1 + 1.5 * g());
    pmra[i] = member ? 19.99 + 0.8 * g() : 2 + 6 * g();
    pmdec[i] = member ? -45.5 + 0.8 * g() : -3 + 6 * g();
    const c = 0.2 + 2.6 * u();
    bprp[i] = c;
    const absG = 1.0 + 3.8 * c + 0.25 * g();
    gmag[i] = member ? absG + 5 * Math.log10(100 / plx[i]) : 9 + 10 * u();
    id[i] = 66000000000000000n + BigInt(i) * 1000003n;
  }
  bprp[3] = NaN; // a null colour is left out
  return tableFromArrays({
    source_id: id,
    ra,
    dec,
    parallax: plx,
    pmra,
    pmdec,
    bp_rp: bprp,
    phot_g_mean_mag: gmag,
  });
}

/** Positions concentrated towards the Galactic plane (as Gaia sees the sky). */
export function skyTable(n = 3000, seed = 2): Table {
  const u = rng(seed), g = gauss(u);
  const l = new Float64Array(n), b = new Float64Array(n), gmag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    l[i] = 360 * u();
    b[i] = Math.max(-89.9, Math.min(89.9, 12 * g()));
    gmag[i] = 10 + 8 * u();
  }
  return tableFromArrays({ l, b, phot_g_mean_mag: gmag });
}

/** Epoch photometry of one RR Lyrae-like star in G, BP and RP (tidy product layout). */
export function epochPhotometry(seed = 3, period = 0.5668): Table {
  const u = rng(seed), g = gauss(u);
  const time: number[] = [],
    mag: number[] = [],
    band: string[] = [],
    flux: number[] = [],
    err: number[] = [];
  const rej: boolean[] = [];
  for (let i = 0; i < 45; i++) {
    const t = 1700 + 25 * i + u();
    const phase = (t / period) % 1;
    const shape = 0.45 * (phase < 0.15 ? 1 - phase / 0.15 : (phase - 0.15) / 0.85) - 0.2;
    for (const [bd, off] of [["G", 15], ["BP", 15.3], ["RP", 14.6]] as const) {
      const m = off + shape + 0.01 * g();
      time.push(t + (bd === "G" ? 0 : 0.0003));
      mag.push(m);
      band.push(bd);
      const f = 10 ** (-0.4 * (m - 25.7));
      flux.push(f);
      err.push(f * 0.005);
      rej.push(i === 7 && bd === "BP");
    }
  }
  const n = time.length;
  return tableFromArrays({
    source_id: BigInt64Array.from({ length: n }, () => 5284240582308398080n),
    band: band as unknown as string[],
    time: Float64Array.from(time),
    mag: Float64Array.from(mag),
    flux: Float64Array.from(flux),
    flux_error: Float64Array.from(err),
    rejected_by_photometry: rej as unknown as boolean[],
  });
}

/** XP sampled spectra of two sources, tidy layout. */
export function xpTable(): Table {
  const w: number[] = [], f: number[] = [], e: number[] = [], id: bigint[] = [];
  for (const [sid, temp] of [[1n, 5800], [2n, 3900]] as const) {
    for (let k = 0; k < 343; k++) {
      const lam = 336 + 2 * k;
      const x = 1.4388e7 / (lam * temp);
      const fl = 1e-16 * (1 / lam ** 5) / (Math.exp(x) - 1) * 1e13;
      w.push(lam);
      f.push(fl);
      e.push(fl * 0.03);
      id.push(sid);
    }
  }
  return tableFromArrays({
    source_id: BigInt64Array.from(id),
    wavelength: Float64Array.from(w),
    flux: Float64Array.from(f),
    flux_error: Float64Array.from(e),
  });
}

/** An RVS spectrum with the calcium triplet, tidy layout. */
export function rvsTable(): Table {
  const n = 2401;
  const w = new Float64Array(n), f = new Float64Array(n), e = new Float64Array(n);
  const lines = [849.8, 854.2, 866.2];
  for (let k = 0; k < n; k++) {
    const lam = 846 + 0.01 * k;
    let fl = 1;
    for (const c of lines) fl -= 0.5 * Math.exp(-((lam - c) ** 2) / (2 * 0.08 ** 2));
    w[k] = lam;
    f[k] = fl;
    e[k] = 0.02;
  }
  return tableFromArrays({ wavelength: w, flux: f, flux_error: e });
}
