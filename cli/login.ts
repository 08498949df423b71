// deno-lint-ignore-file no-console -- a command-line tool reports on stdout/stderr
/**
 * `deno task cli login`: checks credentials against the archive (TAP and
 * data servers, session verified), reading them as the library does:
 * `--user` with `GAIA_PASSWORD`, `--credentials-file`, or `GAIA_USER` /
 * `GAIA_PASSWORD` / `GAIA_CREDENTIALS_FILE`. Never prints the password.
 *
 * @module
 */
import type { Gaia } from "../lib/gaia/mod.ts";
import { archiveClient } from "./archive_option.ts";
import { AuthError, type CredentialsOptions } from "../lib/tapplus/mod.ts";

/** Usage text of `login`. */
export const LOGIN_USAGE =
  `Usage: deno task cli login [--archive esa|local|URL] [--user NAME] [--credentials-file FILE]

Logs in to the archive's TAP and data servers, verifies the session, and logs out.
The password comes from GAIA_PASSWORD (with --user or GAIA_USER) or from a
two-line credentials file (user, password; keep it chmod 600). It is never printed.

Options:
  --archive esa|local|URL  archive (default: $GAIA_ARCHIVE, else esa)
  --user NAME              user name (password from GAIA_PASSWORD)
  --credentials-file FILE  two-line file: user, password
  --help                   this text
`;

/** Runs `login`; returns the exit code (0 ok, 1 refused, 2 usage). */
export async function loginMain(args: string[]): Promise<number> {
  let archive: string | undefined;
  const creds: CredentialsOptions = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = args[i + 1];
    if (a === "--help" || a === "-h") {
      console.log(LOGIN_USAGE);
      return 0;
    }
    if ((a === "--archive" || a === "--user" || a === "--credentials-file") && v === undefined) {
      console.error(`login: ${a} needs a value\n\n${LOGIN_USAGE}`);
      return 2;
    }
    if (a === "--archive") archive = args[++i];
    else if (a === "--user") creds.user = args[++i];
    else if (a === "--credentials-file") creds.credentialsFile = args[++i];
    else {
      console.error(`login: unknown option ${JSON.stringify(a)}\n\n${LOGIN_USAGE}`);
      return 2;
    }
  }
  if (creds.user !== undefined) {
    const pw = Deno.env.get("GAIA_PASSWORD");
    if (!pw) {
      console.error(
        "login: --user needs the password in GAIA_PASSWORD (it is never taken from the command line)",
      );
      return 2;
    }
    creds.password = pw;
  }
  creds.onWarning = (w) => console.error(`login: warning: ${w.message}`);
  let gaia: Gaia;
  try {
    gaia = archiveClient(archive);
  } catch (e) {
    // A bad --archive / GAIA_ARCHIVE is a usage error: one line, no stack trace.
    console.error(`login: ${(e as Error).message}`);
    return 2;
  }
  try {
    await gaia.login(creds);
    const urls = await gaia.urls();
    console.log(
      `Logged in as ${gaia.user} at ${urls.tapServer} and ${urls.dataServer} (session verified)`,
    );
    await gaia.logout();
    return 0;
  } catch (e) {
    console.error(`login: ${(e as Error).message}`);
    if (e instanceof AuthError && e.reason === "no-credentials") return 2;
    return 1;
  } finally {
    await gaia.close();
  }
}
