/**
 * The `--archive esa|local|URL` option shared by the command-line tools:
 * the value, else `GAIA_ARCHIVE`, else `esa`; a bad value is a usage error
 * that names where it came from (the option or the variable) and what is
 * accepted, never a stack trace.
 *
 * @module
 */
import { archiveSpec, clientFor } from "../lib/gaia/default_client.ts";
import type { Gaia } from "../lib/gaia/gaia.ts";

/** Thrown for an `--archive` (or `GAIA_ARCHIVE`) value that is not an archive. */
export class ArchiveOptionError extends TypeError {
  /** The value refused. */
  readonly value: string;
  /** Where it came from: `--archive` or `GAIA_ARCHIVE`. */
  readonly source: "--archive" | "GAIA_ARCHIVE";

  /**
   * Creates the error.
   *
   * @param value the value refused
   * @param source `--archive` or `GAIA_ARCHIVE`
   */
  constructor(value: string, source: "--archive" | "GAIA_ARCHIVE") {
    const shown = source === "--archive"
      ? `--archive ${JSON.stringify(value)}`
      : `GAIA_ARCHIVE=${JSON.stringify(value)}`;
    super(
      `${shown} is not an archive: use esa, ari, aip, local, ` +
        "or an archive root URL such as http://127.0.0.1:8787",
    );
    this.name = "ArchiveOptionError";
    this.value = value;
    this.source = source;
  }
}

/**
 * The archive a command should use: `option` (the `--archive` value) when
 * given, else `GAIA_ARCHIVE`, else `esa`. Validates without connecting.
 *
 * @param option the `--archive` value, if any
 * @returns the spec and where it came from
 * @throws {ArchiveOptionError} when the value is not esa, a mirror, local or a URL
 *
 * @example
 * ```ts
 * import { ArchiveOptionError, resolveArchiveOption } from "./archive_option.ts";
 * if (resolveArchiveOption("local").spec !== "local") throw new Error();
 * try {
 *   resolveArchiveOption("bogus");
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!(e instanceof ArchiveOptionError) || !e.message.includes('"bogus"')) throw e;
 * }
 * try {
 *   resolveArchiveOption("localhost:8787"); // no http:// in front
 *   throw new Error("accepted");
 * } catch (e) {
 *   if (!(e instanceof ArchiveOptionError)) throw e;
 * }
 * ```
 */
export function resolveArchiveOption(
  option: string | undefined,
): { spec: string; source: "--archive" | "GAIA_ARCHIVE" | "default" } {
  let env: string | undefined;
  if (option === undefined) {
    try {
      env = Deno.env.get("GAIA_ARCHIVE") || undefined;
    } catch { /* no --allow-env: the default */ }
  }
  const value = option ?? env;
  const source = option !== undefined
    ? "--archive"
    : env !== undefined
    ? "GAIA_ARCHIVE"
    : "default";
  if (value === undefined) return { spec: "esa", source };
  const refuse = () =>
    new ArchiveOptionError(value, source === "--archive" ? "--archive" : "GAIA_ARCHIVE");
  if (value.trim() === "") throw refuse();
  let kind: string;
  try {
    kind = archiveSpec(value).kind;
  } catch {
    throw refuse();
  }
  // `localhost:8787` parses as a URL with the scheme "localhost:": only http(s) roots are archives.
  if (kind === "url" && !/^https?:$/.test(new URL(value.trim()).protocol)) throw refuse();
  return { spec: value, source };
}

/**
 * A Gaia client for the `--archive` value (else `GAIA_ARCHIVE`, else esa);
 * `local` starts a local archive in-process on first use (close the client).
 *
 * @param option the `--archive` value, if any
 * @throws {ArchiveOptionError} for a value that is not an archive
 *
 * @example
 * ```ts
 * import { archiveClient } from "./archive_option.ts";
 * await using g = archiveClient("http://127.0.0.1:9");
 * if (!String(g).includes("127.0.0.1:9")) throw new Error(String(g));
 * ```
 */
export function archiveClient(option: string | undefined): Gaia {
  return clientFor(resolveArchiveOption(option).spec);
}
