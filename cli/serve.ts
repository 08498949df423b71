// deno-lint-ignore-file no-console
/**
 * `deno task serve`: runs the local Gaia archive alone and prints its base URL
 * when ready.
 *
 * ```
 * deno task serve [--port 8787] [--data-dir DIR] [--user NAME:PASSWORD]... [--users-file FILE]
 *                 [--rows N] [--seed N] [--host 127.0.0.1] [--log]
 * ```
 *
 * Defaults: a free port, the data folder `$XDG_CACHE_HOME/deno-gaia/archive`
 * (or `~/.cache/deno-gaia/archive`), and one documented demo account
 * `demo` / `gaia-demo` when no user is given.
 *
 * @module
 */
import { defaultArchiveDir, isLoopbackHost, startArchive } from "../lib/archive/server.ts";
import type { ArchiveUser, RunningArchive } from "../lib/archive/server.ts";

/** The documented demo account, used when no `--user` is given. */
export const DEMO_USER: ArchiveUser = { name: "demo", password: "gaia-demo" };

/** Usage text of `serve`. */
export const SERVE_USAGE = `Usage: deno task serve [options]

Runs the deno-gaia local archive (SYNTHETIC Gaia-like data) on loopback and
prints its base URL when ready. Stop it with Ctrl-C.

Options:
  --port N                 port to listen on (default: a free port)
  --host H                 loopback interface to bind (default 127.0.0.1)
  --data-dir DIR           jobs, results, user tables and catalogue cache
                           (default: $XDG_CACHE_HOME/deno-gaia/archive or ~/.cache/deno-gaia/archive)
  --user NAME:PASSWORD     an account (repeatable); default: demo:gaia-demo
  --users-file FILE        accounts, one NAME:PASSWORD per line (keeps passwords out of ps)
  --rows N                 rows of gaiadr3.gaia_source (default 100000)
  --seed N                 catalogue seed
  --log                    print one line per request (method, path, status, ms)
  --help                   this text
`;

/** Parsed `serve` arguments. */
export interface ServeArgs {
  /** Port (0 = a free one). */
  port: number;
  /** Loopback interface to bind. */
  host: string;
  /** Data folder. */
  dataDir: string;
  /** Accounts (the demo account when none given). */
  users: ArchiveUser[];
  /** Rows of gaiadr3.gaia_source. */
  rows?: number;
  /** Catalogue seed. */
  seed?: number;
  /** Print one line per request on stderr. */
  log: boolean;
  /** Print the usage and exit. */
  help: boolean;
}

/** The default data folder (see {@linkcode defaultArchiveDir}). */
export function defaultDataDir(): string {
  return defaultArchiveDir();
}

function parseUser(spec: string, where: string): ArchiveUser {
  const colon = spec.indexOf(":");
  if (colon <= 0 || colon === spec.length - 1) {
    throw new TypeError(`Invalid user ${where}: expected NAME:PASSWORD`);
  }
  return { name: spec.slice(0, colon), password: spec.slice(colon + 1) };
}

/**
 * Parses `serve` arguments.
 *
 * @example
 * ```ts
 * import { parseServeArgs } from "./serve.ts";
 * const a = await parseServeArgs(["--port", "8787", "--user", "ann:pw", "--data-dir", "/tmp/x"]);
 * if (a.port !== 8787 || a.users[0].name !== "ann" || a.dataDir !== "/tmp/x") throw new Error("parse");
 * ```
 */
export async function parseServeArgs(args: string[]): Promise<ServeArgs> {
  const out: ServeArgs = {
    port: 0,
    host: "127.0.0.1",
    dataDir: defaultDataDir(),
    users: [],
    log: false,
    help: false,
  };
  const int = (v: string | undefined, name: string) => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 0) {
      throw new TypeError(`${name} needs a non-negative integer, got '${v}'`);
    }
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith("--") && a.includes("=")
      ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
      : [a, undefined];
    const value = () => inline ?? args[++i];
    switch (flag) {
      case "--port":
        out.port = int(value(), "--port");
        break;
      case "--host":
        out.host = value() ?? "";
        break;
      case "--data-dir":
        out.dataDir = value() ?? "";
        if (!out.dataDir) throw new TypeError("--data-dir needs a folder");
        break;
      case "--user":
        out.users.push(parseUser(value() ?? "", "given to --user"));
        break;
      case "--users-file": {
        const file = value();
        if (!file) throw new TypeError("--users-file needs a file");
        const lines = (await Deno.readTextFile(file)).split(/\r?\n/).map((l) => l.trim());
        lines.forEach((l, n) => {
          if (l && !l.startsWith("#")) out.users.push(parseUser(l, `on line ${n + 1} of ${file}`));
        });
        break;
      }
      case "--rows":
        out.rows = int(value(), "--rows");
        break;
      case "--seed":
        out.seed = int(value(), "--seed");
        break;
      case "--log":
        out.log = true;
        break;
      case "--help":
      case "-h":
        out.help = true;
        break;
      default:
        throw new TypeError(`Unknown option '${a}' (see --help)`);
    }
  }
  if (out.users.length === 0) out.users.push(DEMO_USER);
  return out;
}

/** Runs `serve` until SIGINT/SIGTERM; returns the exit code. */
export async function serveMain(args: string[]): Promise<number> {
  let parsed: ServeArgs;
  try {
    parsed = await parseServeArgs(args);
  } catch (e) {
    console.error(`serve: ${(e as Error).message}`);
    return 2;
  }
  if (parsed.help) {
    console.log(SERVE_USAGE);
    return 0;
  }
  if (!isLoopbackHost(parsed.host)) {
    console.error(
      `serve: --host ${
        JSON.stringify(parsed.host)
      } is not a loopback address; the local archive listens on 127.0.0.1, ::1 or localhost only`,
    );
    return 2;
  }
  const t0 = performance.now();
  let archive: RunningArchive;
  try {
    archive = await startArchive({
      port: parsed.port,
      hostname: parsed.host,
      dataDir: parsed.dataDir,
      users: parsed.users,
      rows: parsed.rows,
      seed: parsed.seed,
      onRequest: parsed.log
        ? (r) => console.error(`${r.method} ${r.path} ${r.status} ${r.ms.toFixed(1)} ms`)
        : undefined,
    });
  } catch (e) {
    // Expected failures (port taken, a non-loopback host, an unwritable data dir) are one line.
    if (e instanceof Deno.errors.AddrInUse) {
      console.error(
        `serve: port ${parsed.port} on ${parsed.host} is already in use (another archive running?); choose another --port, or leave it out for a free one`,
      );
      return 1;
    }
    if (e instanceof RangeError) {
      console.error(`serve: ${e.message}`);
      return 2;
    }
    console.error(
      `serve: could not start the local archive: ${
        e instanceof Error ? `${e.name}: ${e.message}` : e
      }`,
    );
    return 1;
  }
  // Listen for Ctrl-C before saying "ready", so a stop right after the banner is not lost.
  const { promise, resolve } = Promise.withResolvers<void>();
  const stop = () => resolve();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  console.log(`Local Gaia archive (SYNTHETIC data) ready at ${archive.url}`);
  console.log(`  TAP:      ${archive.tapUrl}`);
  console.log(`  DataLink: ${archive.dataUrl}/datalink/links`);
  console.log(`  data dir: ${archive.dataDir}`);
  console.log(`  users:    ${parsed.users.map((u) => u.name).join(", ")}`);
  if (archive.recoveredJobs.length) {
    console.log(
      `  ${archive.recoveredJobs.length} job(s) were running at the last stop and are now ERROR`,
    );
  }
  console.log(`  started in ${((performance.now() - t0) / 1000).toFixed(1)} s; Ctrl-C to stop`);
  await promise;
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
  await archive.close();
  return 0;
}

if (import.meta.main) Deno.exit(await serveMain(Deno.args));
