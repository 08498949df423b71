/**
 * Gzip decompression on a worker thread, so that a large `.gz` input is
 * inflated on one core while the reader parses on another.
 *
 * The main side ({@linkcode gunzipOnWorker}) feeds compressed chunks to a
 * worker inflating with `node:zlib` (twice as fast as `DecompressionStream`
 * in Deno; `DecompressionStream` when `node:zlib` cannot load) and receives
 * the decompressed chunks back as transferred buffers. Memory stays bounded:
 * the worker sends at most {@linkcode GUNZIP_WORKER_AHEAD} bytes the reader
 * has not yet asked for, and asks for compressed input only as it inflates.
 * The worker ends with the stream: at its end, on an error, or when the
 * stream is cancelled (which also cancels the compressed source).
 *
 * @module
 */
import { type DirectRead, directRead, setDirectRead } from "./direct.ts";

/**
 * Decompressed bytes the worker may send ahead of the reader. A few chunks
 * so that both threads stay busy; the bound on memory a slow reader sees.
 */
export const GUNZIP_WORKER_AHEAD = 8 << 20;

/**
 * The worker, as plain JavaScript (loaded from a blob URL: no file to read,
 * no permission, no TypeScript to compile).
 *
 * It inflates with `node:zlib`, which in Deno is about twice as fast as
 * `DecompressionStream` (a 23 MB `.gz` of a 47 MB VOTable: ~100 ms against
 * ~210 ms), with the same error messages as far as the caller's mapping is
 * concerned: truncation and bad checksums say "unexpected end" or
 * "checksum", anything after the gzip data is an error. A file of several
 * gzip members (valid gzip) is read whole, where `DecompressionStream`
 * rejects it. Without `node:zlib` it uses `DecompressionStream`.
 *
 * Messages to the worker: `{t: "init", zlib: boolean}` first, then
 * `{t: "in", c: Uint8Array}`, `{t: "end"}`, `{t: "credit", n, c?}` (c: an
 * output buffer handed back). From it: `{t: "need", c?}` (c: the input
 * piece's buffer, handed back), `{t: "out", c}`, `{t: "done"}`,
 * `{t: "error", name, message, consumed}`.
 */
const WORKER_SOURCE = `
async function inflater(useZlib) {
  let zlib;
  try {
    if (!useZlib) throw 0;
    zlib = await import("node:zlib");
  } catch {
    return new DecompressionStream("gzip");
  }
  // Output buffers come back from the reader once copied out ("credit" with
  // c) and zlib fills them again: pages already touched, none to zero-fill.
  // zlib takes each output buffer from Buffer.allocUnsafe; this isolate runs
  // nothing else, so that is where recycled ones are handed in.
  const { Buffer } = await import("node:buffer");
  const allocUnsafe = Buffer.allocUnsafe;
  Buffer.allocUnsafe = function (n) {
    return n === CHUNK && pool.length ? Buffer.from(pool.pop(), 0, n) : allocUnsafe.call(this, n);
  };
  const g = zlib.createGunzip({ chunkSize: CHUNK });
  recycleIn = true;
  let out = null, err = null, fed = 0, settle = null;
  const done = (e) => { const s = settle; settle = null; if (s) s(e); };
  // zlib hands out views of one output buffer until it is full, then starts
  // a new one: each buffer is sent whole once zlib has moved on from it
  // (transferred, not copied into a fresh one).
  let cur = null, from = 0, to = 0;
  const flush = () => {
    if (cur) out.enqueue(new Uint8Array(cur, from, to - from));
    cur = null;
  };
  g.on("data", (c) => {
    if (c.buffer !== cur || c.byteOffset !== to) {
      flush();
      cur = c.buffer;
      from = c.byteOffset;
    }
    to = c.byteOffset + c.byteLength;
    if (to === cur.byteLength) flush();
  });
  g.on("error", (e) => {
    err = new TypeError(
      e.code === "Z_BUF_ERROR" || /unexpected end/i.test(e.message)
        ? "unexpected end of the gzip data (truncated): " + e.message
        : /data check/i.test(e.message)
        ? "corrupt or truncated gzip data, checksum mismatch: " + e.message
        : e.message,
    );
    done(err);
  });
  g.on("end", () => {
    if (g.bytesWritten < fed) err = new TypeError("unexpected trailing bytes after the gzip data");
    flush();
    done(err);
  });
  const wait = (start) => new Promise((res, rej) => {
    if (err) return rej(err);
    settle = (e) => (e ? rej(e) : res());
    start();
  });
  return new TransformStream({
    start(c) { out = c; },
    transform(chunk) {
      fed += chunk.length;
      return wait(() => g.write(chunk, () => done(err)));
    },
    flush() {
      return wait(() => g.end());
    },
  });
}
const CHUNK = 1 << 20;
const pool = [];
let recycleIn = false; // zlib is done with a piece once written
let credit = ${GUNZIP_WORKER_AHEAD};
let wake = null;
let consumed = 0;
let failed = false;
const inbox = [];
let writer = null;
function fail(e) {
  if (failed) return;
  failed = true;
  self.postMessage({ t: "error", name: e && e.name, message: String(e && e.message || e), consumed });
}
function take(m) {
  if (m.t === "in") {
    consumed += m.c.length;
    // The piece is inflated: its buffer goes back to be filled again.
    writer.write(m.c).then(
      () => recycleIn ? self.postMessage({ t: "need", c: m.c }, [m.c.buffer]) : self.postMessage({ t: "need" }),
      fail,
    );
  } else if (m.t === "end") {
    writer.close().catch(fail);
  }
}
let init;
const started = new Promise((r) => { init = r; });
self.onmessage = (ev) => {
  const m = ev.data;
  if (m.t === "init") init(m.zlib);
  else if (m.t === "credit") {
    credit += m.n;
    if (m.c && m.c.buffer.byteLength === CHUNK && pool.length < 64) pool.push(m.c.buffer);
    if (wake && credit > 0) { const w = wake; wake = null; w(); }
  } else if (writer) take(m);
  else inbox.push(m);
};
(async () => {
  try {
    const ds = await inflater(await started);
    writer = ds.writable.getWriter();
    const reader = ds.readable.getReader();
    for (const m of inbox.splice(0)) take(m);
    for (;;) {
      while (credit <= 0) await new Promise((r) => { wake = r; });
      const r = await reader.read();
      if (r.done) break;
      let c = r.value;
      // A copy (not slice(): on a node Buffer that is a view) when the
      // chunk shares its buffer.
      if (c.byteOffset !== 0 || c.byteLength !== c.buffer.byteLength) c = new Uint8Array(c);
      credit -= c.length;
      self.postMessage({ t: "out", c }, [c.buffer]);
    }
    self.postMessage({ t: "done" });
  } catch (e) {
    fail(e);
  }
})();
`;

let workerUrl: string | undefined;

/** Largest compressed piece handed to the worker at a time. */
const FEED_PIECE = 1 << 20;

/**
 * Buffers this library made and handed to no one else (`fileStream`'s
 * pieces): they are transferred to the worker; any other chunk is copied, so
 * that a caller's array is never detached.
 */
export const ownedBuffers: WeakSet<ArrayBufferLike> = new WeakSet();

// Best effort for a stream dropped without being read to the end or
// cancelled: its worker would otherwise keep the process alive.
const dropped = new FinalizationRegistry<Worker>((w) => w.terminate());

/**
 * Inflates a gzip stream on a worker thread.
 *
 * @param compressed The gzip bytes.
 * @param toError Turns an error (the platform's `TypeError` for bad data, or
 *   the compressed stream's own error) and the compressed bytes handed to the
 *   decompressor so far into the error the returned stream rejects with.
 * @param options `zlib: false` inflates with `DecompressionStream` on the
 *   worker too (by default `node:zlib`, when the worker can load it).
 * @returns The decompressed bytes, pulled with backpressure.
 * @throws the platform's error when a worker cannot be started (the caller
 *   then decompresses in this thread).
 *
 * @example
 * ```ts
 * import { gunzipOnWorker } from "./gunzip_worker.ts";
 * const gz = new Blob(["hello ".repeat(1000)]).stream().pipeThrough(new CompressionStream("gzip"));
 * const out = gunzipOnWorker(gz, (e) => e);
 * const text = await new Response(out).text();
 * if (text.length !== 6000) throw new Error(String(text.length));
 * ```
 */
export function gunzipOnWorker(
  compressed: ReadableStream<Uint8Array>,
  toError: (error: unknown, consumed: number) => unknown,
  options: { zlib?: boolean } = {},
): ReadableStream<Uint8Array> {
  workerUrl ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
  const worker = new Worker(workerUrl, { type: "module" });
  worker.postMessage({ t: "init", zlib: options.zlib ?? true });
  const source = compressed.getReader();
  const queue: Uint8Array[] = [];
  let finished = false; // the worker is gone (done, failed or terminated)
  let ended = false; // all decompressed bytes have arrived
  let failure: unknown;
  let waiting: (() => void) | undefined;
  let sent = 0; // compressed bytes handed to the worker

  const stop = () => {
    if (finished) return;
    finished = true;
    worker.terminate();
    dropped.unregister(worker);
  };
  const wakeReader = () => {
    const w = waiting;
    waiting = undefined;
    w?.();
  };
  // One pump feeds the worker, in order, with at most two pieces in flight
  // (so that it never waits for a round trip); "need" returns a slot.
  let pending: Uint8Array | undefined; // the rest of a large compressed chunk
  const spare: ArrayBuffer[] = []; // input buffers handed back, for direct reads
  let slots = 2;
  let pumping = false;
  let sourceDone = false;
  // The next compressed piece, or null at the end: a file is read straight
  // into a buffer the worker has handed back.
  const nextPiece = async (): Promise<{ c: Uint8Array; own: boolean } | null> => {
    if (pending) {
      const c = pending;
      pending = undefined;
      return { c, own: false };
    }
    const direct = directRead(compressed);
    if (direct) {
      const buf = spare.pop() ?? new ArrayBuffer(FEED_PIECE);
      const n = await direct(new Uint8Array(buf));
      return n === null ? null : { c: new Uint8Array(buf, 0, n), own: true };
    }
    const r = await source.read();
    return r.done ? null : { c: r.value, own: false };
  };
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      while (slots > 0 && !finished && !sourceDone) {
        let piece: { c: Uint8Array; own: boolean } | null;
        try {
          piece = await nextPiece();
        } catch (e) {
          if (finished) return;
          failure = toError(e, sent);
          stop();
          wakeReader();
          return;
        }
        if (finished) return;
        if (piece === null) {
          sourceDone = true;
          worker.postMessage({ t: "end" });
          return;
        }
        let { c, own } = piece;
        if (c.length === 0) continue;
        // A large chunk goes in pieces, so that inflating and parsing overlap.
        if (c.length > FEED_PIECE) {
          pending = c.subarray(FEED_PIECE);
          c = c.subarray(0, FEED_PIECE);
        }
        own ||= ownedBuffers.has(c.buffer) && c.byteOffset === 0 &&
          c.byteLength === c.buffer.byteLength;
        // Anything else is copied before the transfer; not with slice(),
        // which on a node Buffer (a subclass) makes a view and would detach
        // the caller's memory.
        if (!own) c = new Uint8Array(c);
        sent += c.length;
        slots--;
        worker.postMessage({ t: "in", c }, [c.buffer as ArrayBuffer]);
      }
    } finally {
      pumping = false;
    }
  };
  worker.onmessage = (ev: MessageEvent) => {
    const m = ev.data as
      | { t: "need"; c?: Uint8Array }
      | { t: "out"; c: Uint8Array }
      | { t: "done" }
      | { t: "error"; name: string; message: string; consumed: number };
    if (finished) return;
    switch (m.t) {
      case "need":
        if (m.c?.buffer.byteLength === FEED_PIECE) spare.push(m.c.buffer as ArrayBuffer);
        slots++;
        void pump();
        break;
      case "out":
        queue.push(m.c);
        wakeReader();
        break;
      case "done":
        ended = true;
        stop();
        wakeReader();
        break;
      case "error":
        failure = toError(
          m.name === "TypeError" ? new TypeError(m.message) : new Error(m.message),
          m.consumed,
        );
        stop();
        source.cancel(failure).catch(() => {});
        wakeReader();
        break;
    }
  };
  worker.onerror = (ev: ErrorEvent) => {
    ev.preventDefault();
    if (finished) return;
    failure = ev.error ?? new Error(ev.message);
    stop();
    source.cancel(failure).catch(() => {});
    wakeReader();
  };
  void pump();

  const out = new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (queue.length === 0 && !ended && failure === undefined) {
        await new Promise<void>((r) => waiting = r);
      }
      const c = queue.shift();
      if (c) {
        controller.enqueue(at > 0 ? c.subarray(at) : c); // the rest, after direct reads
        at = 0;
        if (!finished) worker.postMessage({ t: "credit", n: c.length });
      } else if (failure !== undefined) {
        throw failure;
      } else controller.close();
    },
    cancel(reason) {
      stop();
      queue.length = 0;
      return source.cancel(reason);
    },
  }, { highWaterMark: 0 });
  // Direct reads copy out of the queued chunks and hand each buffer back to
  // be refilled (see direct.ts), so neither thread touches fresh pages.
  let at = 0; // bytes of queue[0] already copied out
  const direct: DirectRead = async (into) => {
    while (queue.length === 0 && !ended && failure === undefined) {
      await new Promise<void>((r) => waiting = r);
    }
    const c = queue[0];
    if (!c) {
      if (failure !== undefined) throw failure;
      return null;
    }
    const n = Math.min(into.length, c.length - at);
    into.set(c.subarray(at, at + n));
    at += n;
    if (at === c.length) {
      queue.shift();
      at = 0;
      if (!finished) worker.postMessage({ t: "credit", n: c.length, c }, [c.buffer as ArrayBuffer]);
    }
    return n;
  };
  setDirectRead(out, () => direct);
  dropped.register(out, worker, worker);
  return out;
}
