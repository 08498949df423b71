/**
 * What a DataLink file name says: `<RETRIEVAL_TYPE>-<designation>.<ext>`
 * for INDIVIDUAL products (`XP_SAMPLED-Gaia DR3 5937083312263887616.xml`),
 * `<RETRIEVAL_TYPE>_<anything>.<ext>` or `<RETRIEVAL_TYPE>-<anything>.<ext>`
 * for files holding many sources.
 *
 * @module
 */
import { RETRIEVAL_TYPES } from "./retrieval.ts";

/** The parts of a product file name. */
export interface ProductName {
  /** The product type (a retrieval type), upper case; `undefined` when the name does not start with one. */
  type: string | undefined;
  /** The designation, e.g. `Gaia DR3 5937083312263887616`, for single-source files. */
  designation: string | undefined;
  /** The source id from the designation. */
  sourceId: bigint | undefined;
  /** The release from the designation, e.g. `Gaia DR3`. */
  release: string | undefined;
  /** The extension, lower case, without the dot (`xml`, `csv`, `ecsv`, `fits`, `json`). */
  ext: string;
}

const TYPES_LONGEST_FIRST = [...RETRIEVAL_TYPES].filter((t) => t !== "ALL").sort((a, b) =>
  b.length - a.length
);

/**
 * Splits a DataLink product file name into type, designation and extension.
 *
 * @example
 * ```ts
 * import { parseProductName } from "./product_name.ts";
 * const p = parseProductName("XP_SAMPLED-Gaia DR3 5937083312263887616.xml");
 * if (p.type !== "XP_SAMPLED" || p.sourceId !== 5937083312263887616n || p.ext !== "xml") throw new Error();
 * ```
 */
export function parseProductName(fileName: string): ProductName {
  const base = fileName.split("/").pop() ?? fileName;
  const dot = base.lastIndexOf(".");
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
  const upper = stem.toUpperCase();
  const type = TYPES_LONGEST_FIRST.find((t) =>
    upper === t || upper.startsWith(t + "-") || upper.startsWith(t + "_") ||
    upper.startsWith(t + " ")
  );
  const m = /(Gaia\s+(?:DR\d|EDR\d|FPR))\s+(\d{1,20})\b/i.exec(stem);
  const single = m !== null && !/(-|_)\s*Gaia\s+\w+\s+\d+\s*-\s*Gaia/i.test(stem);
  return {
    type,
    designation: single && m ? `${m[1]} ${m[2]}` : undefined,
    sourceId: single && m ? BigInt(m[2]) : undefined,
    release: single && m ? m[1].replace(/\s+/g, " ") : undefined,
    ext,
  };
}
