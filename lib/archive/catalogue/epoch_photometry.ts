/**
 * Simulated Gaia epoch photometry of one source: G, BP and RP transits over
 * DR3's 34 months (2014-07-25 to 2017-05-28), grouped in scan visits
 * (field-of-view pairs 106.5 minutes apart), with per-transit noise that
 * grows with magnitude and, for variables, the signal of
 * {@linkcode variabilityOf}. Shared by the DataLink EPOCH_PHOTOMETRY
 * product and the `vari_summary` statistics so that the two agree.
 *
 * @module
 */
import { Rng, seedFromId } from "./prng.ts";
import { deltaMag, variabilityOf } from "./variability.ts";

/** DR3 photometric zero points (G, BP, RP), Vega magnitudes for 1 e-/s. */
export const ZERO_POINTS: readonly number[] = [25.6873668671, 25.3385422158, 24.7478955012];

/** Start and end of DR3 epoch photometry, BJD - 2455197.5 days. */
export const DR3_TIME_RANGE: readonly [number, number] = [1666.4, 2704.35];

/** Per-transit photometry of one source, one entry per transit in each array. */
export interface EpochSeries {
  /** Transit identifiers (increasing with time). */
  transitId: BigInt64Array;
  /** Observation times per band (0 G, 1 BP, 2 RP), BJD - 2455197.5 days. */
  time: [Float64Array, Float64Array, Float64Array];
  /** Magnitudes per band; NaN where the band has no measurement. */
  mag: [Float64Array, Float64Array, Float64Array];
  /** Fluxes per band (e-/s); NaN where missing. */
  flux: [Float64Array, Float64Array, Float64Array];
  /** Flux errors per band (e-/s); NaN where missing. */
  fluxError: [Float64Array, Float64Array, Float64Array];
  /** Rejected by the photometric pipeline, per band (0/1). */
  rejectedByPhotometry: [Uint8Array, Uint8Array, Uint8Array];
  /** Rejected by the variability pipeline, per band (0/1). */
  rejectedByVariability: [Uint8Array, Uint8Array, Uint8Array];
  /** Other processing flags per transit (bit mask). */
  otherFlags: BigInt64Array;
}

/** Per-transit magnitude error in a band (0 G, 1 BP, 2 RP) at magnitude `g`. */
export function epochMagError(g: number, band: number): number {
  const base = Math.hypot(0.0012, 0.008 * Math.pow(10, 0.2 * (g - 17)));
  return band === 0 ? base : 3 * base + 0.002;
}

/**
 * Simulates the epoch photometry of a source from its mean magnitudes.
 * Deterministic per `source_id`. NaN means "no mean magnitude in that
 * band": the band is then left empty.
 *
 * @example
 * ```ts
 * import { simulateEpochPhotometry } from "./epoch_photometry.ts";
 * // 123456784 % 8 === 0: not a variable
 * const s = simulateEpochPhotometry(123456784n, 15, 15.4, 14.5);
 * if (s.transitId.length < 40 || s.transitId.length > 70) throw new Error(String(s.transitId.length));
 * if (Math.abs(s.mag[0][0] - 15) > 0.1) throw new Error("mean lost");
 * ```
 */
export function simulateEpochPhotometry(
  sourceId: bigint,
  meanG: number,
  meanBp: number,
  meanRp: number,
): EpochSeries {
  const rng = new Rng(seedFromId(sourceId, 11));
  const n = 40 + rng.int(31);
  // visits: field-of-view pairs, sometimes followed by another pair one spin (6 h) later
  const times = new Float64Array(n);
  let k = 0;
  const [t0, t1] = DR3_TIME_RANGE;
  while (k < n) {
    const tv = t0 + rng.uniform() * (t1 - t0 - 0.5);
    const perVisit = Math.min(n - k, rng.uniform() < 0.35 ? 4 : 2);
    for (let j = 0; j < perVisit; j++) {
      times[k++] = tv + (j & 1) * 0.0739583 + (j >> 1) * 0.25;
    }
  }
  times.sort();
  const model = variabilityOf(sourceId);
  const means = [meanG, meanBp, meanRp];
  const mk = () => new Float64Array(n);
  const out: EpochSeries = {
    transitId: new BigInt64Array(n),
    time: [times, mk(), mk()],
    mag: [mk(), mk(), mk()],
    flux: [mk(), mk(), mk()],
    fluxError: [mk(), mk(), mk()],
    rejectedByPhotometry: [new Uint8Array(n), new Uint8Array(n), new Uint8Array(n)],
    rejectedByVariability: [new Uint8Array(n), new Uint8Array(n), new Uint8Array(n)],
    otherFlags: new BigInt64Array(n),
  };
  const fov = rng.int(2);
  for (let i = 0; i < n; i++) {
    // on the scale of real DR3 transit ids (a time count), plus a field-of-view and a CCD row digit
    const count = Math.round((1.70919233426813e16 + (times[i] - 1705.94373602) * 5.532e13) / 100);
    out.transitId[i] = BigInt(count) * 100n + BigInt(((i + fov) & 1) * 10 + rng.int(7));
    const u = rng.uniform();
    out.otherFlags[i] = u < 0.8 ? 4097n : u < 0.95 ? 4194817n : 1n;
    for (let b = 0; b < 3; b++) {
      const mean = means[b];
      const t = b === 0 ? times[i] : times[i] + (b === 1 ? 0.0000231 : 0.0000463);
      out.time[b][i] = t;
      if (!(mean === mean) || (b > 0 && rng.uniform() < 0.03)) {
        out.mag[b][i] = NaN;
        out.flux[b][i] = NaN;
        out.fluxError[b][i] = NaN;
        continue;
      }
      const sigma = epochMagError(mean, b);
      const m = mean + (model ? deltaMag(model, t, b) : 0) + sigma * rng.gauss();
      const f = Math.pow(10, -0.4 * (m - ZERO_POINTS[b]));
      out.mag[b][i] = m;
      out.flux[b][i] = f;
      out.fluxError[b][i] = (f * sigma) / 1.0857362;
      if (rng.uniform() < 0.01) out.rejectedByPhotometry[b][i] = 1;
      if (rng.uniform() < 0.015) out.rejectedByVariability[b][i] = 1;
    }
  }
  return out;
}
