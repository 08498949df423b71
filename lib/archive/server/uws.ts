/**
 * UWS job manager of the local archive: jobs with the phases PENDING, QUEUED,
 * EXECUTING, COMPLETED, ERROR and ABORTED, run by a small worker pool, kept
 * on disk under `<dataDir>/jobs/<jobId>/` (job.json, result file, result.arrow,
 * uploads), every file written atomically. At start, jobs found QUEUED or
 * EXECUTING are marked ERROR ("archive restarted while the job was running").
 *
 * @module
 */
import { ArchiveHttpError } from "./http_error.ts";
import { readJsonFile, removeStaleTemps, writeFileAtomic } from "./persist.ts";

/** UWS execution phases used by the archive. */
export type JobPhase = "PENDING" | "QUEUED" | "EXECUTING" | "COMPLETED" | "ERROR" | "ABORTED";

/** Phases after which a job never changes again. */
export const FINAL_PHASES: ReadonlySet<JobPhase> = new Set(["COMPLETED", "ERROR", "ABORTED"]);

/** Where a finished job's result lives. */
export interface JobResult {
  /** File name inside the job folder, e.g. `result.vot.gz`. */
  file: string;
  /** MIME type of the (decompressed) format. */
  mime: string;
  /** Size of the stored file in bytes. */
  size: number;
  /** Number of rows. */
  rows: number;
  /** Whether the file is gzip-compressed (sent as is, without Content-Encoding). */
  gzip: boolean;
  /** Name for Content-Disposition, e.g. `1700000000000L-result.vot.gz`. */
  downloadName: string;
}

/** The persisted state of a job. */
export interface JobRecord {
  /** Job id (`<epoch ms><suffix>`). */
  jobId: string;
  /** `anonymous` or a user name. */
  owner: string;
  /** Current phase. */
  phase: JobPhase;
  /** UWS runId (empty when unset). */
  runId: string;
  /** Job name (JOBNAME). */
  name: string;
  /** UWS parameters by id (lower-case names, `maxRec`). */
  parameters: Record<string, string>;
  /** Creation time, epoch ms. */
  creationTime: number;
  /** Start of execution, epoch ms. */
  startTime?: number;
  /** End of execution, epoch ms. */
  endTime?: number;
  /** When the job is deleted, epoch ms. */
  destruction: number;
  /** Run limit in seconds (0 = none). */
  executionDuration: number;
  /** Upload tables saved beside the job: TAP_UPLOAD name -> file. */
  uploads: { name: string; file: string }[];
  /** Error message when phase is ERROR. */
  error?: string;
  /** The stored result when COMPLETED. */
  result?: JobResult;
}

/** What a runner hands back for a finished job. */
export interface JobOutput {
  /** The encoded result as served. */
  bytes: Uint8Array;
  /** MIME type of the format. */
  mime: string;
  /** File extension with the compression suffix, e.g. `vot.gz`, `csv`. */
  ext: string;
  /** Whether `bytes` are gzip-compressed. */
  gzip: boolean;
  /** Number of rows. */
  rows: number;
  /** Arrow IPC file of the result (for `job_upload."job<ID>"`, uploads from jobs, DataLink `job:` ids). */
  arrow: Uint8Array;
}

/** Runs a job's query. */
export type JobRunner = (
  job: JobRecord,
  uploads: Record<string, Uint8Array>,
  signal: AbortSignal,
) => Promise<JobOutput>;

/** Job id pattern: epoch ms then a short upper-case suffix. Guards every path built from an id. */
export const JOB_ID_PATTERN = /^[0-9]{13,16}[A-Z]{1,4}$/;

/** Message given to jobs found running at start-up. */
export const RESTART_MESSAGE = "archive restarted while the job was running";

const ANON_LIFETIME_MS = 7 * 24 * 3600 * 1000;
const USER_LIFETIME_MS = 10 * 365 * 24 * 3600 * 1000;

/** Filters and paging of a job list. */
export interface JobListQuery {
  /** Jobs to skip. */
  offset?: number;
  /** Jobs to return at most. */
  limit?: number;
  /** e.g. `CREATION_TIME:DESC`, several separated by `,`. */
  order?: string;
  /** Substring of the job id. */
  jobid?: string;
  /** Substring of the job name. */
  jobname?: string;
  /** Exact phase. */
  phase?: string;
  /** Substring of the query. */
  query?: string;
  /** Started at or after (epoch ms). */
  startTimeInit?: number;
  /** Started at or before (epoch ms). */
  startTimeLimit?: number;
  /** Ended at or after (epoch ms). */
  endTimeInit?: number;
  /** Ended at or before (epoch ms). */
  endTimeLimit?: number;
}

/** Options of {@linkcode JobManager}. */
export interface JobManagerOptions {
  /** Folder of the jobs (created if missing). */
  dir: string;
  /** Runs a job's query. */
  runner: JobRunner;
  /** Jobs run at once. */
  workers: number;
  /** Per-job run limit in seconds (0 = none). */
  maxExecutionSeconds: number;
  /** Called on every phase change (events, logging). */
  onChange?: (job: JobRecord, kind: "created" | "updated" | "removed") => void;
  /** Awaited when a job is deleted, before `delete()` returns (release what the job left elsewhere). */
  onDelete?: (job: JobRecord) => Promise<void>;
  /** Suffix of job ids. @default "L" */
  suffix?: string;
}

let lastMs = 0;

/**
 * The job manager.
 *
 * @example Run a job to completion
 * ```ts
 * import { JobManager } from "./uws.ts";
 * const dir = await Deno.makeTempDir();
 * const jobs = await JobManager.open({
 *   dir, workers: 1, maxExecutionSeconds: 0,
 *   runner: () => Promise.resolve({ bytes: new TextEncoder().encode("a\n1\n"), mime: "text/csv",
 *     ext: "csv", gzip: false, rows: 1, arrow: new Uint8Array() }),
 * });
 * const job = await jobs.create("anonymous", { query: "SELECT 1", format: "csv" }, {});
 * await jobs.start(job.jobId);
 * const done = await jobs.waitFor(job.jobId, "QUEUED", 5000);
 * if ((await jobs.waitFor(job.jobId, done.phase, 5000)).phase !== "COMPLETED") throw new Error("not done");
 * await jobs.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class JobManager {
  #dir: string;
  #runner: JobRunner;
  #workers: number;
  #maxSeconds: number;
  #onChange: (job: JobRecord, kind: "created" | "updated" | "removed") => void;
  #onDelete: (job: JobRecord) => Promise<void>;
  #suffix: string;
  #jobs = new Map<string, JobRecord>();
  #queue: string[] = [];
  #running = new Map<string, AbortController>();
  #runs = new Set<Promise<void>>();
  #listeners = new Map<string, Set<{ check: () => void; done: () => void }>>();
  #closed = false;
  /** Jobs marked ERROR at start-up because they were running. */
  recovered: string[] = [];
  /** Job folders that could not be read at start-up (skipped, never served). */
  unreadable: string[] = [];

  private constructor(o: JobManagerOptions) {
    this.#dir = o.dir;
    this.#runner = o.runner;
    this.#workers = o.workers;
    this.#maxSeconds = o.maxExecutionSeconds;
    this.#onChange = o.onChange ?? (() => {});
    this.#onDelete = o.onDelete ?? (() => Promise.resolve());
    this.#suffix = o.suffix ?? "L";
  }

  /** Opens the job folder, recovering the jobs of a previous run. */
  static async open(o: JobManagerOptions): Promise<JobManager> {
    const m = new JobManager(o);
    await Deno.mkdir(o.dir, { recursive: true });
    await m.#recover();
    return m;
  }

  async #recover(): Promise<void> {
    const now = Date.now();
    for await (const e of Deno.readDir(this.#dir)) {
      if (!e.isDirectory || !JOB_ID_PATTERN.test(e.name)) continue;
      const folder = `${this.#dir}/${e.name}`;
      await removeStaleTemps(folder);
      let job: JobRecord | undefined;
      try {
        job = await readJsonFile<JobRecord>(`${folder}/job.json`);
      } catch {
        job = undefined;
      }
      if (!job || job.jobId !== e.name) {
        this.unreadable.push(e.name);
        continue;
      }
      if (job.destruction < now) {
        await Deno.remove(folder, { recursive: true }).catch(() => {});
        continue;
      }
      if (job.phase === "QUEUED" || job.phase === "EXECUTING") {
        job.phase = "ERROR";
        job.error = RESTART_MESSAGE;
        job.endTime = now;
        await this.#persist(job);
        this.recovered.push(job.jobId);
      } else if (job.phase === "COMPLETED") {
        const ok = job.result &&
          await Deno.stat(`${folder}/${job.result.file}`).then(
            (s) => s.size === job!.result!.size,
            () => false,
          );
        if (!ok) {
          job.phase = "ERROR";
          job.error = "result file missing or incomplete after a restart";
          delete job.result;
          await this.#persist(job);
          this.recovered.push(job.jobId);
        }
      }
      this.#jobs.set(job.jobId, job);
    }
  }

  /** A new unique job id (also used for sync queries). */
  newId(): string {
    lastMs = Math.max(Date.now(), lastMs + 1);
    while (this.#jobs.has(`${lastMs}${this.#suffix}`)) lastMs++;
    return `${lastMs}${this.#suffix}`;
  }

  /** The folder of a job (id checked against {@linkcode JOB_ID_PATTERN}). */
  folder(jobId: string): string {
    if (!JOB_ID_PATTERN.test(jobId)) throw new ArchiveHttpError(404, `Job '${jobId}' not found`);
    return `${this.#dir}/${jobId}`;
  }

  #writes = new Map<string, Promise<void>>();

  /**
   * Writes job.json; writes of one job are chained and each serialises the
   * job when it runs, so the file always ends with the latest state.
   */
  #persist(job: JobRecord): Promise<void> {
    const path = `${this.folder(job.jobId)}/job.json`;
    const prev = this.#writes.get(job.jobId) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(() =>
      writeFileAtomic(path, JSON.stringify(job, null, 1))
    );
    this.#writes.set(job.jobId, next);
    next.finally(() => {
      if (this.#writes.get(job.jobId) === next) this.#writes.delete(job.jobId);
    }).catch(() => {});
    return next;
  }

  /** Deletes anonymous (and any) jobs past their destruction time. */
  async #sweep(now: number): Promise<void> {
    for (const job of [...this.#jobs.values()]) {
      if (job.destruction < now && !this.#running.has(job.jobId)) await this.delete(job.jobId);
    }
  }

  #notify(job: JobRecord): void {
    for (const l of [...(this.#listeners.get(job.jobId) ?? [])]) l.check();
  }

  /** Creates a PENDING job owned by `owner` with its upload tables. */
  async create(
    owner: string,
    parameters: Record<string, string>,
    uploads: Record<string, Uint8Array>,
    name = "",
  ): Promise<JobRecord> {
    if (this.#closed) throw new ArchiveHttpError(503, "The archive is shutting down");
    const now = Date.now();
    await this.#sweep(now);
    const jobId = this.newId();
    const job: JobRecord = {
      jobId,
      owner,
      phase: "PENDING",
      runId: "",
      name,
      parameters,
      creationTime: now,
      destruction: now + (owner === "anonymous" ? ANON_LIFETIME_MS : USER_LIFETIME_MS),
      executionDuration: this.#maxSeconds,
      uploads: [],
    };
    const folder = this.folder(jobId);
    await Deno.mkdir(folder, { recursive: true });
    let i = 0;
    for (const [uname, bytes] of Object.entries(uploads)) {
      const file = `upload_${i++}.bin`;
      await writeFileAtomic(`${folder}/${file}`, bytes);
      job.uploads.push({ name: uname, file });
    }
    await this.#persist(job);
    this.#jobs.set(jobId, job);
    this.#onChange(job, "created");
    return job;
  }

  /** A job by id, or `undefined`. */
  get(jobId: string): JobRecord | undefined {
    return JOB_ID_PATTERN.test(jobId) ? this.#jobs.get(jobId) : undefined;
  }

  /** Jobs of an owner, filtered, ordered and paged; `total` before paging. */
  list(owner: string, q: JobListQuery = {}): { jobs: JobRecord[]; total: number } {
    let jobs = [...this.#jobs.values()].filter((j) => j.owner === owner);
    const has = (a: string | undefined, b: string) =>
      !a || b.toLowerCase().includes(a.toLowerCase());
    jobs = jobs.filter((j) =>
      has(q.jobid, j.jobId) && has(q.jobname, j.name) &&
      (!q.phase || j.phase === q.phase.toUpperCase()) && has(q.query, j.parameters.query ?? "") &&
      (q.startTimeInit === undefined || (j.startTime ?? 0) >= q.startTimeInit) &&
      (q.startTimeLimit === undefined || (j.startTime ?? Infinity) <= q.startTimeLimit) &&
      (q.endTimeInit === undefined || (j.endTime ?? 0) >= q.endTimeInit) &&
      (q.endTimeLimit === undefined || (j.endTime ?? Infinity) <= q.endTimeLimit)
    );
    const keys = (q.order ?? "CREATION_TIME:DESC").split(",").map((s) => s.trim()).filter(Boolean);
    const getter = (col: string): (j: JobRecord) => string | number => {
      switch (col.toUpperCase()) {
        case "START_TIME":
          return (j) => j.startTime ?? 0;
        case "END_TIME":
          return (j) => j.endTime ?? 0;
        case "JOB_ID":
        case "JOBID":
          return (j) => j.jobId;
        case "PHASE":
        case "PHASE_ID":
        case "PHASEID":
          return (j) => j.phase;
        case "JOB_NAME":
        case "JOBNAME":
        case "NAME":
          return (j) => j.name;
        case "QUERY":
          return (j) => j.parameters.query ?? "";
        case "CREATION_TIME":
          return (j) => j.creationTime;
        default:
          throw new ArchiveHttpError(
            400,
            `Unknown order column '${col}': use CREATION_TIME, START_TIME, END_TIME, JOB_ID, PHASE, ` +
              `JOB_NAME or QUERY, with :ASC or :DESC`,
          );
      }
    };
    const cmp = keys.map((k) => {
      const [col, dir = "ASC"] = k.split(":");
      const g = getter(col);
      const sign = dir.toUpperCase() === "DESC" ? -1 : 1;
      return (a: JobRecord, b: JobRecord) => {
        const x = g(a), y = g(b);
        return x < y ? -sign : x > y ? sign : 0;
      };
    });
    jobs.sort((a, b) => {
      for (const c of cmp) {
        const r = c(a, b);
        if (r) return r;
      }
      return a.jobId < b.jobId ? -1 : 1;
    });
    const total = jobs.length;
    const offset = Math.max(0, q.offset ?? 0);
    const limit = q.limit === undefined ? Infinity : Math.max(0, q.limit);
    return { jobs: jobs.slice(offset, offset + limit), total };
  }

  /** Number of jobs an owner keeps. */
  count(owner: string): number {
    let n = 0;
    for (const j of this.#jobs.values()) if (j.owner === owner) n++;
    return n;
  }

  /** Sets a parameter while the job is PENDING. */
  async setParameter(jobId: string, name: string, value: string): Promise<JobRecord> {
    const job = this.#mustGet(jobId);
    if (job.phase !== "PENDING") {
      throw new ArchiveHttpError(
        400,
        `Cannot change parameter '${name}' of job '${jobId}': the job is ${job.phase}, not PENDING`,
      );
    }
    const key = name.toLowerCase() === "maxrec" ? "maxRec" : name.toLowerCase();
    if (key === "executionduration") job.executionDuration = Number(value) || 0;
    else if (key === "destruction") {
      const t = Date.parse(value);
      if (Number.isNaN(t)) throw new ArchiveHttpError(400, `Invalid DESTRUCTION time '${value}'`);
      job.destruction = t;
    } else if (key === "runid") job.runId = value;
    else if (key === "jobname") {
      job.name = value;
      job.parameters.jobname = value;
    } else job.parameters[key] = value;
    await this.#persist(job);
    this.#onChange(job, "updated");
    return job;
  }

  #mustGet(jobId: string): JobRecord {
    const job = this.get(jobId);
    if (!job) throw new ArchiveHttpError(404, `Job '${jobId}' not found`);
    return job;
  }

  /**
   * Changes a job's phase: `onChange` hears it at once (in the order changes
   * happen), WAIT listeners once job.json holds it.
   */
  async #setPhase(job: JobRecord, phase: JobPhase, extra: Partial<JobRecord> = {}): Promise<void> {
    Object.assign(job, extra, { phase });
    this.#onChange(job, "updated");
    await this.#persist(job);
    this.#notify(job);
  }

  /** Queues a PENDING job (no-op when already started). */
  async start(jobId: string): Promise<JobRecord> {
    const job = this.#mustGet(jobId);
    if (job.phase !== "PENDING") return job;
    await this.#setPhase(job, "QUEUED");
    this.#queue.push(jobId);
    this.#pump();
    return job;
  }

  #pump(): void {
    while (!this.#closed && this.#running.size < this.#workers && this.#queue.length) {
      const id = this.#queue.shift()!;
      const job = this.#jobs.get(id);
      if (!job || job.phase !== "QUEUED") continue;
      const ac = new AbortController();
      this.#running.set(id, ac);
      const p = this.#run(job, ac).finally(() => {
        this.#running.delete(id);
        this.#runs.delete(p);
        this.#pump();
      });
      this.#runs.add(p);
    }
  }

  async #run(job: JobRecord, ac: AbortController): Promise<void> {
    const folder = this.folder(job.jobId);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const seconds = job.executionDuration > 0 ? job.executionDuration : this.#maxSeconds;
    try {
      await this.#setPhase(job, "EXECUTING", { startTime: Date.now() });
      if (seconds > 0) {
        timer = setTimeout(
          () => ac.abort(new Error(`Query exceeded the execution time limit of ${seconds} s`)),
          seconds * 1000,
        );
      }
      const uploads: Record<string, Uint8Array> = {};
      for (const u of job.uploads) uploads[u.name] = await Deno.readFile(`${folder}/${u.file}`);
      const out = await this.#runner(job, uploads, ac.signal);
      if (ac.signal.aborted) throw ac.signal.reason;
      const file = `result.${out.ext}`;
      await writeFileAtomic(`${folder}/result.arrow`, out.arrow);
      await writeFileAtomic(`${folder}/${file}`, out.bytes);
      if (job.phase !== "EXECUTING") return; // aborted or deleted meanwhile
      await this.#setPhase(job, "COMPLETED", {
        endTime: Date.now(),
        result: {
          file,
          mime: out.mime,
          size: out.bytes.length,
          rows: out.rows,
          gzip: out.gzip,
          downloadName: `${job.jobId}-result.${out.ext}`,
        },
      });
    } catch (e) {
      if (job.phase === "ABORTED" || !this.#jobs.has(job.jobId)) return;
      if (this.#closed) return; // left EXECUTING on disk: marked ERROR at the next start
      const message = ac.signal.aborted && ac.signal.reason instanceof Error
        ? ac.signal.reason.message
        : e instanceof Error
        ? e.message
        : String(e);
      await this.#setPhase(job, "ERROR", { endTime: Date.now(), error: message }).catch(() => {});
    } finally {
      clearTimeout(timer);
    }
  }

  /** Aborts a job that has not finished. */
  async abort(jobId: string): Promise<JobRecord> {
    const job = this.#mustGet(jobId);
    if (FINAL_PHASES.has(job.phase)) return job;
    this.#queue = this.#queue.filter((id) => id !== jobId);
    await this.#setPhase(job, "ABORTED", { endTime: Date.now() });
    this.#running.get(jobId)?.abort(new Error("Job aborted"));
    return job;
  }

  /** Deletes a job and its files. */
  async delete(jobId: string): Promise<void> {
    const job = this.#mustGet(jobId);
    this.#queue = this.#queue.filter((id) => id !== jobId);
    this.#running.get(jobId)?.abort(new Error("Job deleted"));
    this.#jobs.delete(jobId);
    await Deno.remove(this.folder(jobId), { recursive: true }).catch(() => {});
    await this.#onDelete(job);
    this.#onChange(job, "removed");
    this.#notify(job);
  }

  /**
   * Waits until the job's phase differs from `phase` (UWS `WAIT`), a final
   * phase is reached, or `timeoutMs` passes; returns the job.
   */
  waitFor(jobId: string, phase: string | undefined, timeoutMs: number): Promise<JobRecord> {
    const job = this.#mustGet(jobId);
    const settled = () => {
      const j = this.#jobs.get(jobId);
      return !j || (phase ? j.phase !== phase.toUpperCase() : false) || FINAL_PHASES.has(j.phase);
    };
    if (
      settled() || timeoutMs <= 0 ||
      (!phase && !["PENDING", "QUEUED", "EXECUTING"].includes(job.phase))
    ) {
      return Promise.resolve(this.#jobs.get(jobId) ?? job);
    }
    return new Promise((resolve) => {
      let set = this.#listeners.get(jobId);
      if (!set) this.#listeners.set(jobId, set = new Set());
      const entry = { check: () => {}, done: () => {} };
      const done = () => {
        clearTimeout(timer);
        set!.delete(entry);
        if (set!.size === 0) this.#listeners.delete(jobId);
        resolve(this.#jobs.get(jobId) ?? job);
      };
      const check = () => {
        if (settled()) done();
      };
      const timer = setTimeout(done, timeoutMs);
      entry.check = check;
      entry.done = done;
      set.add(entry);
    });
  }

  /** Path of a job's stored result, if COMPLETED. */
  resultPath(job: JobRecord): string | undefined {
    return job.phase === "COMPLETED" && job.result
      ? `${this.folder(job.jobId)}/${job.result.file}`
      : undefined;
  }

  /** Arrow IPC bytes of a COMPLETED job's result. */
  async resultArrow(job: JobRecord): Promise<Uint8Array | undefined> {
    if (job.phase !== "COMPLETED") return undefined;
    try {
      return await Deno.readFile(`${this.folder(job.jobId)}/result.arrow`);
    } catch {
      return undefined;
    }
  }

  /**
   * Stops taking work, aborts running jobs (they stay EXECUTING on disk and
   * become ERROR at the next start), and waits up to `graceMs` for workers.
   */
  async close(graceMs = 10_000): Promise<void> {
    this.#closed = true;
    for (const ac of this.#running.values()) ac.abort(new Error("archive shutting down"));
    for (const set of [...this.#listeners.values()]) for (const l of [...set]) l.done();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled([...this.#runs, ...this.#writes.values()]),
      new Promise((r) => timer = setTimeout(r, graceMs)),
    ]);
    clearTimeout(timer);
  }
}
