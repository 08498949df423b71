/**
 * MCMC samples (MCMC_GSPPHOT, MCMC_MSC): one row per sample, with an
 * Int64 `source_id` first and a `sample` index (0-based, per source).
 *
 * @module
 */
import {
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
} from "apache-arrow";
import { finishBatch, Float64Builder, Int32Builder, Int64Builder } from "../table/builders.ts";
import { toFieldMetadata } from "../table/metadata.ts";
import { arrayAt, bigintAt, column, paramValue } from "./columns.ts";

/**
 * Puts a table of samples in tidy form: `source_id` (Int64, from the column,
 * a PARAM or `sourceId`), `sample` (index within its source), then every other
 * column as it came.
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { mcmcSamples } from "./mcmc.ts";
 * const t = mcmcSamples(tableFromArrays({
 *   source_id: new BigInt64Array([1n, 1n, 2n]), teff: new Float32Array([5000, 5100, 6000]),
 * }));
 * if ([...t.getChild("sample")!].join() !== "0,1,0") throw new Error();
 * ```
 */
export function mcmcSamples(table: Table, sourceId?: bigint): Table {
  const arrayCols = table.schema.fields.filter((f) => {
    const v = table.numRows ? table.getChild(f.name)?.get(0) : null;
    return (typeof v === "string" && /^\s*[([]/.test(v)) ||
      (v !== null && typeof v === "object" && "toArray" in v);
  });
  if (arrayCols.length) return unrollChains(table, arrayCols.map((f) => f.name), sourceId);
  const sidCol = column(table, "source_id");
  const p = paramValue(table, "source_id");
  const fallback = sourceId ?? (p !== undefined && /^\s*\d+\s*$/.test(p) ? BigInt(p.trim()) : null);
  const sid = new Int64Builder();
  const sample = new Int32Builder();
  let last: bigint | null | undefined = undefined;
  let k = 0;
  for (let i = 0; i < table.numRows; i++) {
    const s = sidCol ? bigintAt(sidCol, i) : fallback;
    if (s !== last) (k = 0, last = s);
    s === null ? sid.appendNull() : sid.append(s);
    sample.append(k++);
  }
  const head = new Schema([
    new Field(
      "source_id",
      new Int64(),
      true,
      toFieldMetadata({ name: "source_id", ucd: "meta.id;meta.main" }),
    ),
    new Field(
      "sample",
      new Int32(),
      false,
      toFieldMetadata({ name: "sample", description: "Sample index within the source" }),
    ),
  ]);
  const batch = finishBatch(head, [sid, sample]);
  const sidData = batch.getChildAt(0)!.data[0];
  const sampleData = batch.getChildAt(1)!.data[0];
  const keep = table.schema.fields
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => f.name.toLowerCase() !== "source_id" && f.name !== "sample");
  const schema = new Schema([...head.fields, ...keep.map(({ f }) => f)], table.schema.metadata);
  const batches: RecordBatch[] = [];
  let offset = 0;
  for (const b of table.batches) {
    const children = [
      sidData.slice(offset, b.numRows),
      sampleData.slice(offset, b.numRows),
      ...keep.map(({ i }) => b.data.children[i]),
    ];
    batches.push(
      new RecordBatch(
        schema,
        makeData({ type: new Struct(schema.fields), length: b.numRows, nullCount: 0, children }),
      ),
    );
    offset += b.numRows;
  }
  return batches.length ? new Table(schema, batches) : new Table(schema);
}

/** RAW chains: one row per source with one array per parameter, unrolled to one row per sample. */
function unrollChains(table: Table, names: string[], sourceId?: bigint): Table {
  const sidCol = column(table, "source_id");
  const solCol = column(table, "solution_id");
  const sid = new Int64Builder();
  const sample = new Int32Builder();
  const sol = new Int64Builder();
  const vals = names.map(() => new Float64Builder());
  for (let i = 0; i < table.numRows; i++) {
    const s = sidCol ? bigintAt(sidCol, i) : sourceId ?? null;
    const so = solCol ? bigintAt(solCol, i) : null;
    const arrays = names.map((n) => arrayAt(table.getChild(n)!, i));
    const n = Math.max(0, ...arrays.map((a) => a?.length ?? 0));
    for (let k = 0; k < n; k++) {
      s === null ? sid.appendNull() : sid.append(s);
      sample.append(k);
      so === null ? sol.appendNull() : sol.append(so);
      arrays.forEach((a, j) => {
        const x = a ? a[k] : NaN;
        x === undefined || Number.isNaN(x) ? vals[j].appendNull() : vals[j].append(x);
      });
    }
  }
  const meta = (n: string) => table.schema.fields.find((f) => f.name === n)!.metadata;
  const schema = new Schema([
    new Field(
      "source_id",
      new Int64(),
      true,
      toFieldMetadata({ name: "source_id", ucd: "meta.id;meta.main" }),
    ),
    new Field(
      "sample",
      new Int32(),
      false,
      toFieldMetadata({ name: "sample", description: "Sample index within the source" }),
    ),
    ...(solCol
      ? [new Field("solution_id", new Int64(), true, toFieldMetadata({ name: "solution_id" }))]
      : []),
    ...names.map((n) => new Field(n, new Float64(), true, meta(n))),
  ], table.schema.metadata);
  return new Table([finishBatch(schema, [sid, sample, ...(solCol ? [sol] : []), ...vals])]);
}
