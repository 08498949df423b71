/**
 * Seeded mutation of fixture bytes for fuzzing readers: bit flips,
 * truncation, inserted and deleted bytes, duplicated ranges and "lying"
 * numbers. Deterministic for a seed, so any failure is replayed from its seed.
 */

/** mulberry32: small, fast, seeded PRNG (deterministic across runs). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const enc = new TextEncoder();
/** Byte strings that matter to the parsers: markup, quotes, separators, big numbers. */
const TOKENS = [
  "<",
  ">",
  "</TD>",
  "<TD>",
  "<TR>",
  "</TABLE>",
  "<![CDATA[",
  "]]>",
  "&amp;",
  "&#x0;",
  '"',
  ",",
  "\n",
  "\r\n",
  "'",
  "{",
  "}",
  "[",
  "]",
  "null",
  "-",
  "9999999999999999999999",
  "1e309",
  "NaN",
  "*",
  "=",
  "END     ",
  "NAXIS2  =            999999999",
  "TFORM1  = '999999K'",
  'arraysize="99999999"',
  'datatype="long"',
  "\u00e9",
  "\uffff",
  "\ud83d\ude00",
  "# %ECSV 1.0\n",
  "---\n",
  "PK\u0003\u0004",
].map((t) => enc.encode(t));

/** One mutation of `base`, chosen by `rand`. Returns the new bytes and a description. */
export function mutate(base: Uint8Array, rand: () => number): { bytes: Uint8Array; what: string } {
  const n = base.length;
  const pos = () => Math.floor(rand() * (n + 1));
  const kind = Math.floor(rand() * 8);
  switch (kind) {
    case 0: { // flip 1-8 bits
      const out = base.slice();
      const flips = 1 + Math.floor(rand() * 8);
      for (let i = 0; i < flips && n; i++) {
        out[Math.floor(rand() * n)] ^= 1 << Math.floor(rand() * 8);
      }
      return { bytes: out, what: `flip ${flips} bits` };
    }
    case 1: { // truncate
      const at = pos();
      return { bytes: base.slice(0, at), what: `truncate at ${at}` };
    }
    case 2: { // insert random bytes
      const at = pos();
      const len = 1 + Math.floor(rand() * 16);
      const ins = new Uint8Array(len).map(() => Math.floor(rand() * 256));
      return { bytes: splice(base, at, 0, ins), what: `insert ${len} random bytes at ${at}` };
    }
    case 3: { // insert a token
      const at = pos();
      const t = TOKENS[Math.floor(rand() * TOKENS.length)]!;
      return { bytes: splice(base, at, 0, t), what: `insert token at ${at}` };
    }
    case 4: { // delete a range
      const at = pos();
      const len = Math.floor(rand() * 64);
      return { bytes: splice(base, at, len, new Uint8Array(0)), what: `delete ${len} at ${at}` };
    }
    case 5: { // duplicate a range
      const at = pos();
      const len = Math.floor(rand() * 256);
      const piece = base.slice(at, at + len);
      return { bytes: splice(base, at, 0, piece), what: `duplicate ${len} at ${at}` };
    }
    case 6: { // overwrite 4 bytes with a huge or negative big-endian length (binary length fields)
      if (n < 4) return { bytes: base.slice(), what: "lying u32 skipped (input under 4 bytes)" };
      const out = base.slice();
      const at = Math.floor(rand() * (n - 3));
      const v = [0x7fffffff, 0xffffffff, 0x80000000, 0x00ffffff][Math.floor(rand() * 4)]!;
      new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(at, v);
      return { bytes: out, what: `lying u32 ${v} at ${at}` };
    }
    default: { // several mutations stacked
      let cur = base;
      const parts: string[] = [];
      const k = 2 + Math.floor(rand() * 3);
      for (let i = 0; i < k; i++) {
        const m = mutate(cur, rand);
        if (m.what.startsWith("stack")) continue;
        cur = m.bytes;
        parts.push(m.what);
      }
      return { bytes: cur, what: `stack(${parts.join("; ")})` };
    }
  }
}

function splice(base: Uint8Array, at: number, del: number, ins: Uint8Array): Uint8Array {
  const end = Math.min(base.length, at + del);
  const out = new Uint8Array(at + ins.length + (base.length - end));
  out.set(base.subarray(0, at), 0);
  out.set(ins, at);
  out.set(base.subarray(end), at + ins.length);
  return out;
}
