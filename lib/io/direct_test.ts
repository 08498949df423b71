/**
 * Direct reads (direct.ts): what a file, a peeked stream and the gzip
 * worker's output give when read straight into the caller's buffer, mixed
 * with ordinary stream reads, at every buffer size, with the same errors.
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { type DirectRead, directRead } from "./direct.ts";
import { gunzipOnWorker } from "./gunzip_worker.ts";
import { concatBytes, fileStream, gzipError, openByteStream, peekBytes } from "./source.ts";
import { SizeLimitError, TruncatedInputError } from "./errors.ts";

/** Deterministic bytes that compress about 3:1. */
function sample(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = i % 5 === 0 ? 0x30 + (x >>> 28) : 0x20 + (i % 3);
  }
  return out;
}

async function tempFile(bytes: Uint8Array): Promise<string> {
  const path = await Deno.makeTempFile({ prefix: "deno-gaia-direct-" });
  await Deno.writeFile(path, bytes);
  return path;
}

/**
 * Reads with `read` into pieces of `size`, checking each count: everything,
 * or (with `limit`) until at least `limit` bytes have come.
 */
async function drain(read: DirectRead, size: number, limit = Infinity): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  const buf = new Uint8Array(size);
  for (let total = 0; total < limit;) {
    const n = await read(buf);
    if (n === null) break;
    assert.ok(n >= 1 && n <= size, `a direct read returned ${n} for ${size}`);
    pieces.push(buf.slice(0, n));
    total += n;
  }
  return concatBytes(pieces);
}

async function rest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  for (;;) {
    const r = await reader.read();
    if (r.done) return concatBytes(pieces);
    pieces.push(r.value);
  }
}

Deno.test("a regular file is read directly, synchronously, at any buffer size", async () => {
  const bytes = sample(3_000_001);
  const path = await tempFile(bytes);
  try {
    for (const size of [1, 4093, 1 << 20, 5 << 20]) {
      if (size === 1) {
        // Byte by byte only over a small file (a syscall each).
        const small = await tempFile(bytes.subarray(0, 5000));
        const read = directRead(fileStream(await Deno.open(small)))!;
        assert.equal(typeof read(new Uint8Array(1)), "number");
        await Deno.remove(small);
        continue;
      }
      const stream = fileStream(await Deno.open(path));
      const read = directRead(stream);
      assert.ok(read, "a regular file has a direct read");
      assert.deepEqual(await drain(read, size), bytes);
      // The file is closed at the end (the test's resource sanitizer checks),
      // and the stream then ends at once.
      assert.equal(read(new Uint8Array(8)), null);
      assert.ok((await stream.getReader().read()).done);
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("direct reads and stream reads mix: each continues where the other stopped", async () => {
  const bytes = sample(2_500_000);
  const path = await tempFile(bytes);
  try {
    const stream = fileStream(await Deno.open(path));
    const reader = stream.getReader();
    const first = await reader.read(); // 1 MiB through the stream
    const buf = new Uint8Array(100_000);
    const n = directRead(stream)!(buf) as number;
    const tail = await rest(reader);
    assert.deepEqual(concatBytes([first.value!, buf.subarray(0, n), tail]), bytes);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("a peeked stream reads directly only once its head has been taken", async () => {
  const bytes = sample(1_500_000);
  const path = await tempFile(bytes);
  try {
    const { head, stream } = await peekBytes(fileStream(await Deno.open(path)), 10);
    assert.equal(directRead(stream), undefined, "the head is still queued");
    const reader = stream.getReader();
    const got = await reader.read();
    assert.equal(got.value, head);
    const read = directRead(stream);
    assert.ok(read, "after the head, the file's direct read");
    assert.deepEqual(concatBytes([head, await drain(read, 65536)]), bytes);
    assert.ok((await reader.read()).done);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("no direct read from a device, bytes or a plain stream", async () => {
  const dev = await Deno.open("/dev/null");
  const s = fileStream(dev);
  assert.equal(directRead(s), undefined, "a device could block: no direct read");
  await s.cancel();
  assert.equal(directRead(ReadableStream.from([new Uint8Array(3)])), undefined);
  assert.equal(directRead(await openByteStream(new Uint8Array(30))), undefined);
});

Deno.test("the gzip worker's output reads directly: same bytes at any size, from a file or a stream", async () => {
  const plain = sample(9_000_000);
  const gz = gzipSync(plain, { level: 1 });
  const path = await tempFile(gz);
  try {
    for (const size of [7, 4093, 1 << 20, 3 << 20]) {
      // From a file (compressed pieces read directly too) and from a stream.
      for (const viaFile of [true, false]) {
        const source = viaFile
          ? await Deno.open(path)
          : ReadableStream.from([gz.subarray(0, 1000), gz.subarray(1000)]);
        const stream = await openByteStream(source, { gunzipWorker: true });
        const reader = stream.getReader();
        const head = await reader.read(); // as the readers do: the head through the stream
        const read = directRead(stream);
        assert.ok(read, "the worker's output has a direct read");
        const out = concatBytes([
          head.value!,
          size === 7 ? await drain(read, size, 300_000) : await drain(read, size),
        ]);
        if (size === 7) {
          assert.deepEqual(out, plain.subarray(0, out.length));
          await reader.cancel();
        } else {
          assert.deepEqual(out, plain);
          assert.ok((await reader.read()).done);
        }
      }
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("gzip worker: direct reads, then the stream continues with the rest of a chunk", async () => {
  const plain = sample(6_000_000, 3);
  const gz = gzipSync(plain);
  const stream = gunzipOnWorker(ReadableStream.from([gz]), gzipError);
  const reader = stream.getReader();
  const a = (await reader.read()).value!;
  const read = directRead(stream)!;
  const buf = new Uint8Array(12345);
  const n = (await read(buf))!;
  const b = buf.slice(0, n);
  const c = await rest(reader);
  assert.deepEqual(concatBytes([a, b, c]), plain);
});

Deno.test("gzip worker: a truncated file fails a direct read with TruncatedInputError", async () => {
  const gz = gzipSync(sample(12_000_000, 5), { level: 1 });
  const path = await tempFile(gz.subarray(0, gz.length - 5000));
  try {
    const stream = await openByteStream(await Deno.open(path), { gunzipWorker: true });
    const reader = stream.getReader();
    await reader.read();
    const read = directRead(stream)!;
    await assert.rejects(() => drain(read, 1 << 20), TruncatedInputError);
    await reader.cancel();
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("maxBytes and signal keep direct reads, with the same checks as the stream's pieces", async () => {
  const bytes = sample(3_000_000, 11);
  const path = await tempFile(bytes);
  const gzPath = await tempFile(gzipSync(bytes, { level: 1 }));
  try {
    for (const p of [path, gzPath]) {
      // Within the limit and not aborted: every byte, read directly.
      const ok = await openByteStream(await Deno.open(p), {
        maxBytes: bytes.length,
        signal: new AbortController().signal,
        gunzipWorker: true,
      });
      const reader = ok.getReader();
      const head = (await reader.read()).value!;
      const read = directRead(ok);
      assert.ok(read, `${p}: a direct read through the guard`);
      assert.deepEqual(concatBytes([head, await drain(read, 1 << 20)]), bytes);
      assert.ok((await reader.read()).done);

      // Over the limit: SizeLimitError, and the file (or the worker) is let go.
      const over = await openByteStream(await Deno.open(p), {
        maxBytes: 1_500_000,
        gunzipWorker: true,
      });
      const r2 = over.getReader();
      await r2.read();
      await assert.rejects(() => drain(directRead(over)!, 1 << 20), SizeLimitError);

      // Aborted: the signal's reason.
      const ctrl = new AbortController();
      const stopped = await openByteStream(await Deno.open(p), {
        signal: ctrl.signal,
        gunzipWorker: true,
      });
      const r3 = stopped.getReader();
      await r3.read();
      const read3 = directRead(stopped)!;
      await read3(new Uint8Array(1000));
      ctrl.abort(new Error("stop reading"));
      await assert.rejects(async () => await read3(new Uint8Array(1000)), /stop reading/);
    }
  } finally {
    await Deno.remove(path);
    await Deno.remove(gzPath);
  }
});
