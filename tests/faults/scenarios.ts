/**
 * Fault scenarios (issue 10): each puts the fault-injection proxy between the
 * TAP client and the local archive, makes the proxy misbehave one way, and
 * checks that the client either succeeds after a safe retry or fails with a
 * typed error that says what happened: never a hang past its timeout, never a
 * partial table returned as complete, never a job created twice.
 */
import assert from "node:assert/strict";
import { HttpClient } from "../../lib/http/client.ts";
import {
  HttpError,
  NetworkError,
  RateLimitError,
  RedirectError,
  TimeoutError,
  UnexpectedContentError,
} from "../../lib/http/errors.ts";
import { TableFormatError, TruncatedInputError } from "../../lib/io/errors.ts";
import type { TapService } from "../../lib/tap/service.ts";
import { TapQueryError, UwsJobError } from "../../lib/tap/errors.ts";
import type { FaultPlan, FaultProxy, Scenario } from "./proxy.ts";
import { decodeText, text } from "./proxy.ts";

/** What a scenario needs. */
export interface FaultEnv {
  proxy: FaultProxy;
  /** A TAP service that talks to the archive through the proxy. */
  tap: TapService;
  /** Its HTTP client (timeouts of a few seconds, fast back-off). */
  http: HttpClient;
}

export interface FaultCase {
  name: string;
  /** What the client must do. */
  expected: string;
  scenario: Scenario;
  /** Runs the client; returns a one-line outcome; throws AssertionError when the behaviour is wrong. */
  run(env: FaultEnv): Promise<string>;
}

/** Client timeouts used by every scenario (the stalls are longer). */
export const CLIENT_TIMEOUT_MS = 2_000;
const STALL_MS = 8_000;
const Q = "SELECT TOP 300 source_id, ra, dec, parallax FROM gaiadr3.gaia_source ORDER BY source_id";

export function faultClient(): HttpClient {
  return new HttpClient({
    timeout: CLIENT_TIMEOUT_MS,
    idleTimeout: CLIENT_TIMEOUT_MS,
    retries: 2,
    backoff: { initialDelay: 50, factor: 2, maxDelay: 200 },
    maxRetryAfter: 5,
  });
}

const isPath = (path: string, part: string) => path.split("?")[0]!.endsWith(part);
const passThrough: Scenario = async ({ forward, plain }) => plain(await forward());

/** Pass everything through except requests whose path ends with `part`. */
function on(part: string, method: string | undefined, fault: Scenario): Scenario {
  return (ctx) => {
    if (isPath(ctx.request.path, part) && (!method || ctx.request.method === method)) {
      return fault(ctx);
    }
    return passThrough(ctx);
  };
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const msg = e.message.replace(/\s+/g, " ");
  return `${e.name}: ${msg.length > 110 ? msg.slice(0, 107) + "..." : msg}`;
}

/** Runs `f`, asserting it rejects with one of `types` within `withinMs`. */
async function expectError(
  f: () => Promise<unknown>,
  types: (abstract new (...a: never[]) => Error)[],
  withinMs = 15_000,
  check?: (e: Error) => void,
): Promise<string> {
  const t0 = Date.now();
  let value: unknown;
  try {
    value = await f();
  } catch (e) {
    const ms = Date.now() - t0;
    assert.ok(
      types.some((t) => e instanceof t),
      `expected ${types.map((t) => t.name).join(" or ")}, got ${describe(e)}`,
    );
    assert.ok(ms <= withinMs, `took ${ms} ms, more than ${withinMs} ms`);
    check?.(e as Error);
    return `${describe(e)} (${(ms / 1000).toFixed(1)} s)`;
  }
  const rows = (value as { numRows?: number; table?: { numRows: number } })?.table?.numRows;
  assert.fail(`expected an error, got a result${rows !== undefined ? ` of ${rows} rows` : ""}`);
}

const htmlPage = text(
  "<!DOCTYPE html><html><head><title>Apache Tomcat - Error report</title></head><body>" +
    "<h1>HTTP Status 500</h1><ul><li><b>Message: </b>Service temporarily overloaded</li></ul></body></html>",
);

function tdVotable(rows: number, trailer: string): Uint8Array {
  let s =
    `<?xml version="1.0"?>\n<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">` +
    `<RESOURCE type="results"><INFO name="QUERY_STATUS" value="OK"/><TABLE>` +
    `<FIELD name="source_id" datatype="long"/><FIELD name="ra" datatype="double" unit="deg"/><DATA><TABLEDATA>`;
  for (let i = 0; i < rows; i++) s += `<TR><TD>${1000 + i}</TD><TD>${i * 0.5}</TD></TR>`;
  return text(s + trailer);
}

const ok = (r: { table: { numRows: number } }, rows: number, note = "") => {
  assert.equal(r.table.numRows, rows, `expected ${rows} rows, got ${r.table.numRows}`);
  return `ok: ${rows} rows${note}`;
};

const posts = (env: FaultEnv, part: string) =>
  env.proxy.requests.filter((r) => r.method === "POST" && isPath(r.path, part)).length;

export const FAULT_CASES: FaultCase[] = [
  {
    name: "connection dropped mid-body (VOTable TABLEDATA)",
    expected: "typed error, no table",
    scenario: on("/sync", "POST", async ({ forward, plain }) => {
      const a = plain(await forward());
      return { ...a, dropAfter: Math.floor(a.body.length / 2) };
    }),
    run: ({ tap }) =>
      expectError(() => tap.query(Q, { format: "votable_plain" }), [
        NetworkError,
        TruncatedInputError,
        TableFormatError,
      ]),
  },
  {
    name: "connection dropped mid-body (CSV, cut at a line end)",
    expected: "typed error, no short table",
    scenario: on("/sync", "POST", async ({ forward, plain }) => {
      const a = plain(await forward());
      const cut = a.body.lastIndexOf(10, Math.floor(a.body.length / 2)) + 1;
      return { ...a, dropAfter: cut };
    }),
    run: ({ tap }) =>
      expectError(() => tap.query(Q, { format: "csv" }), [NetworkError, TruncatedInputError]),
  },
  {
    name: "connection dropped mid-body (gzip'd BINARY2)",
    expected: "typed error, no table",
    scenario: on("/sync", "POST", async ({ forward, plain }) => {
      const a = plain(await forward());
      return { ...a, dropAfter: Math.floor(a.body.length * 0.6) };
    }),
    run: ({ tap }) =>
      expectError(() => tap.query(Q, { format: "votable" }), [
        NetworkError,
        TruncatedInputError,
        TableFormatError,
      ]),
  },
  {
    name: "stall before the response head",
    expected: "TimeoutError within the client timeout",
    scenario: on("/sync", "POST", async ({ forward, plain }) => ({
      ...plain(await forward()),
      stallAt: -1,
      stallMs: STALL_MS,
    })),
    run: ({ tap }) =>
      expectError(() => tap.query(Q, { format: "csv" }), [TimeoutError], CLIENT_TIMEOUT_MS * 3),
  },
  {
    name: "stall mid-body (no bytes for 8 s)",
    expected: "TimeoutError from the idle timeout",
    scenario: on("/sync", "POST", async ({ forward, plain }) => {
      const a = plain(await forward());
      return { ...a, stallAt: Math.floor(a.body.length / 3), stallMs: STALL_MS };
    }),
    run: ({ tap }) =>
      expectError(
        () => tap.query(Q, { format: "votable_plain" }),
        [TimeoutError],
        CLIENT_TIMEOUT_MS * 3,
      ),
  },
  {
    name: "truncated gzip stream (complete HTTP body)",
    expected: "TruncatedInputError",
    scenario: on("/sync", "POST", async ({ forward, plain }) => {
      const a = plain(await forward());
      assert.ok(
        a.body[0] === 0x1f && a.body[1] === 0x8b,
        "the archive should send FORMAT=votable gzip'd",
      );
      return { ...a, body: a.body.slice(0, Math.floor(a.body.length * 0.7)) };
    }),
    run: ({ tap }) =>
      expectError(() => tap.query(Q, { format: "votable" }), [
        TruncatedInputError,
        TableFormatError,
      ]),
  },
  {
    name: "500 with an error VOTable",
    expected: "TapQueryError carrying the server's message",
    scenario: on("/sync", "POST", () =>
      Promise.resolve({
        status: 500,
        headers: [["content-type", "text/xml"]],
        body: text(
          `<?xml version="1.0"?><VOTABLE version="1.4"><RESOURCE type="results"><INFO name="QUERY_STATUS" value="ERROR">Database connection lost</INFO></RESOURCE></VOTABLE>`,
        ),
      })),
    run: ({ tap }) =>
      expectError(
        () => tap.query(Q, { format: "csv" }),
        [TapQueryError, HttpError],
        15_000,
        (e) => assert.match(e.message, /Database connection lost/),
      ),
  },
  {
    name: "500 with body `null` (as the ESA archive does when overloaded)",
    expected: "typed error giving the HTTP status 500",
    scenario: on(
      "/sync",
      "POST",
      () =>
        Promise.resolve({
          status: 500,
          headers: [["content-type", "text/plain"]],
          body: text("null"),
        }),
    ),
    run: ({ tap }) =>
      expectError(
        () => tap.query(Q, { format: "csv" }),
        [HttpError, TapQueryError],
        15_000,
        (e) =>
          assert.match(e.message, /500/, `the message must give the HTTP status: ${e.message}`),
      ),
  },
  {
    name: "502 once on GET /tables, then fine",
    expected: "success after one retry",
    scenario: on(
      "/tables",
      "GET",
      async ({ count, forward, plain }) =>
        count === 0
          ? {
            status: 502,
            headers: [["content-type", "text/html"]],
            body: text("<html>Bad gateway</html>"),
          }
          : plain(await forward()),
    ),
    run: async (env) => {
      const schemas = await env.tap.tables();
      assert.ok(schemas.some((s) => s.name === "gaiadr3"), "gaiadr3 schema missing");
      const n = env.proxy.requests.filter((r) => isPath(r.path, "/tables")).length;
      assert.equal(n, 2, `expected 2 requests, saw ${n}`);
      return `ok: tables after 1 retry`;
    },
  },
  {
    name: "503 with Retry-After: 1 on GET /availability, then fine",
    expected: "success after waiting ~1 s",
    scenario: on(
      "/availability",
      "GET",
      async ({ count, forward, plain }) =>
        count === 0
          ? {
            status: 503,
            headers: [["retry-after", "1"], ["content-type", "text/plain"]],
            body: text("maintenance"),
          }
          : plain(await forward()),
    ),
    run: async (env) => {
      const t0 = Date.now();
      const a = await env.tap.availability();
      const ms = Date.now() - t0;
      assert.equal(a.available, true);
      assert.ok(ms >= 900, `retried after ${ms} ms, before Retry-After`);
      return `ok: available after waiting ${(ms / 1000).toFixed(1)} s`;
    },
  },
  {
    name: "503 on every GET /capabilities",
    expected: "HttpError 503 after the allowed retries",
    scenario: on(
      "/capabilities",
      "GET",
      () =>
        Promise.resolve({
          status: 503,
          headers: [["content-type", "text/plain"]],
          body: text("down"),
        }),
    ),
    run: async (env) => {
      const out = await expectError(
        () => env.tap.capabilities(),
        [HttpError],
        15_000,
        (e) => assert.equal((e as HttpError).status, 503),
      );
      const n = env.proxy.requests.filter((r) => isPath(r.path, "/capabilities")).length;
      assert.equal(n, 3, `expected 1 + 2 retries, saw ${n}`);
      return out + `; ${n} attempts`;
    },
  },
  {
    name: "504 once on GET /availability",
    expected: "success after one retry",
    scenario: on(
      "/availability",
      "GET",
      async ({ count, forward, plain }) =>
        count === 0 ? { status: 504, headers: [], body: text("") } : plain(await forward()),
    ),
    run: async (env) => {
      await env.tap.availability();
      return "ok: available after 1 retry";
    },
  },
  {
    name: "429 with Retry-After: 1, then fine",
    expected: "success after waiting",
    scenario: on(
      "/tables",
      "GET",
      async ({ count, forward, plain }) =>
        count === 0
          ? { status: 429, headers: [["retry-after", "1"]], body: text("slow down") }
          : plain(await forward()),
    ),
    run: async (env) => {
      await env.tap.tables();
      return "ok: tables after honouring Retry-After";
    },
  },
  {
    name: "429 with Retry-After: 3600",
    expected: "RateLimitError at once, carrying retryAfter",
    scenario: on(
      "/tables",
      "GET",
      () =>
        Promise.resolve({
          status: 429,
          headers: [["retry-after", "3600"]],
          body: text("quota exhausted"),
        }),
    ),
    run: (env) =>
      expectError(
        () => env.tap.tables(),
        [RateLimitError],
        5_000,
        (e) => assert.equal((e as RateLimitError).retryAfter, 3600),
      ),
  },
  {
    name: "HTML error page with status 200 instead of a VOTable",
    expected: "typed error naming the HTML page, no table",
    scenario: on(
      "/sync",
      "POST",
      () =>
        Promise.resolve({ status: 200, headers: [["content-type", "text/html"]], body: htmlPage }),
    ),
    run: ({ tap }) =>
      expectError(
        () => tap.query(Q, { format: "votable_plain" }),
        [UnexpectedContentError, TapQueryError, TableFormatError],
        15_000,
        (e) => assert.match(e.message, /overloaded|HTML|html/),
      ),
  },
  {
    name: "QUERY_STATUS=ERROR after 50 rows",
    expected: "TapQueryError with the message, never a 50-row table",
    scenario: on("/sync", "POST", () =>
      Promise.resolve({
        status: 200,
        headers: [["content-type", "application/x-votable+xml"]],
        body: tdVotable(
          50,
          `</TABLEDATA></DATA></TABLE><INFO name="QUERY_STATUS" value="ERROR">Query execution timed out after 50 rows</INFO></RESOURCE></VOTABLE>`,
        ),
      })),
    run: ({ tap }) =>
      expectError(
        () => tap.query(Q, { format: "votable_plain" }),
        [TapQueryError],
        15_000,
        (e) => assert.match(e.message, /timed out/),
      ),
  },
  {
    name: "redirect loop on the sync endpoint",
    expected: "RedirectError",
    scenario: on("/sync", undefined, ({ request }) =>
      Promise.resolve({
        status: 303,
        headers: [["location", request.path.split("?")[0]! + "?again=1"]],
        body: new Uint8Array(0),
      })),
    run: ({ tap }) =>
      expectError(() => tap.query(Q, { format: "csv" }), [RedirectError, HttpError]),
  },
  {
    name: "Content-Length larger than the body sent",
    expected: "typed error, no table",
    scenario: on("/sync", "POST", async ({ forward, plain }) => {
      const a = plain(await forward());
      const headers = a.headers.filter(([k]) => k.toLowerCase() !== "content-length");
      headers.push(["content-length", String(a.body.length * 2)]);
      return { ...a, headers };
    }),
    run: ({ tap }) =>
      expectError(() => tap.query(Q, { format: "votable_plain" }), [
        NetworkError,
        TruncatedInputError,
        TableFormatError,
      ]),
  },
  {
    name: "Content-Length smaller than the body (body cut by the client)",
    expected: "typed error, no table",
    scenario: on("/sync", "POST", async ({ forward, plain }) => {
      const a = plain(await forward());
      const headers = a.headers.filter(([k]) => k.toLowerCase() !== "content-length");
      headers.push(["content-length", String(Math.floor(a.body.length / 2))]);
      return { ...a, headers };
    }),
    run: ({ tap }) =>
      expectError(() => tap.query(Q, { format: "votable_plain" }), [
        NetworkError,
        TruncatedInputError,
        TableFormatError,
      ]),
  },
  {
    name: "empty 200 body for a VOTable query",
    expected: "typed error",
    scenario: on(
      "/sync",
      "POST",
      () =>
        Promise.resolve({
          status: 200,
          headers: [["content-type", "application/x-votable+xml"]],
          body: new Uint8Array(0),
        }),
    ),
    run: ({ tap }) =>
      expectError(
        () => tap.query(Q, { format: "votable_plain" }),
        [TruncatedInputError, TableFormatError, UnexpectedContentError, TapQueryError],
      ),
  },
  {
    name: "garbage bytes labelled as a VOTable",
    expected: "TableFormatError with a position",
    scenario: on("/sync", "POST", () =>
      Promise.resolve({
        status: 200,
        headers: [["content-type", "application/x-votable+xml"]],
        body: text(
          "<?xml version='1.0'?><VOTABLE><RESOURCE><TABLE><FIELD name='a' datatype='int'/><DATA><TABLEDATA><TR><TD>12x</TD></TR>",
        ),
      })),
    run: ({ tap }) =>
      expectError(() => tap.query(Q, { format: "votable_plain" }), [
        TableFormatError,
        UnexpectedContentError,
        TapQueryError,
      ]),
  },
  {
    name: "async job creation answered 500",
    expected: "error, and the creation is never retried",
    scenario: on(
      "/async",
      "POST",
      () =>
        Promise.resolve({
          status: 500,
          headers: [["content-type", "text/plain"]],
          body: text("internal error"),
        }),
    ),
    run: async (env) => {
      const out = await expectError(() => env.tap.submit(Q), [
        HttpError,
        TapQueryError,
        UwsJobError,
      ]);
      assert.equal(posts(env, "/async"), 1, "job creation was retried");
      return out + "; 1 creation request";
    },
  },
  {
    name: "async job creation answered 503 (retryable status)",
    expected: "error, and the creation is never retried",
    scenario: on(
      "/async",
      "POST",
      () => Promise.resolve({ status: 503, headers: [["retry-after", "1"]], body: text("busy") }),
    ),
    run: async (env) => {
      const out = await expectError(() => env.tap.submit(Q), [
        HttpError,
        TapQueryError,
        UwsJobError,
      ]);
      assert.equal(posts(env, "/async"), 1, "job creation was retried");
      return out + "; 1 creation request";
    },
  },
  {
    name: "connection dropped after the job-creation request",
    expected: "NetworkError, and the creation is never retried",
    scenario: on("/async", "POST", async ({ forward }) => {
      await forward(); // the job exists on the server now
      return {
        status: 303,
        headers: [],
        body: new Uint8Array(0),
        dropAfter: 0,
        stallAt: -1,
        stallMs: 0,
      } as
        & FaultPlan
        & { headers: [string, string][] };
    }),
    run: async (env) => {
      // A 303 with no Location and a dropped socket: the client cannot know the job.
      const out = await expectError(() => env.tap.submit(Q), [
        NetworkError,
        HttpError,
        TapQueryError,
        UwsJobError,
      ]);
      assert.equal(posts(env, "/async"), 1, "job creation was retried");
      return out + "; 1 creation request";
    },
  },
  {
    name: "job goes to ERROR while being polled",
    expected: "UwsJobError with the server's message",
    scenario: async ({ request, forward, plain }) => {
      const a = plain(await forward());
      const p = request.path.split("?")[0]!;
      if (request.method === "GET" && /\/async\/[^/]+$/.test(p)) {
        const xml = decodeText(a.body)
          .replace(/<uws:phase>[A-Z]+<\/uws:phase>/, "<uws:phase>ERROR</uws:phase>")
          .replace(
            /<uws:errorSummary[^>]*\/>|<uws:errorSummary[\s\S]*?<\/uws:errorSummary>/,
            `<uws:errorSummary type="fatal" hasDetail="false"><uws:message>Out of temporary space</uws:message></uws:errorSummary>`,
          );
        return { ...a, body: text(xml) };
      }
      if (request.method === "GET" && p.endsWith("/phase")) return { ...a, body: text("ERROR") };
      return a;
    },
    run: async (env) => {
      const job = await env.tap.submit(Q);
      return expectError(
        () => job.wait({ timeout: 10_000 }).then(() => job.result()),
        [UwsJobError, TapQueryError],
        15_000,
        (e) => assert.match(e.message, /Out of temporary space|ERROR/),
      );
    },
  },
  {
    name: "job vanishes (404) while being polled",
    expected: "typed error saying the job is gone",
    scenario: async ({ request, forward, plain }) => {
      const p = request.path.split("?")[0]!;
      if (request.method === "GET" && /\/async\/[^/]+(\/phase)?$/.test(p)) {
        return {
          status: 404,
          headers: [["content-type", "text/plain"]],
          body: text("No such job"),
        };
      }
      return plain(await forward());
    },
    run: (env) =>
      // submit() may already read the job document back, so the 404 can surface there.
      expectError(
        async () => {
          const job = await env.tap.submit(Q);
          await job.wait({ timeout: 10_000 });
        },
        [UwsJobError, HttpError],
        15_000,
        (e) => assert.match(e.message, /does not exist|404/),
      ),
  },
  {
    name: "job result answered 503 once",
    expected: "success after one safe retry of the GET",
    scenario: async ({ request, count, forward, plain }) => {
      if (
        request.method === "GET" && request.path.split("?")[0]!.endsWith("/results/result") &&
        count === 0
      ) {
        return { status: 503, headers: [], body: text("busy") };
      }
      return plain(await forward());
    },
    run: async (env) => {
      const job = await env.tap.submit(Q, { format: "votable_plain" });
      await job.wait({ timeout: 10_000 });
      const r = await job.result();
      return ok(r, 300, " after a retried result download");
    },
  },
  {
    name: "slow trickle (64 bytes every 2 ms) within the timeouts",
    expected: "success, every row",
    scenario: on("/sync", "POST", async ({ forward, plain }) => ({
      ...plain(await forward()),
      trickleMs: 2,
      trickleChunk: 512,
    })),
    run: async ({ tap }) => ok(await tap.query(Q, { format: "csv" }), 300),
  },
  {
    name: "malformed VOSI tables document",
    expected: "typed error",
    scenario: on("/tables", "GET", () =>
      Promise.resolve({
        status: 200,
        headers: [["content-type", "text/xml"]],
        body: text("<vod:tableset><schema><name>gaiadr3</name><table><name>x"),
      })),
    run: ({ tap }) =>
      expectError(() => tap.tables(), [
        TableFormatError,
        UnexpectedContentError,
        HttpError,
        SyntaxError,
      ]),
  },
  {
    name: "AbortSignal during a slow download",
    expected: "aborts promptly",
    scenario: on("/sync", "POST", async ({ forward, plain }) => ({
      ...plain(await forward()),
      trickleMs: 50,
      trickleChunk: 16,
    })),
    run: async ({ tap }) => {
      const ctl = new AbortController();
      setTimeout(() => ctl.abort(new DOMException("stopped by the user", "AbortError")), 300);
      const t0 = Date.now();
      try {
        await tap.query(Q, { format: "csv", signal: ctl.signal });
      } catch (e) {
        const ms = Date.now() - t0;
        assert.ok(ms < 3_000, `abort took ${ms} ms`);
        assert.ok(
          e instanceof DOMException || (e as Error).name === "AbortError",
          `got ${describe(e)}`,
        );
        return `${describe(e)} (${(ms / 1000).toFixed(1)} s)`;
      }
      assert.fail("the query finished despite the abort");
    },
  },
  {
    name: "unknown job id on resume",
    expected: "typed error naming the job",
    scenario: passThrough,
    run: ({ tap }) =>
      expectError(() => tap.job("1700000000000NOPE").then((j) => j.info()), [
        UwsJobError,
        HttpError,
      ]),
  },
];
