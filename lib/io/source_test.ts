/**
 * Byte sources: an open Deno.FsFile read in large pieces (the fast path for
 * files) against the file's own `readable` (the fallback any stream takes).
 */
import assert from "node:assert/strict";
import {
  FILE_CHUNK_BYTES,
  fileStream,
  openByteStream,
  readAllBytes,
  toByteStream,
} from "./source.ts";
import { TruncatedInputError } from "./errors.ts";

async function tempFile(bytes: Uint8Array): Promise<string> {
  const path = await Deno.makeTempFile({ prefix: "deno-gaia-io-" });
  await Deno.writeFile(path, bytes);
  return path;
}

function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 11)) & 255;
  return b;
}

async function chunksOf(s: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const c of s) out.push(c);
  return out;
}

Deno.test("FsFile source: read in FILE_CHUNK_BYTES pieces, same bytes as readable, closed at the end", async () => {
  const data = pattern(FILE_CHUNK_BYTES * 2 + 12345);
  const path = await tempFile(data);
  try {
    const file = await Deno.open(path);
    const chunks = await chunksOf(toByteStream(file));
    assert.deepEqual(chunks.map((c) => c.length), [FILE_CHUNK_BYTES, FILE_CHUNK_BYTES, 12345]);
    // Fresh buffers: a reader may keep views of earlier chunks.
    assert.notEqual(chunks[0]!.buffer, chunks[1]!.buffer);
    // The short tail is copied out rather than pinning a whole 1 MiB buffer.
    assert.equal(chunks[2]!.buffer.byteLength, 12345);
    const viaReadable = await readAllBytes((await Deno.open(path)).readable);
    assert.deepEqual(await readAllBytes(new Blob(chunks as BlobPart[]).stream()), viaReadable);
    assert.deepEqual(viaReadable, data);
    // Closed at the end of the stream, as FsFile.readable does.
    await assert.rejects(() => file.read(new Uint8Array(1)), Deno.errors.BadResource);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("FsFile source: an empty file is an empty stream", async () => {
  const path = await tempFile(new Uint8Array(0));
  try {
    assert.deepEqual(await chunksOf(toByteStream(await Deno.open(path))), []);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("FsFile source: cancel closes the file; a caller's own close is harmless", async () => {
  const path = await tempFile(pattern(3 * 65536));
  try {
    const file = await Deno.open(path);
    const reader = fileStream(file, 65536).getReader();
    assert.equal((await reader.read()).value!.length, 65536);
    await reader.cancel();
    await assert.rejects(() => file.read(new Uint8Array(1)), Deno.errors.BadResource);

    const file2 = await Deno.open(path);
    const s = fileStream(file2, 65536);
    file2.close(); // the caller closed it first: the read error surfaces, no double-close error
    await assert.rejects(() => readAllBytes(s), Deno.errors.BadResource);
  } finally {
    await Deno.remove(path);
  }
  assert.throws(() => fileStream({} as Deno.FsFile, 0), RangeError);
});

Deno.test("FsFile source: short reads from a pipe come as they arrive, each copied to its size", async () => {
  const dir = await Deno.makeTempDir();
  const fifo = `${dir}/fifo`;
  try {
    const mk = await new Deno.Command("mkfifo", { args: [fifo] }).output();
    assert.ok(mk.success);
    const writer = (async () => {
      const w = await Deno.open(fifo, { write: true });
      for (const piece of ["<VOT", "ABLE>", "x"]) {
        await w.write(new TextEncoder().encode(piece));
        await new Promise((r) => setTimeout(r, 30));
      }
      w.close();
    })();
    const chunks = await chunksOf(toByteStream(await Deno.open(fifo)));
    await writer;
    assert.equal(
      new TextDecoder().decode(await readAllBytes(ReadableStream.from(chunks))),
      "<VOTABLE>x",
    );
    assert.ok(chunks.length >= 2, `${chunks.length} chunks: a pipe's pieces are not held back`);
    for (const c of chunks) assert.equal(c.buffer.byteLength, c.length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("FsFile source: gzip undone and a truncated gzip file rejects with its offset", async () => {
  const text = "source_id,ra\n" + "4295806720,44.99\n".repeat(50_000);
  const gz = new Uint8Array(
    await new Response(
      new Blob([text]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  );
  const path = await tempFile(gz);
  const cut = await tempFile(gz.subarray(0, gz.length - 20));
  try {
    const bytes = await readAllBytes(await openByteStream(await Deno.open(path)));
    assert.equal(new TextDecoder().decode(bytes), text);
    const err = await readAllBytes(await openByteStream(await Deno.open(cut))).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(err instanceof TruncatedInputError, String(err));
    assert.equal(err.offset, gz.length - 20);
  } finally {
    await Deno.remove(path);
    await Deno.remove(cut);
  }
});

Deno.test("FsFile source: openTable reads the same table from the file as from its readable", async () => {
  const { openTable } = await import("../formats/sniff.ts");
  const { collectTable } = await import("../table/reader.ts");
  const { tableToIPC } = await import("apache-arrow");
  const dir = new URL("../../../shared/fixtures/dachs/", import.meta.url);
  for (const name of ["sync-nulls-b2.vot", "sync-nulls-td.vot"]) {
    const path = new URL(name, dir);
    const fast = await collectTable(await openTable(await Deno.open(path)));
    const slow = await collectTable(await openTable((await Deno.open(path)).readable));
    assert.ok(fast.table.numRows > 0);
    assert.deepEqual(tableToIPC(fast.table), tableToIPC(slow.table), name);
    assert.deepEqual(fast.meta, slow.meta);
  }
});
