/**
 * Helpers for the local archive tests: start an archive in-process on a free
 * loopback port with a fresh data folder and two users, log in, build
 * astroquery-style bodies.
 *
 * @module
 */
import { gunzipSync } from "node:zlib";
import {
  type ArchiveOptions,
  type RunningArchive,
  startArchive,
} from "../../lib/archive/server.ts";

/**
 * A query that keeps DuckDB busy for a long time (a 20 000 x 20 000 cross
 * join with a trigonometric filter: about a minute on 2 cores), for tests of
 * abort, crash recovery and load. Tests abort or kill it.
 */
export const HEAVY_QUERY =
  "SELECT COUNT(*) AS n FROM gaiadr3.gaia_source AS a, gaiadr3.gaia_source AS b " +
  "WHERE SIN(a.ra * b.dec) > 0.999";

/** Two test accounts. */
export const ANN = { name: "ann", password: "ann-pw-1" };
/** Second account, for wrong-user checks. */
export const BOB = { name: "bob", password: "bob-pw-2" };

/** A started archive and its data folder. */
export interface TestArchive extends RunningArchive {
  /** Removes the data folder after `close()`. */
  dispose(): Promise<void>;
}

/** Starts an archive with a small catalogue on a temp data folder. */
export async function startTestArchive(options: ArchiveOptions = {}): Promise<TestArchive> {
  const dir = options.dataDir ?? await Deno.makeTempDir({ prefix: "archive-test-" });
  const archive = await startArchive({ rows: 20_000, users: [ANN, BOB], ...options, dataDir: dir });
  return {
    ...archive,
    async dispose() {
      await archive.close();
      if (!options.dataDir) await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Logs in at a server context and returns the `Cookie` header value (`SESSION=...`). */
export async function login(
  base: string,
  user: { name: string; password: string },
  context = "tap-server",
): Promise<string> {
  const res = await fetch(`${base}/${context}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `username=${encodeURIComponent(user.name)}&password=${encodeURIComponent(user.password)}`,
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${body}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("SESSION="));
  if (!cookie) throw new Error("no SESSION cookie");
  return cookie.split(";")[0];
}

/** POSTs a form body given as raw text (astroquery style: not URL-encoded). */
export function postForm(url: string, body: string, cookie?: string): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (cookie) headers.cookie = cookie;
  return fetch(url, { method: "POST", headers, body, redirect: "manual" });
}

/** GET with an optional cookie, redirects not followed. */
export function get(url: string, cookie?: string): Promise<Response> {
  return fetch(url, { headers: cookie ? { cookie } : {}, redirect: "manual" });
}

/** Builds a multipart body the way astroquery's TapConn.encode_multipart does. */
export function astroqueryMultipart(
  fields: Record<string, string>,
  files: { name: string; filename: string; content: string | Uint8Array }[],
): { contentType: string; body: Uint8Array<ArrayBuffer> } {
  const boundary = `===${Date.now()}===`;
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(
      enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
    );
  }
  for (const f of files) {
    parts.push(enc.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\n` +
        `Content-Type: None\r\n\r\n`,
    ));
    parts.push(typeof f.content === "string" ? enc.encode(f.content) : f.content);
    parts.push(enc.encode("\r\n"));
  }
  parts.push(enc.encode(`--${boundary}--\r\n\r\n`));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const body = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    body.set(p, o);
    o += p.length;
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, body };
}

/** The body bytes, gunzipped when they start with the gzip magic. */
export async function bodyBytes(res: Response): Promise<Uint8Array> {
  const b = new Uint8Array(await res.arrayBuffer());
  return b[0] === 0x1f && b[1] === 0x8b ? new Uint8Array(gunzipSync(b)) : b;
}

/** The body as text, gunzipped when needed. */
export async function bodyText(res: Response): Promise<string> {
  return new TextDecoder().decode(await bodyBytes(res));
}

/** Submits an async job and returns its id (expects 303). */
export async function submitAsync(
  base: string,
  query: string,
  opts: { cookie?: string; format?: string; run?: boolean; extra?: string } = {},
): Promise<string> {
  const body =
    `REQUEST=doQuery&LANG=ADQL&FORMAT=${opts.format ?? "votable"}&QUERY=${
      encodeURIComponent(query)
    }` +
    (opts.run === false ? "" : "&PHASE=RUN") + (opts.extra ?? "");
  const res = await postForm(`${base}/tap-server/tap/async`, body, opts.cookie);
  await res.body?.cancel();
  if (res.status !== 303) throw new Error(`async create answered ${res.status}`);
  return res.headers.get("location")!.split("/").pop()!;
}

/** Waits (UWS WAIT) until the job is in a final phase; returns the phase. */
export async function waitJob(
  base: string,
  jobId: string,
  cookie?: string,
  seconds = 60,
): Promise<string> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const res = await get(`${base}/tap-server/tap/async/${jobId}?WAIT=5`, cookie);
    const xml = await res.text();
    const phase = /<uws:phase>(\w+)<\/uws:phase>/.exec(xml)?.[1] ?? "?";
    if (["COMPLETED", "ERROR", "ABORTED"].includes(phase)) return phase;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${phase} after ${seconds} s`);
  }
}
