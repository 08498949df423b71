/**
 * {@linkcode GaiaDataLink}: the Gaia archive's DataLink client. `links()`
 * lists what exists; `load()` fetches products for any number of sources in
 * chunks of at most 5 000 IDs with bounded concurrency, progress and
 * cancellation, unpacks them in memory and returns typed, tidy tables with a
 * per-ID manifest.
 *
 * @module
 */
import { HttpClient, HttpError } from "../http/mod.ts";
import { DataLinkError } from "./errors.ts";
import { type DataLinkId, type DataLinkIds, normaliseIds } from "./ids.ts";
import { type DataLinkLinks, DataLinkService } from "./links.ts";
import { DataLinkManifest } from "./manifest.ts";
import type { DataLinkProduct } from "./product.ts";
import { DataLinkProducts } from "./products.ts";
import {
  type DataLinkFormat,
  type DataStructure,
  MAX_IDS_PER_REQUEST,
  releaseName,
  type RetrievalType,
  toDataLinkFormat,
  toDataStructure,
  toRetrievalType,
} from "./retrieval.ts";
import { unpackProducts } from "./unpack.ts";
import { buffersOf, release as freeBuffer } from "./combined.ts";
import { DEFAULT_MAX_UNPACKED_BYTES } from "./zip.ts";
import { SizeLimitError } from "../io/errors.ts";
import { concatBytes } from "../io/source.ts";
import { bigintAt, column } from "./columns.ts";

/** Progress of a {@linkcode GaiaDataLink.load}. */
export interface DataLinkProgress {
  /** IDs whose chunk has finished (found, empty or failed). */
  sourcesDone: number;
  /** IDs asked for. */
  sourcesTotal: number;
  /** Requests finished. */
  chunksDone: number;
  /** Requests in all (chunks of at most 5 000 IDs). */
  chunksTotal: number;
  /** Bytes downloaded so far (all chunks). */
  bytes: number;
}

/** Options of {@linkcode GaiaDataLink.load}. */
export interface DataLinkLoadOptions {
  /** What to fetch. @default "ALL" */
  retrieval?: RetrievalType | Lowercase<RetrievalType>;
  /** File format asked of the server. @default "votable" */
  format?: DataLinkFormat | Uppercase<DataLinkFormat>;
  /** One file per source and product (INDIVIDUAL), per product (COMBINED), or raw rows (RAW). @default "INDIVIDUAL" */
  dataStructure?: DataStructure | "DATAMODEL_STANDARD" | "DATAMODEL_GAIA";
  /** Release, e.g. `DR3` or `Gaia DR3`. @default the client's release */
  release?: string;
  /** Drop epochs with null flux or rejected by photometry (EPOCH_PHOTOMETRY only). @default false */
  validData?: boolean;
  /** `SOURCE_ID` (default), `TRANSIT_ID` or `IMAGE_ID`. */
  linkingParameter?: "SOURCE_ID" | "TRANSIT_ID" | "IMAGE_ID";
  /** Also write each raw answer (a ZIP) into this directory. Nothing is written without it. */
  saveTo?: string;
  /** Largest size of one answer, downloaded and unpacked. @default 2 GiB */
  maxUnpackedBytes?: number;
  /** IDs per request (at most 5 000, the ESA limit). @default 5000 */
  chunkSize?: number;
  /** Requests in flight at once. @default 2 */
  concurrency?: number;
  /** Stops the load; it rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called as chunks finish and bytes arrive. */
  onProgress?: (p: DataLinkProgress) => void;
  /**
   * Milliseconds to wait for each answer to start. Data servers build the
   * whole ZIP before they answer (close to a minute for 5 000 light curves),
   * so this is longer than the client's usual header timeout.
   * @default 600000 (10 minutes)
   */
  timeout?: number;
}

/** Default wait for a DataLink answer to start (the server builds the ZIP first). */
const DATA_REQUEST_TIMEOUT_MS = 600_000;

/** Settings of a {@linkcode GaiaDataLink}. */
export interface GaiaDataLinkOptions {
  /** Data server root, e.g. `https://gea.esac.esa.int/data-server`. */
  dataServer: string;
  /** Shared HTTP client (its cookie jar carries the data-server session). */
  http?: HttpClient;
  /** Default release. @default "DR3" */
  release?: string;
}

/**
 * The Gaia DataLink client (normally reached as `gaia.datalink`).
 *
 * @example Loading epoch photometry from the local archive (needs a server)
 * ```ts ignore
 * const dl = new GaiaDataLink({ dataServer: `${archive.url}/data-server` });
 * const lc = await dl.load([4295806720n, 6917528997577384320n], { retrieval: "EPOCH_PHOTOMETRY" });
 * await lc.toPolars();     // every observation of every source, with source_id
 * lc.manifest.noProduct;   // IDs the archive had nothing for
 * ```
 */
export class GaiaDataLink {
  /** Data server root. */
  readonly dataServer: string;
  /** Default release name, e.g. `Gaia DR3`. */
  readonly release: string;
  readonly #http: HttpClient;

  /**

   * Creates the instance.
   * @param options the data server root, HTTP client and default release.
   */
  constructor(options: GaiaDataLinkOptions) {
    this.dataServer = options.dataServer.replace(/\/+$/, "");
    this.#http = options.http ?? new HttpClient();
    this.release = releaseName(options.release ?? "DR3");
  }

  /**
   * The links of sources (`datalink/links`): which products exist. Unknown
   * IDs come back as rows with an `errorMessage`.
   */
  async links(
    ids: DataLinkIds,
    options: { release?: string; linkingParameter?: string; signal?: AbortSignal } = {},
  ): Promise<DataLinkLinks> {
    const svc = new DataLinkService(`${this.dataServer}/datalink/links`, { http: this.#http });
    const params: Record<string, string> = {
      RELEASE: releaseName(options.release ?? this.release),
    };
    if (options.linkingParameter && options.linkingParameter !== "SOURCE_ID") {
      params.LINKING_PARAMETER = options.linkingParameter;
    }
    return await svc.links(ids, { params, ...(options.signal ? { signal: options.signal } : {}) });
  }

  /**
   * Fetches products and unpacks them in memory. IDs are split into chunks
   * (≤ 5 000); a chunk that fails is recorded in the manifest without losing
   * the others; if every chunk fails, the first error is thrown.
   *
   * @throws {RangeError} for a bad option; the signal's reason on abort
   */
  async load(ids: DataLinkIds, options: DataLinkLoadOptions = {}): Promise<DataLinkProducts> {
    const retrieval = toRetrievalType(options.retrieval ?? "ALL");
    const format = toDataLinkFormat(options.format ?? "votable");
    const structure = toDataStructure(options.dataStructure ?? "INDIVIDUAL");
    const release = releaseName(options.release ?? this.release);
    const chunkSize = options.chunkSize ?? MAX_IDS_PER_REQUEST;
    if (!(chunkSize >= 1 && chunkSize <= MAX_IDS_PER_REQUEST)) {
      throw new RangeError(
        `chunkSize must be between 1 and ${MAX_IDS_PER_REQUEST}, got ${chunkSize}`,
      );
    }
    const concurrency = Math.max(1, Math.min(options.concurrency ?? 2, 8));
    const all = normaliseIds(ids);
    const plain = all.filter((i) => !i.reference);
    const chunks: DataLinkId[][] = [];
    for (let k = 0; k < plain.length; k += chunkSize) chunks.push(plain.slice(k, k + chunkSize));
    for (const r of all.filter((i) => i.reference)) chunks.push([r]);
    const signal = options.signal;
    signal?.throwIfAborted();
    if (options.saveTo) await Deno.mkdir(options.saveTo, { recursive: true });

    const progress: DataLinkProgress = {
      sourcesDone: 0,
      sourcesTotal: all.length,
      chunksDone: 0,
      chunksTotal: chunks.length,
      bytes: 0,
    };
    const results: Array<{ products: DataLinkProduct[]; error?: unknown }> = new Array(
      chunks.length,
    );
    let next = 0;
    // Answers download concurrently but are unpacked one at a time: the
    // unpacking runs on this thread anyway, and one answer in progress keeps
    // one set of half-combined tables in memory, not `concurrency` sets.
    let unpacking: Promise<unknown> = Promise.resolve();
    const worker = async () => {
      while (next < chunks.length) {
        const k = next++;
        const chunk = chunks[k];
        let last = 0;
        try {
          const res = await this.#http.request(`${this.dataServer}/data`, {
            method: "POST",
            form: {
              VALID_DATA: options.validData && retrieval !== "ALL" ? "true" : "false",
              ID: chunk.map((i) => i.text).join(","),
              RELEASE: release,
              DATA_STRUCTURE: structure,
              FORMAT: format,
              RETRIEVAL_TYPE: retrieval,
              USE_ZIP_ALWAYS: "true",
              ...(options.linkingParameter && options.linkingParameter !== "SOURCE_ID"
                ? { LINKING_PARAMETER: options.linkingParameter }
                : {}),
            },
            idempotent: true,
            timeout: options.timeout ?? DATA_REQUEST_TIMEOUT_MS,
            signal,
            onProgress: (p) => {
              progress.bytes += p.loaded - last;
              last = p.loaded;
              options.onProgress?.({ ...progress });
            },
          });
          const bytes = await readBody(
            res.body,
            options.maxUnpackedBytes ?? DEFAULT_MAX_UNPACKED_BYTES,
            Number(res.headers.get("content-length") ?? NaN),
          );
          progress.bytes += bytes.length - last;
          if (options.saveTo) {
            await Deno.writeFile(
              `${options.saveTo}/datalink_${retrieval}_${String(k + 1).padStart(4, "0")}.zip`,
              bytes,
            );
          }
          const disposition = res.headers.get("content-disposition") ?? "";
          const fileName = /filename="?([^";]+)"?/i.exec(disposition)?.[1];
          const turn = unpacking.then(() => {
            signal?.throwIfAborted();
            return unpackProducts(bytes, {
              ...(fileName ? { fileName } : {}),
              contentType: res.contentType,
              retrievalType: retrieval,
              ...(options.maxUnpackedBytes !== undefined
                ? { maxUnpackedBytes: options.maxUnpackedBytes }
                : {}),
              ...(signal ? { signal } : {}),
            });
          });
          unpacking = turn.catch(() => {});
          const products = await turn;
          // The answer is read: free it now (not at the next garbage
          // collection) unless a product's table is a view of its bytes.
          const segments = new Set(products.map((p) => p.segment));
          const held = [...segments].some((s) => s && buffersOf([s.raw()]).includes(bytes.buffer));
          if (!held) freeBuffer(bytes.buffer);
          results[k] = { products };
        } catch (e) {
          if (signal?.aborted) throw signal.reason;
          // 404: the server has nothing for these IDs. Not a failure: they are "no-product".
          results[k] = e instanceof HttpError && e.status === 404
            ? { products: [] }
            : { products: [], error: wrapError(e, chunk.length) };
        }
        progress.chunksDone++;
        progress.sourcesDone += chunk.length;
        options.onProgress?.({ ...progress });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));

    const manifest = new DataLinkManifest();
    const products: DataLinkProduct[] = [];
    for (let k = 0; k < chunks.length; k++) {
      const r = results[k];
      products.push(...r.products);
      const found = new Map<string, Set<string>>();
      for (const p of r.products) {
        for (const sid of productSources(p)) {
          const key = sid.toString();
          if (!found.has(key)) found.set(key, new Set());
          found.get(key)!.add(p.type);
        }
      }
      for (const id of chunks[k]) {
        if (r.error) {
          manifest.add({
            id: id.text,
            sourceId: id.sourceId,
            status: "failed",
            types: [],
            error: String((r.error as Error).message ?? r.error),
          });
        } else if (id.reference) {
          manifest.add({
            id: id.text,
            sourceId: undefined,
            status: r.products.length ? "found" : "no-product",
            types: [...new Set(r.products.map((p) => p.type))],
          });
        } else {
          const types = found.get(id.sourceId!.toString());
          manifest.add({
            id: id.text,
            sourceId: id.sourceId,
            status: types ? "found" : "no-product",
            types: types ? [...types] : [],
          });
        }
      }
    }
    if (chunks.length > 0 && results.every((r) => r.error)) throw results[0].error;
    return new DataLinkProducts(products, manifest, progress.bytes);
  }

  /** `GaiaDataLink(<data server>, <release>)`. */
  toString(): string {
    return `GaiaDataLink(${this.dataServer}, ${this.release})`;
  }
}

/**
 * Reads a body, failing with SizeLimitError past `max` bytes (a download is
 * never larger than its unpacked content). With a declared length (at most
 * `max`), the bytes go straight into one buffer of that size, so the answer
 * is held once, not twice (pieces, then their concatenation).
 */
async function readBody(
  body: ReadableStream<Uint8Array> | null,
  max: number,
  declared = NaN,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const tooBig = async () => {
    await body.cancel().catch(() => {});
    return new SizeLimitError(
      `The data server's answer exceeds ${max} bytes; raise "maxUnpackedBytes" if this is expected`,
      { limit: max },
    );
  };
  let chunks: Uint8Array[] = [];
  let total = 0;
  let into = Number.isSafeInteger(declared) && declared > 0 && declared <= max
    ? new Uint8Array(declared)
    : undefined;
  for await (const c of body) {
    if (into && total + c.length > into.length) {
      // More than declared: go on in pieces (the size guard still applies).
      chunks = [into.subarray(0, total)];
      into = undefined;
    }
    if (into) into.set(c, total);
    else chunks.push(c);
    total += c.length;
    if (total > max) throw await tooBig();
  }
  if (into) return total === into.length ? into : into.subarray(0, total);
  return concatBytes(chunks, total);
}

function productSources(p: DataLinkProduct): bigint[] {
  if (p.sourceId !== undefined) return [p.sourceId];
  const c = column(p.raw, "source_id");
  const out = new Set<bigint>();
  if (c) {
    for (let i = 0; i < p.raw.numRows; i++) {
      const v = bigintAt(c, i);
      if (v !== null) out.add(v);
    }
  }
  return [...out];
}

function wrapError(e: unknown, n: number): unknown {
  if (e instanceof HttpError) {
    return new DataLinkError(
      `The data server refused a request for ${n} ID(s) (HTTP ${e.status}): ${
        e.serverMessage ?? e.message
      }`,
      { status: e.status, cause: e },
    );
  }
  return e;
}
