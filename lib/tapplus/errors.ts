/**
 * Errors of the TAP+ (ESA) extensions.
 *
 * @module
 */

/** Why an {@linkcode AuthError} happened. */
export type AuthErrorReason =
  | "wrong-credentials"
  | "not-logged-in"
  | "session-expired"
  | "insecure-transport"
  | "no-credentials"
  | "login-not-verified";

/**
 * Logging in failed, or a call needs a session the client does not have.
 * Messages name the user at most, never the password or session cookie.
 *
 * @example
 * ```ts
 * import { AuthError } from "./errors.ts";
 * const e = new AuthError("Wrong user name or password for \"bob\"", { reason: "wrong-credentials", status: 401 });
 * if (e.reason !== "wrong-credentials" || e.status !== 401) throw e;
 * ```
 */
export class AuthError extends Error {
  /** What went wrong. */
  readonly reason: AuthErrorReason;
  /** HTTP status of the refusal, when there was one. */
  readonly status: number | undefined;
  /**
   * Creates the instance.
   * @param message what happened (never the password)
   * @param options reason, HTTP status, cause.
   */
  constructor(
    message: string,
    options: { reason: AuthErrorReason; status?: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = "AuthError";
    this.reason = options.reason;
    this.status = options.status;
  }
}

/**
 * A TAP+ service refused a request (a missing table, a table of another
 * user, a bad parameter): the server's message, the status and the action.
 *
 * @example
 * ```ts
 * import { TapPlusError } from "./errors.ts";
 * const e = new TapPlusError("Cannot delete table \"user_bob.t\"", { status: 403, serverMessage: "Not yours" });
 * if (!e.message.includes("Not yours") || e.status !== 403) throw e;
 * ```
 */
export class TapPlusError extends Error {
  /** HTTP status. */
  readonly status: number | undefined;
  /** The server's own message. */
  readonly serverMessage: string | undefined;
  /**
   * Creates the instance.
   * @param message what was being done
   * @param options HTTP status and the server's message.
   */
  constructor(
    message: string,
    options: { status?: number; serverMessage?: string; cause?: unknown } = {},
  ) {
    super(
      options.serverMessage
        ? `${message}: the archive says ${JSON.stringify(options.serverMessage)}`
        : message,
      { cause: options.cause },
    );
    this.name = "TapPlusError";
    this.status = options.status;
    this.serverMessage = options.serverMessage;
  }
}
