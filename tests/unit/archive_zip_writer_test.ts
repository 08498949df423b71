/**
 * The local archive's ZIP writer (node:zlib deflate) read back by the
 * client's in-memory ZIP reader (which checks CRC-32 and sizes), by fflate,
 * and by Python's zipfile (what astroquery uses).
 */
import assert from "node:assert/strict";
import { unzipSync } from "fflate";
import { writeZip } from "../../lib/archive/server/zip_writer.ts";
import { ZipArchive } from "../../lib/datalink/zip.ts";

function files() {
  const text = new TextEncoder().encode(
    '<?xml version="1.0"?><VOTABLE>' + "<TR><TD>1.5</TD></TR>".repeat(2000) + "</VOTABLE>",
  );
  const noise = new Uint8Array(5000);
  let x = 12345;
  for (let i = 0; i < noise.length; i++) noise[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return [
    { name: "EPOCH_PHOTOMETRY-Gaia DR3 4295806720.xml", bytes: text },
    { name: "noise.bin", bytes: noise }, // incompressible: stored
    { name: "empty.csv", bytes: new Uint8Array(0) },
    { name: "étoile-Gaia DR3 1.xml", bytes: text.subarray(0, 100) }, // UTF-8 name
  ];
}

Deno.test("writeZip() entries read back by the client's ZipArchive (CRC and sizes checked)", async () => {
  const input = files();
  const zip = new ZipArchive(writeZip(input));
  assert.deepEqual(zip.entries.map((e) => e.name), input.map((f) => f.name));
  for (const [i, e] of zip.entries.entries()) {
    assert.deepEqual(new Uint8Array(await zip.read(e)), new Uint8Array(input[i].bytes), e.name);
  }
});

Deno.test("writeZip() stores what deflate cannot shrink and deflates the rest", () => {
  const input = files();
  const zip = writeZip(input);
  const view = new DataView(zip.buffer);
  // First local header: deflate (8); second (noise): stored (0).
  assert.equal(view.getUint16(8, true), 8);
  const second = 30 + input[0].name.length + view.getUint32(18, true);
  assert.equal(view.getUint32(second, true), 0x04034b50);
  assert.equal(view.getUint16(second + 8, true), 0);
  const back = unzipSync(zip);
  assert.deepEqual(back["noise.bin"], input[1].bytes);
  assert.deepEqual(back["étoile-Gaia DR3 1.xml"], input[3].bytes);
});

Deno.test("writeZip() output is read by Python's zipfile (testzip checks every CRC)", async () => {
  const path = await Deno.makeTempFile({ suffix: ".zip" });
  try {
    await Deno.writeFile(path, writeZip(files()));
    const py = await new Deno.Command("python3", {
      args: [
        "-c",
        "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); " +
        "assert z.testzip() is None; print(','.join(z.namelist()))",
        path,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output().catch(() => undefined);
    if (!py) return; // no python3 on this machine: the other two readers still check
    assert.ok(py.success, new TextDecoder().decode(py.stderr));
    assert.equal(
      new TextDecoder().decode(py.stdout).trim(),
      files().map((f) => f.name).join(","),
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("writeZip() refuses more entries than plain ZIP can count", () => {
  const many = Array.from(
    { length: 65536 },
    (_, i) => ({ name: `${i}`, bytes: new Uint8Array(0) }),
  );
  assert.throws(() => writeZip(many), RangeError);
});
