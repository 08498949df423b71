/**
 * Variability of synthetic sources. The class of a variable source is
 * carried by the low three bits of its `source_id` (the "running number"
 * part, which in the real archive has no meaning a user relies on), and
 * its period, epoch and amplitudes follow from a hash of the id. So any
 * piece of code that has a `source_id` — the catalogue building the
 * `vari_*` tables, the DataLink products making an epoch-photometry light
 * curve — finds the same model without sharing state.
 *
 * @module
 */
import { Rng, seedFromId } from "./prng.ts";

/** Class codes kept in the low three bits of a synthetic `source_id`. */
export const VARI_CODE = {
  NONE: 0,
  RRAB: 1,
  RRC: 2,
  DSCT: 3,
  ECL: 4,
  LPV: 5,
  SOLAR_LIKE: 6,
  CEP: 7,
} as const;

/** DR3 `best_class_name` per class code (index = code). */
export const VARI_CLASS_NAMES: readonly string[] = [
  "",
  "RR",
  "RR",
  "DSCT|GDOR|SXPHE",
  "ECL",
  "LPV",
  "SOLAR_LIKE",
  "CEP",
];

/** The light-curve model of one variable source. */
export interface VariabilityModel {
  /** Class code, 1..7 (see {@linkcode VARI_CODE}). */
  code: number;
  /** DR3 `best_class_name` (`RR`, `ECL`, `LPV`, ...). */
  className: string;
  /** RR Lyrae subtype (`RRab` / `RRc`), else undefined. */
  subtype?: "RRab" | "RRc";
  /** Period in days. */
  period: number;
  /** Epoch of maximum light (pulsators) or primary eclipse (ECL), BJD - 2455197.5 days. */
  epoch: number;
  /** Peak-to-peak amplitude in G (mag); for ECL the primary eclipse depth. */
  amplitude: number;
  /** ECL only: depth of the secondary eclipse (mag). */
  secondaryDepth: number;
  /** ECL only: Gaussian width of the eclipses in phase. */
  width: number;
  /** Score of the classification, in (0.5, 1). */
  score: number;
}

/** The class code carried by a synthetic source_id (0 = not variable). */
export function variabilityCode(sourceId: bigint): number {
  return Number(sourceId & 7n);
}

/**
 * The variability model of a synthetic source, or undefined when the
 * source is not variable. Pure function of the id.
 *
 * @example
 * ```ts
 * import { variabilityOf } from "./variability.ts";
 * const m = variabilityOf(34359738368n * 1000n + 8n * 12n + 1n)!; // code 1: RRab
 * if (m.className !== "RR" || m.subtype !== "RRab") throw new Error(m.className);
 * if (!(m.period > 0.4 && m.period < 0.8)) throw new Error(String(m.period));
 * if (variabilityOf(34359738368n * 1000n + 8n * 12n) !== undefined) throw new Error("code 0 is constant");
 * ```
 */
export function variabilityOf(sourceId: bigint): VariabilityModel | undefined {
  const code = variabilityCode(sourceId);
  if (code === 0) return undefined;
  const r = new Rng(seedFromId(sourceId, 77));
  const logU = (lo: number, hi: number) => Math.exp(r.between(Math.log(lo), Math.log(hi)));
  let period: number, amplitude: number, secondaryDepth = 0, width = 0;
  let subtype: "RRab" | "RRc" | undefined;
  switch (code) {
    case VARI_CODE.RRAB:
      subtype = "RRab";
      period = r.between(0.45, 0.75);
      amplitude = r.between(0.5, 1.1);
      break;
    case VARI_CODE.RRC:
      subtype = "RRc";
      period = r.between(0.25, 0.42);
      amplitude = r.between(0.2, 0.5);
      break;
    case VARI_CODE.DSCT:
      period = logU(0.04, 0.2);
      amplitude = r.between(0.02, 0.15);
      break;
    case VARI_CODE.ECL:
      period = logU(0.3, 10);
      amplitude = r.between(0.2, 0.8);
      secondaryDepth = amplitude * r.between(0.1, 0.6);
      width = r.between(0.03, 0.08);
      break;
    case VARI_CODE.LPV:
      period = r.between(80, 500);
      amplitude = r.between(0.8, 2.5);
      break;
    case VARI_CODE.SOLAR_LIKE:
      period = logU(2, 25);
      amplitude = r.between(0.01, 0.05);
      break;
    default:
      period = logU(2, 30);
      amplitude = r.between(0.4, 0.9);
  }
  return {
    code,
    className: VARI_CLASS_NAMES[code],
    ...(subtype ? { subtype } : {}),
    period,
    epoch: 1700 + r.uniform() * period,
    amplitude,
    secondaryDepth,
    width,
    score: r.between(0.55, 0.99),
  };
}

/** Amplitude scale per band relative to G (index 0 G, 1 BP, 2 RP), per class code. */
const BAND_SCALE: readonly (readonly number[])[] = [
  [1, 1, 1],
  [1, 1.3, 0.8],
  [1, 1.3, 0.8],
  [1, 1.2, 0.85],
  [1, 1.05, 0.95],
  [1, 1.6, 0.6],
  [1, 1.1, 0.9],
  [1, 1.3, 0.8],
];

/**
 * The magnitude offset from the mean of a variable at time `t`
 * (BJD - 2455197.5 days) in a band (0 G, 1 BP, 2 RP). Positive = fainter.
 *
 * @example An RRab is brightest at its epoch
 * ```ts
 * import { deltaMag, variabilityOf } from "./variability.ts";
 * const m = variabilityOf(8n * 5n + 1n)!;
 * if (!(deltaMag(m, m.epoch, 0) < deltaMag(m, m.epoch + m.period / 2, 0))) throw new Error("shape");
 * ```
 */
export function deltaMag(m: VariabilityModel, t: number, band: number): number {
  let phase = ((t - m.epoch) / m.period) % 1;
  if (phase < 0) phase += 1;
  const s = BAND_SCALE[m.code][band];
  const a = m.amplitude * s;
  switch (m.code) {
    case VARI_CODE.RRAB:
    case VARI_CODE.CEP: {
      // fast rise (last 15-25 % of the cycle), slow decline
      const rise = m.code === VARI_CODE.RRAB ? 0.15 : 0.25;
      const x = phase < 1 - rise ? phase / (1 - rise) : (1 - phase) / rise;
      return a * (x - 0.5);
    }
    case VARI_CODE.ECL: {
      const d1 = Math.min(phase, 1 - phase);
      const d2 = phase - 0.5;
      const w2 = 2 * m.width * m.width;
      return a * Math.exp(-(d1 * d1) / w2) + m.secondaryDepth * s * Math.exp(-(d2 * d2) / w2);
    }
    case VARI_CODE.RRC:
      return -0.5 * a * (Math.cos(2 * Math.PI * phase) + 0.12 * Math.cos(4 * Math.PI * phase));
    default:
      return -0.5 * a * Math.cos(2 * Math.PI * phase);
  }
}
