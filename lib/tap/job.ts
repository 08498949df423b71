/**
 * {@linkcode UwsJob}: an async TAP job (UWS 1.1) as a resource: run it, wait
 * for it (blocking `WAIT` where the service supports it, else back-off
 * polling), read or stream its result, abort, delete, read its error, follow
 * its phases. `await using job = await tap.submit(q)` deletes the job on
 * exit unless `job.keep()` was called.
 *
 * @module
 */
import { errorFromResponse } from "../http/client.ts";
import { redactUrl } from "../http/errors.ts";
import { sleep } from "../http/retry.ts";
import { extractServerMessage } from "../http/server_message.ts";
import { JobTimeoutError, UwsJobError } from "./errors.ts";
import {
  openResultResponse,
  type QueryProgress,
  type QueryResult,
  reportProgress,
  type ResultContext,
  ResultStream,
} from "./result.ts";
import type { TapService } from "./service.ts";
import {
  type ErrorSummary,
  FINAL_PHASES,
  type JobInfo,
  jobParameter,
  type JobPhase,
  normalizePhase,
  parseJob,
} from "./uws.ts";

/** Options of {@linkcode UwsJob.wait}. */
export interface WaitOptions {
  /** Milliseconds to wait before a {@linkcode JobTimeoutError} (the job keeps running). @default no limit */
  timeout?: number;
  /** Stops waiting (the job keeps running; use `abort()` to stop it). */
  signal?: AbortSignal;
  /** Called after every poll with the job's state. */
  onProgress?: (p: { phase: JobPhase; elapsed: number; info: JobInfo }) => void;
  /** Start a PENDING job (`PHASE=RUN`) before waiting. @default true */
  run?: boolean;
  /** Use UWS 1.1 blocking `WAIT=` when the service speaks UWS 1.1. @default true */
  blocking?: boolean;
}

/** Options of {@linkcode UwsJob.result} and {@linkcode UwsJob.stream}. */
export interface JobResultOptions {
  /** Milliseconds to wait for the job to finish. @default no limit */
  timeout?: number;
  /** Cancels the wait and the download (the job keeps running). */
  signal?: AbortSignal;
  /** Progress callback (job phases, then bytes and rows). */
  onProgress?: (p: QueryProgress) => void;
  /** Result id to read. @default "result" (or the first result) */
  resultId?: string;
}

/** The error of a job in ERROR. */
export interface JobErrorReport {
  /** The best message found: the error document's, else the errorSummary's. */
  message: string;
  /** The errorSummary of the job document. */
  summary: ErrorSummary | undefined;
  /** The error document (`<job>/error`) as text, when the service has one. */
  document: string | undefined;
}

const FIRST_DELAY = 250;
const DELAY_FACTOR = 1.5;
const MAX_DELAY = 10_000;
const MAX_WAIT_SECONDS = 30;

/**
 * An async TAP job. Created by {@linkcode TapService.submit} or picked up
 * with {@linkcode TapService.job}.
 *
 * @example
 * ```ts ignore
 * await using job = await tap.submit("SELECT TOP 3 * FROM gaiadr3.gaia_source", { autorun: false });
 * await job.run();
 * for await (const phase of job.phases()) console.log(phase);
 * const result = await job.result();
 * ```
 *
 * @example A minimal UWS service on loopback (runs as a test)
 * ```ts
 * import { TapService } from "./service.ts";
 * let phase = "PENDING";
 * let deleted = false;
 * const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
 *   const { pathname, origin } = new URL(req.url);
 *   const job = `${origin}/tap/async/j1`;
 *   if (req.method === "POST" && pathname === "/tap/async") return Response.redirect(job, 303);
 *   if (req.method === "POST" && pathname === "/tap/async/j1/phase") {
 *     phase = "COMPLETED";
 *     return Response.redirect(job, 303);
 *   }
 *   if (req.method === "DELETE") {
 *     deleted = true;
 *     return Response.redirect(`${origin}/tap/async`, 303);
 *   }
 *   if (pathname === "/tap/async/j1") {
 *     return new Response(`<uws:job xmlns:uws="http://www.ivoa.net/xml/UWS/v1.0" xmlns:xlink="http://www.w3.org/1999/xlink">
 *       <uws:jobId>j1</uws:jobId><uws:phase>${phase}</uws:phase>
 *       <uws:results><uws:result id="result" xlink:href="${job}/results/result"/></uws:results></uws:job>`);
 *   }
 *   return new Response("n\n1020\n", { headers: { "content-type": "text/csv" } });
 * });
 * try {
 *   const tap = new TapService(`http://127.0.0.1:${server.addr.port}/tap`);
 *   {
 *     await using job = await tap.submit("SELECT COUNT(*) AS n FROM t");
 *     const result = await job.result({ timeout: 10_000 });
 *     if (job.phase !== "COMPLETED" || Number(result.table.getChild("n")!.get(0)) !== 1020) throw new Error();
 *   }
 *   if (!deleted) throw new Error("the job is deleted when the block ends");
 * } finally {
 *   await server.shutdown();
 * }
 * ```
 */
export class UwsJob implements AsyncDisposable {
  /** The service the job belongs to. */
  readonly service: TapService;
  /** The job's URL. */
  readonly url: string;
  /** The job id (last path segment of the URL). */
  readonly id: string;
  /** The ADQL, when known. */
  readonly adql: string | undefined;
  readonly #format: string | undefined;
  readonly #maxrec: number | undefined;
  #info: JobInfo | undefined;
  #kept = false;
  #deleted = false;
  #local = new AbortController();

  /** Represents the job at `url` (normally made by `TapService.submit()` or `TapService.job()`). */
  constructor(
    service: TapService,
    url: string,
    init: {
      adql?: string | undefined;
      format?: string | undefined;
      maxrec?: number | undefined;
      info?: JobInfo;
    },
  ) {
    this.service = service;
    this.url = url.replace(/\/+$/, "");
    this.id = decodeURIComponent(this.url.slice(this.url.lastIndexOf("/") + 1));
    this.adql = init.adql;
    this.#format = init.format;
    this.#maxrec = init.maxrec;
    this.#info = init.info;
  }

  /** The last known phase (updated by `info()`, `wait()`, `phases()`). */
  get phase(): JobPhase | undefined {
    return this.#info?.phase;
  }

  /** The last job document read, if any. */
  get lastInfo(): JobInfo | undefined {
    return this.#info;
  }

  /** Keeps the job on the server when an `await using` block ends. */
  keep(): this {
    this.#kept = true;
    return this;
  }

  /** True when `keep()` was called. */
  get kept(): boolean {
    return this.#kept;
  }

  #signal(user?: AbortSignal, extra?: AbortSignal): AbortSignal {
    const list = [this.#local.signal];
    if (user) list.push(user);
    if (extra) list.push(extra);
    return list.length === 1 ? list[0]! : AbortSignal.any(list);
  }

  #jobError(message: string, info?: JobInfo, cause?: unknown): UwsJobError {
    return new UwsJobError(message, {
      jobUrl: this.url,
      phase: info?.phase ?? this.phase,
      adql: this.adql ?? (info ? jobParameter(info, "query") : undefined),
      url: this.url,
      source: "uws",
      ...(info?.errorSummary?.type ? { errorType: info.errorSummary.type } : {}),
      ...(cause !== undefined ? { cause } : {}),
    });
  }

  /**
   * Reads the job document (phase, times, quote, parameters, results, error
   * summary).
   *
   * @throws {UwsJobError} when the job does not exist (deleted or expired)
   */
  async info(
    options: { signal?: AbortSignal; query?: Record<string, string>; timeout?: number } = {},
  ): Promise<JobInfo> {
    const res = await this.service.http.request(this.url, {
      allowErrorStatus: true,
      signal: this.#signal(options.signal),
      ...(options.query ? { query: options.query } : {}),
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    });
    if (res.status === 404 || res.status === 410) {
      const text = await res.text().catch(() => "");
      const m = extractServerMessage(text, res.contentType)?.message;
      throw this.#jobError(
        `The job does not exist (any more): HTTP ${res.status}${m ? ` — ${m}` : ""}`,
      );
    }
    if (res.status >= 400) throw await errorFromResponse(res, "Could not read the job");
    const text = await res.text();
    if (res.contentType.includes("html") || /^\s*<(!doctype|html)/i.test(text)) {
      throw this.#jobError(
        `Expected a UWS job document but the service sent an HTML page (HTTP ${res.status})`,
      );
    }
    const info = parseJob(text, this.url + "/");
    this.#info = info;
    return info;
  }

  /** Reads only the phase (`<job>/phase`). */
  async fetchPhase(options: { signal?: AbortSignal } = {}): Promise<JobPhase> {
    const text = await this.service.http.text(`${this.url}/phase`, {
      signal: this.#signal(options.signal),
    });
    const phase = normalizePhase(text);
    if (this.#info) this.#info = { ...this.#info, phase };
    return phase;
  }

  async #postPhase(value: "RUN" | "ABORT", signal?: AbortSignal): Promise<void> {
    const res = await this.service.http.request(`${this.url}/phase`, {
      method: "POST",
      form: { PHASE: value },
      redirect: "manual",
      idempotent: true, // asking for the same phase twice changes nothing
      allowErrorStatus: true,
      signal: signal ?? this.#signal(),
    });
    if (res.status >= 400) {
      throw await errorFromResponse(res, `Could not set the job's phase to ${value}`);
    }
    await res.cancel();
  }

  /** Starts a PENDING job (`PHASE=RUN`). */
  async run(options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#postPhase("RUN", this.#signal(options.signal));
  }

  /** Polls the job until `stop` says so; yields every job document read. */
  async *#poll(o: WaitOptions): AsyncGenerator<JobInfo, void, undefined> {
    const started = Date.now();
    const deadline = o.timeout !== undefined ? started + o.timeout : Infinity;
    const timedOut = (phase: string) =>
      new JobTimeoutError({ jobUrl: this.url, phase, timeout: o.timeout ?? 0 });
    const signal = this.#signal(o.signal);
    let info = await this.info({ signal });
    if (info.phase === "PENDING" && o.run !== false) {
      await this.run({ signal });
      info = await this.info({ signal });
    }
    yield info;
    let delay = FIRST_DELAY;
    const blocking = o.blocking !== false && info.version !== undefined &&
      Number(info.version) >= 1.1;
    while (!FINAL_PHASES.has(info.phase)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw timedOut(info.phase);
      const before = info.phase;
      const t0 = Date.now();
      const waitSeconds = Math.min(MAX_WAIT_SECONDS, Math.floor(remaining / 1000));
      const limit = Number.isFinite(remaining)
        ? AbortSignal.timeout(Math.max(1, remaining))
        : undefined;
      try {
        info = await this.info({
          signal: limit ? AbortSignal.any([signal, limit]) : signal,
          ...(blocking && waitSeconds >= 1
            ? {
              query: { WAIT: String(waitSeconds) },
              timeout: waitSeconds * 1000 + this.service.http.timeout,
            }
            : {}),
        });
      } catch (e) {
        if (limit?.aborted && !signal.aborted) throw timedOut(info.phase);
        throw e;
      }
      yield info;
      if (info.phase === before) {
        const spent = Date.now() - t0;
        if (spent < delay) {
          const left = deadline - Date.now();
          if (left <= 0) throw timedOut(info.phase);
          await sleep(Math.min(delay - spent, left), signal);
        }
        delay = Math.min(delay * DELAY_FACTOR, MAX_DELAY);
      } else {
        delay = FIRST_DELAY;
      }
    }
  }

  /**
   * Waits until the job is COMPLETED, ERROR, ABORTED or ARCHIVED and returns
   * its final document (it does not throw for ERROR: `result()` does). A
   * PENDING job is started first unless `run: false`.
   *
   * @throws {JobTimeoutError} when `timeout` runs out (the job keeps running)
   * @throws the signal's reason when `signal` aborts
   */
  async wait(options: WaitOptions = {}): Promise<JobInfo> {
    const started = Date.now();
    let last: JobInfo | undefined;
    for await (const info of this.#poll(options)) {
      last = info;
      options.onProgress?.({ phase: info.phase, elapsed: Date.now() - started, info });
    }
    return last!;
  }

  /**
   * Yields the job's phase each time it changes (the current one first),
   * ending after a final phase. For progress displays.
   *
   * @example
   * ```ts ignore
   * for await (const phase of job.phases()) console.log(phase);
   * ```
   */
  async *phases(
    options: Omit<WaitOptions, "onProgress"> = {},
  ): AsyncGenerator<JobPhase, void, undefined> {
    let previous: JobPhase | undefined;
    for await (const info of this.#poll(options)) {
      if (info.phase !== previous) {
        previous = info.phase;
        yield info.phase;
      }
    }
  }

  /**
   * Reads the error of a job in ERROR: the error document (`<job>/error`),
   * else the errorSummary of the job document.
   */
  async error(options: { signal?: AbortSignal } = {}): Promise<JobErrorReport> {
    const info = this.#info ?? await this.info(options);
    let document: string | undefined;
    let message = info.errorSummary?.message || undefined;
    const res = await this.service.http.request(`${this.url}/error`, {
      allowErrorStatus: true,
      signal: this.#signal(options.signal),
    });
    if (res.ok) {
      document = await res.text();
      const m = extractServerMessage(document, res.contentType);
      if (m?.message) message = m.message;
    } else {
      await res.cancel();
    }
    return {
      message: message ?? `The job is ${info.phase} but the service gave no error message`,
      summary: info.errorSummary,
      document,
    };
  }

  /** Fails with UwsJobError unless the job COMPLETED. */
  async #completed(info: JobInfo, signal: AbortSignal): Promise<void> {
    if (info.phase === "COMPLETED") return;
    if (info.phase === "ERROR") {
      const e = await this.error({ signal });
      throw this.#jobError(e.message, info);
    }
    if (info.phase === "ABORTED") {
      throw this.#jobError("The job was aborted before it finished", info);
    }
    if (info.phase === "ARCHIVED") {
      throw this.#jobError("The job's results were deleted (phase ARCHIVED)", info);
    }
    throw this.#jobError(`The job ended in an unexpected phase ${info.phase}`, info);
  }

  /**
   * Streams the job's result as Arrow record batches (waiting for the job
   * first). Throws {@linkcode UwsJobError} when the job ended in ERROR or
   * ABORTED.
   */
  stream(options: JobResultOptions = {}): ResultStream {
    const ctx: ResultContext = {
      adql: this.adql ?? "",
      url: `${this.url}/results/${options.resultId ?? "result"}`,
      format: this.#format,
      maxrec: this.#maxrec,
      jobUrl: this.url,
      signal: options.signal,
      onProgress: options.onProgress,
      started: Date.now(),
      progress: { loaded: 0, total: undefined, rows: 0 },
    };
    return new ResultStream(async () => {
      const signal = this.#signal(options.signal);
      const info = await this.wait({
        signal,
        ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
        onProgress: (p) => reportProgress(ctx, "waiting", p.phase),
      });
      if (!this.adql) ctx.adql = jobParameter(info, "query") ?? "";
      if (ctx.maxrec === undefined) {
        const m = jobParameter(info, "maxrec");
        if (m && /^\d+$/.test(m)) ctx.maxrec = Number(m);
      }
      await this.#completed(info, signal);
      const wanted = options.resultId ?? "result";
      const href = info.results.find((r) => r.id === wanted)?.href ??
        (options.resultId === undefined ? info.results[0]?.href : undefined) ??
        `${this.url}/results/${encodeURIComponent(wanted)}`;
      ctx.url = href;
      const res = await this.service.http.request(href, {
        allowErrorStatus: true,
        signal,
        onProgress: (p) => {
          ctx.progress!.loaded = p.loaded;
          ctx.progress!.total = p.total;
          reportProgress(ctx, "downloading");
        },
      });
      return openResultResponse(res, ctx);
    }, ctx);
  }

  /** Waits for the job and reads its whole result. */
  result(options: JobResultOptions = {}): Promise<QueryResult> {
    return this.stream(options).collect();
  }

  /**
   * Stops what this client is doing with the job (waits, downloads) and, with
   * `server: true` (the default), asks the service to abort it
   * (`PHASE=ABORT`).
   */
  async abort(
    options: { server?: boolean; reason?: unknown; signal?: AbortSignal } = {},
  ): Promise<void> {
    this.#local.abort(
      options.reason ?? new DOMException(`The job ${this.id} was aborted`, "AbortError"),
    );
    this.#local = new AbortController();
    if (options.server !== false) await this.#postPhase("ABORT", this.#signal(options.signal));
  }

  /**
   * Deletes the job on the server (`DELETE`, or `POST ACTION=DELETE` where
   * DELETE is not allowed). A job that is already gone counts as deleted.
   */
  async delete(options: { signal?: AbortSignal } = {}): Promise<void> {
    const signal = this.#signal(options.signal);
    let res = await this.service.http.request(this.url, {
      method: "DELETE",
      redirect: "manual",
      allowErrorStatus: true,
      signal,
    });
    if (res.status === 405 || res.status === 501) {
      await res.cancel();
      res = await this.service.http.request(this.url, {
        method: "POST",
        form: { ACTION: "DELETE" },
        redirect: "manual",
        idempotent: true,
        allowErrorStatus: true,
        signal,
      });
    }
    if (res.status >= 400 && res.status !== 404 && res.status !== 410) {
      throw await errorFromResponse(res, "Could not delete the job");
    }
    await res.cancel();
    this.#deleted = true;
  }

  /** True once `delete()` succeeded. */
  get deleted(): boolean {
    return this.#deleted;
  }

  /**
   * Ends an `await using` block: stops local waits and deletes the job,
   * unless `keep()` was called. Failures to delete are ignored here (the
   * service deletes the job at its destruction time anyway).
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#kept || this.#deleted) return;
    this.#local.abort(new DOMException(`The job ${this.id} was disposed`, "AbortError"));
    this.#local = new AbortController();
    try {
      await this.delete();
    } catch {
      // Cleanup must not hide the error that ended the block.
    }
  }

  /** JSON form: id, URL and last known phase. */
  toJSON(): { id: string; url: string; phase: JobPhase | undefined } {
    return { id: this.id, url: redactUrl(this.url), phase: this.phase };
  }

  /** One-line summary. */
  toString(): string {
    return `UwsJob(${this.id}, ${this.phase ?? "phase unknown"}, ${redactUrl(this.url)})`;
  }

  /** Compact text for `console.log` / `Deno.inspect`: the summary and the query (not the HTTP client). */
  [Symbol.for("Deno.customInspect")](): string {
    const adql = (this.adql ?? "").replace(/\s+/g, " ").trim();
    return adql
      ? `${this}\n  adql: ${adql.length > 160 ? `${adql.slice(0, 159)}…` : adql}`
      : String(this);
  }
}
