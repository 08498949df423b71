/**
 * DataLink `{links}` responses as typed rows, and {@linkcode DataLinkService}
 * for any IVOA DataLink service (including `RESOURCE type="meta"` service
 * descriptors found in TAP results).
 *
 * @module
 */
import type { Table } from "apache-arrow";
import { HttpClient } from "../http/mod.ts";
import { collectTable } from "../table/reader.ts";
import { readVOTable, type ServiceDescriptor } from "../votable/mod.ts";
import { bigintAt, column, numberAt } from "./columns.ts";
import { DataLinkError } from "./errors.ts";
import { type DataLinkIds, normaliseIds } from "./ids.ts";

/** One row of a `{links}` table. */
export interface DataLinkLink {
  /** The ID as the service echoes it (the Gaia archive: the designation). */
  id: string;
  /** `access_url`: where the product is. */
  accessUrl: string | undefined;
  /** `service_def`: the service descriptor to use, for service links. */
  serviceDef: string | undefined;
  /** `semantics`, e.g. `#this`, `#preview`. */
  semantics: string | undefined;
  /** `content_type`: MIME type of the product. */
  contentType: string | undefined;
  /** `content_length` in bytes, when the service says. */
  contentLength: number | undefined;
  /** `description`: a human description. */
  description: string | undefined;
  /** `error_message`: why there is no link (e.g. an unknown ID). */
  errorMessage: string | undefined;
  /** The retrieval type in `access_url` (Gaia), when present. */
  retrievalType: string | undefined;
}

const str = (t: Table, name: string, i: number): string | undefined => {
  const c = column(t, name);
  const v = c?.get(i);
  return v === null || v === undefined || v === "" ? undefined : String(v);
};

/**
 * Reads the rows of a `{links}` table.
 *
 * @example
 * ```ts
 * import { tableFromArrays } from "apache-arrow";
 * import { linksFromTable } from "./links.ts";
 * const [l] = linksFromTable(tableFromArrays({
 *   ID: ["Gaia DR3 1"], access_url: ["https://x/data?ID=Gaia+DR3+1&RETRIEVAL_TYPE=RVS"], semantics: ["#this"],
 * }));
 * if (l.retrievalType !== "RVS" || l.errorMessage !== undefined) throw new Error();
 * ```
 */
export function linksFromTable(t: Table): DataLinkLink[] {
  const out: DataLinkLink[] = [];
  const len = column(t, "content_length");
  for (let i = 0; i < t.numRows; i++) {
    const accessUrl = str(t, "access_url", i);
    let retrievalType: string | undefined;
    if (accessUrl) {
      try {
        retrievalType = new URL(accessUrl).searchParams.get("RETRIEVAL_TYPE") ?? undefined;
      } catch { /* not a URL */ }
    }
    const n = len
      ? (bigintAt(len, i) !== null ? Number(bigintAt(len, i)) : numberAt(len, i))
      : null;
    out.push({
      id: str(t, "ID", i) ?? "",
      accessUrl,
      serviceDef: str(t, "service_def", i),
      semantics: str(t, "semantics", i),
      contentType: str(t, "content_type", i),
      contentLength: n ?? undefined,
      description: str(t, "description", i),
      errorMessage: str(t, "error_message", i),
      retrievalType,
    });
  }
  return out;
}

/** Links with their table and the rows that failed. */
export class DataLinkLinks {
  /** The `{links}` table as read. */
  readonly table: Table;
  /** Every row. */
  readonly rows: DataLinkLink[];
  /**
   * Creates the instance.
   * @param table the `{links}` table as read.
   */
  constructor(table: Table) {
    this.table = table;
    this.rows = linksFromTable(table);
  }
  /** Rows with an `error_message` (unknown IDs). */
  get errors(): DataLinkLink[] {
    return this.rows.filter((r) => r.errorMessage !== undefined);
  }
  /** Rows that point at data. */
  get links(): DataLinkLink[] {
    return this.rows.filter((r) => r.errorMessage === undefined);
  }
  /** Rows of one ID. */
  forId(id: string | bigint): DataLinkLink[] {
    const s = String(id);
    return this.rows.filter((r) => r.id === s || r.id.endsWith(` ${s}`));
  }
  /** The rows. */
  toJSON(): DataLinkLink[] {
    return this.rows;
  }
  /** `DataLinkLinks: N links, M errors`. */
  toString(): string {
    return `DataLinkLinks: ${this.links.length} links, ${this.errors.length} errors`;
  }
  /** Compact text for `console.log` / `Deno.inspect`. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}

/**
 * A DataLink service: its `{links}` endpoint, called with `ID=...`.
 *
 * @example From a TAP result's service descriptor (needs a server)
 * ```ts ignore
 * const doc = await parseVOTableDocument(bytes);
 * const svc = DataLinkService.fromDescriptor(doc.serviceDescriptors[0]);
 * const links = await svc.links(["ivo://example/obs?1"]);
 * ```
 */
export class DataLinkService {
  /** The links endpoint URL. */
  readonly url: string;
  /** The input parameter name for IDs. @default "ID" */
  readonly idParam: string;
  /** Constant extra parameters (from a service descriptor). */
  readonly extraParams: Record<string, string>;
  /** The result column whose values are the IDs (a descriptor's `ref`), when known. */
  readonly idColumn: string | undefined;
  readonly #http: HttpClient;

  /**

   * Creates the instance.
   * @param url the `{links}` endpoint
   * @param options HTTP client, ID parameter name, constant parameters, ID column.
   */
  constructor(
    url: string,
    options: {
      http?: HttpClient;
      idParam?: string;
      extraParams?: Record<string, string>;
      idColumn?: string;
    } = {},
  ) {
    this.url = url;
    this.idColumn = options.idColumn;
    this.#http = options.http ?? new HttpClient();
    this.idParam = options.idParam ?? "ID";
    this.extraParams = options.extraParams ?? {};
  }

  /**
   * A service from a VOTable `RESOURCE type="meta"` service descriptor.
   *
   * @throws {DataLinkError} when the descriptor has no access URL
   */
  static fromDescriptor(
    sd: ServiceDescriptor,
    options: { http?: HttpClient } = {},
  ): DataLinkService {
    if (!sd.accessURL) {
      throw new DataLinkError(
        `Service descriptor ${JSON.stringify(sd.ID ?? sd.name ?? "")} has no accessURL`,
      );
    }
    const input = sd.inputParams.find((p) => p.ref !== undefined) ?? sd.inputParams[0];
    const extra: Record<string, string> = {};
    for (const p of sd.inputParams) if (p !== input && p.value) extra[p.name] = p.value;
    return new DataLinkService(sd.accessURL, {
      ...options,
      idParam: input?.name ?? "ID",
      extraParams: extra,
      ...(input?.ref ? { idColumn: input.ref } : {}),
    });
  }

  /**
   * Calls the links endpoint for IDs (POST form, one request).
   *
   * @param ids any form {@linkcode normaliseIds} accepts, or plain strings for non-Gaia services
   */
  async links(
    ids: DataLinkIds | string[],
    options: { params?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<DataLinkLinks> {
    let texts: string[];
    try {
      texts = normaliseIds(ids as DataLinkIds).map((i) => i.text);
    } catch (e) {
      if (Array.isArray(ids) && ids.every((x) => typeof x === "string")) texts = ids as string[];
      else throw e;
    }
    const form = new URLSearchParams({ ...this.extraParams, ...options.params });
    form.set(this.idParam, texts.join(","));
    const res = await this.#http.request(this.url, {
      method: "POST",
      form,
      idempotent: true,
      signal: options.signal,
    });
    const { table, meta } = await collectTable(readVOTable(res.body ?? new Uint8Array(0)));
    if (meta.queryStatus === "ERROR") {
      throw new DataLinkError(
        `The DataLink service ${this.url} answered an error: ${
          meta.queryStatusMessage ?? "no message"
        }`,
      );
    }
    return new DataLinkLinks(table);
  }
}
