/**
 * A loopback TAP server that replays the DaCHS fixtures in
 * ../shared/fixtures/dachs/ (bodies and headers) for the TAP client's unit
 * tests: VOSI, sync queries in every format, errors, uploads, and a
 * simulated async UWS lifecycle.
 */

const DIR = new URL("../../../shared/fixtures/dachs/", import.meta.url);
const DACHS_ORIGIN = "http://localhost:8080";

/** One recorded request. */
export interface Seen {
  method: string;
  path: string;
  params: Record<string, string>;
  files: Record<string, Uint8Array>;
}

/** A simulated async job. */
interface Job {
  id: string;
  phase: string;
  params: Record<string, string>;
  /** Polls left in EXECUTING before the job completes. */
  polls: number;
  deleted: boolean;
}

function fixture(name: string): { status: number; headers: Headers; body: Uint8Array } {
  const body = Deno.readFileSync(new URL(name, DIR));
  const lines = Deno.readTextFileSync(new URL(name + ".headers", DIR)).split(/\r?\n/).filter(
    Boolean,
  );
  const status = Number(lines[0]!.split(" ")[1]);
  const headers = new Headers();
  for (const l of lines.slice(1)) {
    const i = l.indexOf(":");
    const k = l.slice(0, i).trim();
    if (/^(transfer-encoding|content-length)$/i.test(k)) continue;
    headers.set(k, l.slice(i + 1).trim());
  }
  return { status, headers, body };
}

/** Options to script faults. */
export interface FixtureServerOptions {
  /** Executing polls before a RUN job completes. @default 2 */
  executingPolls?: number;
  /** Overrides a response (return undefined to fall through). */
  override?: (req: Request, seen: Seen) => Response | undefined | Promise<Response | undefined>;
}

/** A running fixture server. */
export interface FixtureServer {
  url: string;
  tap: string;
  seen: Seen[];
  jobs: Map<string, Job>;
  close(): Promise<void>;
}

function pickSync(p: Record<string, string>): string {
  const q = (p["QUERY"] ?? "").toUpperCase();
  const fmt = (p["FORMAT"] ?? p["RESPONSEFORMAT"] ?? "").toLowerCase();
  if (q.includes("SELEKT")) return "sync-error-syntax.vot";
  if (q.includes("NOSUCHTABLE")) return "sync-error-unknown-table.vot";
  if (q.includes("NONEXISTENT")) return "sync-error-unknown-column.vot";
  if (fmt === "votable/b") return "sync-error-bad-format.vot";
  if (q.includes("TAP_UPLOAD.T1") && q.includes("GROUP BY")) return "sync-upload-xmatch.csv";
  if (q.includes("TAP_UPLOAD.T1")) {
    return fmt.includes("csv") ? "sync-upload-select.csv" : "sync-upload-td.vot";
  }
  if (q.includes("COUNT(*)")) return "sync-cone-count.csv";
  if (q.includes("DISTANCE(")) return "sync-distance-top5.csv";
  if (p["MAXREC"] === "3") {
    return fmt === "json" ? "sync-overflow-maxrec3.json" : "sync-overflow-maxrec3-td.vot";
  }
  if (p["MAXREC"] === "0") return "sync-maxrec0-td.vot";
  if (p["RESPONSEFORMAT"] && !p["FORMAT"] && fmt.includes("binary2")) {
    return "sync-nulls-responseformat-b2.vot";
  }
  if (fmt === "votable/td" || fmt.includes("tabledata")) return "sync-nulls-td.vot";
  if (fmt === "votable/b2" || fmt.includes("binary2")) return "sync-nulls-b2.vot";
  if (fmt === "csv" || fmt === "text/csv") return "sync-nulls.csv";
  if (fmt === "tsv") return "sync-nulls.tsv";
  if (fmt === "json") return "sync-nulls.json";
  if (fmt === "fits") return "sync-nulls.fits";
  return "sync-nulls-default.vot";
}

/** Starts the fixture server on a free loopback port. */
export function startFixtureServer(options: FixtureServerOptions = {}): FixtureServer {
  const seen: Seen[] = [];
  const jobs = new Map<string, Job>();
  let next = 0;
  let origin = "";
  const rewrite = (h: Headers) => {
    const loc = h.get("location");
    if (loc) h.set("location", loc.replace(DACHS_ORIGIN, origin));
    return h;
  };
  const reply = (name: string, patch?: (text: string) => string, status?: number) => {
    const f = fixture(name);
    let body: BodyInit = f.body as Uint8Array<ArrayBuffer>;
    if (patch) body = patch(new TextDecoder().decode(f.body));
    return new Response(body, { status: status ?? f.status, headers: rewrite(f.headers) });
  };
  const jobDoc = (job: Job) => {
    const base = job.phase === "COMPLETED"
      ? "async-5-job-completed.xml"
      : job.phase === "ERROR"
      ? "async-err-2-job.xml"
      : "async-2-job-pending.xml";
    const id = base === "async-err-2-job.xml" ? "bq1ydm4k" : "ith383lm";
    return reply(base, (t) =>
      t.replaceAll(id, job.id).replaceAll(DACHS_ORIGIN, origin).replace(
        /<uws:phase>[A-Z]+<\/uws:phase>/,
        `<uws:phase>${job.phase}</uws:phase>`,
      ));
  };
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const u = new URL(req.url);
    const params: Record<string, string> = {};
    const files: Record<string, Uint8Array> = {};
    for (const [k, v] of u.searchParams) params[k] = v;
    if (req.method === "POST") {
      const form = await req.formData();
      for (const [k, v] of form) {
        if (typeof v === "string") params[k] = v;
        else files[k] = new Uint8Array(await v.arrayBuffer());
      }
    }
    const s: Seen = { method: req.method, path: u.pathname, params, files };
    seen.push(s);
    const o = await options.override?.(req, s);
    if (o) return o;
    const path = u.pathname;
    if (path === "/tap/availability") return reply("availability.xml");
    if (path === "/tap/capabilities") return reply("capabilities.xml");
    if (path === "/tap/tables") return reply("tables.xml");
    if (path === "/tap/tables/gaiadr3.gaia_source") return reply("tables-gaia_source.xml");
    if (path.startsWith("/tap/tables/")) return new Response("Unknown table", { status: 404 });
    if (path === "/tap/sync") return reply(pickSync(params));
    if (path === "/tap/async" && req.method === "POST") {
      const id = `job${++next}`;
      const job: Job = {
        id,
        phase: "PENDING",
        params,
        polls: options.executingPolls ?? 2,
        deleted: false,
      };
      jobs.set(id, job);
      if ((params["PHASE"] ?? "").toUpperCase() === "RUN") job.phase = "EXECUTING";
      return new Response("", {
        status: 303,
        headers: { location: `${origin}/__system__/tap/run/async/${id}` },
      });
    }
    if (path === "/tap/async" && req.method === "GET") {
      const refs = [...jobs.values()].filter((j) => !j.deleted).map((j) =>
        `<uws:jobref id="${j.id}" xlink:href="${origin}/__system__/tap/run/async/${j.id}"><uws:phase>${j.phase}</uws:phase></uws:jobref>`
      );
      return new Response(
        `<uws:jobs xmlns:uws="http://www.ivoa.net/xml/UWS/v1.0" xmlns:xlink="http://www.w3.org/1999/xlink">${
          refs.join("")
        }</uws:jobs>`,
        { headers: { "content-type": "text/xml" } },
      );
    }
    const m = /^\/__system__\/tap\/run\/async\/([^/]+)(\/.*)?$/.exec(path);
    if (m) {
      const job = jobs.get(m[1]!);
      if (!job || job.deleted) return reply("async-9-get-deleted.xml");
      const sub = m[2] ?? "";
      if (sub === "" && req.method === "DELETE") {
        job.deleted = true;
        return reply("async-8-delete.txt");
      }
      if (sub === "" && req.method === "GET") {
        if (job.phase === "EXECUTING" && --job.polls <= 0) {
          job.phase = (job.params["QUERY"] ?? "").includes("SELEKT") ? "ERROR" : "COMPLETED";
        }
        return jobDoc(job);
      }
      if (sub === "/phase" && req.method === "GET") {
        return new Response(job.phase, { headers: { "content-type": "text/plain" } });
      }
      if (sub === "/phase" && req.method === "POST") {
        const want = (params["PHASE"] ?? "").toUpperCase();
        if (want === "RUN" && job.phase === "PENDING") job.phase = "EXECUTING";
        if (want === "ABORT" && !["COMPLETED", "ERROR"].includes(job.phase)) job.phase = "ABORTED";
        return new Response("", {
          status: 303,
          headers: { location: `${origin}/__system__/tap/run/async/${job.id}` },
        });
      }
      if (sub === "/error") return reply("async-err-3-error.vot");
      if (sub === "/results/result") {
        if (job.phase !== "COMPLETED") return new Response("not done", { status: 404 });
        return reply(pickSync(job.params));
      }
    }
    return new Response(`no fixture for ${req.method} ${path}`, {
      status: 404,
      headers: { "content-type": "text/plain" },
    });
  });
  origin = `http://127.0.0.1:${server.addr.port}`;
  return {
    url: origin,
    tap: `${origin}/tap`,
    seen,
    jobs,
    close: () => server.shutdown(),
  };
}
