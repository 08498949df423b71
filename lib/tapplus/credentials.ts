/**
 * Credentials for the archive's TAP+ login: from arguments, from the
 * `GAIA_USER` / `GAIA_PASSWORD` environment variables, or from a two-line
 * file (user, password). The password lives in a private field and never
 * appears in `toString()`, `JSON.stringify()`, `Deno.inspect()` or errors.
 *
 * @module
 */
import { AuthError } from "./errors.ts";

const INSPECT = Symbol.for("Deno.customInspect");
const NODE_INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * A user name and a password that does not leak.
 *
 * @example The password stays hidden
 * ```ts
 * import { Credentials } from "./credentials.ts";
 * const c = new Credentials("bob", "hunter2");
 * for (const text of [String(c), JSON.stringify(c), Deno.inspect(c), Deno.inspect({ c })]) {
 *   if (text.includes("hunter2")) throw new Error(text);
 * }
 * if (c.user !== "bob") throw new Error();
 * ```
 */
export class Credentials {
  /** The user name (not secret). */
  readonly user: string;
  readonly #password: string;

  /**

   * Creates the instance.
   * @param user the user name
   * @param password kept in a private field only.
   */
  constructor(user: string, password: string) {
    if (!user.trim()) throw new AuthError("The user name is empty", { reason: "no-credentials" });
    if (!password) {
      throw new AuthError(`The password for ${JSON.stringify(user)} is empty`, {
        reason: "no-credentials",
      });
    }
    this.user = user.trim();
    this.#password = password;
  }

  /** The password, for the login request only. */
  revealPassword(): string {
    return this.#password;
  }

  /** `Credentials(user="bob", password=***)`. */
  toString(): string {
    return `Credentials(user=${JSON.stringify(this.user)}, password=***)`;
  }

  /** `{ user, password: "***" }`. */
  toJSON(): { user: string; password: string } {
    return { user: this.user, password: "***" };
  }

  /** `Deno.inspect` form without the password. */
  [INSPECT](): string {
    return this.toString();
  }

  /** Node `util.inspect` form without the password. */
  [NODE_INSPECT](): string {
    return this.toString();
  }
}

/** A warning about how credentials are stored (e.g. a world-readable file). */
export interface CredentialsWarning {
  /** What is wrong. */
  kind: "file-permissions";
  /** The warning, with the command that fixes it. */
  message: string;
  /** The file concerned. */
  path: string;
}

/** Where credentials may come from (the first that is given wins). */
export interface CredentialsOptions {
  /** User name (with `password`). */
  user?: string;
  /** Password (with `user`). */
  password?: string;
  /** Path of a two-line file: user name, then password. */
  credentialsFile?: string;
  /**
   * Read `GAIA_USER` and `GAIA_PASSWORD` (or `GAIA_CREDENTIALS_FILE`) when
   * nothing else is given. @default true
   */
  env?: boolean;
  /** Called with warnings (a world-readable credentials file); never printed by the library. */
  onWarning?: (warning: CredentialsWarning) => void;
}

/**
 * Reads a two-line credentials file (user, then password). Warns through
 * `onWarning` when the file is readable by other users (mode `o+r`).
 *
 * @throws {AuthError} when the file is missing lines (`no-credentials`)
 * @throws {Deno.errors.NotFound} when the file does not exist
 *
 * @example
 * ```ts
 * import { readCredentialsFile } from "./credentials.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "bob\nhunter2\n", { mode: 0o644 });
 * await Deno.chmod(path, 0o644);
 * const warnings: string[] = [];
 * const c = await readCredentialsFile(path, (w) => warnings.push(w.message));
 * await Deno.remove(path);
 * if (c.user !== "bob" || c.revealPassword() !== "hunter2" || warnings.length !== 1) throw new Error();
 * ```
 */
export async function readCredentialsFile(
  path: string,
  onWarning?: (warning: CredentialsWarning) => void,
): Promise<Credentials> {
  const info = await Deno.stat(path);
  if (info.mode !== null && (info.mode & 0o004) !== 0 && onWarning) {
    onWarning({
      kind: "file-permissions",
      path,
      message: `Credentials file ${JSON.stringify(path)} is readable by every user (mode ${
        (info.mode & 0o777).toString(8)
      }); run: chmod 600 ${path}`,
    });
  }
  const lines = (await Deno.readTextFile(path)).split(/\r?\n/);
  const user = lines[0]?.trim() ?? "";
  const password = (lines[1] ?? "").replace(/\r$/, "");
  if (!user || !password) {
    throw new AuthError(
      `Credentials file ${
        JSON.stringify(path)
      } must have two lines: the user name, then the password`,
      { reason: "no-credentials" },
    );
  }
  return new Credentials(user, password);
}

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined; // no --allow-env
  }
}

/**
 * Resolves credentials from arguments, a file, or the environment (in that
 * order).
 *
 * @throws {AuthError} (`no-credentials`) when none are found, naming every way to give them
 *
 * @example From arguments
 * ```ts
 * import { resolveCredentials } from "./credentials.ts";
 * const c = await resolveCredentials({ user: "ann", password: "pw", env: false });
 * if (c.user !== "ann") throw new Error();
 * ```
 */
export async function resolveCredentials(options: CredentialsOptions = {}): Promise<Credentials> {
  if (options.user !== undefined || options.password !== undefined) {
    if (!options.user || !options.password) {
      throw new AuthError("Give both user and password (or a credentialsFile)", {
        reason: "no-credentials",
      });
    }
    return new Credentials(options.user, options.password);
  }
  if (options.credentialsFile) {
    return await readCredentialsFile(options.credentialsFile, options.onWarning);
  }
  if (options.env !== false) {
    const user = env("GAIA_USER");
    const password = env("GAIA_PASSWORD");
    if (user && password) return new Credentials(user, password);
    const file = env("GAIA_CREDENTIALS_FILE");
    if (file) return await readCredentialsFile(file, options.onWarning);
  }
  throw new AuthError(
    "No credentials: pass {user, password} or {credentialsFile}, or set GAIA_USER and GAIA_PASSWORD (or GAIA_CREDENTIALS_FILE)",
    { reason: "no-credentials" },
  );
}
