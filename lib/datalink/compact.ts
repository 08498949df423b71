/**
 * {@linkcode compactTables}: many small tables of one schema (a light curve
 * per source) copied into one table with a single record batch, each column
 * one contiguous buffer. Arrow's own `Table.concat` only lists the batches,
 * so 10 000 light curves stay 10 000 batches, which makes every later step
 * (Arrow IPC, Polars, per-row access) pay per batch.
 *
 * @module
 */
import { type Data, type DataType, makeData, RecordBatch, Struct, Table, Type } from "apache-arrow";

/**
 * Copies tables of the same schema into one table of one record batch
 * (schema and metadata of the first table). Columns of a type it does not
 * know how to copy (unions, maps, dictionaries...) make it fall back to
 * `Table.concat` (batches listed, not copied); so does a schema mismatch,
 * which `Table.concat` then reports.
 *
 * @example
 * ```ts
 * import { Float64, Table, Utf8, vectorFromArray } from "apache-arrow";
 * import { compactTables } from "./compact.ts";
 * const part = (x: number[], s: string[]) =>
 *   new Table({ x: vectorFromArray(x, new Float64()), s: vectorFromArray(s, new Utf8()) });
 * const a = part([1, 2], ["a", "b"]);
 * const b = part([3], ["c"]);
 * const t = compactTables([a, b]);
 * if (t.batches.length !== 1 || t.numRows !== 3) throw new Error(String(t.batches.length));
 * if (t.getChild("s")!.get(2) !== "c" || t.getChild("x")!.get(2) !== 3) throw new Error();
 * ```
 */
export function compactTables(tables: readonly Table[]): Table {
  if (tables.length === 0) throw new RangeError("compactTables() needs at least one table");
  const schema = tables[0].schema;
  const batches = tables.flatMap((t) => t.batches).filter((b) => b.numRows > 0);
  if (batches.length === 0) return tables[0];
  if (batches.length === 1 && tables.length === 1) return tables[0];
  const same = tables.every((t) =>
    t.schema.fields.length === schema.fields.length &&
    t.schema.fields.every((f, i) =>
      f.name === schema.fields[i].name && String(f.type) === String(schema.fields[i].type)
    )
  );
  const concat = () => tables[0].concat(...tables.slice(1));
  if (!same) return concat();
  const children: Data[] = [];
  for (let c = 0; c < schema.fields.length; c++) {
    const col = concatData(schema.fields[c].type, batches.map((b) => b.data.children[c]));
    if (!col) return concat();
    children.push(col);
  }
  const length = batches.reduce((n, b) => n + b.numRows, 0);
  const data = makeData({ type: new Struct(schema.fields), length, children, nullCount: 0 });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

/** Copies `n` bits from `src` (from bit `from`) into `dst` (from bit `to`). */
function copyBits(src: Uint8Array, from: number, dst: Uint8Array, to: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const s = from + i, d = to + i;
    if (src[s >> 3] & (1 << (s & 7))) dst[d >> 3] |= 1 << (d & 7);
  }
}

function setBits(dst: Uint8Array, to: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const d = to + i;
    dst[d >> 3] |= 1 << (d & 7);
  }
}

type AnyArray = Uint8Array | Int32Array | BigInt64Array | Float64Array | ArrayLike<number>;
type TypedCtor = new (n: number) => AnyArray & { set(a: ArrayLike<unknown>, at: number): void };

/** Concatenates column pieces into one Data, or undefined for a type it does not copy. */
function concatData(type: DataType, all: Data[]): Data | undefined {
  const pieces = all.filter((p) => p.length > 0);
  if (pieces.length === 0) return makeData({ type, length: 0 } as never);
  let length = 0, nullCount = 0;
  for (const p of pieces) {
    length += p.length;
    nullCount += p.nullCount;
  }
  let nullBitmap: Uint8Array | undefined;
  if (nullCount > 0) {
    nullBitmap = new Uint8Array((length + 7) >> 3);
    let at = 0;
    for (const p of pieces) {
      if (p.nullCount > 0 && p.nullBitmap && p.nullBitmap.length) {
        copyBits(p.nullBitmap, p.offset, nullBitmap, at, p.length);
      } else setBits(nullBitmap, at, p.length);
      at += p.length;
    }
  }
  const base = { type, length, nullCount, nullBitmap } as Record<string, unknown>;
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Timestamp:
    case Type.Date:
    case Type.Time:
    case Type.Duration:
    case Type.Decimal:
    case Type.FixedSizeBinary: {
      const stride = pieces[0].stride;
      const Ctor = (pieces[0].values as object).constructor as TypedCtor;
      const values = new Ctor(length * stride);
      let at = 0;
      for (const p of pieces) {
        if (p.length === 0) continue;
        // Arrow JS slices fixed-width values along with the Data: index from 0.
        const v = p.values as unknown as { subarray(a: number, b: number): ArrayLike<unknown> };
        values.set(v.subarray(0, p.length * stride), at);
        at += p.length * stride;
      }
      return makeData({ ...base, data: values } as never);
    }
    case Type.Bool: {
      const values = new Uint8Array((length + 7) >> 3);
      let at = 0;
      for (const p of pieces) {
        // Bit-packed values are not sliced: they start at bit `offset`.
        if (p.length) copyBits(p.values as Uint8Array, p.offset, values, at, p.length);
        at += p.length;
      }
      return makeData({ ...base, data: values } as never);
    }
    case Type.Utf8:
    case Type.Binary: {
      const offsets = new Int32Array(length + 1);
      let bytes = 0;
      for (const p of pieces) {
        const o = p.valueOffsets as Int32Array;
        if (p.length) bytes += o[p.length] - o[0];
      }
      const values = new Uint8Array(bytes);
      let row = 0, at = 0;
      for (const p of pieces) {
        if (p.length === 0) continue;
        // Offsets are sliced with the Data (index from 0); they point into the whole values.
        const o = p.valueOffsets as Int32Array;
        const start = o[0], end = o[p.length];
        values.set((p.values as Uint8Array).subarray(start, end), at);
        for (let i = 1; i <= p.length; i++) offsets[row + i] = at + o[i] - start;
        row += p.length;
        at += end - start;
      }
      return makeData({ ...base, valueOffsets: offsets, data: values } as never);
    }
    case Type.FixedSizeList: {
      const size = (type as unknown as { listSize: number }).listSize;
      const childType = type.children[0].type;
      const child = concatData(
        childType,
        // The child is sliced with the Data.
        pieces.map((p) => p.children[0].slice(0, p.length * size)),
      );
      return child ? makeData({ ...base, child } as never) : undefined;
    }
    case Type.List: {
      const offsets = new Int32Array(length + 1);
      const kids: Data[] = [];
      let row = 0, at = 0;
      for (const p of pieces) {
        if (p.length === 0) continue;
        const o = p.valueOffsets as Int32Array;
        const start = o[0], end = o[p.length];
        kids.push(p.children[0].slice(start, end - start));
        for (let i = 1; i <= p.length; i++) offsets[row + i] = at + o[i] - start;
        row += p.length;
        at += end - start;
      }
      const child = concatData(type.children[0].type, kids);
      return child ? makeData({ ...base, valueOffsets: offsets, child } as never) : undefined;
    }
    default:
      return undefined;
  }
}
