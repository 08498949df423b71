/**
 * Arrow tables from other copies of apache-arrow. deno-gaia loads
 * apache-arrow from a one-module bundle of the pinned npm version
 * (lib/vendor/apache_arrow, for start-up time), so a table a caller built
 * with a separately imported `npm:apache-arrow` is made of other classes.
 * Arrow JS recognises foreign tables, batches and vectors but not foreign
 * data types (its visitors then fail: IPC writes garbage, builders throw), so
 * every public entry point that takes a table checks it by shape and adopts
 * it: the same buffers, wrapped in this copy's classes (no copy of the data).
 *
 * @module
 */
import {
  Binary,
  BinaryView,
  Bool,
  Data,
  DataType,
  Date_,
  Decimal,
  Dictionary,
  Duration,
  Field,
  FixedSizeBinary,
  FixedSizeList,
  Float,
  Int,
  Interval,
  LargeBinary,
  LargeUtf8,
  List,
  Map_,
  Null,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  Time,
  Timestamp,
  Type,
  Union,
  Utf8,
  Utf8View,
  Vector,
} from "apache-arrow";

/**
 * Whether a value is an Arrow table, from this library's copy of apache-arrow
 * or from any other (checked by shape: a schema with fields, record batches,
 * `numRows` and `getChild`).
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { isArrowTable } from "./arrow_table.ts";
 * if (!isArrowTable(tableFromArrays({ x: Int32Array.from([1]) }))) throw new Error("table");
 * if (isArrowTable({ numRows: 1 })) throw new Error("not a table");
 * ```
 */
export function isArrowTable(x: unknown): x is Table {
  if (typeof x !== "object" || x === null) return false;
  const t = x as Partial<Table>;
  return typeof t.numRows === "number" && typeof t.getChild === "function" &&
    Array.isArray(t.batches) && typeof t.schema === "object" && t.schema !== null &&
    Array.isArray(t.schema.fields);
}

/** Whether every field type of a schema belongs to this copy of apache-arrow. */
function isOwnSchema(schema: Schema): boolean {
  // Table/Schema/Vector answer instanceof across copies; DataType does not.
  return schema.fields.every((f) => isOwnType(f.type));
}

function isOwnType(t: DataType): boolean {
  if (!(t instanceof DataType)) return false;
  return (t.children ?? []).every((c: Field) => isOwnType(c.type)) &&
    (t.typeId !== Type.Dictionary || isOwnType((t as Dictionary).dictionary));
}

/**
 * The same table made of this library's Arrow classes. A table from another
 * copy of apache-arrow (for example a separately imported
 * `npm:apache-arrow@21.2.0`) is re-wrapped: its data types are rebuilt here
 * and its buffers are shared, not copied. A table of this copy is returned
 * as is.
 *
 * @throws {TypeError} When the value is not an Arrow table, or holds a data
 * type this copy of apache-arrow does not know.
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { asOwnTable } from "./arrow_table.ts";
 * const t = tableFromArrays({ x: Int32Array.from([1, 2]) });
 * if (asOwnTable(t) !== t) throw new Error("own tables pass through");
 * ```
 */
export function asOwnTable(x: Table): Table {
  if (!isArrowTable(x)) {
    throw new TypeError(
      `Expected an Arrow table, got ${x === null ? "null" : typeof x}`,
    );
  }
  if (isOwnSchema(x.schema)) return x;
  const schema = new Schema(
    x.schema.fields.map(adoptField),
    new Map(x.schema.metadata),
  );
  const batches = x.batches.map((b) => {
    const data = adoptData(b.data);
    return new RecordBatch(schema, data as Data<Struct>);
  });
  return new Table(schema, batches);
}

function adoptField(f: Field): Field {
  return new Field(f.name, adoptType(f.type), f.nullable, new Map(f.metadata));
}

// deno-lint-ignore no-explicit-any
function adoptType(t: any): DataType {
  switch (t.typeId as Type) {
    case Type.Null:
      return new Null();
    case Type.Int:
      return new Int(t.isSigned, t.bitWidth);
    case Type.Float:
      return new Float(t.precision);
    case Type.Binary:
      return new Binary();
    case Type.Utf8:
      return new Utf8();
    case Type.LargeBinary:
      return new LargeBinary();
    case Type.LargeUtf8:
      return new LargeUtf8();
    case Type.BinaryView:
      return new BinaryView();
    case Type.Utf8View:
      return new Utf8View();
    case Type.Bool:
      return new Bool();
    case Type.Decimal:
      return new Decimal(t.scale, t.precision, t.bitWidth);
    case Type.Date:
      return new Date_(t.unit);
    case Type.Time:
      return new Time(t.unit, t.bitWidth);
    case Type.Timestamp:
      return new Timestamp(t.unit, t.timezone);
    case Type.Interval:
      return new Interval(t.unit);
    case Type.Duration:
      return new Duration(t.unit);
    case Type.FixedSizeBinary:
      return new FixedSizeBinary(t.byteWidth);
    case Type.List:
      return new List(adoptField(t.children[0]));
    case Type.FixedSizeList:
      return new FixedSizeList(t.listSize, adoptField(t.children[0]));
    case Type.Struct:
      return new Struct(t.children.map(adoptField));
    case Type.Map:
      return new Map_(adoptField(t.children[0]), t.keysSorted);
    case Type.Union:
      return new Union(t.mode, Array.from(t.typeIds), t.children.map(adoptField));
    case Type.Dictionary:
      return new Dictionary(
        adoptType(t.dictionary),
        // deno-lint-ignore no-explicit-any
        adoptType(t.indices) as any,
        t.id,
        t.isOrdered,
      );
    default:
      throw new TypeError(
        `Cannot adopt an Arrow column of type ${
          String(t)
        } (type id ${t.typeId}) from another copy of apache-arrow`,
      );
  }
}

// deno-lint-ignore no-explicit-any
function adoptData(d: any, type: DataType = adoptType(d.type)): Data {
  const children = (d.children ?? []).map((c: Data, i: number) =>
    adoptData(c, (type.children?.[i] as Field | undefined)?.type ?? adoptType(c.type))
  );
  const dictionary = d.dictionary
    ? new Vector(
      // deno-lint-ignore no-explicit-any
      (d.dictionary.data as any[]).map((dd) => adoptData(dd, (type as Dictionary).dictionary)),
    )
    : undefined;
  return new Data(
    type,
    d.offset,
    d.length,
    d._nullCount ?? d.nullCount,
    [d.valueOffsets, d.values, d.nullBitmap, d.typeIds],
    children,
    dictionary,
    d.variadicBuffers ?? [],
  );
}

/**
 * A table as Arrow IPC bytes (`"file"` by default, or `"stream"`), accepting
 * a table of any apache-arrow copy. This is the way to hand deno-gaia's
 * tables to another copy of Arrow JS, or to any Arrow reader: `tableFromIPC`
 * of the other copy reads the bytes.
 *
 * @example
 * ```ts
 * import { tableFromArrays, tableFromIPC } from "apache-arrow";
 * import { toArrowIPC } from "./arrow_table.ts";
 * const bytes = toArrowIPC(tableFromArrays({ x: Int32Array.from([7]) }));
 * if (tableFromIPC(bytes).getChild("x")!.get(0) !== 7) throw new Error("round trip");
 * ```
 */
export function toArrowIPC(table: Table, format: "file" | "stream" = "file"): Uint8Array {
  return tableToIPC(asOwnTable(table), format);
}
