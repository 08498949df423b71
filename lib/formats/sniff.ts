/**
 * Picking the reader for an input: by explicit format name, then by HTTP
 * content type, then by the first bytes (gzip undone first).
 *
 * @module
 */
import { type ByteSource, openByteStream, peekBytes } from "../io/source.ts";
import type { ReaderOptions, TableReader } from "../table/reader.ts";
import { readVOTable } from "../votable/mod.ts";
import { UnknownFormatError } from "./errors.ts";
import { type CsvReaderOptions, readCsv, readTsv } from "./read_csv.ts";
import { readEcsv } from "./read_ecsv.ts";
import { readFits } from "./read_fits.ts";
import { readJson } from "./read_json.ts";

/** The table formats deno-gaia reads. */
export type TableFormat = "votable" | "csv" | "tsv" | "ecsv" | "json" | "fits";

/** Options of {@linkcode openTable}: the union of the readers' options. */
export interface OpenTableOptions
  extends ReaderOptions, Omit<CsvReaderOptions, keyof ReaderOptions> {
  /** The format, when known: a {@linkcode TableFormat}, a TAP FORMAT value (`votable`, `csv`, `votable_plain`, ...) or a MIME type. */
  format?: string;
  /**
   * The HTTP `Content-Type` of the input, used when `format` is not given
   * (by default the `Content-Type` of a `Response` source).
   */
  contentType?: string;
  /** VOTable: which TABLE to read (from 0). */
  table?: number;
  /** FITS: which HDU to read (index or EXTNAME); by default the first BINTABLE. */
  hdu?: number | string;
  /**
   * Inflate gzip on a worker thread: `true` always, `false` never; by default
   * for inputs of a known size (bytes, a `Blob`, an open `Deno.FsFile` or its
   * `fileStream`) of at least `GUNZIP_WORKER_MIN_BYTES` compressed (see
   * `openByteStream`).
   */
  gunzipWorker?: boolean;
}

const FORMAT_NAMES: Record<string, TableFormat> = {
  votable: "votable",
  vot: "votable",
  xml: "votable",
  votable_plain: "votable",
  "votable/td": "votable",
  "votable/b": "votable",
  "votable/b2": "votable",
  "votable/binary": "votable",
  "votable/binary2": "votable",
  "votable/tabledata": "votable",
  csv: "csv",
  tsv: "tsv",
  tab: "tsv",
  "text/tab-separated-values": "tsv",
  ecsv: "ecsv",
  json: "json",
  fits: "fits",
  fit: "fits",
  fts: "fits",
};

/**
 * The format a MIME type names, if any (`application/x-votable+xml`,
 * `text/xml`, `text/csv`, `text/tab-separated-values`, `application/json`,
 * `application/fits`, `text/x-ecsv`, ...). `text/plain` and
 * `application/octet-stream` name none: the bytes decide.
 *
 * @example
 * ```ts
 * import { formatFromContentType } from "./sniff.ts";
 * if (formatFromContentType("application/x-votable+xml;serialization=BINARY2") !== "votable") throw new Error();
 * if (formatFromContentType("text/csv;header=present") !== "csv") throw new Error();
 * if (formatFromContentType("text/plain") !== undefined) throw new Error();
 * ```
 */
export function formatFromContentType(
  contentType: string | undefined | null,
): TableFormat | undefined {
  if (!contentType) return undefined;
  const mime = contentType.split(";")[0]!.trim().toLowerCase();
  if (mime.includes("votable") || mime === "text/xml" || mime === "application/xml") {
    return "votable";
  }
  if (mime === "text/csv" || mime === "application/csv") return "csv";
  if (mime === "text/tab-separated-values" || mime === "text/tsv") return "tsv";
  if (mime.includes("ecsv")) return "ecsv";
  if (mime === "application/json" || mime.endsWith("+json")) return "json";
  if (mime === "application/fits" || mime === "image/fits" || mime === "application/x-fits") {
    return "fits";
  }
  return undefined;
}

/**
 * The format a file name suggests by its extension (`.gz` ignored).
 *
 * @example
 * ```ts
 * import { formatFromName } from "./sniff.ts";
 * if (formatFromName("result.vot.gz") !== "votable" || formatFromName("x.fits") !== "fits") throw new Error();
 * ```
 */
export function formatFromName(name: string): TableFormat | undefined {
  const base = name.toLowerCase().replace(/\.gz$/, "");
  const ext = base.slice(base.lastIndexOf(".") + 1);
  return FORMAT_NAMES[ext];
}

/**
 * Resolves a format name, TAP FORMAT value or MIME type to a {@linkcode TableFormat}.
 *
 * @example
 * ```ts
 * import { normalizeFormat } from "./sniff.ts";
 * if (normalizeFormat("votable_plain") !== "votable" || normalizeFormat("text/csv") !== "csv") throw new Error();
 * if (normalizeFormat("xlsx") !== undefined) throw new Error("unknown");
 * ```
 */
export function normalizeFormat(format: string): TableFormat | undefined {
  const f = format.trim().toLowerCase();
  return FORMAT_NAMES[f] ?? formatFromContentType(f);
}

const latin1 = new TextDecoder("latin1");

/**
 * Recognises a format from the first bytes of the (decompressed) input:
 * `<?xml` / `<VOTABLE` (VOTable), `SIMPLE  =` (FITS), `# %ECSV` (ECSV), `{`
 * (JSON), else a text line with tabs (TSV) or commas (CSV).
 *
 * @returns The format, or undefined when the bytes do not say.
 *
 * @example
 * ```ts
 * import { sniffFormat } from "./sniff.ts";
 * const t = (s: string) => new TextEncoder().encode(s);
 * if (sniffFormat(t("SIMPLE  =                    T")) !== "fits") throw new Error("fits");
 * if (sniffFormat(t("# %ECSV 1.0\n")) !== "ecsv") throw new Error("ecsv");
 * if (sniffFormat(t('<?xml version="1.0"?><VOTABLE>')) !== "votable") throw new Error("xml");
 * if (sniffFormat(t("a,b\n1,2\n")) !== "csv") throw new Error("csv");
 * ```
 */
export function sniffFormat(head: Uint8Array): TableFormat | undefined {
  // A ZIP archive (PK\x03\x04, or PK\x05\x06 when empty) is not a table, whatever its names say.
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)) return undefined;
  let text = latin1.decode(head.subarray(0, 1024));
  if (text.startsWith("\xef\xbb\xbf")) text = text.slice(3);
  if (text.startsWith("SIMPLE  =")) return "fits";
  const t = text.trimStart();
  if (/^#\s*%ECSV/.test(t)) return "ecsv";
  if (t.startsWith("{")) return "json";
  if (t.startsWith("<")) {
    if (/^<(!doctype\s+html|html)/i.test(t)) return undefined;
    return "votable";
  }
  const line = t.split(/\r?\n/, 1)[0] ?? "";
  if (line.includes("\t")) return "tsv";
  if (line.includes(",")) return "csv";
  return undefined;
}

/**
 * Opens any table input with the right reader: by `format`, else by
 * `contentType`, else by the first bytes (gzip undone first). A body whose
 * bytes are an XML VOTable is read as one even under a text content type (TAP
 * services send error documents that way). A CSV content type with
 * `header=absent` reads without a header line.
 *
 * @param source The input.
 * @param options Format hints and the options of the chosen reader.
 * @returns The reader.
 * @throws {UnknownFormatError} when the format cannot be told (or is an HTML page).
 *
 * @example
 * ```ts
 * import { openTable } from "./sniff.ts";
 * import { collectTable } from "../table/reader.ts";
 * const { table, meta } = await collectTable(await openTable("id,ok\n1,true\n"));
 * if (meta.format !== "csv" || table.getChild("ok")!.get(0) !== true) throw new Error(meta.format);
 * ```
 */
export async function openTable(
  source: ByteSource,
  options: OpenTableOptions = {},
): Promise<TableReader> {
  let format: TableFormat | undefined;
  if (options.format) {
    format = normalizeFormat(options.format);
    if (!format) {
      throw new UnknownFormatError(
        `Unknown format ${
          JSON.stringify(options.format)
        }; expected one of votable, csv, tsv, ecsv, json, fits`,
      );
    }
  }
  // A fetch Response brings its own content type.
  const contentType = options.contentType ??
    (typeof Response !== "undefined" && source instanceof Response
      ? source.headers.get("content-type") ?? undefined
      : undefined);
  const byType = format ? undefined : formatFromContentType(contentType);
  // Peek at the bytes (gzip undone) unless the format was given explicitly.
  let input: ByteSource = source;
  if (!format) {
    const stream = await openByteStream(source, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
      ...(options.gunzipWorker !== undefined ? { gunzipWorker: options.gunzipWorker } : {}),
    });
    const { head, stream: rest } = await peekBytes(stream, 512);
    input = rest;
    const sniffed = sniffFormat(head);
    if (byType && byType !== "votable" && byType !== "fits" && sniffed === "votable") {
      format = "votable";
    } else format = byType ?? sniffed;
    if (!format) {
      await rest.cancel().catch(() => {});
      const preview = latin1.decode(head.subarray(0, 60)).replace(/\s+/g, " ");
      const html = /<(!doctype\s+html|html)/i.test(preview);
      const zip = head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5);
      throw new UnknownFormatError(
        html
          ? `The input is an HTML page, not a table (probably an error page): ${
            JSON.stringify(preview)
          }`
          : zip
          ? "The input is a ZIP archive, not a table (Gaia DataLink products come zipped): " +
            "load products with gaia.datalink.load() or `deno task cli datalink`, " +
            "or unzip it and open one of its files"
          : `Cannot tell the table format of the input${
            contentType ? ` (content type ${JSON.stringify(contentType)})` : ""
          } from its first bytes ${JSON.stringify(preview)}; pass "format"`,
        { offset: 0 },
      );
    }
  }
  const common: ReaderOptions = {
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    ...(options.onBytes ? { onBytes: options.onBytes } : {}),
    // Read by openByteStream when the reader opens an explicitly named format.
    ...(options.gunzipWorker !== undefined ? { gunzipWorker: options.gunzipWorker } : {}),
  } as ReaderOptions;
  switch (format) {
    case "votable":
      return readVOTable(input, {
        ...common,
        ...(options.table !== undefined ? { table: options.table } : {}),
      });
    case "fits":
      return readFits(input, {
        ...common,
        ...(options.hdu !== undefined ? { hdu: options.hdu } : {}),
      });
    case "ecsv":
      return readEcsv(input, common);
    case "json":
      return readJson(input, common);
    case "csv":
    case "tsv": {
      const csv: CsvReaderOptions = { ...common };
      for (
        const k of [
          "delimiter",
          "quote",
          "header",
          "schema",
          "nullValues",
          "inferRows",
          "columnNames",
          "inferMissing",
        ] as const
      ) {
        if (options[k] !== undefined) (csv as Record<string, unknown>)[k] = options[k];
      }
      if (csv.header === undefined && /header\s*=\s*absent/i.test(contentType ?? "")) {
        csv.header = false;
      }
      return format === "csv" ? readCsv(input, csv) : readTsv(input, csv);
    }
  }
}
