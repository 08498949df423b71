import assert from "node:assert/strict";
import { zipSync } from "fflate";
import { SizeLimitError } from "../../lib/io/errors.ts";
import { ZipFormatError } from "../../lib/datalink/errors.ts";
import { SYNC_INFLATE_MAX_BYTES, ZipArchive } from "../../lib/datalink/zip.ts";

const FIX = new URL("../../../shared/fixtures/astroquery/", import.meta.url);
const fixture = (f: string) =>
  Deno.readFileSync(new URL(`gaia_dr3_source_id_5937083312263887616_dl_products_${f}.zip`, FIX));

Deno.test("ZipArchive reads the four real DataLink ZIPs (data descriptors, CRC checked)", async () => {
  for (const f of ["vot", "csv", "ecsv", "fits"]) {
    const zip = new ZipArchive(fixture(f));
    assert.equal(zip.entries.length, 3);
    const names = zip.entries.map((e) => e.name).sort();
    assert.ok(names[0].startsWith("MCMC_MSC-Gaia DR3 5937083312263887616."), names[0]);
    for await (const { entry, bytes } of zip) assert.equal(bytes.length, entry.size);
  }
});

Deno.test("ZipArchive refuses an honest zip bomb before inflating it", () => {
  const bomb = zipSync(
    { "a.xml": new Uint8Array(20_000_000), "b.xml": new Uint8Array(20_000_000) },
    { level: 9 },
  );
  assert.ok(bomb.length < 100_000);
  assert.throws(() => new ZipArchive(bomb, { maxUnpackedBytes: 10_000_000 }), (e) => {
    assert.ok(e instanceof SizeLimitError, String(e));
    assert.match(e.message, /maxUnpackedBytes/);
    return true;
  });
});

Deno.test("ZipArchive stops an entry that inflates past its declared size", async () => {
  const bytes = zipSync({ "a.xml": new Uint8Array(5_000_000) }, { level: 9 });
  // Lie in the central directory: declare 1000 bytes unpacked.
  const v = new DataView(bytes.buffer);
  let cd = -1;
  for (let i = bytes.length - 22; i >= 0; i--) if (v.getUint32(i, true) === 0x02014b50) cd = i;
  assert.ok(cd > 0);
  v.setUint32(cd + 24, 1000, true);
  const zip = new ZipArchive(bytes);
  await assert.rejects(zip.read(zip.entries[0]), (e) => {
    assert.ok(e instanceof ZipFormatError, String(e));
    assert.match(e.message, /more than its declared 1000 bytes/);
    return true;
  });
});

Deno.test("ZipArchive detects a flipped bit (CRC or deflate error), never a silent short entry", async () => {
  const good = fixture("vot");
  for (const at of [200, 2000, 4000, 9000, 20000]) {
    const bad = good.slice();
    bad[at] ^= 0x10;
    let failed = false;
    try {
      const zip = new ZipArchive(bad);
      for await (const _ of zip) { /* read all */ }
    } catch (e) {
      assert.ok(e instanceof ZipFormatError, `byte ${at}: ${e}`);
      failed = true;
    }
    assert.ok(failed, `flip at ${at} went unnoticed`);
  }
});

Deno.test("ZipArchive says a truncated archive is truncated", () => {
  const good = fixture("csv");
  assert.throws(() => new ZipArchive(good.subarray(0, 20000)), (e) => {
    assert.ok(e instanceof ZipFormatError);
    assert.match(e.message, /Truncated ZIP archive/);
    return true;
  });
});

Deno.test("ZipArchive rejects a non-ZIP body with a clear error", () => {
  const html = new TextEncoder().encode(
    "<html><body>Service unavailable, please try again later</body></html>",
  );
  assert.throws(() => new ZipArchive(html), /Not a ZIP archive/);
  assert.throws(() => new ZipArchive(new Uint8Array(3)), /too short/);
});

Deno.test("ZipArchive limits the number of entries", () => {
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < 50; i++) files[`f${i}`] = new Uint8Array(1);
  assert.throws(() => new ZipArchive(zipSync(files), { maxEntries: 10 }), SizeLimitError);
});

/** Bytes that deflate hardly shrinks (a xorshift stream). */
function noise(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

Deno.test("ZipArchive inflates small entries in one call and large ones as a stream, the same bytes", async () => {
  const small = noise(20_000, 1), large = noise(300_000, 2);
  const zip = new ZipArchive(zipSync({ "s.xml": small, "l.xml": large }, { level: 6 }));
  const [s, l] = zip.entries;
  assert.ok(s.compressedSize <= SYNC_INFLATE_MAX_BYTES, "the small entry takes the one-call path");
  assert.ok(l.compressedSize > SYNC_INFLATE_MAX_BYTES, "the large entry takes the stream path");
  assert.deepEqual(await zip.read(s), small);
  assert.deepEqual(await zip.read(l), large);
});

Deno.test("ZipArchive stops a large (streamed) entry that inflates past its declared size", async () => {
  const bytes = zipSync({ "a.xml": noise(300_000) }, { level: 6 });
  const v = new DataView(bytes.buffer);
  let cd = -1;
  for (let i = bytes.length - 22; i >= 0; i--) if (v.getUint32(i, true) === 0x02014b50) cd = i;
  v.setUint32(cd + 24, 1000, true);
  const zip = new ZipArchive(bytes);
  assert.ok(zip.entries[0].compressedSize > SYNC_INFLATE_MAX_BYTES);
  await assert.rejects(zip.read(zip.entries[0]), (e) => {
    assert.ok(e instanceof ZipFormatError, String(e));
    assert.match(e.message, /more than its declared 1000 bytes/);
    return true;
  });
});

Deno.test("ZipArchive: a short or corrupt small entry is a ZipFormatError with its offset", async () => {
  const text = new TextEncoder().encode("wavelength,flux\n".repeat(2000));
  for (const lie of [-1, 0]) {
    const bytes = zipSync({ "a.csv": text }, { level: 6 });
    const v = new DataView(bytes.buffer);
    let cd = -1;
    for (let i = bytes.length - 22; i >= 0; i--) if (v.getUint32(i, true) === 0x02014b50) cd = i;
    if (lie < 0) v.setUint32(cd + 24, text.length + 10, true); // declares more than it holds
    else bytes[40] ^= 0xff; // corrupts the deflate data of the only entry
    const zip = new ZipArchive(bytes);
    await assert.rejects(zip.read(zip.entries[0]), (e) => {
      assert.ok(e instanceof ZipFormatError, String(e));
      assert.match(e.message, lie < 0 ? /inflated to 32000 bytes, but 32010/ : /deflate|CRC/);
      assert.equal(typeof (e as ZipFormatError).offset, "number");
      return true;
    });
  }
});
