/**
 * Normalises the many ways to name sources for DataLink — numbers, bigints,
 * strings, designations, arrays, an Arrow column, a Polars Series, a query
 * result (its `source_id` column), `job:<id>.<column>` and user table
 * columns — into one list of ID strings, as Observable Plot normalises loose
 * channel input at the door.
 *
 * @module
 */
import { type Table, tableFromIPC, type Vector } from "apache-arrow";

/** A Polars Series (recognised by shape; no hard dependency). */
export interface SeriesLike {
  /** Series name. */
  name: string;
  /** The Series as a one-column DataFrame (read exactly through Arrow IPC). */
  toFrame(): { writeIPC(): Uint8Array };
}

/** Anything with an Arrow `table` (a TAP query result). */
export interface HasTable {
  /** The result's Arrow table. */
  table: Table;
}

/** What `links()` and `load()` accept as IDs. */
export type DataLinkIds =
  | number
  | bigint
  | string
  | ReadonlyArray<number | bigint | string>
  | Vector
  | Table
  | HasTable
  | SeriesLike;

/** One normalised ID. */
export interface DataLinkId {
  /** The text sent to the server. */
  text: string;
  /** The source id it names (undefined for `job:`/table references). */
  sourceId: bigint | undefined;
  /** True for `job:<id>.<col>` and `user_x.table.col`: expands server-side, cannot be chunked. */
  reference: boolean;
}

const DESIGNATION = /^(Gaia\s+(?:DR\d|EDR\d|FPR)\s+)?(\d{1,20})$/i;
const REFERENCE = /^(job:[\w.]+|user_[\w]+\.[\w]+\.[\w]+)$/i;

function one(v: unknown, where: string): DataLinkId {
  if (typeof v === "bigint") {
    if (v < 0n) throw new RangeError(`Source id ${v} (${where}) is negative`);
    return { text: v.toString(), sourceId: v, reference: false };
  }
  if (typeof v === "number") {
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(`Source id ${v} (${where}) is not a non-negative integer`);
    }
    if (!Number.isSafeInteger(v)) {
      throw new RangeError(
        `Source id ${v} (${where}) is larger than 2^53 and was already rounded as a JS number; pass it as a bigint (${
          Math.round(v)
        }n is not exact) or as a string`,
      );
    }
    return { text: String(v), sourceId: BigInt(v), reference: false };
  }
  if (typeof v === "string") {
    const s = v.trim().replace(/\s+/g, " ");
    const m = DESIGNATION.exec(s);
    if (m) return { text: s, sourceId: BigInt(m[2]), reference: false };
    if (REFERENCE.test(s)) return { text: s, sourceId: undefined, reference: true };
    throw new TypeError(
      `Cannot read ${
        JSON.stringify(v)
      } (${where}) as a source id: use digits, a designation such as "Gaia DR3 4295806720", "job:<jobid>.<column>" or "user_<name>.<table>.<column>"`,
    );
  }
  throw new TypeError(`Cannot read a ${v === null ? "null" : typeof v} (${where}) as a source id`);
}

function fromTable(t: Table, what: string): DataLinkId[] {
  const f = t.schema.fields.find((x) => x.name.toLowerCase() === "source_id") ??
    (t.schema.fields.length === 1 ? t.schema.fields[0] : undefined);
  if (!f) {
    throw new TypeError(
      `${what} has no source_id column; it has ${
        t.schema.fields.map((x) => x.name).join(", ")
      }. Pass the column itself`,
    );
  }
  return fromVector(t.getChild(f.name)!, `${what} column ${f.name}`);
}

function fromVector(v: Vector, what: string): DataLinkId[] {
  const out: DataLinkId[] = [];
  for (let i = 0; i < v.length; i++) {
    const x = v.get(i);
    if (x === null || x === undefined) continue;
    out.push(one(x, `${what}, row ${i}`));
  }
  return out;
}

function isVector(v: unknown): v is Vector {
  return typeof v === "object" && v !== null && "type" in v && "data" in v &&
    typeof (v as Vector).get === "function" &&
    !("schema" in v);
}

/**
 * Normalises IDs (see the module notes). Duplicates are dropped, order kept;
 * comma-separated strings are split.
 *
 * @throws {TypeError} for a value that names no source; {@linkcode RangeError} for an inexact number
 *
 * @example
 * ```ts
 * import { normaliseIds } from "./ids.ts";
 * const ids = normaliseIds([4295806720, 5937083312263887616n, "Gaia DR3 42", "7, 8", "job:1700000000000O.source_id"]);
 * if (ids.map((i) => i.text).join("|") !== "4295806720|5937083312263887616|Gaia DR3 42|7|8|job:1700000000000O.source_id") {
 *   throw new Error(ids.map((i) => i.text).join("|"));
 * }
 * ```
 */
export function normaliseIds(ids: DataLinkIds): DataLinkId[] {
  let list: DataLinkId[];
  if (typeof ids === "string") {
    list = ids.split(",").map((s) => s.trim()).filter(Boolean).map((s, i) => one(s, `item ${i}`));
  } else if (typeof ids === "number" || typeof ids === "bigint") {
    list = [one(ids, "the id")];
  } else if (Array.isArray(ids)) {
    list = ids.flatMap((x, i) =>
      typeof x === "string" && x.includes(",")
        ? x.split(",").map((s) => s.trim()).filter(Boolean).map((s) => one(s, `item ${i}`))
        : [one(x, `item ${i}`)]
    );
  } else if (isVector(ids)) {
    list = fromVector(ids, "the column");
  } else if (typeof ids === "object" && ids !== null && "schema" in ids && "batches" in ids) {
    list = fromTable(ids as Table, "The table");
  } else if (typeof ids === "object" && ids !== null && "table" in ids && (ids as HasTable).table) {
    list = fromTable((ids as HasTable).table, "The result");
  } else if (
    typeof ids === "object" && ids !== null && typeof (ids as SeriesLike).toFrame === "function"
  ) {
    const t = tableFromIPC((ids as SeriesLike).toFrame().writeIPC());
    list = fromVector(t.getChildAt(0)!, `the Series ${JSON.stringify((ids as SeriesLike).name)}`);
  } else {
    throw new TypeError(
      "IDs must be numbers, bigints, strings, an array of them, an Arrow column or table, a Polars Series, or a query result",
    );
  }
  const seen = new Set<string>();
  return list.filter((x) => {
    const k = x.sourceId !== undefined ? `s${x.sourceId}` : x.text;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
