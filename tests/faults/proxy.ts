/**
 * A fault-injection HTTP/1.1 proxy for tests: listens on 127.0.0.1, forwards
 * each request to an upstream (the local archive, DaCHS, or a scripted
 * origin), and misbehaves on the way back as a scenario says: drops the
 * connection mid-body, stalls, truncates, lies about Content-Length, answers
 * errors, loops redirects, ...
 *
 * It speaks raw HTTP/1.1 over TCP (`Deno.listen`) so that it can produce the
 * byte-level faults a real network produces, which `Deno.serve` would tidy
 * away. Every loop is bounded; `close()` stops it and ends open connections.
 */

/** What the proxy saw of a request (for assertions such as "created once"). */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Headers;
  body: Uint8Array;
}

/** An upstream answer the fault may rewrite. */
export interface UpstreamAnswer {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

/** What to send back, byte by byte. */
export interface FaultPlan {
  status: number;
  headers: [string, string][];
  /** Bytes to send after the headers. */
  body: Uint8Array;
  /** Stop after this many body bytes and close the socket. */
  dropAfter?: number;
  /** Stall this long (ms) after this many body bytes (or before the head when -1). */
  stallAt?: number;
  stallMs?: number;
  /** Send the body in small chunks with this delay between them (ms). */
  trickleMs?: number;
  trickleChunk?: number;
}

/**
 * A scenario decides, per request, what to send. `forward()` fetches the
 * upstream answer; `plain()` turns an answer into a normal plan.
 */
export type Scenario = (ctx: {
  request: SeenRequest;
  /** 0-based index of this request among those matching the same method+path. */
  count: number;
  /** 0-based index among all requests. */
  index: number;
  forward: () => Promise<UpstreamAnswer>;
  plain: (a: UpstreamAnswer) => FaultPlan;
}) => Promise<FaultPlan>;

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The proxy: start with {@linkcode startFaultProxy}. */
export interface FaultProxy {
  /** Base URL of the proxy (`http://127.0.0.1:<port>`). Maps 1:1 onto the upstream's paths. */
  url: string;
  /** Requests seen so far. */
  requests: SeenRequest[];
  /** Replaces the scenario (between phases of a test). */
  setScenario(s: Scenario): void;
  close(): Promise<void>;
}

/** Starts a proxy in front of `upstream` (an origin such as `http://127.0.0.1:8787`). */
export function startFaultProxy(upstream: string, scenario: Scenario): FaultProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const addr = listener.addr as Deno.NetAddr;
  const url = `http://127.0.0.1:${addr.port}`;
  const upstreamUrl = new URL(upstream);
  const requests: SeenRequest[] = [];
  const perPath = new Map<string, number>();
  const conns = new Set<Deno.Conn>();
  let current = scenario;
  let closed = false;

  const forward = async (req: SeenRequest): Promise<UpstreamAnswer> => {
    const target = new URL(req.path, upstreamUrl);
    const headers = new Headers(req.headers);
    headers.delete("host");
    headers.delete("content-length");
    headers.delete("connection");
    const res = await fetch(target, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : req.body as BodyInit,
      redirect: "manual",
    });
    const body = new Uint8Array(await res.arrayBuffer());
    const h = new Headers(res.headers);
    // fetch inflated any Content-Encoding; the bytes we pass on are plain.
    h.delete("content-encoding");
    h.delete("transfer-encoding");
    h.delete("content-length");
    const loc = h.get("location");
    if (loc) {
      // Keep the client talking to the proxy after redirects.
      const l = new URL(loc, target);
      if (l.origin === upstreamUrl.origin) h.set("location", url + l.pathname + l.search);
    }
    return { status: res.status, headers: h, body };
  };

  const plain = (a: UpstreamAnswer): FaultPlan => ({
    status: a.status,
    headers: [...a.headers.entries()],
    body: a.body,
  });

  const handle = async (conn: Deno.Conn) => {
    conns.add(conn);
    try {
      // One request per connection keeps the fault model simple (Connection: close).
      const req = await readRequest(conn);
      if (!req) return;
      requests.push(req);
      const key = `${req.method} ${req.path.split("?")[0]}`;
      const count = perPath.get(key) ?? 0;
      perPath.set(key, count + 1);
      let plan: FaultPlan;
      try {
        plan = await current({
          request: req,
          count,
          index: requests.length - 1,
          forward: () => forward(req),
          plain,
        });
      } catch (e) {
        plan = {
          status: 599,
          headers: [["content-type", "text/plain"]],
          body: enc.encode(`proxy error: ${e}`),
        };
      }
      await writePlan(conn, plan, () => closed);
    } catch {
      // The client went away or the plan dropped the connection: both expected here.
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  };

  (async () => {
    for await (const conn of listener) {
      if (closed) {
        conn.close();
        break;
      }
      handle(conn);
    }
  })().catch(() => {});

  return {
    url,
    requests,
    setScenario(s) {
      current = s;
    },
    close() {
      closed = true;
      try {
        listener.close();
      } catch { /* closed */ }
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      return Promise.resolve();
    },
  };
}

async function readRequest(conn: Deno.Conn): Promise<SeenRequest | undefined> {
  const buf = new Uint8Array(64 * 1024);
  let data: Uint8Array = new Uint8Array(0);
  let headEnd = -1;
  for (let i = 0; i < 1024 && headEnd < 0; i++) {
    const n = await conn.read(buf);
    if (n === null) return undefined;
    data = concat(data, buf.subarray(0, n));
    headEnd = indexOf(data, [13, 10, 13, 10]);
    if (data.length > 1 << 20) throw new Error("request head too large");
  }
  if (headEnd < 0) return undefined;
  const head = dec.decode(data.subarray(0, headEnd));
  const [requestLine, ...headerLines] = head.split("\r\n");
  const [method, path] = (requestLine ?? "").split(" ");
  const headers = new Headers();
  for (const line of headerLines) {
    const i = line.indexOf(":");
    if (i > 0) headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  let body: Uint8Array = data.subarray(headEnd + 4);
  const len = headers.get("content-length");
  if (len !== null) {
    const want = Number(len);
    for (let i = 0; i < 100_000 && body.length < want; i++) {
      const n = await conn.read(buf);
      if (n === null) break;
      body = concat(body, buf.subarray(0, n));
    }
    body = body.subarray(0, want);
  } else if ((headers.get("transfer-encoding") ?? "").includes("chunked")) {
    body = await readChunked(conn, body, buf);
  }
  return { method: method ?? "GET", path: path ?? "/", headers, body };
}

async function readChunked(
  conn: Deno.Conn,
  start: Uint8Array,
  buf: Uint8Array,
): Promise<Uint8Array> {
  let data: Uint8Array = start;
  const out: Uint8Array[] = [];
  for (let guard = 0; guard < 100_000; guard++) {
    const lineEnd = indexOf(data, [13, 10]);
    if (lineEnd < 0) {
      const n = await conn.read(buf);
      if (n === null) break;
      data = concat(data, buf.subarray(0, n));
      continue;
    }
    const size = parseInt(dec.decode(data.subarray(0, lineEnd)), 16);
    if (!Number.isFinite(size)) break;
    if (size === 0) break;
    while (data.length < lineEnd + 2 + size + 2) {
      const n = await conn.read(buf);
      if (n === null) return concat(...out);
      data = concat(data, buf.subarray(0, n));
    }
    out.push(data.slice(lineEnd + 2, lineEnd + 2 + size));
    data = data.subarray(lineEnd + 2 + size + 2);
  }
  return concat(...out);
}

async function writePlan(conn: Deno.Conn, plan: FaultPlan, isClosed: () => boolean): Promise<void> {
  const lines = [`HTTP/1.1 ${plan.status} ${reason(plan.status)}`];
  const names = new Set(plan.headers.map(([k]) => k.toLowerCase()));
  for (const [k, v] of plan.headers) lines.push(`${k}: ${v}`);
  if (!names.has("content-length")) lines.push(`content-length: ${plan.body.length}`);
  lines.push("connection: close", "", "");
  if (plan.stallAt === -1 && plan.stallMs) await sleep(plan.stallMs, isClosed);
  await writeAll(conn, enc.encode(lines.join("\r\n")));
  const body = plan.body;
  const limit = plan.dropAfter !== undefined ? Math.min(plan.dropAfter, body.length) : body.length;
  const chunk = plan.trickleChunk ?? (plan.trickleMs ? 64 : 64 * 1024);
  let at = 0;
  while (at < limit) {
    if (isClosed()) return;
    if (
      plan.stallAt !== undefined && plan.stallAt >= 0 && at <= plan.stallAt &&
      plan.stallAt < at + chunk
    ) {
      const upTo = plan.stallAt;
      if (upTo > at) await writeAll(conn, body.subarray(at, upTo));
      at = upTo;
      await sleep(plan.stallMs ?? 0, isClosed);
      plan = { ...plan, stallAt: undefined };
      continue;
    }
    const end = Math.min(limit, at + chunk);
    await writeAll(conn, body.subarray(at, end));
    at = end;
    if (plan.trickleMs) await sleep(plan.trickleMs, isClosed);
  }
  // dropAfter: returning closes the socket with the body short of its length.
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) at += await conn.write(bytes.subarray(at));
}

function sleep(ms: number, isClosed: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const end = Date.now() + ms;
    const tick = () => {
      if (isClosed() || Date.now() >= end) resolve();
      else setTimeout(tick, Math.min(50, end - Date.now()));
    };
    tick();
  });
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function indexOf(hay: Uint8Array, needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function reason(status: number): string {
  return ({
    200: "OK",
    303: "See Other",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
  } as Record<number, string>)[status] ?? "Status";
}

/** Helpers for scenarios. */
export const text = (s: string) => enc.encode(s);
export const decodeText = (b: Uint8Array) => dec.decode(b);
