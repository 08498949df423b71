/**
 * A fingerprint of the catalogue generator: it changes whenever the
 * generated data would change (a new column, another population model, a
 * different random stream), so caches of generated tables know when to
 * rebuild.
 *
 * @module
 */
import { tableToIPC } from "apache-arrow";
import { generateCatalogue } from "./catalogue.ts";

let cached: string | undefined;

/**
 * A short hex fingerprint of the generator, computed from the bytes of a
 * small generated catalogue (every table, schema metadata included). Takes
 * a few milliseconds once, then is memoised.
 *
 * @example
 * ```ts
 * import { catalogueFingerprint } from "./fingerprint.ts";
 * const f = catalogueFingerprint();
 * if (!/^[0-9a-f]{16}$/.test(f) || f !== catalogueFingerprint()) throw new Error(f);
 * ```
 */
export function catalogueFingerprint(): string {
  if (cached) return cached;
  // FNV-1a, 64-bit, over every table's IPC bytes
  let h = 0xcbf29ce484222325n;
  const P = 0x100000001b3n, M = (1n << 64n) - 1n;
  for (const [name, table] of generateCatalogue({ rows: 400, seed: 1 })) {
    const bytes = new TextEncoder().encode(name);
    for (const part of [bytes, tableToIPC(table, "file")]) {
      // fold 4 bytes at a time into 32-bit words to keep BigInt work small
      for (let i = 0; i < part.length; i += 4) {
        const w = (part[i] | (part[i + 1] << 8) | (part[i + 2] << 16) | (part[i + 3] << 24)) >>> 0;
        h = ((h ^ BigInt(w)) * P) & M;
      }
    }
  }
  cached = h.toString(16).padStart(16, "0");
  return cached;
}
