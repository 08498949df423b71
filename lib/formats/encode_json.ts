/**
 * Gaia archive JSON writer: `{"metadata": [...], "data": [[...], ...]}`.
 *
 * @module
 */
import type { Table } from "apache-arrow";
import { formatColumn, jsonValue, md, votableDatatype } from "./value_text.ts";

const enc = new TextEncoder();

/**
 * Writes an Arrow table in the Gaia archive's JSON shape: a `metadata` list
 * of `{name, datatype, xtype, arraysize, description, unit, ucd, utype}`
 * (VOTable datatypes; from the field metadata where present, else from the
 * Arrow type) and `data` rows as arrays. Int64 values are bare digits (exact,
 * as the archive writes them), floats the shortest round-trip form, nulls,
 * NaN and infinities `null`.
 *
 * @param table The table.
 * @returns The UTF-8 bytes.
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { encodeGaiaJson } from "./encode_json.ts";
 * const t = tableFromArrays({ source_id: new BigInt64Array([5937144193345094528n]) });
 * const text = new TextDecoder().decode(encodeGaiaJson(t));
 * if (!text.includes("[5937144193345094528]")) throw new Error(text);
 * if (JSON.parse(text).metadata[0].datatype !== "long") throw new Error("datatype");
 * ```
 */
export function encodeGaiaJson(table: Table): Uint8Array {
  const fields = table.schema.fields;
  const meta = fields.map((f) => {
    const derived = votableDatatype(f.type);
    // Keep the declared datatype only when it agrees with the Arrow type's family.
    const declared = md(f, "datatype");
    const datatype = declared && compatible(declared, derived.datatype)
      ? declared
      : derived.datatype;
    const arraysize = md(f, "arraysize") ?? derived.arraysize ?? null;
    const o = {
      name: f.name,
      datatype,
      xtype: md(f, "xtype") ?? null,
      arraysize,
      description: md(f, "description") ?? null,
      unit: md(f, "unit") ?? null,
      ucd: md(f, "ucd") ?? null,
      utype: md(f, "utype") ?? null,
    };
    // The archive's spacing: {"name": "ra", "datatype": "double", ...}
    return "{" + Object.entries(o).map(([k, v]) =>
      `${jsonText(k)}: ${v === null ? "null" : jsonText(v)}`
    ).join(", ") + "}";
  });
  const parts: string[] = ['{"metadata":\n[\n', meta.join(",\n"), '\n],\n"data":\n[\n'];
  let first = true;
  const types = fields.map((f) => f.type);
  const CHUNK = 10000;
  for (const batch of table.batches) {
    for (let r0 = 0; r0 < batch.numRows; r0 += CHUNK) {
      const r1 = Math.min(batch.numRows, r0 + CHUNK);
      // Column by column (typed arrays for numbers), then rows.
      const cells = types.map((t, c) =>
        formatColumn(
          batch.getChildAt(c)!,
          r0,
          r1,
          t,
          (v) => jsonValue(v, t),
          "null",
          undefined,
          "null",
        )
      );
      for (let r = 0; r < r1 - r0; r++) {
        let row = first ? "[" : ",\n[";
        first = false;
        for (let c = 0; c < cells.length; c++) {
          if (c) row += ",";
          row += cells[c]![r]!;
        }
        parts.push(row + "]");
      }
    }
  }
  parts.push("\n]\n}\n");
  return enc.encode(parts.join(""));
}

/** A JSON string as the archive (Java) writes it, with "/" escaped as "\\/". */
function jsonText(s: string): string {
  return JSON.stringify(s).replaceAll("/", "\\/");
}

function compatible(declared: string, derived: string): boolean {
  if (declared === derived) return true;
  const chars = ["char", "unicodeChar"];
  const bools = ["boolean", "bit"];
  return (chars.includes(declared) && chars.includes(derived)) ||
    (bools.includes(declared) && bools.includes(derived));
}
