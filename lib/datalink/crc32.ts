/**
 * CRC-32 (IEEE 802.3, as used by ZIP and gzip), table driven.
 *
 * @module
 */

const TABLE = /* @__PURE__ */ (() => {
  const t = new Int32Array(256 * 4);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  // Slicing-by-4 tables.
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < 4; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

/**
 * Updates a running CRC-32 with more bytes. Start with `0`, finish with the
 * returned value (already finalised; pass it back in to continue).
 *
 * @example
 * ```ts
 * import { crc32 } from "./crc32.ts";
 * const c = crc32(new TextEncoder().encode("123456789"));
 * if (c !== 0xcbf43926) throw new Error(c.toString(16));
 * ```
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const t = TABLE;
  let c = ~previous;
  let i = 0;
  const n = bytes.length;
  const end4 = n - (n & 3);
  for (; i < end4; i += 4) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c = t[768 + (c & 0xff)] ^ t[512 + ((c >>> 8) & 0xff)] ^ t[256 + ((c >>> 16) & 0xff)] ^
      t[c >>> 24];
  }
  for (; i < n; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
