/**
 * The per-ID outcome of a DataLink load.
 *
 * @module
 */

/** What happened to one requested ID. */
export type ManifestStatus = "found" | "no-product" | "failed";

/** One manifest row. */
export interface ManifestEntry {
  /** The ID as sent (source id as text, or a designation / reference). */
  id: string;
  /** The source id, when the ID names one source. */
  sourceId: bigint | undefined;
  /** What happened to it. */
  status: ManifestStatus;
  /** Product types found for it. */
  types: string[];
  /** Why it failed (`failed` only). */
  error?: string;
}

/**
 * Per-ID outcome: `found` (at least one product), `no-product` (the archive
 * answered but sent nothing for it: it drops such IDs silently), `failed`
 * (its chunk failed; the error says why). Other IDs are not lost when a
 * chunk fails.
 *
 * @example
 * ```ts
 * import { DataLinkManifest } from "./manifest.ts";
 * const m = new DataLinkManifest();
 * m.add({ id: "1", sourceId: 1n, status: "found", types: ["RVS"] });
 * m.add({ id: "2", sourceId: 2n, status: "no-product", types: [] });
 * if (m.found.length !== 1 || m.noProduct[0].id !== "2" || m.ok !== true) throw new Error();
 * ```
 */
export class DataLinkManifest {
  readonly #entries: ManifestEntry[] = [];

  /** Adds an entry. */
  add(entry: ManifestEntry): void {
    this.#entries.push(entry);
  }
  /** Every entry, in request order. */
  get entries(): readonly ManifestEntry[] {
    return this.#entries;
  }
  /** IDs with at least one product. */
  get found(): ManifestEntry[] {
    return this.#entries.filter((e) => e.status === "found");
  }
  /** IDs the archive had nothing for. */
  get noProduct(): ManifestEntry[] {
    return this.#entries.filter((e) => e.status === "no-product");
  }
  /** IDs whose request failed. */
  get failed(): ManifestEntry[] {
    return this.#entries.filter((e) => e.status === "failed");
  }
  /** True when no ID failed. */
  get ok(): boolean {
    return this.#entries.every((e) => e.status !== "failed");
  }
  /** Counts by status. */
  toJSON(): {
    found: number;
    noProduct: number;
    failed: number;
    failures: Array<{ id: string; error?: string }>;
  } {
    const failed = this.failed;
    return {
      found: this.found.length,
      noProduct: this.noProduct.length,
      failed: failed.length,
      failures: failed.slice(0, 20).map((e) => ({
        id: e.id,
        ...(e.error ? { error: e.error } : {}),
      })),
    };
  }
  /** One line: `3 found, 1 without products, 0 failed`. */
  toString(): string {
    return `${this.found.length} found, ${this.noProduct.length} without products, ${this.failed.length} failed`;
  }
}
