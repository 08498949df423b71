/**
 * Readers over an open file read it directly into one reused buffer (see
 * lib/io/direct.ts), and gzip'd files through the worker's recycled buffers;
 * from bytes in memory they take the stream's pieces. Both paths must give
 * the same Arrow bytes, with rows and tokens cut at every buffer boundary.
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { type Table, tableFromArrays, tableToIPC } from "apache-arrow";
import { encodeFits, openTable, readTsv } from "../../lib/formats/mod.ts";
import { collectTable } from "../../lib/table/reader.ts";
import { encodeVOTable, readVOTable } from "../../lib/votable/mod.ts";

const DIR = new URL("../../../shared/fixtures/dachs/", import.meta.url);

/** The five DaCHS gaia_source rows, repeated `times` times (nulls included). */
async function bigTable(times: number): Promise<Table> {
  const five =
    (await collectTable(readVOTable(Deno.readFileSync(new URL("sync-nulls-b2.vot", DIR)))))
      .table;
  let t = five;
  while (t.numRows < times * 5) t = t.concat(t);
  return t.slice(0, times * 5);
}

async function viaFile(bytes: Uint8Array, onBytes?: (n: number) => void): Promise<Table> {
  const path = await Deno.makeTempFile({ prefix: "deno-gaia-direct-read-" });
  try {
    await Deno.writeFile(path, bytes);
    return (await collectTable(await openTable(await Deno.open(path), { onBytes }))).table;
  } finally {
    await Deno.remove(path);
  }
}

async function viaMemory(bytes: Uint8Array): Promise<Table> {
  return (await collectTable(await openTable(bytes))).table;
}

const ipc = (t: Table) => tableToIPC(t, "file");

Deno.test("VOTable BINARY2, BINARY, TABLEDATA and FITS: a file read directly gives the same table as its bytes", async () => {
  const table = await bigTable(6000); // 30 000 rows: several MiB in every serialization
  const docs: Record<string, Uint8Array> = {
    binary2: encodeVOTable(table, { serialization: "binary2" }),
    binary: encodeVOTable(table, { serialization: "binary" }),
    tabledata: encodeVOTable(table, { serialization: "tabledata" }),
    fits: encodeFits(table),
  };
  for (const [name, bytes] of Object.entries(docs)) {
    assert.ok(bytes.length > 3 << 20, `${name} spans several direct reads (${bytes.length} bytes)`);
    let seen = 0;
    const fromFile = await viaFile(bytes, (n) => seen = n);
    const fromMemory = await viaMemory(bytes);
    assert.equal(fromFile.numRows, 30000, name);
    assert.deepEqual(ipc(fromFile), ipc(fromMemory), `${name}: same Arrow bytes`);
    // Progress counts the bytes read directly; FITS stops before the padding
    // after the last row (less than one 2880-byte block).
    const unread = bytes.length - seen;
    assert.ok(
      unread >= 0 && unread < (name === "fits" ? 2880 : 1),
      `${name}: ${unread} bytes not counted`,
    );
  }
});

Deno.test("CSV (types inferred from rows read twice) and TSV: the same table from the file as from its bytes", async () => {
  const table = await bigTable(8000);
  const header = table.schema.fields.map((f) => f.name);
  const csvRows = [header.join(",")];
  const tsvRows: string[] = [];
  const columns = header.map((n) => table.getChild(n)!);
  for (let r = 0; r < table.numRows; r++) {
    const cells = columns.map((c) => {
      const v = c.get(r);
      return v === null ? "" : String(v);
    });
    csvRows.push(cells.join(","));
    tsvRows.push(cells.join("\t"));
  }
  const csv = new TextEncoder().encode(csvRows.join("\n") + "\n");
  assert.ok(csv.length > 2 << 20, `several direct reads (${csv.length} bytes)`);
  assert.deepEqual(ipc(await viaFile(csv)), ipc(await viaMemory(csv)), "csv");
  const path = await Deno.makeTempFile({ suffix: ".tsv" });
  try {
    await Deno.writeFile(path, new TextEncoder().encode(tsvRows.join("\n") + "\n"));
    const fromFile = (await collectTable(readTsv(await Deno.open(path)))).table;
    const fromMemory = (await collectTable(readTsv(await Deno.readFile(path)))).table;
    assert.equal(fromFile.numRows, 40_000);
    assert.deepEqual(ipc(fromFile), ipc(fromMemory), "tsv");
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("gzip'd files large enough for the worker: recycled buffers give the same table", async () => {
  const table = await bigTable(8000);
  for (const serialization of ["binary2", "tabledata"] as const) {
    const plain = encodeVOTable(table, { serialization });
    // Stored without compression effort so that the file is over the worker threshold.
    const gz = gzipSync(plain, { level: 1 });
    const fromFile = await viaFile(gz);
    const fromMemory = await viaMemory(plain);
    assert.deepEqual(ipc(fromFile), ipc(fromMemory), serialization);
  }
  const fits = encodeFits(table);
  assert.deepEqual(
    ipc(await viaFile(gzipSync(fits, { level: 1 }))),
    ipc(await viaMemory(fits)),
    "fits",
  );
});

Deno.test("a TABLEDATA cell longer than the direct buffer grows it and is read whole", async () => {
  const long = "x".repeat(3 << 20) + "end";
  const notes = ["first", long, "last", "y".repeat(1 << 20)];
  const table = tableFromArrays({ id: Int32Array.from([1, 2, 3, 4]), note: notes });
  for (const serialization of ["tabledata", "binary2"] as const) {
    const t = await viaFile(encodeVOTable(table, { serialization }));
    assert.deepEqual(t.getChild("note")!.toArray(), notes, serialization);
  }
});
