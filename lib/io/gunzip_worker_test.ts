/**
 * Gzip on a worker thread (the fast path for large inputs, node:zlib there)
 * against DecompressionStream in this thread (the fallback, and the path for
 * small inputs): the same bytes, the same kinds of errors at the same
 * offsets, cancellation, and the choice between them.
 */
import assert from "node:assert/strict";
import { GUNZIP_WORKER_AHEAD, gunzipOnWorker } from "./gunzip_worker.ts";
import {
  fileStream,
  GUNZIP_WORKER_MIN_BYTES,
  gunzipStream,
  openByteStream,
  peekBytes,
  readAllBytes,
  toByteStream,
} from "./source.ts";
import { SizeLimitError, type TableFormatError, TruncatedInputError } from "./errors.ts";

/** Gzip, by CompressionStream. */
async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const s = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

/** Text that compresses about 3:1, like a table. */
function tableText(rows: number, seed = 1): Uint8Array {
  let x = seed;
  const lines: string[] = ["source_id,ra,dec\n"];
  for (let i = 0; i < rows; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    lines.push(`${4295806720 + i * 7919},${(x % 36000000) / 1e5},${(x % 1800000) / 1e4 - 90}\n`);
  }
  return new TextEncoder().encode(lines.join(""));
}

function chunked(b: Uint8Array, n: number): ReadableStream<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < b.length; i += n) parts.push(b.subarray(i, i + n));
  return ReadableStream.from(parts);
}

type Outcome = { bytes: Uint8Array } | {
  name: string;
  offset: number | undefined;
  message: string;
};

async function outcome(s: ReadableStream<Uint8Array>): Promise<Outcome> {
  try {
    return { bytes: await readAllBytes(s) };
  } catch (e) {
    const err = e as TableFormatError;
    return { name: err.name, offset: err.offset, message: err.message };
  }
}

/** Counts the workers started while `fn` runs, and those still running after it. */
async function countWorkers(fn: () => Promise<void>): Promise<number> {
  return (await trackWorkers(fn)).started;
}

async function trackWorkers(fn: () => Promise<void>): Promise<{ started: number; live: number }> {
  const Original = globalThis.Worker;
  let started = 0;
  let live = 0;
  globalThis.Worker = class extends Original {
    #ended = false;
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      started++;
      live++;
    }
    override terminate(): void {
      if (!this.#ended) live--;
      this.#ended = true;
      super.terminate();
    }
  };
  try {
    await fn();
  } finally {
    globalThis.Worker = Original;
  }
  return { started, live };
}

Deno.test("gunzip on a worker: the same bytes as in this thread, any chunking", async () => {
  const text = tableText(400_000);
  const gz = await gzip(text);
  assert.ok(gz.length > 2 << 20, "large enough to be fed in pieces");
  for (const size of [1, 7, 4096, 1 << 20, (1 << 20) + 12345, gz.length]) {
    // Tiny chunks: a prefix (a truncated stream, the same error both ways).
    const input = size === 1 ? gz.subarray(0, 600) : size === 7 ? gz.subarray(0, 20_000) : gz;
    const inline = await outcome(gunzipStream(chunked(input, size)));
    const worker = await outcome(gunzipStream(chunked(input, size), { worker: true }));
    if ("bytes" in inline) assert.deepEqual(worker, inline, `chunks of ${size}`);
    else {
      assert.ok("name" in worker, `chunks of ${size}: should fail`);
      assert.deepEqual([worker.name, worker.offset], [inline.name, inline.offset]);
    }
  }
  assert.deepEqual(
    await readAllBytes(gunzipStream(chunked(gz, 65536), { worker: true })),
    text,
  );
});

Deno.test("gunzip on a worker: the caller's chunks are copied, never detached", async () => {
  const gz = await gzip(tableText(1000));
  const copy = gz.slice();
  await readAllBytes(gunzipStream(toByteStream(gz), { worker: true }));
  assert.equal(gz.length, copy.length);
  assert.deepEqual(gz, copy);
});

Deno.test("gunzip on a worker: the same kinds of errors at the same offsets as in this thread", async () => {
  const gz = await gzip(tableText(60_000, 7));
  const flip = (at: number) => {
    const b = gz.slice();
    b[at]! ^= 0x55;
    return b;
  };
  const cases: Record<string, Uint8Array> = {
    "truncated near the end": gz.subarray(0, gz.length - 100),
    "truncated in the middle": gz.subarray(0, gz.length >> 1),
    "header only": gz.subarray(0, 10),
    "trailing garbage": new Uint8Array([...gz, 1, 2, 3]),
    "corrupt deflate data": flip(gz.length >> 1),
    "bad CRC": flip(gz.length - 6),
    "bad header": new Uint8Array([0x1f, 0x8b, 9, 9, 9]),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    const inline = await outcome(gunzipStream(chunked(bytes, 65536)));
    const worker = await outcome(gunzipStream(chunked(bytes, 65536), { worker: true }));
    assert.ok("name" in inline && "name" in worker, `${name}: should fail`);
    // zlib names a bad header for what it is; DecompressionStream calls it a checksum error.
    const kind = name === "bad header" ? "TableFormatError" : inline.name;
    assert.deepEqual([worker.name, worker.offset], [kind, inline.offset], name);
  }
  // Several gzip members (valid gzip): read whole on the worker.
  const two = new Uint8Array([...gz, ...gz]);
  const text = tableText(60_000, 7);
  assert.deepEqual(
    await readAllBytes(gunzipStream(chunked(two, 65536), { worker: true })),
    new Uint8Array([...text, ...text]),
  );
  // Truncation is a TruncatedInputError with the compressed offset.
  const cut = gz.subarray(0, gz.length >> 1);
  await assert.rejects(readAllBytes(gunzipStream(chunked(cut, 65536), { worker: true })), (e) => {
    assert.ok(e instanceof TruncatedInputError);
    assert.equal(e.offset, cut.length);
    return true;
  });
});

Deno.test("gunzip on a worker: a failing source rejects with its own error", async () => {
  const gz = await gzip(tableText(20_000));
  const boom = new Error("connection reset");
  const source = () =>
    new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(gz.slice(0, 50_000));
      },
      pull(c) {
        c.error(boom);
      },
    });
  await assert.rejects(readAllBytes(gunzipStream(source(), { worker: true })), (e) => e === boom);
  await assert.rejects(readAllBytes(gunzipStream(source())), (e) => e === boom);
});

Deno.test("gunzip on a worker: cancel stops the worker and cancels the source", async () => {
  const gz = await gzip(tableText(300_000));
  let cancelled: unknown;
  const workers = await trackWorkers(async () => {
    let at = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(c) {
        if (at >= gz.length) return c.close();
        c.enqueue(gz.slice(at, at += 65536));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const reader = gunzipStream(source, { worker: true }).getReader();
    const first = await reader.read();
    assert.ok(first.value!.length > 0);
    await reader.cancel("enough");
  });
  assert.equal(cancelled, "enough");
  assert.deepEqual(workers, { started: 1, live: 0 });
});

Deno.test("gunzip on a worker: the worker ends with the stream, read to the end or failed", async () => {
  const gz = await gzip(tableText(50_000));
  assert.deepEqual(
    await trackWorkers(async () => {
      await readAllBytes(gunzipStream(chunked(gz, 8192), { worker: true }));
    }),
    { started: 1, live: 0 },
  );
  assert.deepEqual(
    await trackWorkers(async () => {
      await assert.rejects(
        readAllBytes(gunzipStream(chunked(gz.subarray(0, 30_000), 8192), { worker: true })),
        TruncatedInputError,
      );
    }),
    { started: 1, live: 0 },
  );
});

Deno.test("gunzip on a worker: a slow reader bounds what the worker sends ahead", async () => {
  const text = new Uint8Array(64 << 20).fill(65); // 64 MiB of 'A': tiny compressed
  const gz = await gzip(text);
  const Original = globalThis.Worker;
  let received = 0; // decompressed bytes that reached this thread
  globalThis.Worker = class extends Original {
    override set onmessage(fn: ((ev: MessageEvent) => void) | null) {
      super.onmessage = (ev: MessageEvent) => {
        if (ev.data?.t === "out") received += ev.data.c.length;
        fn?.call(this, ev);
      };
    }
  };
  try {
    const reader = gunzipStream(chunked(gz, 1024), { worker: true }).getReader();
    let got = (await reader.read()).value!.length;
    // The reader pauses; the worker runs ahead only as far as it may.
    await new Promise((res) => setTimeout(res, 500));
    assert.ok(received > got, "the worker runs ahead");
    assert.ok(
      received <= got + GUNZIP_WORKER_AHEAD + (2 << 20),
      `${received} bytes sent ahead of ${got} read`,
    );
    for (;;) {
      const x = await reader.read();
      if (x.done) break;
      got += x.value.length;
    }
    assert.equal(got, text.length);
    assert.equal(received, text.length);
  } finally {
    globalThis.Worker = Original;
  }
});

Deno.test("openByteStream: large gzip inflated on a worker, small in this thread, or as asked", async () => {
  const small = await gzip(tableText(2000));
  const big = await gzip(tableText(600_000));
  assert.ok(small.length < GUNZIP_WORKER_MIN_BYTES && big.length >= GUNZIP_WORKER_MIN_BYTES);
  const expectBig = await readAllBytes(gunzipStream(toByteStream(big)));

  // Known sizes: bytes, a Blob, an open file, a Response with a Content-Length.
  const path = await Deno.makeTempFile();
  await Deno.writeFile(path, big);
  try {
    for (
      const [name, make] of [
        ["bytes", () => big],
        ["blob", () => new Blob([big as BlobPart])],
        ["file", () => Deno.openSync(path)],
        // As cli/input.ts hands it on: the file's stream, peeked at.
        [
          "peeked file stream",
          async () => (await peekBytes(fileStream(Deno.openSync(path)), 8)).stream,
        ],
        ["response", () =>
          new Response(chunked(big, 65536), {
            headers: { "content-length": String(big.length) },
          })],
      ] as const
    ) {
      let bytes: Uint8Array = new Uint8Array(0);
      const n = await countWorkers(async () => {
        bytes = await readAllBytes(await openByteStream(await make()));
      });
      assert.equal(n, 1, `${name}: one worker`);
      assert.deepEqual(bytes, expectBig, name);
    }
  } finally {
    await Deno.remove(path);
  }
  // A stream of unknown size is inflated in this thread, unless asked.
  assert.equal(
    await countWorkers(async () =>
      void await readAllBytes(await openByteStream(chunked(big, 65536)))
    ),
    0,
  );
  assert.equal(
    await countWorkers(async () => {
      void await readAllBytes(await openByteStream(chunked(big, 65536), { gunzipWorker: true }));
    }),
    1,
  );
  assert.equal(
    await countWorkers(async () => void await readAllBytes(await openByteStream(small))),
    0,
  );
  assert.equal(
    await countWorkers(async () => {
      void await readAllBytes(await openByteStream(chunked(small, 100)));
    }),
    0,
  );
  assert.equal(
    await countWorkers(async () => {
      void await readAllBytes(await openByteStream(big, { gunzipWorker: false }));
    }),
    0,
  );
  assert.equal(
    await countWorkers(async () => {
      void await readAllBytes(await openByteStream(small, { gunzipWorker: true }));
    }),
    1,
  );
});

Deno.test("openByteStream: maxBytes and abort stop the worker with the usual errors", async () => {
  const big = await gzip(tableText(600_000));
  const workers = await trackWorkers(async () => {
    await assert.rejects(
      readAllBytes(
        await openByteStream(chunked(big, 65536), { maxBytes: 1 << 20, gunzipWorker: true }),
      ),
      SizeLimitError,
    );
    const ctrl = new AbortController();
    const s = await openByteStream(chunked(big, 65536), {
      signal: ctrl.signal,
      gunzipWorker: true,
    });
    const reader = s.getReader();
    await reader.read();
    ctrl.abort(new Error("stop"));
    await assert.rejects(
      (async () => {
        for (;;) if ((await reader.read()).done) break;
      })(),
      /stop/,
    );
  });
  assert.deepEqual(workers, { started: 2, live: 0 });
});

Deno.test("gunzipStream: falls back to this thread when no worker can start", async () => {
  const gz = await gzip(tableText(5000));
  const Original = globalThis.Worker;
  // deno-lint-ignore no-explicit-any
  (globalThis as any).Worker = function () {
    throw new Error("no workers here");
  };
  try {
    const bytes = await readAllBytes(gunzipStream(chunked(gz, 4096), { worker: true }));
    assert.deepEqual(bytes, tableText(5000));
  } finally {
    globalThis.Worker = Original;
  }
});

Deno.test("gunzipOnWorker: a worker per stream, each ended", async () => {
  const texts = [tableText(3000, 1), tableText(4000, 2), tableText(5000, 3)];
  const outs = await Promise.all(
    texts.map(async (t) => readAllBytes(gunzipOnWorker(chunked(await gzip(t), 1000), (e) => e))),
  );
  outs.forEach((o, i) => assert.deepEqual(o, texts[i]));
});

Deno.test("openTable: a large gzip'd input of unknown format ends its worker", async () => {
  const { openTable } = await import("../formats/sniff.ts");
  const { UnknownFormatError } = await import("../formats/errors.ts");
  // An HTML page padded with incompressible bytes, over the worker threshold.
  const noise = new Uint8Array(GUNZIP_WORKER_MIN_BYTES + 65536);
  for (let i = 0; i < noise.length; i += 65536) {
    crypto.getRandomValues(noise.subarray(i, i + 65536));
  }
  const page = new Uint8Array([...new TextEncoder().encode("<!DOCTYPE html><p>"), ...noise]);
  const gz = await gzip(page);
  assert.ok(gz.length >= GUNZIP_WORKER_MIN_BYTES);
  const workers = await trackWorkers(async () => {
    await assert.rejects(openTable(gz), UnknownFormatError);
  });
  assert.deepEqual(workers, { started: 1, live: 0 });
});

Deno.test("gunzipOnWorker without node:zlib: DecompressionStream there, exactly as in this thread", async () => {
  const { gzipError } = await import("./source.ts");
  const gz = await gzip(tableText(100_000, 3));
  const cases = [
    gz,
    gz.subarray(0, gz.length >> 1),
    new Uint8Array([...gz, 9]),
    gz.subarray(0, 12),
  ];
  for (const bytes of cases) {
    const inline = await outcome(gunzipStream(chunked(bytes, 65536)));
    const worker = await outcome(
      gunzipOnWorker(chunked(bytes, 65536), gzipError, { zlib: false }),
    );
    assert.deepEqual(worker, inline, `${bytes.length} bytes`);
  }
});

Deno.test("gunzip on a worker: node Buffers are copied, never detached from their owner", async () => {
  const { gzipSync } = await import("node:zlib");
  const plain = tableText(60_000);
  const gz = gzipSync(plain); // a node Buffer: its slice() is a view
  const size = gz.buffer.byteLength;
  const out = gunzipOnWorker(
    ReadableStream.from([gz.subarray(0, 1000), gz.subarray(1000)]),
    (e) => e,
  );
  assert.deepEqual(await readAllBytes(out), plain);
  assert.equal(gz.buffer.byteLength, size, "the caller's buffer is intact");
});
