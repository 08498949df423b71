/**
 * Streaming FITS binary table (BINTABLE) reader: big-endian rows decoded
 * into Arrow builders a batch at a time, while the bytes arrive.
 *
 * @module
 */
import {
  Bool,
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
  Schema,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
} from "apache-arrow";
import { SizeLimitError, TruncatedInputError } from "../io/errors.ts";
import { type ByteSource, openByteStream } from "../io/source.ts";
import {
  type BigIntBuilder,
  BoolBuilder,
  buildersFor,
  type ColumnBuilder,
  finishBatch,
  type FixedSizeListBuilder,
  Float32Builder,
  Float64Builder,
  Int16Builder,
  Int32Builder,
  type ListBuilder,
  type NumberBuilder,
  reserveRows,
  Uint8Builder,
  Utf8Builder,
} from "../table/builders.ts";
import { type ColumnMeta, type ParamElement, toFieldMetadata } from "../table/metadata.ts";
import { DEFAULT_BATCH_SIZE, type ReaderOptions, type TableReader } from "../table/reader.ts";
import {
  boolKernel,
  float32Kernel,
  float64Kernel,
  int16Kernel,
  int32Kernel,
  int64Kernel,
  nullSlots,
  uint8Kernel,
} from "../table/strided_kernels.ts";
import { ByteQueue } from "./byte_queue.ts";
import { uniqueNames } from "./csv_columns.ts";
import { FitsFormatError } from "./errors.ts";
import { findEndCard, FITS_BLOCK, FitsHeader } from "./fits_header.ts";
import { StreamTableReader } from "./stream_reader.ts";

/** Options of {@linkcode readFits}. */
export interface FitsReaderOptions extends ReaderOptions {
  /**
   * Which HDU to read: its index (0 is the primary HDU, 1 the first
   * extension) or its `EXTNAME`. By default the first BINTABLE.
   */
  hdu?: number | string;
  /** Largest header accepted, in bytes (guards against a header without END). @default 28 800 000 */
  maxHeaderBytes?: number;
}

/** Largest batch of rows read at once, in bytes. */
const MAX_BATCH_BYTES = 32 << 20;
/** Rows are decoded column by column in blocks of about this size (fits the CPU cache). */
const BLOCK_BYTES = 256 * 1024;

/** One BINTABLE column, as described by its TFORMn and friends. */
interface FitsColumn {
  index: number;
  name: string;
  /** Element code: L X B I J K A E D C M. */
  code: string;
  /** Repeat count (bits for X, characters for A). */
  repeat: number;
  /** Variable-length array descriptor: "P" (32-bit) or "Q" (64-bit), or "". */
  varKind: string;
  /** Byte offset in the row, byte width in the row. */
  offset: number;
  width: number;
  tnull: number | bigint | undefined;
  scale: number;
  zero: number | bigint;
  /** What the raw values become. */
  mode: "raw" | "unsigned" | "scaled";
  dims: number[] | undefined;
  type: DataType;
  /** Strings per value for A columns with a multi-dimensional TDIM (fixed-size list of strings). */
  strings: number;
}

const ELEMENT_BYTES: Record<string, number> = {
  L: 1,
  X: 0,
  B: 1,
  I: 2,
  J: 4,
  K: 8,
  A: 1,
  E: 4,
  D: 8,
  C: 8,
  M: 16,
};

const VOTABLE_TYPES: Record<string, string> = {
  L: "boolean",
  X: "bit",
  B: "unsignedByte",
  I: "short",
  J: "int",
  K: "long",
  A: "char",
  E: "float",
  D: "double",
  C: "floatComplex",
  M: "doubleComplex",
};

/**
 * Reads a FITS binary table (the first BINTABLE HDU unless `hdu` says which):
 * TFORM codes L X B I J K A E D C M and P/Q variable-length arrays (from the
 * heap), TNULLn, TSCALn/TZEROn (the unsigned offsets 32768, 2^31 and 2^63
 * give Uint16/Uint32/Uint64; other scalings give Float64 physical values),
 * TUNITn, TUCDn, TUTYPn, TCOMMn, TDIMn, long strings with CONTINUE, gzip'd
 * files. NaN floats and TNULL values become nulls; empty strings become nulls.
 *
 * Sizes from the header never allocate memory by themselves: rows are read as
 * they arrive, a header claiming more data than is present ends with a
 * {@linkcode TruncatedInputError}, and more than `maxBytes` with a
 * {@linkcode SizeLimitError} before anything is read.
 *
 * @param source The FITS bytes (gzip undone when sniffed).
 * @param options `hdu`, batch size, signal, maxBytes, onBytes.
 * @returns A streaming {@linkcode TableReader}; `meta.name` is the EXTNAME,
 *   `meta.params` the header keywords that are not table structure.
 *
 * @example
 * ```ts
 * import { collectTable } from "../table/reader.ts";
 * import { readFits } from "./read_fits.ts";
 * import { encodeFits } from "./encode_fits.ts";
 * import { tableFromArrays } from "apache-arrow";
 * const fits = encodeFits(tableFromArrays({ id: new BigInt64Array([64942654294589445n]) }));
 * const { table } = await collectTable(readFits(fits));
 * if (table.getChild("id")!.get(0) !== 64942654294589445n) throw new Error("K column");
 * ```
 */
export function readFits(source: ByteSource, options: FitsReaderOptions = {}): TableReader {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxHeader = options.maxHeaderBytes ?? FITS_BLOCK * 10000;
  return new StreamTableReader("fits", async function* (ctx) {
    const stream = await openByteStream(source, options);
    const q = new ByteQueue(stream, "fits");
    if (options.onBytes) q.onBytes = options.onBytes;
    try {
      let index = 0;
      for (;;) {
        const start = q.offset;
        const header = await readHeader(q, index, maxHeader, options.hdu);
        if (!header) break;
        const xt = index === 0 ? "PRIMARY" : String(header.get("XTENSION") ?? "").trim();
        const extname = header.str("EXTNAME");
        const want = options.hdu;
        const isTarget = typeof want === "number"
          ? want === index
          : typeof want === "string"
          ? extname !== undefined && extname.trim().toLowerCase() === want.toLowerCase()
          : xt === "BINTABLE";
        const size = dataSize(header, index);
        if (isTarget) {
          if (xt !== "BINTABLE") {
            throw new FitsFormatError(
              `HDU ${index}${extname ? ` ("${extname}")` : ""} is ${
                xt === "PRIMARY" ? "the primary array" : `a ${xt} extension`
              }, not a BINTABLE; choose another "hdu"`,
              { offset: start, element: "XTENSION" },
            );
          }
          yield* readBintable(header, q, ctx, batchSize, options.maxBytes, options.signal);
          return;
        }
        const padded = Math.ceil(size / FITS_BLOCK) * FITS_BLOCK;
        const skipped = await q.skip(padded);
        if (skipped < size) {
          throw new TruncatedInputError(
            `The data of HDU ${index} ends after ${skipped} of ${size} bytes`,
            { format: "fits", offset: q.offset },
          );
        }
        index++;
      }
      const want = options.hdu;
      throw new FitsFormatError(
        want === undefined
          ? `The FITS file has no BINTABLE extension (${index} HDU${index === 1 ? "" : "s"} read)`
          : `The FITS file has no HDU ${
            typeof want === "number" ? want : `named "${want}"`
          } (${index} HDU${index === 1 ? "" : "s"} read)`,
        { offset: q.offset, element: "XTENSION" },
      );
    } finally {
      await q.cancel();
    }
  });
}

async function readHeader(
  q: ByteQueue,
  index: number,
  maxHeader: number,
  _want: number | string | undefined,
): Promise<FitsHeader | undefined> {
  const start = q.offset;
  const blocks: Uint8Array[] = [];
  for (;;) {
    const block = await q.read(FITS_BLOCK);
    if (block.length === 0 && blocks.length === 0) {
      if (index === 0) {
        throw new FitsFormatError("The input is empty, not a FITS file", { offset: 0 });
      }
      return undefined; // clean end of file
    }
    if (block.length < FITS_BLOCK) {
      // Trailing bytes shorter than a block after the last HDU are tolerated
      // only when they are all blanks or zeros (some writers pad loosely).
      if (blocks.length === 0 && index > 0 && block.every((b) => b === 0 || b === 0x20)) {
        return undefined;
      }
      throw new TruncatedInputError(
        `The header of HDU ${index} ends after ${
          blocks.length * FITS_BLOCK + block.length
        } bytes, without END`,
        { format: "fits", offset: q.offset, element: "END" },
      );
    }
    if (blocks.length === 0) {
      const kw = new TextDecoder("latin1").decode(block.subarray(0, 9));
      if (index === 0 && kw !== "SIMPLE  =") {
        throw new FitsFormatError(
          `Not a FITS file: it starts with ${JSON.stringify(kw)} instead of "SIMPLE  ="`,
          { offset: 0, element: "SIMPLE" },
        );
      }
      if (index > 0 && kw !== "XTENSION=") {
        // Bytes after the last HDU that are not an extension: ignore (allowed by the standard).
        return undefined;
      }
    }
    blocks.push(block.slice());
    if (findEndCard(block) >= 0) break;
    if (blocks.length * FITS_BLOCK > maxHeader) {
      throw new FitsFormatError(
        `The header of HDU ${index} exceeds ${maxHeader} bytes without an END card`,
        { offset: start, element: "END" },
      );
    }
  }
  const all = new Uint8Array(blocks.length * FITS_BLOCK);
  blocks.forEach((b, i) => all.set(b, i * FITS_BLOCK));
  return FitsHeader.parse(all, start);
}

function dataSize(h: FitsHeader, index: number): number {
  const bitpix = h.int("BITPIX");
  if (![8, 16, 32, 64, -32, -64].includes(bitpix)) {
    throw new FitsFormatError(`BITPIX must be 8, 16, 32, 64, -32 or -64, found ${bitpix}`, {
      offset: h.offset,
      element: "BITPIX",
    });
  }
  const naxis = h.int("NAXIS");
  if (naxis < 0 || naxis > 999) {
    throw new FitsFormatError(`NAXIS must be 0-999, found ${naxis}`, {
      offset: h.offset,
      element: "NAXIS",
    });
  }
  if (naxis === 0) return 0;
  let n = 1;
  let first = 1;
  const groups = index === 0 && h.get("GROUPS") === true && h.int("NAXIS1") === 0;
  if (groups) first = 2;
  for (let i = first; i <= naxis; i++) {
    const v = h.int(`NAXIS${i}`);
    if (v < 0) {
      throw new FitsFormatError(`NAXIS${i} must not be negative, found ${v}`, {
        offset: h.offset,
        element: `NAXIS${i}`,
      });
    }
    n *= v;
  }
  const pcount = h.int("PCOUNT", 0);
  const gcount = h.int("GCOUNT", 1);
  if (pcount < 0 || gcount < 0) {
    throw new FitsFormatError(`PCOUNT and GCOUNT must not be negative`, {
      offset: h.offset,
      element: "PCOUNT",
    });
  }
  const size = (Math.abs(bitpix) / 8) * gcount * (pcount + n);
  if (!Number.isSafeInteger(size)) {
    throw new FitsFormatError(`The data size of HDU ${index} is not a usable number (${size})`, {
      offset: h.offset,
      element: "NAXIS",
    });
  }
  return size;
}

function parseColumns(h: FitsHeader, naxis1: number): FitsColumn[] {
  const tfields = h.int("TFIELDS");
  if (tfields < 0 || tfields > 999) {
    throw new FitsFormatError(`TFIELDS must be 0-999, found ${tfields}`, {
      offset: h.offset,
      element: "TFIELDS",
    });
  }
  const cols: FitsColumn[] = [];
  let offset = 0;
  const rawNames: string[] = [];
  for (let i = 1; i <= tfields; i++) {
    const tform = h.str(`TFORM${i}`);
    if (tform === undefined) {
      throw new FitsFormatError(`Missing TFORM${i}`, { offset: h.offset, element: `TFORM${i}` });
    }
    const m = /^\s*([0-9]*)([LXBIJKAEDCMPQ])([LXBIJKAEDCM]?)(?:\(([0-9]+)\))?\s*(.*)$/.exec(
      tform.toUpperCase(),
    );
    if (!m || (m[2] !== "P" && m[2] !== "Q" && m[3] !== "")) {
      throw new FitsFormatError(`Unknown TFORM${i} ${JSON.stringify(tform)}`, {
        offset: h.offset,
        element: `TFORM${i}`,
      });
    }
    const repeat = m[1] === "" ? 1 : Number(m[1]);
    const varKind = m[2] === "P" || m[2] === "Q" ? m[2] : "";
    const code = varKind ? m[3]! : m[2]!;
    if (varKind && (code === "" || code === "X" || code === "C" || code === "M")) {
      throw new FitsFormatError(
        `TFORM${i} ${JSON.stringify(tform)}: variable-length arrays of ${
          code || "nothing"
        } are not supported`,
        { offset: h.offset, element: `TFORM${i}` },
      );
    }
    if (varKind && repeat > 1) {
      throw new FitsFormatError(
        `TFORM${i} ${JSON.stringify(tform)}: a repeat count above 1 for P/Q is not supported`,
        {
          offset: h.offset,
          element: `TFORM${i}`,
        },
      );
    }
    const width = varKind
      ? repeat * (varKind === "P" ? 8 : 16)
      : code === "X"
      ? Math.ceil(repeat / 8)
      : repeat * ELEMENT_BYTES[code]!;
    const name = (h.str(`TTYPE${i}`) ?? "").trim() || `col${i}`;
    rawNames.push(name);
    const tnullV = h.get(`TNULL${i}`);
    const tnull = typeof tnullV === "number" || typeof tnullV === "bigint" ? tnullV : undefined;
    const scaleV = h.get(`TSCAL${i}`);
    const zeroV = h.get(`TZERO${i}`);
    const scale = typeof scaleV === "number"
      ? scaleV
      : typeof scaleV === "bigint"
      ? Number(scaleV)
      : 1;
    const zero = typeof zeroV === "number" || typeof zeroV === "bigint" ? zeroV : 0;
    let mode: FitsColumn["mode"] = "raw";
    const isInt = code === "B" || code === "I" || code === "J" || code === "K";
    if (scale !== 1 || zero !== 0) {
      if (
        isInt && scale === 1 &&
        ((code === "B" && zero === -128) || (code === "I" && zero === 32768) ||
          (code === "J" && zero === 2147483648) ||
          (code === "K" && (zero === 9223372036854775808n || zero === 9223372036854775808)))
      ) mode = "unsigned";
      else if (isInt || code === "E" || code === "D") mode = "scaled";
    }
    const tdim = h.str(`TDIM${i}`);
    let dims: number[] | undefined;
    if (tdim) {
      const dm = /^\s*\(\s*([0-9]+(?:\s*,\s*[0-9]+)*)\s*\)\s*$/.exec(tdim);
      if (!dm) {
        throw new FitsFormatError(`Invalid TDIM${i} ${JSON.stringify(tdim)}`, {
          offset: h.offset,
          element: `TDIM${i}`,
        });
      }
      dims = dm[1]!.split(",").map((s) => Number(s.trim()));
      const prod = dims.reduce((a, b) => a * b, 1);
      if (!varKind && prod !== repeat) {
        throw new FitsFormatError(
          `TDIM${i} ${tdim} describes ${prod} elements but TFORM${i} ${
            JSON.stringify(tform)
          } has ${repeat}`,
          { offset: h.offset, element: `TDIM${i}` },
        );
      }
    }
    const col: FitsColumn = {
      index: i,
      name,
      code,
      repeat,
      varKind,
      offset,
      width,
      tnull,
      scale,
      zero,
      mode,
      dims,
      type: new Utf8(),
      strings: 1,
    };
    col.type = arrowType(col);
    cols.push(col);
    offset += width;
  }
  if (offset > naxis1) {
    throw new FitsFormatError(
      `The columns need ${offset} bytes per row but NAXIS1 is ${naxis1}`,
      { offset: h.offset, element: "NAXIS1" },
    );
  }
  const unique = uniqueNames(rawNames);
  cols.forEach((c, i) => (c.name = unique[i]!));
  return cols;
}

function elementType(c: FitsColumn): DataType {
  if (c.mode === "scaled") return new Float64();
  switch (c.code) {
    case "L":
    case "X":
      return new Bool();
    case "B":
      return c.mode === "unsigned" ? new Int8() : new Uint8();
    case "I":
      return c.mode === "unsigned" ? new Uint16() : new Int16();
    case "J":
      return c.mode === "unsigned" ? new Uint32() : new Int32();
    case "K":
      return c.mode === "unsigned" ? new Uint64() : new Int64();
    case "E":
    case "C":
      return new Float32();
    case "D":
    case "M":
      return new Float64();
  }
  return new Utf8();
}

function arrowType(c: FitsColumn): DataType {
  const item = () => new Field("item", elementType(c), true);
  if (c.varKind) return c.code === "A" ? new Utf8() : new List(item());
  if (c.code === "A") {
    if (c.dims && c.dims.length > 1) {
      c.strings = c.dims.slice(1).reduce((a, b) => a * b, 1);
      return new FixedSizeList(c.strings, new Field("item", new Utf8(), true));
    }
    return new Utf8();
  }
  const n = c.code === "C" || c.code === "M" ? 2 * c.repeat : c.repeat;
  if (n === 1) return elementType(c);
  return new FixedSizeList(n, item());
}

function columnField(h: FitsHeader, c: FitsColumn): Field {
  const i = c.index;
  const meta: ColumnMeta = { name: (h.str(`TTYPE${i}`) ?? "").trim() || c.name };
  const set = (k: keyof ColumnMeta, v: string | undefined) => {
    if (v !== undefined && v.trim() !== "") {
      (meta as unknown as Record<string, string>)[k] = v.trim();
    }
  };
  let datatype = VOTABLE_TYPES[c.code]!;
  if (c.mode === "unsigned") {
    datatype = c.code === "B" ? "short" : c.code === "I" ? "int" : "long";
  } else if (c.mode === "scaled") datatype = "double";
  set("datatype", datatype);
  if (c.varKind) set("arraysize", "*");
  else if (c.code === "A") {
    set("arraysize", c.dims && c.dims.length > 1 ? c.dims.join("x") : String(c.repeat));
  } else if (c.dims && c.dims.length > 1) set("arraysize", c.dims.join("x"));
  else if (c.repeat !== 1 && c.code !== "X") set("arraysize", String(c.repeat));
  else if (c.code === "X" && c.repeat !== 1) set("arraysize", String(c.repeat));
  set("unit", h.str(`TUNIT${i}`));
  set("ucd", h.str(`TUCD${i}`));
  set("utype", h.str(`TUTYP${i}`));
  let description = h.str(`TCOMM${i}`);
  if (description === undefined) {
    const comment = h.comment(`TTYPE${i}`);
    if (comment && !/^label for (field|column)/i.test(comment)) description = comment;
  }
  set("description", description);
  if (c.tnull !== undefined) set("null", String(c.tnull));
  const md = toFieldMetadata(meta);
  if (meta.name === c.name) md.delete("name");
  else md.set("name", meta.name);
  return new Field(c.name, c.type, true, md);
}

const STRUCTURAL =
  /^(SIMPLE|XTENSION|BITPIX|NAXIS[0-9]*|PCOUNT|GCOUNT|TFIELDS|EXTEND|THEAP|EXTNAME|END|COMMENT|HISTORY|CONTINUE|LONGSTRN|T(TYPE|FORM|UNIT|NULL|SCAL|ZERO|DISP|DIM|COMM|UCD|UTYP|BCOL|DMIN|DMAX|LMIN|LMAX)[0-9]+)$/;

async function* readBintable(
  h: FitsHeader,
  q: ByteQueue,
  ctx: { setSchema(s: Schema): void; meta: import("../table/reader.ts").TableMeta },
  batchSize: number,
  maxBytes: number | undefined,
  signal?: AbortSignal,
) {
  const bitpix = h.int("BITPIX");
  if (bitpix !== 8) {
    throw new FitsFormatError(`A BINTABLE must have BITPIX = 8, found ${bitpix}`, {
      offset: h.offset,
      element: "BITPIX",
    });
  }
  if (h.int("NAXIS") !== 2) {
    throw new FitsFormatError(`A BINTABLE must have NAXIS = 2, found ${h.int("NAXIS")}`, {
      offset: h.offset,
      element: "NAXIS",
    });
  }
  const naxis1 = h.int("NAXIS1");
  const naxis2 = h.int("NAXIS2");
  const pcount = h.int("PCOUNT", 0);
  if (h.int("GCOUNT", 1) !== 1) {
    throw new FitsFormatError(`A BINTABLE must have GCOUNT = 1`, {
      offset: h.offset,
      element: "GCOUNT",
    });
  }
  if (naxis1 < 0 || naxis2 < 0 || pcount < 0) {
    throw new FitsFormatError(`NAXIS1, NAXIS2 and PCOUNT must not be negative`, {
      offset: h.offset,
      element: "NAXIS1",
    });
  }
  const mainSize = naxis1 * naxis2;
  if (!Number.isSafeInteger(mainSize + pcount)) {
    throw new FitsFormatError(
      `NAXIS1 × NAXIS2 + PCOUNT is too large (${naxis1} × ${naxis2} + ${pcount})`,
      {
        offset: h.offset,
        element: "NAXIS2",
      },
    );
  }
  if (maxBytes !== undefined && q.offset + mainSize + pcount > maxBytes) {
    throw new SizeLimitError(
      `The BINTABLE declares ${
        mainSize + pcount
      } bytes of data (NAXIS1 ${naxis1} × NAXIS2 ${naxis2} + PCOUNT ${pcount}), ` +
        `more than the limit of ${maxBytes} bytes; raise "maxBytes" if this is expected`,
      { limit: maxBytes },
    );
  }
  const cols = parseColumns(h, naxis1);
  const schema = new Schema(cols.map((c) => columnField(h, c)));
  const meta = ctx.meta;
  const extname = h.str("EXTNAME");
  if (extname) meta.name = extname;
  const params: ParamElement[] = [];
  for (const card of h.cards) {
    if (card.value === undefined || STRUCTURAL.test(card.keyword)) continue;
    const v = card.value;
    params.push({
      name: card.keyword,
      value: v === null ? "" : typeof v === "boolean" ? (v ? "T" : "F") : String(v),
      datatype: typeof v === "boolean"
        ? "boolean"
        : typeof v === "bigint"
        ? "long"
        : typeof v === "number"
        ? (Number.isInteger(v) ? "long" : "double")
        : "char",
      ...(card.comment ? { description: card.comment } : {}),
    });
  }
  meta.params = params;
  ctx.setSchema(schema);
  const builders = buildersFor(schema);
  const hasHeap = cols.some((c) => c.varKind);
  const theap = h.int("THEAP", mainSize);
  if (hasHeap) {
    const main = await q.read(mainSize);
    if (main.length < mainSize) throw truncatedRows(main.length, naxis1, naxis2, q.offset);
    const rest = await q.read(pcount);
    if (rest.length < pcount) {
      throw new TruncatedInputError(
        `The heap ends after ${rest.length} of ${pcount} bytes (PCOUNT)`,
        {
          format: "fits",
          offset: q.offset,
          element: "PCOUNT",
        },
      );
    }
    if (theap < mainSize || theap > mainSize + pcount) {
      throw new FitsFormatError(`THEAP ${theap} lies outside the data area`, {
        offset: h.offset,
        element: "THEAP",
      });
    }
    const heap = rest.subarray(theap - mainSize);
    for (let r0 = 0; r0 < naxis2; r0 += batchSize) {
      const n = Math.min(batchSize, naxis2 - r0);
      decodeRowBlocks(
        main.subarray(r0 * naxis1, (r0 + n) * naxis1),
        n,
        naxis1,
        cols,
        builders,
        heap,
        r0,
      );
      yield finishBatch(schema, builders);
    }
    return;
  }
  const perBatch = Math.max(
    1,
    Math.min(batchSize, Math.floor(MAX_BATCH_BYTES / Math.max(1, naxis1))),
  );
  if (naxis1 > BLOCK_BYTES) {
    // Huge rows: a batch at a time, memory only for the bytes that arrived.
    for (let r0 = 0; r0 < naxis2; r0 += perBatch) {
      signal?.throwIfAborted();
      const n = Math.min(perBatch, naxis2 - r0);
      const bytes = await q.read(n * naxis1);
      if (bytes.length < n * naxis1) {
        throw truncatedRows(r0 * naxis1 + bytes.length, naxis1, naxis2, q.offset);
      }
      decodeRowBlocks(bytes, n, naxis1, cols, builders, undefined, r0);
      yield finishBatch(schema, builders);
    }
    return;
  }
  // Rows decoded block by block (cache-sized) as they arrive, straight from
  // the input chunk that holds a whole block, else from one reused buffer;
  // a batch is yielded every perBatch rows.
  const blockRows = Math.max(1, Math.floor(BLOCK_BYTES / Math.max(1, naxis1)));
  const block = new Uint8Array(Math.min(blockRows, naxis2) * naxis1);
  let inBatch = 0;
  for (let r0 = 0; r0 < naxis2;) {
    signal?.throwIfAborted();
    const n = Math.min(blockRows, naxis2 - r0, perBatch - inBatch);
    if (inBatch === 0) {
      // Room for the batch in the scalar and string builders (A: repeat bytes a value).
      const rows = Math.min(perBatch, naxis2 - r0);
      reserveRows(builders, rows, (i) => cols[i]!.varKind ? undefined : rows * cols[i]!.repeat);
    }
    const bytes = await q.readVia(n * naxis1, block);
    if (bytes.length < n * naxis1) {
      throw truncatedRows(r0 * naxis1 + bytes.length, naxis1, naxis2, q.offset);
    }
    decodeRows(bytes, n, naxis1, cols, builders, undefined, r0);
    r0 += n;
    inBatch += n;
    if (inBatch === perBatch || r0 === naxis2) {
      yield finishBatch(schema, builders);
      inBatch = 0;
    }
  }
}

function truncatedRows(
  got: number,
  naxis1: number,
  naxis2: number,
  offset: number,
): TruncatedInputError {
  const rows = naxis1 ? Math.floor(got / naxis1) : 0;
  return new TruncatedInputError(
    `The table data ends after ${rows} of ${naxis2} rows (${got} of ${naxis1 * naxis2} bytes)`,
    { format: "fits", offset, element: "NAXIS2" },
  );
}

type Put = (dv: DataView, pos: number) => void;

/** Makes the function appending one element at a byte position to a builder. */
function elementPut(c: FitsColumn, b: ColumnBuilder, bytes: () => Uint8Array): Put {
  const tnull = c.tnull;
  switch (c.code) {
    case "L": {
      const bb = b as BoolBuilder;
      return (dv, p) => {
        const v = dv.getUint8(p);
        if (v === 0x54) bb.append(true);
        else if (v === 0x46) bb.append(false);
        else bb.appendNull();
      };
    }
    case "B":
    case "I":
    case "J": {
      const nb = b as NumberBuilder;
      const read = c.code === "B"
        ? (dv: DataView, p: number) => dv.getUint8(p)
        : c.code === "I"
        ? (dv: DataView, p: number) => dv.getInt16(p)
        : (dv: DataView, p: number) => dv.getInt32(p);
      const nul = typeof tnull === "bigint" ? Number(tnull) : tnull;
      if (c.mode === "unsigned") {
        const z = Number(c.zero);
        return (dv, p) => {
          const v = read(dv, p);
          if (v === nul) nb.appendNull();
          else nb.append(v + z);
        };
      }
      if (c.mode === "scaled") {
        const z = Number(c.zero), s = c.scale;
        return (dv, p) => {
          const v = read(dv, p);
          if (v === nul) nb.appendNull();
          else nb.append(z + s * v);
        };
      }
      return (dv, p) => {
        const v = read(dv, p);
        if (v === nul) nb.appendNull();
        else nb.append(v);
      };
    }
    case "K": {
      let nlo = 0, nhi = 0;
      const hasNull = tnull !== undefined;
      if (hasNull) {
        const big = BigInt.asUintN(64, BigInt(tnull));
        nlo = Number(big & 0xffffffffn) | 0;
        nhi = Number(big >> 32n) | 0;
      }
      if (c.mode === "scaled") {
        const nb = b as NumberBuilder;
        const z = Number(c.zero), s = c.scale;
        return (dv, p) => {
          const hi = dv.getInt32(p), lo = dv.getInt32(p + 4);
          if (hasNull && lo === nlo && hi === nhi) nb.appendNull();
          else nb.append(z + s * (hi * 4294967296 + (lo >>> 0)));
        };
      }
      const bb = b as BigIntBuilder;
      const flip = c.mode === "unsigned" ? 0x80000000 : 0;
      return (dv, p) => {
        const hi = dv.getInt32(p), lo = dv.getInt32(p + 4);
        if (hasNull && lo === nlo && hi === nhi) bb.appendNull();
        else bb.appendWords(lo, hi ^ flip);
      };
    }
    case "E":
    case "C": {
      const nb = b as NumberBuilder;
      const z = Number(c.zero), s = c.scale, scaled = c.mode === "scaled";
      return (dv, p) => {
        const v = dv.getFloat32(p);
        if (v !== v) nb.appendNull();
        else nb.append(scaled ? z + s * v : v);
      };
    }
    case "D":
    case "M": {
      const nb = b as NumberBuilder;
      const z = Number(c.zero), s = c.scale, scaled = c.mode === "scaled";
      return (dv, p) => {
        const v = dv.getFloat64(p);
        if (v !== v) nb.appendNull();
        else nb.append(scaled ? z + s * v : v);
      };
    }
  }
  void bytes;
  throw new TypeError(`No element reader for TFORM code ${c.code}`);
}

function appendString(b: Utf8Builder, bytes: Uint8Array, start: number, width: number): void {
  let end = start;
  const limit = start + width;
  while (end < limit && bytes[end] !== 0) end++;
  while (end > start && bytes[end - 1] === 0x20) end--;
  if (end === start) b.appendNull();
  else b.appendUtf8Bytes(bytes, start, end);
}

/**
 * The hot path for the common column shapes (one value per row): one tight
 * loop per column reading big-endian values through the DataView and writing
 * them straight into the builder's typed array (its `extend()` bulk API), no
 * call per value. Covers L, B/I/J (raw), K (raw and unsigned), E/D (raw and
 * scaled) and A strings; returns false for the other shapes. Each loop is a
 * small function of its own, so that V8 optimises each one early.
 */
function decodeScalarColumn(
  c: FitsColumn,
  b: ColumnBuilder,
  bytes: Uint8Array,
  dv: DataView,
  n: number,
  naxis1: number,
): boolean {
  const o = c.offset;
  const raw = c.mode === "raw";
  switch (c.code) {
    case "D":
      if (!(b instanceof Float64Builder)) return false;
      if (raw) float64Column(b, bytes, dv, o, n, naxis1);
      else if (c.mode === "scaled") scaledFloat64Column(b, dv, o, n, naxis1, c);
      else return false;
      return true;
    case "E":
      if (raw && b instanceof Float32Builder) float32Column(b, bytes, dv, o, n, naxis1);
      else if (c.mode === "scaled" && b instanceof Float64Builder) {
        scaledFloat32Column(b, dv, o, n, naxis1, c);
      } else return false;
      return true;
    case "K":
      if (!(raw || c.mode === "unsigned")) return false;
      int64Column(b as BigIntBuilder, bytes, dv, o, n, naxis1, c);
      return true;
    case "J":
      if (!raw || !(b instanceof Int32Builder)) return false;
      int32Column(b, bytes, dv, o, n, naxis1, c.tnull === undefined ? NaN : Number(c.tnull));
      return true;
    case "I":
      if (!raw || !(b instanceof Int16Builder)) return false;
      int16Column(b, bytes, dv, o, n, naxis1, c.tnull === undefined ? NaN : Number(c.tnull));
      return true;
    case "B":
      if (!raw || !(b instanceof Uint8Builder)) return false;
      uint8Column(b, bytes, o, n, naxis1, c.tnull === undefined ? NaN : Number(c.tnull));
      return true;
    case "L":
      if (!(b instanceof BoolBuilder)) return false;
      logicalColumn(b, bytes, o, n, naxis1);
      return true;
    case "A":
      if (c.strings !== 1 || !(b instanceof Utf8Builder)) return false;
      stringColumn(b, bytes, o, n, naxis1, c.repeat);
      return true;
  }
  return false;
}

/*
 * Each column loop is a kernel of its own that touches only typed arrays and
 * the DataView and returns how many nulls it found (their slots listed in
 * `nulls`, written unconditionally so that the loop has no branch V8 has not
 * seen run): V8 then optimises it early, on-stack, without deoptimising on
 * the first null or at the loop's exit. The builder calls are outside. The
 * plain numeric kernels are VOTable BINARY's too (lib/table/strided_kernels.ts;
 * FITS has no null flags, so it passes maskBit 0); the scaled, logical and
 * string ones below are FITS's own.
 */

function float64Column(
  b: Float64Builder,
  bytes: Uint8Array,
  dv: DataView,
  o: number,
  n: number,
  naxis1: number,
) {
  const out = b.extend(n);
  const nulls = nullSlots(n);
  const k = float64Kernel(bytes, dv, o, n, naxis1, 0, 0, 0, out, b.length - n, nulls);
  if (k !== 0) b.setNulls(nulls, k);
}

function scaledFloat64Column(
  b: Float64Builder,
  dv: DataView,
  o: number,
  n: number,
  naxis1: number,
  c: FitsColumn,
) {
  const out = b.extend(n);
  const nulls = nullSlots(n);
  const k = scaledKernel(dv, o, n, naxis1, out, b.length - n, nulls, Number(c.zero), c.scale, 8);
  if (k !== 0) b.setNulls(nulls, k);
}

/** D or E (`size` 8 or 4) with TSCAL/TZERO, into Float64. */
function scaledKernel(
  dv: DataView,
  o: number,
  n: number,
  naxis1: number,
  out: Float64Array,
  base: number,
  nulls: Int32Array,
  z: number,
  sc: number,
  size: number,
): number {
  let k = 0;
  for (let r = 0, p = o; r < n; r++, p += naxis1) {
    const v = size === 8 ? dv.getFloat64(p) : dv.getFloat32(p);
    out[base + r] = z + sc * v;
    nulls[k] = base + r;
    k += v !== v ? 1 : 0;
  }
  return k;
}

function float32Column(
  b: Float32Builder,
  bytes: Uint8Array,
  dv: DataView,
  o: number,
  n: number,
  naxis1: number,
) {
  const out = b.extend(n);
  const nulls = nullSlots(n);
  const k = float32Kernel(bytes, dv, o, n, naxis1, 0, 0, 0, out, b.length - n, nulls);
  if (k !== 0) b.setNulls(nulls, k);
}

function scaledFloat32Column(
  b: Float64Builder,
  dv: DataView,
  o: number,
  n: number,
  naxis1: number,
  c: FitsColumn,
) {
  const out = b.extend(n);
  const nulls = nullSlots(n);
  const k = scaledKernel(dv, o, n, naxis1, out, b.length - n, nulls, Number(c.zero), c.scale, 4);
  if (k !== 0) b.setNulls(nulls, k);
}

/** K, raw or unsigned (TZERO 2^63: the sign bit flipped), TNULL compared on the raw words. */
function int64Column(
  b: BigIntBuilder,
  bytes: Uint8Array,
  dv: DataView,
  o: number,
  n: number,
  naxis1: number,
  c: FitsColumn,
) {
  let nlo = 0, nhi = 0;
  if (c.tnull !== undefined) {
    const big = BigInt.asUintN(64, BigInt(c.tnull));
    nlo = Number(big & 0xffffffffn) | 0;
    nhi = Number(big >> 32n) | 0;
  }
  const out = b.extend(n);
  const nulls = nullSlots(n);
  const k = int64Kernel(
    bytes,
    dv,
    o,
    n,
    naxis1,
    0,
    0,
    0,
    out,
    b.length - n,
    nulls,
    nlo,
    nhi,
    c.tnull === undefined ? 1 : 0,
    c.mode === "unsigned" ? 0x80000000 : 0,
  );
  if (k !== 0) b.setNulls(nulls, k);
}

function int32Column(
  b: Int32Builder,
  bytes: Uint8Array,
  dv: DataView,
  o: number,
  n: number,
  naxis1: number,
  nul: number,
) {
  const out = b.extend(n);
  const nulls = nullSlots(n);
  const k = int32Kernel(bytes, dv, o, n, naxis1, 0, 0, 0, out, b.length - n, nulls, nul);
  if (k !== 0) b.setNulls(nulls, k);
}

function int16Column(
  b: Int16Builder,
  bytes: Uint8Array,
  dv: DataView,
  o: number,
  n: number,
  naxis1: number,
  nul: number,
) {
  const out = b.extend(n);
  const nulls = nullSlots(n);
  const k = int16Kernel(bytes, dv, o, n, naxis1, 0, 0, 0, out, b.length - n, nulls, nul);
  if (k !== 0) b.setNulls(nulls, k);
}

function uint8Column(
  b: Uint8Builder,
  bytes: Uint8Array,
  o: number,
  n: number,
  naxis1: number,
  nul: number,
) {
  const out = b.extend(n);
  const nulls = nullSlots(n);
  const k = uint8Kernel(bytes, o, n, naxis1, 0, 0, 0, out, b.length - n, nulls, nul);
  if (k !== 0) b.setNulls(nulls, k);
}

/** FITS L bytes: 1 for 'T'; null unless 'T' or 'F'. */
const L_TRUE = new Uint8Array(256);
const L_NULL = new Uint8Array(256).fill(1);
L_TRUE[0x54] = 1;
L_NULL[0x54] = 0;
L_NULL[0x46] = 0;

function logicalColumn(b: BoolBuilder, bytes: Uint8Array, o: number, n: number, naxis1: number) {
  const out = b.extend(n);
  const nulls = nullSlots(n);
  const k = boolKernel(bytes, o, n, naxis1, 0, 0, 0, out, b.length - n, nulls, L_TRUE, L_NULL);
  if (k !== 0) b.setNulls(nulls, k);
}

/** A: the bytes up to the first NUL, trailing blanks dropped; empty is null. */
function stringColumn(
  b: Utf8Builder,
  bytes: Uint8Array,
  o: number,
  n: number,
  naxis1: number,
  w: number,
) {
  b.reserve(n, n * w);
  const nulls = nullSlots(n);
  const k = stringKernel(bytes, o, n, naxis1, w, b.rawOffsets(), b.rawBytes(), b.length, nulls);
  b.commitRaw(n);
  if (k !== 0) b.setNulls(nulls, k);
}

function stringKernel(
  bytes: Uint8Array,
  o: number,
  n: number,
  naxis1: number,
  w: number,
  offsets: Int32Array,
  out: Uint8Array,
  base: number,
  nulls: Int32Array,
): number {
  const src = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dst = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const w4 = w & ~3;
  let at = offsets[base];
  let k = 0;
  for (let r = 0, p = o; r < n; r++, p += naxis1) {
    // Copy up to the first NUL (four bytes at a time while none is NUL),
    // then take the trailing blanks back.
    const start = at;
    let q = 0;
    for (; q < w4; q += 4) {
      const x = src.getInt32(p + q);
      if (((x - 0x01010101) & ~x & 0x80808080) !== 0) break;
      dst.setInt32(at, x);
      at += 4;
    }
    for (; q < w; q++) {
      const c = bytes[p + q];
      if (c === 0) break;
      out[at++] = c;
    }
    while (at > start && out[at - 1] === 0x20) at--;
    offsets[base + r + 1] = at;
    nulls[k] = base + r;
    k += at === start ? 1 : 0;
  }
  return k;
}

/**
 * Rows decoded column by column in blocks that fit the CPU cache (~256 KB):
 * a whole batch is megabytes, and walking it once per column would read it
 * from memory 25 times.
 */
function decodeRowBlocks(
  bytes: Uint8Array,
  n: number,
  naxis1: number,
  cols: FitsColumn[],
  builders: ColumnBuilder[],
  heap: Uint8Array | undefined,
  firstRow: number,
): void {
  const block = Math.max(1, Math.floor(BLOCK_BYTES / Math.max(1, naxis1)));
  for (let r = 0; r < n; r += block) {
    const k = Math.min(block, n - r);
    decodeRows(
      bytes.subarray(r * naxis1, (r + k) * naxis1),
      k,
      naxis1,
      cols,
      builders,
      heap,
      firstRow + r,
    );
  }
}

function decodeRows(
  bytes: Uint8Array,
  n: number,
  naxis1: number,
  cols: FitsColumn[],
  builders: ColumnBuilder[],
  heap: Uint8Array | undefined,
  firstRow: number,
): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hv = heap ? new DataView(heap.buffer, heap.byteOffset, heap.byteLength) : undefined;
  for (let k = 0; k < cols.length; k++) {
    const c = cols[k]!;
    const b = builders[k]!;
    if (c.varKind) {
      const isQ = c.varKind === "Q";
      const size = ELEMENT_BYTES[c.code]!;
      const put = c.code === "A"
        ? undefined
        : elementPut(c, (b as ListBuilder).values, () => heap!);
      for (let r = 0; r < n; r++) {
        const p = r * naxis1 + c.offset;
        let count: number, off: number;
        if (isQ) {
          count = dv.getUint32(p) * 4294967296 + dv.getUint32(p + 4);
          off = dv.getUint32(p + 8) * 4294967296 + dv.getUint32(p + 12);
        } else {
          count = dv.getUint32(p);
          off = dv.getUint32(p + 4);
        }
        if (off + count * size > heap!.length) {
          throw new FitsFormatError(
            `Row ${
              firstRow + r + 1
            } of column "${c.name}" points outside the heap (${count} elements at byte ${off}, heap of ${
              heap!.length
            } bytes)`,
            { element: `TFORM${c.index}` },
          );
        }
        if (c.code === "A") {
          appendString(b as Utf8Builder, heap!, off, count);
          continue;
        }
        const lb = b as ListBuilder;
        for (let i = 0; i < count; i++) put!(hv!, off + i * size);
        lb.commit();
      }
      continue;
    }
    if (c.code === "A") {
      if (decodeScalarColumn(c, b, bytes, dv, n, naxis1)) continue;
      if (c.strings > 1) {
        const fb = b as FixedSizeListBuilder<Utf8Builder>;
        const w = c.dims![0]!;
        for (let r = 0; r < n; r++) {
          const p = r * naxis1 + c.offset;
          for (let s = 0; s < c.strings; s++) appendString(fb.values, bytes, p + s * w, w);
          fb.commit();
        }
      } else {
        const ub = b as Utf8Builder;
        for (let r = 0; r < n; r++) appendString(ub, bytes, r * naxis1 + c.offset, c.repeat);
      }
      continue;
    }
    if (c.code === "X") {
      if (c.repeat === 1) {
        const bb = b as BoolBuilder;
        for (let r = 0; r < n; r++) bb.append((bytes[r * naxis1 + c.offset]! & 0x80) !== 0);
      } else {
        const fb = b as FixedSizeListBuilder<BoolBuilder>;
        for (let r = 0; r < n; r++) {
          const p = r * naxis1 + c.offset;
          for (let i = 0; i < c.repeat; i++) {
            fb.values.append((bytes[p + (i >> 3)]! & (0x80 >> (i & 7))) !== 0);
          }
          fb.commit();
        }
      }
      continue;
    }
    const size = ELEMENT_BYTES[c.code]!;
    const items = c.code === "C" || c.code === "M" ? 2 * c.repeat : c.repeat;
    const step = c.code === "C" || c.code === "M" ? size / 2 : size;
    if (items === 1) {
      if (decodeScalarColumn(c, b, bytes, dv, n, naxis1)) continue;
      const put = elementPut(c, b, () => bytes);
      for (let r = 0; r < n; r++) put(dv, r * naxis1 + c.offset);
    } else {
      const fb = b as FixedSizeListBuilder;
      const put = elementPut(c, fb.values, () => bytes);
      for (let r = 0; r < n; r++) {
        const p = r * naxis1 + c.offset;
        for (let i = 0; i < items; i++) put(dv, p + i * step);
        fb.commit();
      }
    }
  }
}
