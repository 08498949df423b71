/**
 * Assembles product tables from typed arrays: scalar columns and
 * variable-length array columns (Arrow `List`, VOTable `arraysize="*"`),
 * each with the archive's column metadata, and the product's PARAMs and
 * TIMESYS in the schema metadata (`params`, `timesys`, `resource_utype`).
 *
 * @module
 */
import {
  type Data,
  type DataType,
  Field,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
} from "apache-arrow";
import type { ParamElement } from "../../table/metadata.ts";
import { arrowTypeOf, type ColumnDef, fieldOf } from "../catalogue/mod.ts";

/** Typed arrays a product column can hold. */
export type ProductValues =
  | Float64Array
  | Float32Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array;

/** One column of a product: its definition and values (NaN = NULL for floats). */
export interface ProductColumn {
  /** Name, datatype, unit, UCD, description. */
  def: ColumnDef;
  /** Scalar values (one per row) or, with `offsets`, the flattened list values. */
  values: ProductValues | readonly string[];
  /** Row validity (1 valid, 0 NULL) for integer, boolean and string columns. */
  valid?: Uint8Array;
  /** For array columns: `rows + 1` offsets into `values`. */
  offsets?: Int32Array;
}

/** The VOTable TIMESYS the archive writes in product files. */
export interface TimeSys {
  /** Element ID. */
  ID: string;
  /** Reference position (`BARYCENTER`). */
  refposition: string;
  /** Time origin as a JD (`2455197.5`). */
  timeorigin: string;
  /** Time scale (`TCB`). */
  timescale: string;
}

/** TIMESYS of every Gaia DR3 product (BJD - 2455197.5, TCB, barycentre). */
export const GAIA_TIMESYS: TimeSys = {
  ID: "time_frame",
  refposition: "BARYCENTER",
  timeorigin: "2455197.5",
  timescale: "TCB",
};

/** Table-level metadata of a product. */
export interface ProductMeta {
  /** PARAM elements, in order. */
  params?: ParamElement[];
  /** TIMESYS element. */
  timesys?: TimeSys;
  /** RESOURCE utype (`spec:Spectrum` in the archive's products). */
  resourceUtype?: string;
  /** Product type (retrieval type). */
  product: string;
  /** Document description (the VOTable DESCRIPTION). */
  description?: string;
}

const enc = new TextEncoder();

function bitmap(valid: Uint8Array | undefined, n: number, nanFrom?: Float64Array | Float32Array) {
  let nulls = 0;
  if (!valid && !nanFrom) return { nulls, bits: undefined };
  const bits = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    const ok = valid ? valid[i] : nanFrom![i] === nanFrom![i];
    if (ok) bits[i >> 3] |= 1 << (i & 7);
    else nulls++;
  }
  return nulls ? { nulls, bits } : { nulls: 0, bits: undefined };
}

function packBits(v: Uint8Array): Uint8Array {
  const out = new Uint8Array((v.length + 7) >> 3);
  for (let i = 0; i < v.length; i++) if (v[i]) out[i >> 3] |= 1 << (i & 7);
  return out;
}

function scalarData(
  type: DataType,
  def: ColumnDef,
  values: ProductValues | readonly string[],
  n: number,
  valid?: Uint8Array,
): Data {
  if (def.datatype === "char") {
    const strs = values as readonly string[];
    const parts = strs.map((s) => enc.encode(s ?? ""));
    const offsets = new Int32Array(n + 1);
    let total = 0;
    for (let i = 0; i < n; i++) offsets[i + 1] = total += parts[i].length;
    const bytes = new Uint8Array(total);
    for (let i = 0; i < n; i++) bytes.set(parts[i], offsets[i]);
    const b = bitmap(valid, n);
    return makeData(
      {
        type,
        length: n,
        nullCount: b.nulls,
        ...(b.bits ? { nullBitmap: b.bits } : {}),
        valueOffsets: offsets,
        data: bytes,
      } as never,
    );
  }
  const isFloat = def.datatype === "float" || def.datatype === "double";
  const b = bitmap(valid, n, !valid && isFloat ? (values as Float64Array) : undefined);
  const data = def.datatype === "boolean" ? packBits(values as Uint8Array) : values;
  return makeData(
    {
      type,
      length: n,
      nullCount: b.nulls,
      ...(b.bits ? { nullBitmap: b.bits } : {}),
      data,
    } as never,
  );
}

/**
 * Builds a product table of `rows` rows.
 *
 * @example A one-row table with an array column
 * ```ts
 * import { buildProductTable } from "./product_table.ts";
 * const t = buildProductTable(1, [
 *   { def: { name: "source_id", datatype: "long", description: "id" }, values: new BigInt64Array([7n]) },
 *   { def: { name: "c", datatype: "double", arraysize: "*", description: "coefficients" },
 *     values: new Float64Array([1, 2, 3]), offsets: new Int32Array([0, 3]) },
 * ], { product: "XP_CONTINUOUS" });
 * if (t.getChild("c")!.get(0)!.toArray().length !== 3) throw new Error("list");
 * ```
 */
export function buildProductTable(
  rows: number,
  columns: ProductColumn[],
  meta: ProductMeta,
): Table {
  const fields: Field[] = [];
  const children: Data[] = [];
  for (const col of columns) {
    const scalarType = arrowTypeOf(col.def);
    const base = fieldOf(col.def);
    if (col.offsets) {
      if (col.offsets.length !== rows + 1) {
        throw new RangeError(
          `Column "${col.def.name}" has ${col.offsets.length} offsets for ${rows} rows`,
        );
      }
      const inner = scalarData(scalarType, col.def, col.values, col.offsets[rows] - col.offsets[0]);
      const type = new List(new Field("item", scalarType, true));
      const b = bitmap(col.valid, rows);
      children.push(
        makeData({
          type,
          length: rows,
          nullCount: b.nulls,
          ...(b.bits ? { nullBitmap: b.bits } : {}),
          valueOffsets: col.offsets,
          child: inner,
        }),
      );
      fields.push(new Field(col.def.name, type, true, base.metadata));
    } else {
      children.push(scalarData(scalarType, col.def, col.values, rows, col.valid));
      fields.push(base);
    }
  }
  const md = new Map<string, string>([["product", meta.product]]);
  if (meta.params?.length) md.set("params", JSON.stringify(meta.params));
  if (meta.timesys) md.set("timesys", JSON.stringify(meta.timesys));
  if (meta.resourceUtype) md.set("resource_utype", meta.resourceUtype);
  if (meta.description) md.set("description", meta.description);
  const schema = new Schema(fields, md);
  const struct = makeData({ type: new Struct(fields), length: rows, nullCount: 0, children });
  return new Table([new RecordBatch(schema, struct)]);
}
