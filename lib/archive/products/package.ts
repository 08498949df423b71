/**
 * Packaging of DataLink products for a `DATA/data` request: which files,
 * with the real archive's names, in which layout, in which format.
 *
 * Data structures:
 * - `INDIVIDUAL` (astroquery's `DATAMODEL_STANDARD`): one file per source
 *   and product type, named `<TYPE>-<release> <source_id>.<ext>` as in the
 *   archive's zips (`XP_SAMPLED-Gaia DR3 5937083312263887616.xml`).
 * - `COMBINED`: one file per product type holding every requested source,
 *   `<TYPE>_COMBINED.<ext>` (the name users' scripts read, e.g.
 *   `XP_CONTINUOUS_COMBINED.csv`); the rows of the INDIVIDUAL files one
 *   after the other, with per-source PARAMs (XP_SAMPLED, RVS) turned into
 *   the `source_id, solution_id, ra, dec` columns the archive's CSV files
 *   use. (The real archive seems to write one TABLE per source in a
 *   COMBINED XP_SAMPLED VOTable; a single table is kept here because
 *   readers that take the first TABLE would otherwise lose sources.)
 * - `RAW` (astroquery's `DATAMODEL_GAIA`): one file per product type,
 *   `<TYPE>_RAW.<ext>`, with one row per source and arrays kept as arrays,
 *   in the layout of the Gaia datamodel tables (`epoch_photometry` with
 *   `g_transit_time`, `bp_flux`, ...; `xp_sampled_mean_spectrum` and
 *   `rvs_mean_spectrum` with `flux`/`flux_error` arrays; MCMC chains as
 *   arrays), as astroquery documents RAW. The `_RAW` file name is this
 *   stand-in's choice, by analogy with `_COMBINED`.
 *
 * Formats: `votable` (BINARY2), `votable_plain` (TABLEDATA), `csv`
 * (PARAMs flattened into columns; arrays as `"(a, b, ...)"` as the
 * archive writes them), `ecsv` (PARAMs as table `meta`; arrays as JSON
 * lists with a `subtype`), `fits` (empty primary HDU + BINTABLE).
 *
 * @module
 */
import {
  type Data,
  Field,
  makeData,
  Precision,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Type,
  Utf8,
} from "apache-arrow";
import type { ParamElement } from "../../table/metadata.ts";
import { encodeVOTable } from "../../votable/writer.ts";
import { encodeCsv, encodeEcsv, encodeFits } from "../../formats/mod.ts";
import { epochPhotometryRaw } from "./epoch_photometry.ts";
import { mcmcProduct } from "./mcmc.ts";
import { availableProducts, makeProduct } from "./product.ts";
import type { TimeSys } from "./product_table.ts";
import { buildProductTable, type ProductColumn } from "./product_table.ts";
import {
  RVS_COLUMNS,
  rvsFlux,
  XP_SAMPLED_COLUMNS,
  xpContinuousProduct,
  xpSampledFlux,
} from "./spectra.ts";
import {
  type DataStructure,
  FORMAT_EXTENSIONS,
  num,
  PRODUCT_SOLUTION_IDS,
  PRODUCT_TYPES,
  type ProductFormat,
  ProductRequestError,
  type ProductType,
  type RetrievalType,
  type SourceRow,
} from "./types.ts";

/** A `DATA/data` request, already parsed. */
export interface PackageRequest {
  /** Source ids, in request order (duplicates are served once). */
  ids: bigint[];
  /** `RETRIEVAL_TYPE`. */
  retrieval: RetrievalType;
  /** `FORMAT` (lower case). */
  format: ProductFormat;
  /** `DATA_STRUCTURE`. */
  dataStructure: DataStructure;
  /** `RELEASE`, as in designations (`Gaia DR3`). */
  release: string;
  /**
   * `VALID_DATA`: drop epoch photometry rows with a NULL flux or rejected by
   * the photometry (INDIVIDUAL and COMBINED; RAW keeps every transit so the
   * per-band arrays stay aligned). @default false
   */
  validData?: boolean;
}

/** One file of the answer. */
export interface PackageEntry {
  /** Entry name, as in the archive's zips. */
  fileName: string;
  /** The file's bytes. */
  bytes: Uint8Array;
}

/** The files of an answer, and the ids that matched no source. */
export interface PackageResult {
  /** The files, in the archive's order. */
  entries: PackageEntry[];
  /** Requested ids for which `lookup` found no source. */
  missing: bigint[];
}

/** Order of product files in the archive's zips (MCMC_MSC, XP_SAMPLED, XP_CONTINUOUS were observed). */
export const ZIP_ORDER: readonly ProductType[] = [
  "MCMC_MSC",
  "MCMC_GSPPHOT",
  "XP_SAMPLED",
  "XP_CONTINUOUS",
  "RVS",
  "EPOCH_PHOTOMETRY",
];

const FORMATS = Object.keys(FORMAT_EXTENSIONS);
const STRUCTURES = ["INDIVIDUAL", "COMBINED", "RAW"];

/**
 * The files answering a DataLink data request: only products that exist
 * for each source (per its `has_*` flags) are included, as the archive
 * does. An empty `entries` means nothing matched; the server decides how
 * to answer that.
 *
 * @param request The parsed request.
 * @param lookup Finds the gaia_source row of an id (undefined when unknown).
 * @throws {ProductRequestError} For an unknown retrieval type, format or data structure.
 *
 * @example Two sources, one file each
 * ```ts
 * import { packageProducts } from "./package.ts";
 * const rows = new Map([
 *   [8n, { source_id: 8n, has_xp_sampled: true, ra: 1, dec: 2, phot_g_mean_mag: 12, bp_rp: 0.9 }],
 *   [16n, { source_id: 16n, has_xp_sampled: true, ra: 3, dec: 4, phot_g_mean_mag: 13, bp_rp: 1.2 }],
 * ]);
 * const { entries } = packageProducts(
 *   { ids: [8n, 16n], retrieval: "XP_SAMPLED", format: "csv", dataStructure: "INDIVIDUAL", release: "Gaia DR3" },
 *   (id) => rows.get(id),
 * );
 * if (entries.map((e) => e.fileName).join("|") !== "XP_SAMPLED-Gaia DR3 8.csv|XP_SAMPLED-Gaia DR3 16.csv") throw new Error();
 * const text = new TextDecoder().decode(entries[0].bytes);
 * if (!text.startsWith("source_id,solution_id,ra,dec,wavelength,flux,flux_error\n8,")) throw new Error(text.slice(0, 80));
 * ```
 */
export function packageProducts(
  request: PackageRequest,
  lookup: (id: bigint) => SourceRow | undefined,
): PackageResult {
  const { retrieval, format, dataStructure, release } = request;
  if (retrieval !== "ALL" && !PRODUCT_TYPES.includes(retrieval)) {
    throw new ProductRequestError(
      `Unknown RETRIEVAL_TYPE "${retrieval}"; this archive serves ${
        PRODUCT_TYPES.join(", ")
      } and ALL`,
    );
  }
  if (!FORMATS.includes(format)) {
    throw new ProductRequestError(`Unknown FORMAT "${format}"; use one of ${FORMATS.join(", ")}`);
  }
  if (!STRUCTURES.includes(dataStructure)) {
    throw new ProductRequestError(
      `Unknown DATA_STRUCTURE "${dataStructure}"; use INDIVIDUAL, COMBINED or RAW`,
    );
  }
  const seen = new Set<bigint>();
  const sources: { id: bigint; row: SourceRow; types: Set<ProductType> }[] = [];
  const missing: bigint[] = [];
  for (const id of request.ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const row = lookup(id);
    if (!row) {
      missing.push(id);
      continue;
    }
    sources.push({ id, row, types: new Set(availableProducts(row)) });
  }
  const types = retrieval === "ALL" ? ZIP_ORDER : [retrieval];
  const ext = FORMAT_EXTENSIONS[format];
  const entries: PackageEntry[] = [];
  if (dataStructure === "INDIVIDUAL") {
    for (const s of sources) {
      for (const t of types) {
        if (!s.types.has(t)) continue;
        const table = makeProduct(t, s.id, s.row, { validData: request.validData ?? false });
        entries.push({
          fileName: `${t}-${release} ${s.id}.${ext}`,
          bytes: encodeProduct(table, format, s.row),
        });
      }
    }
    return { entries, missing };
  }
  for (const t of types) {
    const members = sources.filter((s) => s.types.has(t));
    if (members.length === 0) continue;
    const table = dataStructure === "COMBINED"
      ? combined(t, members, request.validData ?? false)
      : raw(t, members);
    entries.push({ fileName: `${t}_${dataStructure}.${ext}`, bytes: encodeProduct(table, format) });
  }
  return { entries, missing };
}

/**
 * Encodes one product table in a format, the way the archive writes that
 * format (see the module documentation).
 *
 * @param table A product table from {@linkcode makeProduct} (PARAMs in its schema metadata).
 * @param format The output format.
 * @param row The source row (supplies ra/dec when PARAMs are flattened for CSV).
 *
 * @example
 * ```ts
 * import { encodeProduct } from "./package.ts";
 * import { makeProduct } from "./product.ts";
 * const t = makeProduct("MCMC_MSC", 8n, { teff_gspphot: 5500, distance_gspphot: 200 });
 * const csv = new TextDecoder().decode(encodeProduct(t, "csv"));
 * if (!csv.startsWith("source_id,solution_id,teff1,teff2,")) throw new Error(csv.slice(0, 60));
 * ```
 */
export function encodeProduct(table: Table, format: ProductFormat, row?: SourceRow): Uint8Array {
  const params = tableParams(table);
  const timesys = tableTimesys(table);
  switch (format) {
    case "votable":
    case "votable_plain":
      return archiveVOTableLayout(
        encodeVOTable(table, {
          serialization: format === "votable" ? "binary2" : "tabledata",
          ...(params.length ? { params } : {}),
          ...(timesys ? { timesys: [timesys] } : {}),
          ...(table.schema.metadata.has("description")
            ? { description: table.schema.metadata.get("description")! }
            : {}),
        }),
        table.schema.metadata.get("resource_utype"),
      );
    case "csv":
      return encodeCsv(listsAsTuples(params.length ? flattenParams(table, params, row) : table));
    case "ecsv": {
      const meta: Record<string, string> = {};
      for (const p of params) {
        meta[p.name] = p.arraysize && p.datatype !== "char"
          ? `[${p.value.trim().split(/\s+/).join(", ")}]`
          : p.value;
      }
      return unquoteEcsvMeta(encodeEcsv(table, { meta }));
    }
    case "fits":
      return encodeFits(table, { cards: fitsCards(params) });
  }
}

const utf8 = new TextDecoder();
const toUtf8 = new TextEncoder();

/**
 * Rewrites the head of a VOTable written by `encodeVOTable` into the
 * archive's product layout: PARAMs inside the TABLE (the writer puts them
 * in the RESOURCE), the RESOURCE `utype` and the `spec` namespace. Only
 * the text before `<DATA>` is touched.
 */
function archiveVOTableLayout(bytes: Uint8Array, resourceUtype: string | undefined): Uint8Array {
  const scan = utf8.decode(bytes.subarray(0, Math.min(bytes.length, 65536)));
  const dataAt = scan.indexOf("<DATA>");
  if (dataAt < 0) return bytes;
  let head = scan.slice(0, dataAt);
  const headBytes = toUtf8.encode(head).length;
  const tableAt = head.indexOf("<TABLE");
  const firstParam = head.indexOf("<PARAM");
  if (firstParam >= 0 && firstParam < tableAt) {
    const block = head.slice(firstParam, tableAt);
    head = head.slice(0, firstParam) + head.slice(tableAt);
    const open = head.indexOf(">", head.indexOf("<TABLE")) + 1;
    head = head.slice(0, open) + "\n" + block.replace(/\n$/, "") + head.slice(open);
  }
  if (resourceUtype) {
    head = head.replace(
      '<RESOURCE type="results">',
      `<RESOURCE type="results" utype="${resourceUtype}">`,
    )
      .replace(
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:spec="http://www.ivoa.net/xml/SpectrumModel/v1.01"',
      );
  }
  const newHead = toUtf8.encode(head);
  const out = new Uint8Array(newHead.length + bytes.length - headBytes);
  out.set(newHead, 0);
  out.set(bytes.subarray(headBytes), newHead.length);
  return out;
}

/** Numbers and number lists in the ECSV `meta:` block written bare, as in the archive's files. */
function unquoteEcsvMeta(bytes: Uint8Array): Uint8Array {
  // the header is the leading run of "#" lines; only it is decoded and rewritten
  let end = 0;
  while (end < bytes.length && bytes[end] === 0x23) {
    const nl = bytes.indexOf(0x0a, end);
    end = nl < 0 ? bytes.length : nl + 1;
  }
  const lines = utf8.decode(bytes.subarray(0, end)).split("\n");
  const at = lines.indexOf("# meta:");
  if (at < 0) return bytes;
  for (let i = at + 1; i < lines.length && lines[i].startsWith("#   "); i++) {
    lines[i] = lines[i].replace(/^(# {3}[^:]+: )'(-?\d[\d.eE+-]*|\[[-\d.eE+, ]*\])'$/, "$1$2");
  }
  const head = toUtf8.encode(lines.join("\n"));
  const out = new Uint8Array(head.length + bytes.length - end);
  out.set(head, 0);
  out.set(bytes.subarray(end), head.length);
  return out;
}

/** FITS keywords for the PARAMs, named as the archive's files name them. */
const FITS_KEYWORDS: Readonly<Record<string, string>> = {
  source_id: "SOURCEID",
  solution_id: "SOLUTION",
  spatialLocation: "POS",
  TimeAxisCoverageLocation: "REFEPOCH",
  TimeAxisCoverageBoundsExtent: "EPOCHEXT",
  spectralAccuracyStatError: "WAVEERRO",
  spectralLocation: "SPECTRAL",
  spectralCoverageBoundsExtent: "WAVEEXTE",
  spectralCoverageBoundsStart: "WAVESTAR",
  spectralCoverageBoundsStop: "WAVEEND",
  SpatialExtent: "APERTURE",
  DataModel: "DATAMODE",
  Publisher: "PUBLISHE",
  Title: "TITLE",
  SpectralAxisUcd: "SPECAUCD",
  SpectralAxisUnit: "SPECAUNI",
  FluxAxisUcd: "FLUXAUCD",
  FluxAxisUnit: "FLUXAUNI",
};

function fitsCards(params: ParamElement[]): Record<string, string> {
  const cards: Record<string, string> = {};
  for (const p of params) {
    const key = FITS_KEYWORDS[p.name] ?? p.name.slice(0, 8).toUpperCase();
    if (key in cards) continue;
    cards[key] = p.name === "spatialLocation"
      ? `(${p.value.trim().split(/\s+/).join(", ")})`
      : p.value;
  }
  return cards;
}

function tableParams(table: Table): ParamElement[] {
  const p = table.schema.metadata.get("params");
  return p ? JSON.parse(p) as ParamElement[] : [];
}

function tableTimesys(table: Table): TimeSys | undefined {
  const t = table.schema.metadata.get("timesys");
  return t ? JSON.parse(t) as TimeSys : undefined;
}

/** `source_id, solution_id, ra, dec` PARAMs turned into leading columns (the archive's CSV layout). */
function flattenParams(table: Table, params: ParamElement[], row?: SourceRow): Table {
  const n = table.numRows;
  const get = (name: string) => params.find((p) => p.name === name)?.value ?? "";
  const loc = get("spatialLocation").trim().split(/\s+/).map(Number);
  const ra = loc[0] ?? num(row, "ra"), dec = loc[1] ?? num(row, "dec");
  const lead: ProductColumn[] = [
    {
      def: {
        name: "source_id",
        datatype: "long",
        ucd: "meta.id;meta.main",
        description: "Unique source identifier (unique within a particular Data Release)",
      },
      values: new BigInt64Array(n).fill(BigInt(get("source_id") || "0")),
    },
    {
      def: {
        name: "solution_id",
        datatype: "long",
        ucd: "meta.version",
        description: "Solution Identifier",
      },
      values: new BigInt64Array(n).fill(BigInt(get("solution_id") || "0")),
    },
    {
      def: {
        name: "ra",
        datatype: "double",
        unit: "deg",
        ucd: "pos.eq.ra;meta.main",
        description: "Right ascension",
      },
      values: new Float64Array(n).fill(ra),
    },
    {
      def: {
        name: "dec",
        datatype: "double",
        unit: "deg",
        ucd: "pos.eq.dec;meta.main",
        description: "Declination",
      },
      values: new Float64Array(n).fill(dec),
    },
  ];
  const head = buildProductTable(n, lead, { product: table.schema.metadata.get("product") ?? "" });
  return joinColumns(head, table);
}

/** The columns of `a` then those of `b` (both single-batch, same row count), with `b`'s schema metadata minus params. */
function joinColumns(a: Table, b: Table): Table {
  const fields = [...a.schema.fields, ...b.schema.fields];
  const md = new Map(b.schema.metadata);
  md.delete("params");
  const schema = new Schema(fields, md);
  const children = [...a.batches[0].data.children, ...b.batches[0].data.children];
  const struct = makeData({ type: new Struct(fields), length: a.numRows, nullCount: 0, children });
  return new Table([new RecordBatch(schema, struct)]);
}

/** Array (List) columns written as `(a, b, ...)` text, as the archive's CSV files do. */
function listsAsTuples(table: Table): Table {
  if (!table.schema.fields.some((f) => f.type.typeId === Type.List)) return table;
  const fields = table.schema.fields.map((f) => {
    if (f.type.typeId !== Type.List) return f;
    const md = new Map(f.metadata);
    md.set("datatype", "char");
    md.set("arraysize", "*");
    return new Field(f.name, new Utf8(), true, md);
  });
  const schema = new Schema(fields, table.schema.metadata);
  const enc = new TextEncoder();
  const batches = table.batches.map((batch) => {
    const children: Data[] = batch.schema.fields.map((f, i) => {
      const vec = batch.getChildAt(i)!;
      if (f.type.typeId !== Type.List) return vec.data[0];
      const inner = f.type.children[0].type;
      const f32 = inner.typeId === Type.Float && inner.precision === Precision.SINGLE;
      const n = vec.length;
      const parts: Uint8Array[] = [];
      const offsets = new Int32Array(n + 1);
      const bits = new Uint8Array((n + 7) >> 3);
      let nulls = 0, pos = 0;
      for (let r = 0; r < n; r++) {
        const cell = vec.get(r);
        if (cell === null || cell === undefined) {
          nulls++;
        } else {
          bits[r >> 3] |= 1 << (r & 7);
          const arr = cell.toArray() as ArrayLike<number | bigint | boolean>;
          const items: string[] = new Array(arr.length);
          for (let k = 0; k < arr.length; k++) items[k] = itemText(arr[k], f32);
          const b = enc.encode(`(${items.join(", ")})`);
          parts.push(b);
          pos += b.length;
        }
        offsets[r + 1] = pos;
      }
      const bytes = new Uint8Array(pos);
      let at = 0;
      for (const p of parts) {
        bytes.set(p, at);
        at += p.length;
      }
      return makeData({
        type: new Utf8(),
        length: n,
        nullCount: nulls,
        ...(nulls ? { nullBitmap: bits } : {}),
        valueOffsets: offsets,
        data: bytes,
      });
    });
    return new RecordBatch(
      schema,
      makeData({ type: new Struct(fields), length: batch.numRows, nullCount: 0, children }),
    );
  });
  return new Table(schema, batches);
}

const f32buf = new Float32Array(1);

function itemText(v: number | bigint | boolean, f32: boolean): string {
  if (typeof v !== "number") return String(v);
  if (v !== v) return "nan";
  if (!f32) return pyRepr(v);
  f32buf[0] = v;
  const target = f32buf[0];
  for (let p = 1; p <= 9; p++) {
    const s = target.toPrecision(p);
    f32buf[0] = Number(s);
    if (f32buf[0] === target) return pyRepr(Number(s));
  }
  return pyRepr(target);
}

/** Python's repr of a float (`1.0`, `1e-05`), which the archive's array text uses. */
function pyRepr(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return v.toFixed(1);
  const s = String(v);
  return s.replace(/e([+-])(\d)$/, "e$10$2");
}

// ------------------------------------------------------------------------------------------
// COMBINED and RAW

function combined(
  t: ProductType,
  members: { id: bigint; row: SourceRow }[],
  validData: boolean,
): Table {
  const tables = members.map((m) => {
    const p = makeProduct(t, m.id, m.row, { validData });
    const params = tableParams(p);
    return params.length ? flattenParams(p, params, m.row) : p;
  });
  const schema = tables[0].schema;
  return new Table(
    schema,
    tables.flatMap((x) => x.batches.map((b) => new RecordBatch(schema, b.data))),
  );
}

function raw(t: ProductType, members: { id: bigint; row: SourceRow }[]): Table {
  switch (t) {
    case "EPOCH_PHOTOMETRY":
      return epochPhotometryRaw(members);
    case "XP_CONTINUOUS":
      return xpContinuousProduct(members);
    case "XP_SAMPLED":
    case "RVS":
      return spectrumRaw(t, members);
    case "MCMC_GSPPHOT":
    case "MCMC_MSC":
      return mcmcRaw(t, members);
  }
}

function spectrumRaw(t: "XP_SAMPLED" | "RVS", members: { id: bigint; row: SourceRow }[]): Table {
  const n = members.length;
  const spectra = members.map((
    m,
  ) => (t === "XP_SAMPLED" ? xpSampledFlux(m.id, m.row) : rvsFlux(m.id, m.row)));
  const len = spectra[0].flux.length;
  const offsets = Int32Array.from({ length: n + 1 }, (_, i) => i * len);
  const flux = new Float32Array(n * len), err = new Float32Array(n * len);
  spectra.forEach((s, i) => {
    flux.set(s.flux, i * len);
    err.set(s.error, i * len);
  });
  const defs = t === "XP_SAMPLED" ? XP_SAMPLED_COLUMNS : RVS_COLUMNS;
  const cols: ProductColumn[] = [
    {
      def: {
        name: "source_id",
        datatype: "long",
        ucd: "meta.id;meta.main",
        description: "Unique source identifier (unique within a particular Data Release)",
      },
      values: BigInt64Array.from(members, (m) => m.id),
    },
    {
      def: {
        name: "solution_id",
        datatype: "long",
        ucd: "meta.version",
        description: "Solution Identifier",
      },
      values: new BigInt64Array(n).fill(PRODUCT_SOLUTION_IDS[t]),
    },
    {
      def: {
        name: "ra",
        datatype: "double",
        unit: "deg",
        ucd: "pos.eq.ra;meta.main",
        description: "Right ascension",
      },
      values: Float64Array.from(members, (m) => num(m.row, "ra")),
    },
    {
      def: {
        name: "dec",
        datatype: "double",
        unit: "deg",
        ucd: "pos.eq.dec;meta.main",
        description: "Declination",
      },
      values: Float64Array.from(members, (m) => num(m.row, "dec")),
    },
    { def: { ...defs[1], arraysize: "*" }, values: flux, offsets },
    { def: { ...defs[2], arraysize: "*" }, values: err, offsets },
  ];
  return buildProductTable(n, cols, { product: t });
}

function mcmcRaw(t: "MCMC_GSPPHOT" | "MCMC_MSC", members: { id: bigint; row: SourceRow }[]): Table {
  const chains = members.map((m) => mcmcProduct(t, m.id, m.row));
  const n = members.length;
  const fields = chains[0].schema.fields;
  const len = chains[0].numRows;
  const offsets = Int32Array.from({ length: n + 1 }, (_, i) => i * len);
  const cols: ProductColumn[] = fields.map((f, k) => {
    const def = {
      name: f.name,
      datatype: f.metadata.get("datatype") as "long" | "float",
      description: f.metadata.get("description") ?? "",
      ...(f.metadata.get("unit") ? { unit: f.metadata.get("unit")! } : {}),
      ...(f.metadata.get("ucd") ? { ucd: f.metadata.get("ucd")! } : {}),
    };
    if (k < 2) {
      return { def, values: BigInt64Array.from(chains, (c) => c.getChildAt(k)!.get(0) as bigint) };
    }
    const values = new Float32Array(n * len);
    chains.forEach((c, i) => values.set(c.getChildAt(k)!.toArray() as Float32Array, i * len));
    return { def: { ...def, arraysize: "*" }, values, offsets };
  });
  return buildProductTable(n, cols, { product: t });
}
