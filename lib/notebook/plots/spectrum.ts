/**
 * The spectrum chart behind {@linkcode xpSpectrum} and {@linkcode rvsSpectrum}:
 * flux against wavelength, one line per source, with an error band.
 *
 * @module
 */
import { Plot } from "./observable_plot.ts";
import { ColumnNotFoundError, columnsOf, type TableInput } from "../table_like.ts";
import { Chart } from "./chart.ts";
import {
  axisLabel,
  baseOptions,
  type ChartOptions,
  count,
  indexData,
  mergePlot,
} from "./common.ts";

/** Options shared by the spectrum recipes. */
export interface SpectrumOptions extends ChartOptions {
  /** Wavelength column (nm). Without one, list-valued fluxes use the product's standard grid. @default "wavelength" */
  wavelength?: string;
  /** Flux column: one value per row (tidy) or an array per row (RAW products). @default "flux" */
  flux?: string;
  /** Flux error column, drawn as a band (set to `""` for none). @default "flux_error" */
  error?: string;
  /** Draw only this source when the data holds several. @default all, up to `maxSources` */
  sourceId?: bigint | number | string;
  /** Most sources drawn, each its own colour. @default 10 */
  maxSources?: number;
  /** Line width in pixels. @default 1.2 */
  strokeWidth?: number;
}

/** The standard wavelength grid of a product, for fluxes that arrive as arrays without one. */
export interface WavelengthGrid {
  /** First wavelength (nm). */
  start: number;
  /** Step between samples (nm). */
  step: number;
  /** Number of samples. */
  count: number;
}

/**
 * Draws spectra. Shared by {@linkcode xpSpectrum} and {@linkcode rvsSpectrum}.
 *
 * @param kind The recipe's name, for messages.
 * @param data The product table.
 * @param options See {@linkcode SpectrumOptions}.
 * @param grid The standard wavelength grid for array-valued flux without wavelengths.
 * @param yLabel The flux axis label when the column has no unit.
 * @returns The chart.
 */
export function spectrumChart(
  kind: string,
  data: TableInput,
  options: SpectrumOptions,
  grid: WavelengthGrid,
  yLabel: string,
): Chart {
  const where = `${kind}()`;
  const cols = columnsOf(data, where);
  const fName = options.flux ?? "flux";
  if (!cols.has(fName)) throw new ColumnNotFoundError(where, fName, cols.names, "flux");
  const wName = options.wavelength ?? "wavelength";
  const eName = options.error ?? "flux_error";
  const ids = cols.has("source_id") ? cols.strings("source_id") : undefined;
  const want = options.sourceId !== undefined ? String(options.sourceId) : undefined;
  if (want !== undefined && !ids) throw new ColumnNotFoundError(where, "source_id", cols.names);
  const maxSources = options.maxSources ?? 10;
  const chosen = new Set<string>();
  const w: number[] = [], f: number[] = [], lo: number[] = [], hi: number[] = [], z: string[] = [];
  const isList = cols.length > 0 && isListValue(cols.value(fName, 0));
  const hasErr = eName !== "" && cols.has(eName);
  for (let i = 0; i < cols.length; i++) {
    const id = ids ? ids[i] : "";
    if (want !== undefined && id !== want) continue;
    if (!chosen.has(id)) {
      if (chosen.size >= maxSources) continue;
      chosen.add(id);
    }
    if (isList) {
      const fl = listNumbers(cols.value(fName, i));
      const el = hasErr ? listNumbers(cols.value(eName, i)) : undefined;
      const wl = cols.has(wName) ? listOrScalar(cols.value(wName, i), fl.length) : undefined;
      if (wl === undefined && fl.length !== grid.count && fl.length > 0) {
        throw new RangeError(
          `${where}: row ${i} has ${fl.length} flux values but no ${
            JSON.stringify(wName)
          } column, and the standard grid has ${grid.count}; pass {wavelength: "<column>"}`,
        );
      }
      for (let k = 0; k < fl.length; k++) {
        const wk = wl ? wl[k] : grid.start + k * grid.step;
        push(wk, fl[k], el ? el[k] : NaN, id);
      }
    } else {
      if (!cols.has(wName)) throw new ColumnNotFoundError(where, wName, cols.names, "wavelength");
      push(
        cols.numbers(wName)[i],
        cols.numbers(fName)[i],
        hasErr ? cols.numbers(eName)[i] : NaN,
        id,
      );
    }
  }
  function push(wk: number, fk: number, ek: number, id: string) {
    if (!Number.isFinite(wk) || !Number.isFinite(fk)) return;
    w.push(wk);
    f.push(fk);
    lo.push(Number.isFinite(ek) ? fk - ek : fk);
    hi.push(Number.isFinite(ek) ? fk + ek : fk);
    z.push(id);
  }
  if (want !== undefined && !chosen.size) {
    throw new RangeError(`${where}: source_id ${want} is not in the data`);
  }
  const n = w.length;
  const plot = baseOptions(options, { height: 360 });
  const unit = cols.meta(fName).unit;
  plot.x = { label: cols.has(wName) ? axisLabel(cols, wName) : "wavelength (nm)", grid: true };
  // Fluxes in W m⁻² nm⁻¹ are ~1e-17: exponent ticks keep the axis readable.
  let maxAbs = 0;
  for (const v of f) if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
  const tiny = maxAbs > 0 && (maxAbs < 1e-3 || maxAbs >= 1e6);
  plot.y = {
    label: unit ? `${fName} (${unit})` : yLabel,
    grid: true,
    ...(tiny ? { tickFormat: "~e" } : {}),
  };
  if (tiny) plot.marginLeft = 58;
  const several = chosen.size > 1;
  const x = Float64Array.from(w), y = Float64Array.from(f);
  const marks: Plot.Markish[] = [Plot.frame({ stroke: "#ccc" })];
  if (hasErr) {
    marks.push(Plot.areaY(indexData(n), {
      x,
      y1: Float64Array.from(lo),
      y2: Float64Array.from(hi),
      z,
      fill: several ? z : "#1f4e79",
      fillOpacity: 0.2,
    }));
  }
  marks.push(
    Plot.line(indexData(n), {
      x,
      y,
      z,
      stroke: several ? z : "#1f4e79",
      strokeWidth: options.strokeWidth ?? 1.2,
    }),
  );
  plot.marks = marks;
  if (several) plot.color = { type: "ordinal", scheme: "tableau10", legend: true };
  const summary = `${count(chosen.size)} source${chosen.size === 1 ? "" : "s"}, ${
    count(n)
  } samples${
    ids && !want && new Set(ids).size > chosen.size
      ? ` (first ${chosen.size} of ${new Set(ids).size} sources)`
      : ""
  }`;
  return Chart.render(mergePlot(plot, options.plot), { kind, summary });
}

function isListValue(v: unknown): boolean {
  return v !== null && typeof v === "object" &&
    (ArrayBuffer.isView(v) || Array.isArray(v) ||
      typeof (v as { toArray?: unknown }).toArray === "function");
}

function listNumbers(v: unknown): Float64Array {
  if (v === null || v === undefined) return new Float64Array(0);
  const arr = typeof (v as { toArray?: unknown }).toArray === "function"
    ? (v as { toArray(): ArrayLike<unknown> }).toArray()
    : v as ArrayLike<unknown>;
  const out = new Float64Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const x = arr[i];
    out[i] = typeof x === "number" ? x : typeof x === "bigint" ? Number(x) : NaN;
  }
  // A list vector with nulls: read validity through get().
  if (
    typeof (v as { nullCount?: number }).nullCount === "number" &&
    (v as { nullCount: number }).nullCount > 0
  ) {
    const vec = v as { get(i: number): unknown };
    for (let i = 0; i < out.length; i++) if (vec.get(i) === null) out[i] = NaN;
  }
  return out;
}

function listOrScalar(v: unknown, n: number): Float64Array | undefined {
  if (isListValue(v)) return listNumbers(v);
  return n === 1 && typeof v === "number" ? Float64Array.of(v) : undefined;
}
