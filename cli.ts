// deno-lint-ignore-file no-console -- the command-line entry point prints usage
/**
 * The deno-gaia command line: `deno task cli <command> [options]`.
 *
 * Each command lives in `cli/<command>.ts` and is loaded only when run.
 * To add one, add a line to {@linkcode COMMANDS}.
 *
 * @module
 */

/** A subcommand: a one-line summary and a loader for its `main(args) -> exit code`. */
export interface Command {
  summary: string;
  load: () => Promise<(args: string[]) => Promise<number>>;
}

/**
 * The registered subcommands, one line each: name, summary, and a loader
 * that imports `cli/<name>.ts` only when the command runs.
 *
 * @example
 * ```ts
 * import { COMMANDS } from "./cli.ts";
 * if (!("inspect" in COMMANDS)) throw new Error("inspect");
 * ```
 */
// deno-fmt-ignore
export const COMMANDS: Record<string, Command> = {
  convert: { summary: "convert a table between VOTable, CSV, TSV, ECSV, JSON, FITS, Arrow, Parquet", load: () => import("./cli/convert.ts").then((m) => m.convertMain) },
  inspect: { summary: "show a table file's format, rows, query status and columns (units, UCDs)", load: () => import("./cli/inspect.ts").then((m) => m.inspectMain) },
  query: { summary: "run an ADQL query on a Gaia archive (--archive) or any TAP service (--service)", load: () => import("./cli/query.ts").then((m) => m.queryMain) },
  datalink: {
    summary: "fetch Gaia DataLink products (epoch photometry, spectra) into one table",
    load: () => import("./cli/datalink.ts").then((m) => m.datalinkMain),
  },
  login: {
    summary: "check archive credentials (GAIA_USER/GAIA_PASSWORD or a credentials file)",
    load: () => import("./cli/login.ts").then((m) => m.loginMain),
  },
  serve: { summary: "run the local Gaia archive (synthetic data) on loopback", load: () => import("./cli/serve.ts").then((m) => m.serveMain) },
};

/**
 * The top-level usage text.
 *
 * @example
 * ```ts
 * import { usage } from "./cli.ts";
 * if (!usage().includes("convert")) throw new Error(usage());
 * ```
 */
export function usage(): string {
  const names = Object.keys(COMMANDS);
  const w = Math.max(...names.map((n) => n.length));
  return `Usage: deno task cli <command> [options]   (or: deno run -A cli.ts <command> ...)

Commands:
${names.map((n) => `  ${n.padEnd(w)}  ${COMMANDS[n]!.summary}`).join("\n")}

Run "deno task cli <command> --help" for a command's options.`;
}

/**
 * Runs the command line; returns the exit code.
 *
 * @example
 * ```ts ignore
 * const code = await main(["inspect", "result.vot"]);
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`Unknown command ${JSON.stringify(name)}.\n\n${usage()}`);
    return 2;
  }
  const run = await command.load();
  return await run(rest);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
