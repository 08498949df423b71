// deno-lint-ignore-file no-console
/**
 * Makes the realistic layout of a TAP answer from the benchmark's BINARY2
 * file: the same rows with `char arraysize="*"` strings (as DaCHS and the ESA
 * archive write them), so that every row has a different size and the reader
 * takes its varying-size path.
 *
 * usage: deno run -A bench/profiles/varchar_b2.ts IN.b2.vot OUT.b2.vot
 */
const [inPath, outPath] = Deno.args as [string, string];
const text = new TextDecoder().decode(Deno.readFileSync(inPath));
const s0 = text.indexOf(">", text.indexOf("<STREAM")) + 1;
const s1 = text.indexOf("</STREAM>");
const bin = (Uint8Array as unknown as { fromBase64(s: string): Uint8Array }).fromBase64(
  text.slice(s0, s1).replace(/\s+/g, ""),
);
const fields = [...text.slice(0, s0).matchAll(/<FIELD [^>]*>/g)].map((m) => m[0]);
const size: Record<string, number> = {
  long: 8,
  double: 8,
  float: 4,
  int: 4,
  short: 2,
  boolean: 1,
  unsignedByte: 1,
  char: 1,
};
const widths = fields.map((f) => {
  const t = /datatype="([^"]+)"/.exec(f)![1];
  const a = /arraysize="([0-9]+)"/.exec(f);
  return size[t]! * (a ? Number(a[1]) : 1);
});
const isChar = fields.map((f) => /datatype="char"/.test(f) && /arraysize="[0-9]+"/.test(f));
const mask = (fields.length + 7) >> 3;
const rowSize = mask + widths.reduce((a, b) => a + b, 0);
const rows = bin.length / rowSize;
const out = new Uint8Array(bin.length + rows * 4 * isChar.filter(Boolean).length);
const dv = new DataView(out.buffer);
let o = 0;
for (let r = 0; r < rows; r++) {
  let p = r * rowSize;
  out.set(bin.subarray(p, p + mask), o);
  o += mask;
  p += mask;
  for (let j = 0; j < widths.length; j++) {
    const w = widths[j]!;
    if (isChar[j]) {
      let e = p + w;
      while (e > p && bin[e - 1] === 0) e--;
      dv.setInt32(o, e - p);
      out.set(bin.subarray(p, e), o + 4);
      o += 4 + e - p;
    } else {
      out.set(bin.subarray(p, p + w), o);
      o += w;
    }
    p += w;
  }
}
const b64 = (out.subarray(0, o) as unknown as { toBase64(): string }).toBase64()
  .replace(/(.{76})/g, "$1\n");
const head = text.slice(0, s0).replace(
  /(<FIELD [^>]*datatype="char"[^>]*?)arraysize="[0-9]+"/g,
  '$1arraysize="*"',
).replace(/arraysize="[0-9]+"([^>]*datatype="char")/g, 'arraysize="*"$1');
Deno.writeTextFileSync(outPath, head + "\n" + b64 + "\n" + text.slice(s1));
console.log(`${rows} rows, ${o} bytes of rows`);
