/**
 * Arrow column builders that readers fill value by value: growable typed
 * arrays plus a validity bitmap (allocated only when the first null arrives),
 * turned into Arrow `Data` by `finish()` without any object per row.
 *
 * Binary decoders fill them a block at a time instead: `extend(n)` appends
 * `n` valid slots and returns the typed array to write them in (Utf8:
 * `reserve()`, `rawOffsets()`/`rawBytes()`, `commitRaw()`), and `setNulls()`
 * then turns the slots found null into nulls, so that the decoding loop
 * touches typed arrays only.
 *
 * One builder per Arrow type: {@linkcode BoolBuilder}, the numeric builders
 * ({@linkcode Int8Builder} ... {@linkcode Float64Builder}), the 64-bit
 * {@linkcode Int64Builder}/{@linkcode Uint64Builder} (written as two 32-bit
 * words so parsers never make a BigInt), {@linkcode Utf8Builder} (offsets +
 * UTF-8 bytes, copied without decoding), {@linkcode ListBuilder} and
 * {@linkcode FixedSizeListBuilder} over any of them. {@linkcode builderFor}
 * picks the builder for a `DataType`, {@linkcode buildersFor} for a schema, and
 * {@linkcode finishBatch} turns the builders of a schema into a `RecordBatch`,
 * leaving them empty for the next batch.
 *
 * @example A batch of three rows
 * ```ts
 * import { Field, Float64, Int64, Schema, Utf8 } from "apache-arrow";
 * import { buildersFor, finishBatch, Float64Builder, Int64Builder, Utf8Builder } from "./builders.ts";
 * const schema = new Schema([
 *   new Field("source_id", new Int64()),
 *   new Field("ra", new Float64()),
 *   new Field("designation", new Utf8()),
 * ]);
 * const [id, ra, name] = buildersFor(schema) as [Int64Builder, Float64Builder, Utf8Builder];
 * id.append(5929246508730155392n); ra.append(45.1); name.appendString("Gaia DR3 5929246508730155392");
 * id.appendNull(); ra.appendNull(); name.appendNull();
 * id.append(-1n); ra.append(NaN); name.appendString("");
 * const batch = finishBatch(schema, [id, ra, name]);
 * if (batch.numRows !== 3) throw new Error("rows");
 * if (batch.getChild("source_id")!.get(0) !== 5929246508730155392n) throw new Error("int64");
 * if (batch.getChild("ra")!.get(1) !== null) throw new Error("null");
 * if (id.length !== 0) throw new Error("builders are reset");
 * ```
 *
 * @module
 */
import {
  Bool,
  type Data,
  type DataType,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  makeData,
  RecordBatch,
  type Schema,
  Struct,
  Type,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
} from "apache-arrow";

const INITIAL_CAPACITY = 1024;
const encoder = new TextEncoder();

/** What every column builder offers. */
export interface ColumnBuilder<T extends DataType = DataType> {
  /** The Arrow type built. */
  readonly type: T;
  /** Values appended since the last `finish()`. */
  readonly length: number;
  /** Nulls among them. */
  readonly nullCount: number;
  /** Appends a null (validity bit 0). */
  appendNull(): void;
  /**
   * Makes room for `n` more values (and `bytes` of data, for variable-width
   * types), for a decoder that knows how many are coming: no regrowth, no
   * copy, while they are appended. Fixed-width and string builders have it.
   */
  reserve?(n: number, bytes?: number): void;
  /**
   * Returns the values appended so far as Arrow `Data` (copied into tight
   * buffers) and empties the builder, which keeps its buffers for reuse.
   */
  finish(): Data<T>;
}

/**
 * A validity bitmap that exists only once a null has been seen.
 * Bit i is 1 when value i is valid.
 */
class Validity {
  bits: Uint8Array | null = null;
  nullCount = 0;

  /** Marks slot `i` as valid (only needed once nulls have been seen). */
  valid(i: number): void {
    const b = this.bits;
    if (b !== null) {
      if ((i >> 3) >= b.length) this.#grow(i);
      this.bits![i >> 3] |= 1 << (i & 7);
    }
  }

  /** Marks slot `i` (the next slot) as null; slots before it stay valid. */
  invalid(i: number): void {
    if (this.bits === null) {
      this.bits = new Uint8Array(Math.max(INITIAL_CAPACITY >> 3, (i >> 2) + 1));
      // Everything before i was valid.
      const full = i >> 3;
      this.bits.fill(0xff, 0, full);
      if (i & 7) this.bits[full] = (1 << (i & 7)) - 1;
    } else if ((i >> 3) >= this.bits.length) {
      this.#grow(i);
    }
    this.nullCount++;
  }

  /** Marks slots `[from, to)` valid (only needed once nulls have been seen). */
  validRange(from: number, to: number): void {
    if (this.bits === null || from >= to) return;
    if (((to - 1) >> 3) >= this.bits.length) this.#grow(to - 1);
    const b = this.bits!;
    let i = from;
    for (; i < to && (i & 7) !== 0; i++) b[i >> 3] |= 1 << (i & 7);
    const bytes = (to - i) >> 3;
    if (bytes > 0) {
      b.fill(0xff, i >> 3, (i >> 3) + bytes);
      i += bytes << 3;
    }
    for (; i < to; i++) b[i >> 3] |= 1 << (i & 7);
  }

  /** The bitmap, made (all `length` slots valid) if there was none. */
  #made(length: number): Uint8Array {
    if (this.bits === null) {
      this.bits = new Uint8Array(Math.max(INITIAL_CAPACITY >> 3, (length >> 2) + 1));
      const full = length >> 3;
      this.bits.fill(0xff, 0, full);
      if (length & 7) this.bits[full] = (1 << (length & 7)) - 1;
    }
    return this.bits;
  }

  /** Marks slot `i`, one of the `length` slots already appended as valid, as null. */
  clear(i: number, length: number): void {
    const b = this.#made(length);
    const m = 1 << (i & 7);
    if ((b[i >> 3] & m) !== 0) {
      b[i >> 3] &= ~m;
      this.nullCount++;
    }
  }

  /** {@linkcode clear} for the slots `indices[0..count)`. */
  clearAll(indices: Int32Array, count: number, length: number): void {
    const b = this.#made(length);
    let cleared = 0;
    for (let k = 0; k < count; k++) {
      const i = indices[k];
      const m = 1 << (i & 7);
      const byte = b[i >> 3];
      cleared += (byte & m) !== 0 ? 1 : 0;
      b[i >> 3] = byte & ~m;
    }
    this.nullCount += cleared;
  }

  #grow(i: number): void {
    const n = new Uint8Array(Math.max(this.bits!.length * 2, (i >> 3) + 1));
    n.set(this.bits!);
    this.bits = n;
  }

  /**
   * The bitmap for `length` values, or undefined without nulls; the builder
   * lets go of it (the next null starts a new one), so it is handed over as
   * is when at least half of it is used, else copied tight.
   */
  take(length: number): Uint8Array | undefined {
    const b = this.bits;
    this.bits = null;
    if (b === null || this.nullCount === 0) return undefined;
    const need = (length + 7) >> 3;
    return need * 2 >= b.length ? b.subarray(0, need) : b.slice(0, need);
  }

  reset(): void {
    this.bits = null;
    this.nullCount = 0;
  }
}

/** A builder for a fixed-width numeric Arrow type, appending JS numbers. */
export interface NumberBuilder<T extends DataType = DataType> extends ColumnBuilder<T> {
  /** Appends a value (stored with the typed array's conversion, e.g. wrapping for ints). */
  append(value: number): void;
  /** Appends `count` copies of `value` (valid). */
  appendRepeated(value: number, count: number): void;
  /** Makes room for `n` more values (no regrowth while they are appended). */
  reserve(n: number): void;
}

/*
 * One class per numeric type, written out rather than made by a factory, so
 * that V8 keeps separate (monomorphic) type feedback for each typed array.
 */

/**
 * Builds an Arrow `Int8` column.
 */
export class Int8Builder implements NumberBuilder<Int8> {
  /** The Arrow type built. */
  readonly type: Int8;
  #data = new Int8Array(INITIAL_CAPACITY);
  #length = 0;
  readonly #validity = new Validity();

  /**
   * Makes an empty builder.
   * @param type The Arrow type (a new `Int8` by default).
   */
  constructor(type?: Int8) {
    this.type = type ?? new Int8();
  }
  /** Values appended since the last `finish()`. */
  get length(): number {
    return this.#length;
  }
  /** Nulls among them. */
  get nullCount(): number {
    return this.#validity.nullCount;
  }
  /** Appends a value (stored with the typed array's conversion). */
  append(value: number): void {
    const i = this.#length;
    if (i === this.#data.length) this.#grow(i + 1);
    this.#data[i] = value;
    if (this.#validity.bits !== null) this.#validity.valid(i);
    this.#length = i + 1;
  }
  /** Appends `count` copies of `value` (valid). */
  appendRepeated(value: number, count: number): void {
    const i = this.#length;
    if (i + count > this.#data.length) this.#grow(i + count);
    this.#data.fill(value, i, i + count);
    for (let k = 0; k < count; k++) this.#validity.valid(i + k);
    this.#length = i + count;
  }
  /** Appends a null. */
  appendNull(): void {
    const i = this.#length;
    if (i === this.#data.length) this.#grow(i + 1);
    this.#data[i] = 0;
    this.#validity.invalid(i);
    this.#length = i + 1;
  }
  /**
   * Bulk append for decoders: appends `n` valid slots and returns the value
   * array, in which the caller then writes them at `[length - n, length)`.
   * The array is valid until the next append or `finish()`.
   */
  extend(n: number): Int8Array {
    const i = this.#length;
    if (i + n > this.#data.length) this.#grow(i + n);
    this.#validity.validRange(i, i + n);
    this.#length = i + n;
    return this.#data;
  }
  /** Turns slot `i` (already appended) into a null. */
  setNull(i: number): void {
    this.#data[i] = 0;
    this.#validity.clear(i, this.#length);
  }
  /** Turns the slots `indices[0..count)` (already appended) into nulls. */
  setNulls(indices: Int32Array, count: number): void {
    const data = this.#data;
    for (let k = 0; k < count; k++) data[indices[k]] = 0;
    this.#validity.clearAll(indices, count, this.#length);
  }
  /** Makes room for `n` more values, so that appending them never regrows the array. */
  reserve(n: number): void {
    if (this.#length + n > this.#data.length) this.#grow(this.#length + n);
  }
  #grow(min: number): void {
    const n = new Int8Array(Math.max(min, this.#data.length * 2));
    n.set(this.#data);
    this.#data = n;
  }
  /** Returns the column as Arrow `Data` and empties the builder. */
  finish(): Data<Int8> {
    const length = this.#length;
    const nullCount = this.#validity.nullCount;
    const nullBitmap = this.#validity.take(length);
    // At least half full: handed over as a view (a copy would touch as many
    // fresh pages again); the next batch gets a new buffer of the same size.
    const handOver = length * 2 >= this.#data.length;
    const data = handOver ? this.#data.subarray(0, length) : this.#data.slice(0, length);
    if (handOver) this.#data = new Int8Array(this.#data.length);
    this.#length = 0;
    this.#validity.reset();
    return makeData({ type: this.type, length, nullCount, nullBitmap, data });
  }
}

/**
 * Builds an Arrow `Int16` column.
 */
export class Int16Builder implements NumberBuilder<Int16> {
  /** The Arrow type built. */
  readonly type: Int16;
  #data = new Int16Array(INITIAL_CAPACITY);
  #length = 0;
  readonly #validity = new Validity();

  /**
   * Makes an empty builder.
   * @param type The Arrow type (a new `Int16` by default).
   */
  constructor(type?: Int16) {
    this.type = type ?? new Int16();
  }
  /** Values appended since the last `finish()`. */
  get length(): number {
    return this.#length;
  }
  /** Nulls among them. */
  get nullCount(): number {
    return this.#validity.nullCount;
  }
  /** Appends a value (stored with the typed array's conversion). */
  append(value: number): void {
    const i = this.#length;
    if (i === this.#data.length) this.#grow(i + 1);
    this.#data[i] = value;
    if (this.#validity.bits !== null) this.#validity.valid(i);
    this.#length = i + 1;
  }
  /** Appends `count` copies of `value` (valid). */
  appendRepeated(value: number, count: number): void {
    const i = this.#length;
    if (i + count > this.#data.length) this.#grow(i + count);
    this.#data.fill(value, i, i + count);
    for (let k = 0; k < count; k++) this.#validity.valid(i + k);
    this.#length = i + count;
  }
  /** Appends a null. */
  appendNull(): void {
    const i = this.#length;
    if (i === this.#data.length) this.#grow(i + 1);
    this.#data[i] = 0;
    this.#validity.invalid(i);
    this.#length = i + 1;
  }
  /**
   * Bulk append for decoders: appends `n` valid slots and returns the value
   * array, in which the caller then writes them at `[length - n, length)`.
   * The array is valid until the next append or `finish()`.
   */
  extend(n: number): Int16Array {
    const i = this.#length;
    if (i + n > this.#data.length) this.#grow(i + n);
    this.#validity.validRange(i, i + n);
    this.#length = i + n;
    return this.#data;
  }
  /** Turns slot `i` (already appended) into a null. */
  setNull(i: number): void {
    this.#data[i] = 0;
    this.#validity.clear(i, this.#length);
  }
  /** Turns the slots `indices[0..count)` (already appended) into nulls. */
  setNulls(indices: Int32Array, count: number): void {
    const data = this.#data;
    for (let k = 0; k < count; k++) data[indices[k]] = 0;
    this.#validity.clearAll(indices, count, this.#length);
  }
  /** Makes room for `n` more values, so that appending them never regrows the array. */
  reserve(n: number): void {
    if (this.#length + n > this.#data.length) this.#grow(this.#length + n);
  }
  #grow(min: number): void {
    const n = new Int16Array(Math.max(min, this.#data.length * 2));
    n.set(this.#data);
    this.#data = n;
  }
  /** Returns the column as Arrow `Data` and empties the builder. */
  finish(): Data<Int16> {
    const length = this.#length;
    const nullCount = this.#validity.nullCount;
    const nullBitmap = this.#validity.take(length);
    // At least half full: handed over as a view (a copy would touch as many
    // fresh pages again); the next batch gets a new buffer of the same size.
    const handOver = length * 2 >= this.#data.length;
    const data = handOver ? this.#data.subarray(0, length) : this.#data.slice(0, length);
    if (handOver) this.#data = new Int16Array(this.#data.length);
    this.#length = 0;
    this.#validity.reset();
    return makeData({ type: this.type, length, nullCount, nullBitmap, data });
  }
}

/**
 * Builds an Arrow `Int32` column.
 */
export class Int32Builder implements NumberBuilder<Int32> {
  /** The Arrow type built. */
  readonly type: Int32;
  #data = new Int32Array(INITIAL_CAPACITY);
  #length = 0;
  readonly #validity = new Validity();

  /**
   * Makes an empty builder.
   * @param type The Arrow type (a new `Int32` by default).
   */
  constructor(type?: Int32) {
    this.type = type ?? new Int32();
  }
  /** Values appended since the last `finish()`. */
  get length(): number {
    return this.#length;
  }
  /** Nulls among them. */
  get nullCount(): number {
    return this.#validity.nullCount;
  }
  /** Appends a value (stored with the typed array's conversion). */
  append(value: number): void {
    const i = this.#length;
    if (i === this.#data.length) this.#grow(i + 1);
    this.#data[i] = value;
    if (this.#validity.bits !== null) this.#validity.valid(i);
    this.#length = i + 1;
  }
  /** Appends `count` copies of `value` (valid). */
  appendRepeated(value: number, count: number): void {
    const i = this.#length;
    if (i + count > this.#data.length) this.#grow(i + count);
    this.#data.fill(value, i, i + count);
    for (let k = 0; k < count; k++) this.#validity.valid(i + k);
    this.#length = i + count;
  }
  /** Appends a null. */
  appendNull(): void {
    const i = this.#length;
    if (i === this.#data.length) this.#grow(i + 1);
    this.#data[i] = 0;
    this.#validity.invalid(i);
    this.#length = i + 1;
  }
  /**
   * Bulk append for decoders: appends `n` valid slots and returns the value
   * array, in which the caller then writes them at `[length - n, length)`.
   * The array is valid until the next append or `finish()`.
   */
  extend(n: number): Int32Array {
    const i = this.#length;
    if (i + n > this.#data.length) this.#grow(i + n);
    this.#validity.validRange(i, i + n);
    this.#length = i + n;
    return this.#data;
  }
  /** Turns slot `i` (already appended) into a null. */
  setNull(i: number): void {
    this.#data[i] = 0;
    this.#validity.clear(i, this.#length);
  }
  /** Turns the slots `indices[0..count)` (already appended) into nulls. */
  setNulls(indices: Int32Array, count: number): void {
    const data = this.#data;
    for (let k = 0; k < count; k++) data[indices[k]] = 0;
    this.#validity.clearAll(indices, count, this.#length);
  }
  /** Makes room for `n` more values, so that appending them never regrows the array. */
  reserve(n: number): void {
    if (this.#length + n > this.#data.length) this.#grow(this.#length + n);
  }
  #grow(min: number): void {
    const n = new Int32Array(Math.max(min, this.#data.length * 2));
    n.set(this.#data);
    this.#data = n;
  }
  /** Returns the column as Arrow `Data` and empties the builder. */
  finish(): Data<Int32> {
    const length = this.#length;
    const nullCount = this.#validity.nullCount;
    const nullBitmap = this.#validity.take(length);
    // At least half full: handed over as a view (a copy would touch as many
    // fresh pages again); the next batch gets a new buffer of the same size.
    const handOver = length * 2 >= this.#data.length;
    const data = handOver ? this.#data.subarray(0, length) : this.#data.slice(0, length);
    if (handOver) this.#data = new Int32Array(this.#data.length);
    this.#length = 0;
    this.#validity.reset();
    return makeData({ type: this.type, length, nullCount, nullBitmap, data });
  }
}

/**
 * Builds an Arrow `Uint8` column.
 */
export class Uint8Builder implements NumberBuilder<Uint8> {
  /** The Arrow type built. */
  readonly type: Uint8;
  #data = new Uint8Array(INITIAL_CAPACITY);
  #length = 0;
  readonly #validity = new Validity();

  /**
   * Makes an empty builder.
   * @param type The Arrow type (a new `Uint8` by default).
   */
  constructor(type?: Uint8) {
    this.type = type ?? new Uint8();
  }
  /** Values appended since the last `finish()`. */
  get length(): number {
    return this.#length;
  }
  /** Nulls among them. */
  get nullCount(): number {
    return this.#validity.nullCount;
  }
  /** Appends a value (stored with the typed array's conversion). */
  append(value: number): void {
    const i = this.#length;
    if (i === this.#data.length) this.#grow(i + 1);
    this.#data[i] = value;
    if (this.#validity.bits !== null) this.#validity.valid(i);
    this.#length = i + 1;
  }
  /** Appends `count` copies of `value` (valid). */
  appendRepeated(value: number, count: number): void {
    const i = this.#length;
    if (i + count > this.#data.length) this.#grow(i + count);
    this.#data.fill(value, i, i + count);
    for (let k = 0; k < count; k++) this.#validity.valid(i + k);
    this.#length = i + count;
  }
  /** Appends a null. */
  appendNull(): void {
    const i = this.#length;
    if (i === this.#data.length) this.#grow(i + 1);
    this.#data[i] = 0;
    this.#validity.invalid(i);
    this.#length = i + 1;
  }
  /**
   * Bulk append for decoders: appends `n` valid slots and returns the value
   * array, in which the caller then writes them at `[length - n, length)`.
   * The array is valid until the next append or `finish()`.
   */
  extend(n: number): Uint8Array {
    const i = this.#length;
    if (i + n > this.#data.length) this.#grow(i + n);
    this.#validity.validRange(i, i + n);
    this.#length = i + n;
    return this.#data;
  }
  /** Turns slot `i` (already appended) into a null. */
  setNull(i: number): void {
    this.#data[i] = 0;
    this.#validity.clear(i, this.#length);
  }
  /** Turns the slots `indices[0..count)` (already appended) into nulls. */
  setNulls(indices: Int32Array, count: number): void {
    const data = this.#data;
    for (let k = 0; k < count; k++) data[indices[k]] = 0;
    this.#validity.clearAll(indices, count, this.#length);
  }
  /** Makes room for `n` more values, so that appending them never regrows the array. */
  reserve(n: number): void {
    if (this.#length + n > this.#data.length) this.#grow(this.#length + n);
  }
  #grow(min: number): void {
    const n = new Uint8Array(Math.max(min, this.#data.length * 2));
    n.set(this.#data);
    this.#data = n;
  }
  /** Returns the column as Arrow `Data` and empties the builder. */
  finish(): Data<Uint8> {
    const length = this.#length;
    const nullCount = this.#validity.nullCount;
    const nullBitmap = this.#validity.take(length);
    // At least half full: handed over as a view (a copy would touch as many
    // fresh pages again); the next batch gets a new buffer of the same size.
    const handOver = length * 2 >= this.#data.length;
    const data = handOver ? this.#data.subarray(0, length) : this.#data.slice(0, length);
    if (handOver) this.#data = new Uint8Array(this.#data.length);
    this.#length = 0;
    this.#validity.reset();
    return makeData({ type: this.type, length, nullCount, nullBitmap, data });
  }
}

/**
 * Builds an Arrow `Uint16` column.
 */
export class Uint16Builder implements NumberBuilder<Uint16> {
  /** The Arrow type built. */
  readonly type: Uint16;
  #data = new Uint16Array(INITIAL_CAPACITY);
  #length = 0;
  readonly #validity = new Validity();

  /**
   * Makes an empty builder.
   * @param type The Arrow type (a new `Uint16` by default).
   */
  constructor(type?: Uint16) {
    this.type = type ?? new Uint16();
  }
  /** Values appended since the last `finish()`. */
  get length(): number {
    return this.#length;
  }
  /** Nulls among them. */
  get nullCount(): number {
    return this.#validity.nullCount;
  }
  /** Appends a value (stored with the typed array's conversion). */
  append(value: number): void {
    const i = this.#length;
    if (i === this.#data.length) this.#grow(i + 1);
    this.#data[i] = value;
    if (this.#validity.bits !== null) this.#validity.valid(i);
    this.#length = i + 1;
  }
  /** Appends `count` copies of `value` (valid). */
  appendRepeated(value: number, count: number): void {
    const i = this.#length;
    if (i + count > this.#data.length) this.#grow(i + count);
    this.#data.fill(value, i, i + count);
    for (let k = 0; k < count; k++) this.#validity.valid(i + k);
    this.#length = i + count;
  }
  /** Appends a null. */
  appendNull(): void {
    const i = this.#length;
    if (i === this.#data.length) this.#grow(i + 1);
    this.#data[i] = 0;
    this.#validity.invalid(i);
    this.#length = i + 1;
  }
  /**
   * Bulk append for decoders: appends `n` valid slots and returns the value
   * array, in which the caller then writes them at `[length - n, length)`.
   * The array is valid until the next append or `finish()`.
   */
  extend(n: number): Uint16Array {
    const i = this.#length;
    if (i + n > this.#data.length) this.#grow(i + n);
    this.#validity.validRange(i, i + n);
    this.#length = i + n;
    return this.#data;
  }
  /** Turns slot `i` (already appended) into a null. */
  setNull(i: number): void {
    this.#data[i] = 0;
    this.#validity.clear(i, this.#length);
  }
  /** Turns the slots `indices[0..count)` (already appended) into nulls. */
  setNulls(indices: Int32Array, count: number): void {
    const data = this.#data;
    for (let k = 0; k < count; k++) data[indices[k]] = 0;
    this.#validity.clearAll(indices, count, this.#length);
  }
  /** Makes room for `n` more values, so that appending them never regrows the array. */
  reserve(n: number): void {
    if (this.#length + n > this.#data.length) this.#grow(this.#length + n);
  }
  #grow(min: number): void {
    const n = new Uint16Array(Math.max(min, this.#data.length * 2));
    n.set(this.#data);
    this.#data = n;
  }
  /** Returns the column as Arrow `Data` and empties the builder. */
  finish(): Data<Uint16> {
    const length = this.#length;
    const nullCount = this.#validity.nullCount;
    const nullBitmap = this.#validity.take(length);
    // At least half full: handed over as a view (a copy would touch as many
    // fresh pages again); the next batch gets a new buffer of the same size.
    const handOver = length * 2 >= this.#data.length;
    const data = handOver ? this.#data.subarray(0, length) : this.#data.slice(0, length);
    if (handOver) this.#data = new Uint16Array(this.#data.length);
    this.#length = 0;
    this.#validity.reset();
    return makeData({ type: this.type, length, nullCount, nullBitmap, data });
  }
}

/**
 * Builds an Arrow `Uint32` column.
 */
export class Uint32Builder implements NumberBuilder<Uint32> {
  /** The Arrow type built. */
  readonly type: Uint32;
  #data = new Uint32Array(INITIAL_CAPACITY);
  #length = 0;
  readonly #validity = new Validity();

  /**
   * Makes an empty builder.
   * @param type The Arrow type (a new `Uint32` by default).
   */
  constructor(type?: Uint32) {
    this.type = type ?? new Uint32();
  }
  /** Values appended since the last `finish()`. */
  get length(): number {
    return this.#length;
  }
  /** Nulls among them. */
  get nullCount(): number {
    return this.#validity.nullCount;
  }
  /** Appends a value (stored with the typed array's conversion). */
  append(value: number): void {
    const i = this.#length;
    if (i === this.#data.length) this.#grow(i + 1);
    this.#data[i] = value;
    if (this.#validity.bits !== null) this.#validity.valid(i);
    this.#length = i + 1;
  }
  /** Appends `count` copies of `value` (valid). */
  appendRepeated(value: number, count: number): void {
    const i = this.#length;
    if (i + count > this.#data.length) this.#grow(i + count);
    this.#data.fill(value, i, i + count);
    for (let k = 0; k < count; k++) this.#validity.valid(i + k);
    this.#length = i + count;
  }
  /** Appends a null. */
  appendNull(): void {
    const i = this.#length;
    if (i === this.#data.length) this.#grow(i + 1);
    this.#data[i] = 0;
    this.#validity.invalid(i);
    this.#length = i + 1;
  }
  /**
   * Bulk append for decoders: appends `n` valid slots and returns the value
   * array, in which the caller then writes them at `[length - n, length)`.
   * The array is valid until the next append or `finish()`.
   */
  extend(n: number): Uint32Array {
    const i = this.#length;
    if (i + n > this.#data.length) this.#grow(i + n);
    this.#validity.validRange(i, i + n);
    this.#length = i + n;
    return this.#data;
  }
  /** Turns slot `i` (already appended) into a null. */
  setNull(i: number): void {
    this.#data[i] = 0;
    this.#validity.clear(i, this.#length);
  }
  /** Turns the slots `indices[0..count)` (already appended) into nulls. */
  setNulls(indices: Int32Array, count: number): void {
    const data = this.#data;
    for (let k = 0; k < count; k++) data[indices[k]] = 0;
    this.#validity.clearAll(indices, count, this.#length);
  }
  /** Makes room for `n` more values, so that appending them never regrows the array. */
  reserve(n: number): void {
    if (this.#length + n > this.#data.length) this.#grow(this.#length + n);
  }
  #grow(min: number): void {
    const n = new Uint32Array(Math.max(min, this.#data.length * 2));
    n.set(this.#data);
    this.#data = n;
  }
  /** Returns the column as Arrow `Data` and empties the builder. */
  finish(): Data<Uint32> {
    const length = this.#length;
    const nullCount = this.#validity.nullCount;
    const nullBitmap = this.#validity.take(length);
    // At least half full: handed over as a view (a copy would touch as many
    // fresh pages again); the next batch gets a new buffer of the same size.
    const handOver = length * 2 >= this.#data.length;
    const data = handOver ? this.#data.subarray(0, length) : this.#data.slice(0, length);
    if (handOver) this.#data = new Uint32Array(this.#data.length);
    this.#length = 0;
    this.#validity.reset();
    return makeData({ type: this.type, length, nullCount, nullBitmap, data });
  }
}

/**
 * Builds an Arrow `Float32` column (nulls stored as NaN behind a 0 validity bit).
 */
export class Float32Builder implements NumberBuilder<Float32> {
  /** The Arrow type built. */
  readonly type: Float32;
  #data = new Float32Array(INITIAL_CAPACITY);
  #length = 0;
  readonly #validity = new Validity();

  /**
   * Makes an empty builder.
   * @param type The Arrow type (a new `Float32` by default).
   */
  constructor(type?: Float32) {
    this.type = type ?? new Float32();
  }
  /** Values appended since the last `finish()`. */
  get length(): number {
    return this.#length;
  }
  /** Nulls among them. */
  get nullCount(): number {
    return this.#validity.nullCount;
  }
  /** Appends a value (stored with the typed array's conversion). */
  append(value: number): void {
    const i = this.#length;
    if (i === this.#data.length) this.#grow(i + 1);
    this.#data[i] = value;
    if (this.#validity.bits !== null) this.#validity.valid(i);
    this.#length = i + 1;
  }
  /** Appends `count` copies of `value` (valid). */
  appendRepeated(value: number, count: number): void {
    const i = this.#length;
    if (i + count > this.#data.length) this.#grow(i + count);
    this.#data.fill(value, i, i + count);
    for (let k = 0; k < count; k++) this.#validity.valid(i + k);
    this.#length = i + count;
  }
  /** Appends a null. */
  appendNull(): void {
    const i = this.#length;
    if (i === this.#data.length) this.#grow(i + 1);
    this.#data[i] = NaN;
    this.#validity.invalid(i);
    this.#length = i + 1;
  }
  /**
   * Bulk append for decoders: appends `n` valid slots and returns the value
   * array, in which the caller then writes them at `[length - n, length)`.
   * The array is valid until the next append or `finish()`.
   */
  extend(n: number): Float32Array {
    const i = this.#length;
    if (i + n > this.#data.length) this.#grow(i + n);
    this.#validity.validRange(i, i + n);
    this.#length = i + n;
    return this.#data;
  }
  /** Turns slot `i` (already appended) into a null. */
  setNull(i: number): void {
    this.#data[i] = NaN;
    this.#validity.clear(i, this.#length);
  }
  /** Turns the slots `indices[0..count)` (already appended) into nulls. */
  setNulls(indices: Int32Array, count: number): void {
    const data = this.#data;
    for (let k = 0; k < count; k++) data[indices[k]] = NaN;
    this.#validity.clearAll(indices, count, this.#length);
  }
  /** Makes room for `n` more values, so that appending them never regrows the array. */
  reserve(n: number): void {
    if (this.#length + n > this.#data.length) this.#grow(this.#length + n);
  }
  #grow(min: number): void {
    const n = new Float32Array(Math.max(min, this.#data.length * 2));
    n.set(this.#data);
    this.#data = n;
  }
  /** Returns the column as Arrow `Data` and empties the builder. */
  finish(): Data<Float32> {
    const length = this.#length;
    const nullCount = this.#validity.nullCount;
    const nullBitmap = this.#validity.take(length);
    // At least half full: handed over as a view (a copy would touch as many
    // fresh pages again); the next batch gets a new buffer of the same size.
    const handOver = length * 2 >= this.#data.length;
    const data = handOver ? this.#data.subarray(0, length) : this.#data.slice(0, length);
    if (handOver) this.#data = new Float32Array(this.#data.length);
    this.#length = 0;
    this.#validity.reset();
    return makeData({ type: this.type, length, nullCount, nullBitmap, data });
  }
}

/**
 * Builds an Arrow `Float64` column (nulls stored as NaN behind a 0 validity bit).
 *
 * @example NaN is a value, null is not
 * ```ts
 * import { makeVector } from "apache-arrow";
 * import { Float64Builder } from "./builders.ts";
 * const b = new Float64Builder();
 * b.append(NaN);
 * b.appendNull();
 * const v = makeVector(b.finish());
 * if (!Number.isNaN(v.get(0)) || v.get(1) !== null) throw new Error("NaN vs null");
 * ```
 */
export class Float64Builder implements NumberBuilder<Float64> {
  /** The Arrow type built. */
  readonly type: Float64;
  #data = new Float64Array(INITIAL_CAPACITY);
  #length = 0;
  readonly #validity = new Validity();

  /**
   * Makes an empty builder.
   * @param type The Arrow type (a new `Float64` by default).
   */
  constructor(type?: Float64) {
    this.type = type ?? new Float64();
  }
  /** Values appended since the last `finish()`. */
  get length(): number {
    return this.#length;
  }
  /** Nulls among them. */
  get nullCount(): number {
    return this.#validity.nullCount;
  }
  /** Appends a value (stored with the typed array's conversion). */
  append(value: number): void {
    const i = this.#length;
    if (i === this.#data.length) this.#grow(i + 1);
    this.#data[i] = value;
    if (this.#validity.bits !== null) this.#validity.valid(i);
    this.#length = i + 1;
  }
  /** Appends `count` copies of `value` (valid). */
  appendRepeated(value: number, count: number): void {
    const i = this.#length;
    if (i + count > this.#data.length) this.#grow(i + count);
    this.#data.fill(value, i, i + count);
    for (let k = 0; k < count; k++) this.#validity.valid(i + k);
    this.#length = i + count;
  }
  /** Appends a null. */
  appendNull(): void {
    const i = this.#length;
    if (i === this.#data.length) this.#grow(i + 1);
    this.#data[i] = NaN;
    this.#validity.invalid(i);
    this.#length = i + 1;
  }
  /**
   * Bulk append for decoders: appends `n` valid slots and returns the value
   * array, in which the caller then writes them at `[length - n, length)`.
   * The array is valid until the next append or `finish()`.
   */
  extend(n: number): Float64Array {
    const i = this.#length;
    if (i + n > this.#data.length) this.#grow(i + n);
    this.#validity.validRange(i, i + n);
    this.#length = i + n;
    return this.#data;
  }
  /** Turns slot `i` (already appended) into a null. */
  setNull(i: number): void {
    this.#data[i] = NaN;
    this.#validity.clear(i, this.#length);
  }
  /** Turns the slots `indices[0..count)` (already appended) into nulls. */
  setNulls(indices: Int32Array, count: number): void {
    const data = this.#data;
    for (let k = 0; k < count; k++) data[indices[k]] = NaN;
    this.#validity.clearAll(indices, count, this.#length);
  }
  /** Makes room for `n` more values, so that appending them never regrows the array. */
  reserve(n: number): void {
    if (this.#length + n > this.#data.length) this.#grow(this.#length + n);
  }
  #grow(min: number): void {
    const n = new Float64Array(Math.max(min, this.#data.length * 2));
    n.set(this.#data);
    this.#data = n;
  }
  /** Returns the column as Arrow `Data` and empties the builder. */
  finish(): Data<Float64> {
    const length = this.#length;
    const nullCount = this.#validity.nullCount;
    const nullBitmap = this.#validity.take(length);
    // At least half full: handed over as a view (a copy would touch as many
    // fresh pages again); the next batch gets a new buffer of the same size.
    const handOver = length * 2 >= this.#data.length;
    const data = handOver ? this.#data.subarray(0, length) : this.#data.slice(0, length);
    if (handOver) this.#data = new Float64Array(this.#data.length);
    this.#length = 0;
    this.#validity.reset();
    return makeData({ type: this.type, length, nullCount, nullBitmap, data });
  }
}

/** A builder for 64-bit integers, fed either bigints or two 32-bit words. */
export interface BigIntBuilder<T extends DataType = DataType> extends ColumnBuilder<T> {
  /** Appends a bigint (wrapped to 64 bits). */
  append(value: bigint): void;
  /** Appends a safe integer given as a JS number. */
  appendNumber(value: number): void;
  /**
   * Appends the value whose two's complement words are `lo` (bits 0-31) and
   * `hi` (bits 32-63): what {@linkcode parseInt64Ascii} produces and what a
   * binary reader finds in the bytes, with no BigInt made.
   */
  appendWords(lo: number, hi: number): void;
  /**
   * Bulk append for decoders: appends `n` valid slots and returns the word
   * array, in which the caller writes value `i` as `lo` at `2 * i` and `hi`
   * at `2 * i + 1`, for `i` in `[length - n, length)`. The array is valid
   * until the next append or `finish()`.
   */
  extend(n: number): Int32Array;
  /** Makes room for `n` more values (no regrowth while they are appended). */
  reserve(n: number): void;
  /** Turns slot `i` (already appended) into a null. */
  setNull(i: number): void;
  /** Turns the slots `indices[0..count)` (already appended) into nulls. */
  setNulls(indices: Int32Array, count: number): void;
}

/** The constructor of a 64-bit integer builder. */
export interface BigIntBuilderClass<T extends DataType> {
  /** Makes an empty builder (of `type`, or the default Int64/Uint64). */
  new (type?: T): BigIntBuilder<T>;
}

function bigIntBuilderClass<T extends DataType>(
  unsigned: boolean,
  makeType: () => T,
): BigIntBuilderClass<T> {
  return class implements BigIntBuilder<T> {
    readonly type: T;
    #words = new Int32Array(INITIAL_CAPACITY * 2);
    #big: BigInt64Array | BigUint64Array = unsigned
      ? new BigUint64Array(this.#words.buffer)
      : new BigInt64Array(this.#words.buffer);
    #length = 0;
    readonly #validity = new Validity();

    constructor(type?: T) {
      this.type = type ?? makeType();
    }
    get length(): number {
      return this.#length;
    }
    get nullCount(): number {
      return this.#validity.nullCount;
    }
    append(value: bigint): void {
      const i = this.#length;
      if (i * 2 === this.#words.length) this.#grow(i + 1);
      this.#big[i] = value;
      this.#validity.valid(i);
      this.#length = i + 1;
    }
    appendNumber(value: number): void {
      const hi = Math.floor(value / 4294967296);
      this.appendWords((value - hi * 4294967296) | 0, hi | 0);
    }
    appendWords(lo: number, hi: number): void {
      const i = this.#length;
      if (i * 2 === this.#words.length) this.#grow(i + 1);
      // Little-endian word order, as every platform Deno runs on.
      this.#words[2 * i] = lo;
      this.#words[2 * i + 1] = hi;
      this.#validity.valid(i);
      this.#length = i + 1;
    }
    appendNull(): void {
      const i = this.#length;
      if (i * 2 === this.#words.length) this.#grow(i + 1);
      this.#words[2 * i] = 0;
      this.#words[2 * i + 1] = 0;
      this.#validity.invalid(i);
      this.#length = i + 1;
    }
    extend(n: number): Int32Array {
      const i = this.#length;
      if ((i + n) * 2 > this.#words.length) this.#grow(i + n);
      this.#validity.validRange(i, i + n);
      this.#length = i + n;
      return this.#words;
    }
    setNull(i: number): void {
      this.#words[2 * i] = 0;
      this.#words[2 * i + 1] = 0;
      this.#validity.clear(i, this.#length);
    }
    setNulls(indices: Int32Array, count: number): void {
      const words = this.#words;
      for (let k = 0; k < count; k++) {
        const i = indices[k];
        words[2 * i] = 0;
        words[2 * i + 1] = 0;
      }
      this.#validity.clearAll(indices, count, this.#length);
    }
    reserve(n: number): void {
      if ((this.#length + n) * 2 > this.#words.length) this.#grow(this.#length + n);
    }
    #grow(min: number): void {
      const n = new Int32Array(Math.max(min * 2, this.#words.length * 2));
      n.set(this.#words);
      this.#words = n;
      this.#big = unsigned ? new BigUint64Array(n.buffer) : new BigInt64Array(n.buffer);
    }
    finish(): Data<T> {
      const length = this.#length;
      const nullCount = this.#validity.nullCount;
      const nullBitmap = this.#validity.take(length);
      // At least half full: handed over as a view (a copy would touch as many
      // fresh pages again); the next batch gets a new buffer of the same size.
      const handOver = length * 2 >= this.#big.length;
      const data = handOver ? this.#big.subarray(0, length) : this.#big.slice(0, length);
      if (handOver) {
        this.#words = new Int32Array(this.#words.length);
        this.#big = unsigned
          ? new BigUint64Array(this.#words.buffer)
          : new BigInt64Array(this.#words.buffer);
      }
      this.#length = 0;
      this.#validity.reset();
      // deno-lint-ignore no-explicit-any
      return makeData({ type: this.type, length, nullCount, nullBitmap, data } as any) as Data<T>;
    }
  };
}

/**
 * Builds an exact Arrow `Int64` column (a `BigInt64Array`).
 *
 * @example From parsed words: no BigInt per value
 * ```ts
 * import { makeVector } from "apache-arrow";
 * import { parseInt64Ascii } from "./ascii.ts";
 * import { Int64Builder } from "./builders.ts";
 * const text = new TextEncoder().encode("64942654294589445");
 * const w = new Int32Array(2);
 * const b = new Int64Builder();
 * if (parseInt64Ascii(text, 0, text.length, w)) b.appendWords(w[0], w[1]);
 * if (makeVector(b.finish()).get(0) !== 64942654294589445n) throw new Error("inexact");
 * ```
 */
export const Int64Builder: BigIntBuilderClass<Int64> = bigIntBuilderClass(false, () => new Int64());
/** Builds an exact Arrow `Int64` column. */
export type Int64Builder = BigIntBuilder<Int64>;
/** Builds an exact Arrow `Uint64` column (a `BigUint64Array`). */
export const Uint64Builder: BigIntBuilderClass<Uint64> = bigIntBuilderClass(
  true,
  () => new Uint64(),
);
/** Builds an exact Arrow `Uint64` column. */
export type Uint64Builder = BigIntBuilder<Uint64>;

/**
 * Builds an Arrow `Bool` column (bit-packed values).
 *
 * @example
 * ```ts
 * import { makeVector } from "apache-arrow";
 * import { BoolBuilder } from "./builders.ts";
 * const b = new BoolBuilder();
 * b.append(true); b.appendNull(); b.append(false);
 * const v = makeVector(b.finish());
 * if (v.get(0) !== true || v.get(1) !== null || v.get(2) !== false) throw new Error("bools");
 * ```
 */
export class BoolBuilder implements ColumnBuilder<Bool> {
  /** The Arrow type built. */
  readonly type: Bool;
  #bits = new Uint8Array(INITIAL_CAPACITY >> 3);
  #length = 0;
  readonly #validity = new Validity();

  /**
   * Makes an empty builder.
   * @param type The Arrow type (a new `Bool` by default).
   */
  constructor(type?: Bool) {
    this.type = type ?? new Bool();
  }
  /** Values appended since the last `finish()`. */
  get length(): number {
    return this.#length;
  }
  /** Nulls among them. */
  get nullCount(): number {
    return this.#validity.nullCount;
  }
  /** Appends a value. */
  append(value: boolean): void {
    const i = this.#length;
    if ((i >> 3) === this.#bits.length) this.#grow();
    if (value) this.#bits[i >> 3] |= 1 << (i & 7);
    this.#validity.valid(i);
    this.#length = i + 1;
  }
  /** Appends a null. */
  appendNull(): void {
    const i = this.#length;
    if ((i >> 3) === this.#bits.length) this.#grow();
    this.#validity.invalid(i);
    this.#length = i + 1;
  }
  /**
   * Bulk append for decoders: appends `n` valid `false` slots and returns the
   * bit-packed value array (bit `i & 7` of byte `i >> 3`, least significant
   * first), in which the caller sets the `true` ones among `[length - n,
   * length)`. The array is valid until the next append or `finish()`.
   */
  extend(n: number): Uint8Array {
    const i = this.#length;
    while (((i + n + 7) >> 3) > this.#bits.length) this.#grow();
    this.#validity.validRange(i, i + n);
    this.#length = i + n;
    return this.#bits;
  }
  /** Turns slot `i` (already appended) into a null (its value bit cleared). */
  setNull(i: number): void {
    this.#bits[i >> 3] &= ~(1 << (i & 7));
    this.#validity.clear(i, this.#length);
  }
  /** Turns the slots `indices[0..count)` (already appended) into nulls. */
  setNulls(indices: Int32Array, count: number): void {
    const bits = this.#bits;
    for (let k = 0; k < count; k++) {
      const i = indices[k];
      bits[i >> 3] &= ~(1 << (i & 7));
    }
    this.#validity.clearAll(indices, count, this.#length);
  }
  #grow(): void {
    const n = new Uint8Array(this.#bits.length * 2);
    n.set(this.#bits);
    this.#bits = n;
  }
  /** Returns the column as Arrow `Data` and empties the builder. */
  finish(): Data<Bool> {
    const length = this.#length;
    const nullCount = this.#validity.nullCount;
    const nullBitmap = this.#validity.take(length);
    const data = this.#bits.slice(0, (length + 7) >> 3);
    this.#bits.fill(0, 0, (length + 7) >> 3);
    this.#length = 0;
    this.#validity.reset();
    return makeData({ type: this.type, length, nullCount, nullBitmap, data });
  }
}

/**
 * Builds an Arrow `Utf8` column from UTF-8 bytes (copied, never decoded) or
 * from JS strings.
 *
 * @example Bytes from a buffer, and strings
 * ```ts
 * import { makeVector } from "apache-arrow";
 * import { Utf8Builder } from "./builders.ts";
 * const buf = new TextEncoder().encode("<TD>Gaia DR3 42</TD>");
 * const b = new Utf8Builder();
 * b.appendUtf8Bytes(buf, 4, 15);
 * b.appendString("β Pic");
 * b.appendNull();
 * const v = makeVector(b.finish());
 * if (v.get(0) !== "Gaia DR3 42" || v.get(1) !== "β Pic" || v.get(2) !== null) throw new Error("utf8");
 * ```
 */
export class Utf8Builder implements ColumnBuilder<Utf8> {
  /** The Arrow type built. */
  readonly type: Utf8;
  #offsets = new Int32Array(INITIAL_CAPACITY + 1);
  #bytes = new Uint8Array(INITIAL_CAPACITY * 16);
  #length = 0;
  #byteLength = 0;
  readonly #validity = new Validity();

  /**
   * Makes an empty builder.
   * @param type The Arrow type (a new `Utf8` by default).
   */
  constructor(type?: Utf8) {
    this.type = type ?? new Utf8();
  }
  /** Values appended since the last `finish()`. */
  get length(): number {
    return this.#length;
  }
  /** Nulls among them. */
  get nullCount(): number {
    return this.#validity.nullCount;
  }
  /** Bytes of string data appended since the last `finish()`. */
  get byteLength(): number {
    return this.#byteLength;
  }
  /**
   * Appends the UTF-8 text `buf[start..end)` as one value, copying the bytes.
   * The bytes are not validated; callers reading untrusted input that must be
   * valid UTF-8 check it themselves.
   */
  appendUtf8Bytes(buf: Uint8Array, start: number, end: number): void {
    const n = end - start;
    const at = this.#byteLength;
    if (at + n > this.#bytes.length) this.#growBytes(at + n);
    if (n < 64) {
      const dst = this.#bytes;
      for (let k = 0; k < n; k++) dst[at + k] = buf[start + k];
    } else {
      this.#bytes.set(buf.subarray(start, end), at);
    }
    this.#push(at + n);
  }
  /** Appends a JS string (UTF-8 encoded in place). */
  appendString(value: string): void {
    const at = this.#byteLength;
    // A UTF-16 code unit needs at most 3 UTF-8 bytes.
    const worst = value.length * 3;
    if (at + worst > this.#bytes.length) this.#growBytes(at + worst);
    const { written } = encoder.encodeInto(value, this.#bytes.subarray(at));
    this.#push(at + written);
  }
  /** Appends a null (an empty slot behind a 0 validity bit). */
  appendNull(): void {
    this.#push(this.#byteLength, true);
  }
  /**
   * Bulk append for decoders, step 1: makes room for `n` more values holding
   * at most `bytes` bytes in all. Then the caller writes the bytes of value
   * `length + k` into {@linkcode Utf8Builder.rawBytes} and its end offset at
   * `rawOffsets()[length + k + 1]` (offsets only grow), and calls
   * {@linkcode Utf8Builder.commitRaw}.
   * @throws {RangeError} when the batch would exceed 2 GiB of text.
   */
  reserve(n: number, bytes: number): void {
    const at = this.#byteLength;
    if (at + bytes > 0x7fffffff) {
      throw new RangeError(
        `A Utf8 column exceeds 2 GiB of text in one batch; use a smaller "batchSize"`,
      );
    }
    if (at + bytes > this.#bytes.length) this.#growBytes(at + bytes);
    const need = this.#length + n + 1;
    if (need > this.#offsets.length) {
      const o = new Int32Array(Math.max(need, this.#offsets.length * 2));
      o.set(this.#offsets.subarray(0, this.#length + 1));
      this.#offsets = o;
    }
  }
  /** The offsets array (valid until the next append or `finish()`), for bulk decoders. */
  rawOffsets(): Int32Array {
    return this.#offsets;
  }
  /** The bytes array (valid until the next append or `finish()`), for bulk decoders. */
  rawBytes(): Uint8Array {
    return this.#bytes;
  }
  /** Bulk append, step 2: the `n` values written after `reserve()` are appended (valid). */
  commitRaw(n: number): void {
    const i = this.#length;
    this.#byteLength = this.#offsets[i + n];
    this.#validity.validRange(i, i + n);
    this.#length = i + n;
  }
  /** Turns slot `i` (already appended) into a null; it should be empty. */
  setNull(i: number): void {
    this.#validity.clear(i, this.#length);
  }
  /** Turns the slots `indices[0..count)` (already appended, empty) into nulls. */
  setNulls(indices: Int32Array, count: number): void {
    this.#validity.clearAll(indices, count, this.#length);
  }
  #push(end: number, isNull = false): void {
    const i = this.#length;
    if (i + 1 === this.#offsets.length) {
      const n = new Int32Array(this.#offsets.length * 2);
      n.set(this.#offsets);
      this.#offsets = n;
    }
    if (end > 0x7fffffff) {
      throw new RangeError(
        `A Utf8 column exceeds 2 GiB of text in one batch; use a smaller "batchSize"`,
      );
    }
    this.#offsets[i + 1] = end;
    this.#byteLength = end;
    if (isNull) this.#validity.invalid(i);
    else this.#validity.valid(i);
    this.#length = i + 1;
  }
  #growBytes(min: number): void {
    const n = new Uint8Array(Math.max(min, this.#bytes.length * 2));
    n.set(this.#bytes.subarray(0, this.#byteLength));
    this.#bytes = n;
  }
  /** Returns the column as Arrow `Data` and empties the builder. */
  finish(): Data<Utf8> {
    const length = this.#length;
    const nullCount = this.#validity.nullCount;
    const nullBitmap = this.#validity.take(length);
    const used = this.#byteLength;
    let valueOffsets: Int32Array, data: Uint8Array;
    if (used * 2 >= this.#bytes.length && (length + 1) * 2 >= this.#offsets.length) {
      // Mostly full: handed over as views (a copy would touch as many fresh
      // pages again); the next batch gets new buffers of the same size.
      valueOffsets = this.#offsets.subarray(0, length + 1);
      data = this.#bytes.subarray(0, used);
      this.#offsets = new Int32Array(this.#offsets.length);
      this.#bytes = new Uint8Array(this.#bytes.length);
    } else {
      valueOffsets = this.#offsets.slice(0, length + 1);
      data = this.#bytes.slice(0, used);
    }
    this.#length = 0;
    this.#byteLength = 0;
    this.#validity.reset();
    return makeData({ type: this.type, length, nullCount, nullBitmap, valueOffsets, data });
  }
}

/**
 * Builds an Arrow `List` column: append a row's items to `values`, then call
 * `commit()` to close the row (or `appendNull()` for a null row).
 *
 * @example Variable-length arrays
 * ```ts
 * import { makeVector } from "apache-arrow";
 * import { Float64Builder, ListBuilder } from "./builders.ts";
 * const b = new ListBuilder(new Float64Builder());
 * b.values.append(1); b.values.append(2); b.commit();
 * b.commit(); // an empty list
 * b.appendNull();
 * const v = makeVector(b.finish());
 * if (v.get(0)!.toArray().join() !== "1,2" || v.get(1)!.length !== 0 || v.get(2) !== null) {
 *   throw new Error("lists");
 * }
 * ```
 */
export class ListBuilder<B extends ColumnBuilder = ColumnBuilder> implements ColumnBuilder<List> {
  /** The Arrow type built (`List` of the item builder's type). */
  readonly type: List;
  /** The builder receiving the items of every row. */
  readonly values: B;
  #offsets = new Int32Array(INITIAL_CAPACITY + 1);
  #length = 0;
  readonly #validity = new Validity();

  /**
   * Makes an empty list builder over an item builder.
   * @param values The item builder.
   * @param type The list type (by default `List<item: values.type>`, items nullable).
   */
  constructor(values: B, type?: List) {
    this.values = values;
    this.type = type ?? new List(new Field("item", values.type, true));
  }
  /** Rows appended since the last `finish()`. */
  get length(): number {
    return this.#length;
  }
  /** Null rows among them. */
  get nullCount(): number {
    return this.#validity.nullCount;
  }
  /** Closes the current row: its items are those appended to `values` since the last row. */
  commit(): void {
    this.#push(false);
  }
  /** Appends a null row (items appended since the last row, if any, belong to it and are hidden). */
  appendNull(): void {
    this.#push(true);
  }
  #push(isNull: boolean): void {
    const i = this.#length;
    if (i + 1 === this.#offsets.length) {
      const n = new Int32Array(this.#offsets.length * 2);
      n.set(this.#offsets);
      this.#offsets = n;
    }
    this.#offsets[i + 1] = this.values.length;
    if (isNull) this.#validity.invalid(i);
    else this.#validity.valid(i);
    this.#length = i + 1;
  }
  /** Returns the column as Arrow `Data` and empties the builder (and its item builder). */
  finish(): Data<List> {
    const length = this.#length;
    const nullCount = this.#validity.nullCount;
    const nullBitmap = this.#validity.take(length);
    const valueOffsets = this.#offsets.slice(0, length + 1);
    const child = this.values.finish();
    this.#length = 0;
    this.#validity.reset();
    return makeData({ type: this.type, length, nullCount, nullBitmap, valueOffsets, child });
  }
}

/**
 * Builds an Arrow `FixedSizeList` column: append exactly `listSize` items to
 * `values`, then `commit()`; `appendNull()` fills the row's slots with nulls.
 *
 * @example Complex numbers as pairs
 * ```ts
 * import { makeVector } from "apache-arrow";
 * import { FixedSizeListBuilder, Float64Builder } from "./builders.ts";
 * const b = new FixedSizeListBuilder(new Float64Builder(), 2);
 * b.values.append(1); b.values.append(-1); b.commit();
 * b.appendNull();
 * const v = makeVector(b.finish());
 * if (v.get(0)!.toArray().join() !== "1,-1" || v.get(1) !== null) throw new Error("pairs");
 * ```
 */
export class FixedSizeListBuilder<B extends ColumnBuilder = ColumnBuilder>
  implements ColumnBuilder<FixedSizeList> {
  /** The Arrow type built. */
  readonly type: FixedSizeList;
  /** The builder receiving the items of every row. */
  readonly values: B;
  /** Items per row. */
  readonly listSize: number;
  #length = 0;
  readonly #validity = new Validity();

  /**
   * Makes an empty fixed-size list builder over an item builder.
   * @param values The item builder.
   * @param listSize Items per row.
   * @param type The list type (by default `FixedSizeList<listSize, item: values.type>`).
   */
  constructor(values: B, listSize: number, type?: FixedSizeList) {
    if (!Number.isInteger(listSize) || listSize < 0) {
      throw new RangeError(`FixedSizeList size must be a non-negative integer, got ${listSize}`);
    }
    this.values = values;
    this.listSize = listSize;
    this.type = type ?? new FixedSizeList(listSize, new Field("item", values.type, true));
  }
  /** Rows appended since the last `finish()`. */
  get length(): number {
    return this.#length;
  }
  /** Null rows among them. */
  get nullCount(): number {
    return this.#validity.nullCount;
  }
  /**
   * Closes the current row.
   * @throws {RangeError} when `values` does not hold exactly `listSize` items per row.
   */
  commit(): void {
    const i = this.#length;
    if (this.values.length !== (i + 1) * this.listSize) {
      throw new RangeError(
        `FixedSizeList row ${i} has ${
          this.values.length - i * this.listSize
        } items, expected ${this.listSize}`,
      );
    }
    this.#validity.valid(i);
    this.#length = i + 1;
  }
  /** Appends a null row, its `listSize` slots filled with null items. */
  appendNull(): void {
    const i = this.#length;
    const want = (i + 1) * this.listSize;
    while (this.values.length < want) this.values.appendNull();
    if (this.values.length !== want) {
      throw new RangeError(`FixedSizeList row ${i} has too many items for size ${this.listSize}`);
    }
    this.#validity.invalid(i);
    this.#length = i + 1;
  }
  /** Returns the column as Arrow `Data` and empties the builder (and its item builder). */
  finish(): Data<FixedSizeList> {
    const length = this.#length;
    const nullCount = this.#validity.nullCount;
    const nullBitmap = this.#validity.take(length);
    const child = this.values.finish();
    this.#length = 0;
    this.#validity.reset();
    return makeData({ type: this.type, length, nullCount, nullBitmap, child });
  }
}

/**
 * Makes the builder for an Arrow type: Bool, Int8-64, Uint8-64, Float32/64,
 * Utf8, and List / FixedSizeList of any of these (nested too).
 *
 * @param type The Arrow type of the column.
 * @returns A builder whose `finish()` gives `Data` of exactly that type.
 * @throws {TypeError} for types readers never produce (Dictionary, Struct, ...).
 *
 * @example
 * ```ts
 * import { FixedSizeList, Field, Float32 } from "apache-arrow";
 * import { builderFor, FixedSizeListBuilder } from "./builders.ts";
 * const b = builderFor(new FixedSizeList(3, new Field("item", new Float32(), true)));
 * if (!(b instanceof FixedSizeListBuilder) || b.listSize !== 3) throw new Error("wrong builder");
 * ```
 */
export function builderFor(type: DataType): ColumnBuilder {
  switch (type.typeId) {
    case Type.Bool:
      return new BoolBuilder(type as Bool);
    case Type.Int: {
      const t = type as Int8 | Int16 | Int32 | Int64 | Uint8 | Uint16 | Uint32 | Uint64;
      switch (t.bitWidth * (t.isSigned ? 1 : -1)) {
        case 8:
          return new Int8Builder(t as Int8);
        case 16:
          return new Int16Builder(t as Int16);
        case 32:
          return new Int32Builder(t as Int32);
        case 64:
          return new Int64Builder(t as Int64);
        case -8:
          return new Uint8Builder(t as Uint8);
        case -16:
          return new Uint16Builder(t as Uint16);
        case -32:
          return new Uint32Builder(t as Uint32);
        case -64:
          return new Uint64Builder(t as Uint64);
      }
      break;
    }
    case Type.Float: {
      const t = type as Float32 | Float64;
      if (t.precision === 1) return new Float32Builder(t as Float32);
      if (t.precision === 2) return new Float64Builder(t as Float64);
      break;
    }
    case Type.Utf8:
      return new Utf8Builder(type as Utf8);
    case Type.List: {
      const t = type as List;
      return new ListBuilder(builderFor(t.children[0].type), t);
    }
    case Type.FixedSizeList: {
      const t = type as FixedSizeList;
      return new FixedSizeListBuilder(builderFor(t.children[0].type), t.listSize, t);
    }
  }
  throw new TypeError(
    `No column builder for Arrow type ${
      String(type)
    }; readers build Bool, Int, Float, Utf8, List and FixedSizeList`,
  );
}

/**
 * Makes one builder per field of a schema, in field order.
 *
 * @example
 * ```ts
 * import { Field, Int32, Schema } from "apache-arrow";
 * import { buildersFor } from "./builders.ts";
 * const bs = buildersFor(new Schema([new Field("n", new Int32())]));
 * if (bs.length !== 1) throw new Error("one per field");
 * ```
 */
export function buildersFor(schema: Schema): ColumnBuilder[] {
  return schema.fields.map((f) => builderFor(f.type));
}

/**
 * Makes room for `n` more rows in every builder that can reserve, so that a
 * batch whose size the reader knows fills without regrowing (each regrowth
 * copies, and touches fresh pages again). String builders need their bytes
 * too: `textBytes(i)` gives them for builder `i`, or undefined to leave it.
 *
 * @example
 * ```ts
 * import { Float64Builder, reserveRows, Utf8Builder } from "./builders.ts";
 * const f = new Float64Builder(), s = new Utf8Builder();
 * reserveRows([f, s], 100_000, () => 1_000_000);
 * if (f.extend(100_000) !== f.extend(0)) throw new Error("regrew");
 * ```
 */
export function reserveRows(
  builders: readonly ColumnBuilder[],
  n: number,
  textBytes: (i: number) => number | undefined,
): void {
  builders.forEach((b, i) => {
    if (!(b instanceof Utf8Builder)) b.reserve?.(n);
    else {
      const bytes = textBytes(i);
      if (bytes !== undefined) b.reserve(n, bytes);
    }
  });
}

/**
 * Turns the builders of a schema's fields into a `RecordBatch` and empties
 * them for the next batch (their buffers are reused).
 *
 * @param schema The batch schema (field metadata is kept).
 * @param builders One builder per field, in field order, all of the same length.
 * @returns A record batch of `builders[0].length` rows.
 * @throws {RangeError} when the builders disagree on the row count or do not match the schema.
 *
 * @example
 * ```ts
 * import { Field, Int32, Schema } from "apache-arrow";
 * import { finishBatch, Int32Builder } from "./builders.ts";
 * const schema = new Schema([new Field("n", new Int32())]);
 * const n = new Int32Builder();
 * n.append(7);
 * const batch = finishBatch(schema, [n]);
 * if (batch.getChild("n")!.get(0) !== 7) throw new Error("value");
 * ```
 */
export function finishBatch(schema: Schema, builders: readonly ColumnBuilder[]): RecordBatch {
  if (builders.length !== schema.fields.length) {
    throw new RangeError(
      `finishBatch() got ${builders.length} builders for ${schema.fields.length} fields`,
    );
  }
  const length = builders.length ? builders[0].length : 0;
  for (let i = 0; i < builders.length; i++) {
    if (builders[i].length !== length) {
      throw new RangeError(
        `Column "${schema.fields[i].name}" has ${
          builders[i].length
        } values, expected ${length} like "${schema.fields[0].name}"`,
      );
    }
  }
  const children = builders.map((b) => b.finish());
  const data = makeData({
    type: new Struct(schema.fields),
    length,
    nullCount: 0,
    children,
  });
  return new RecordBatch(schema, data);
}
