/**
 * {@linkcode TapPlusSession}: the ESA TAP+ login shared by the TAP server
 * and the data server (one cookie store for both), verified by a call that
 * needs the session, and the request helper every TAP+ service uses
 * (401 → {@linkcode AuthError}, other refusals → {@linkcode TapPlusError}).
 *
 * @module
 */
import { extractServerMessage, HttpClient, isLoopbackHost, type ParamValue } from "../http/mod.ts";
import {
  Credentials,
  type CredentialsOptions,
  type CredentialsWarning,
  resolveCredentials,
} from "./credentials.ts";
import { AuthError, TapPlusError } from "./errors.ts";

/** Where the two servers live. */
export interface TapPlusSessionOptions {
  /** The HTTP client (its cookie jar holds the sessions). @default a new HttpClient */
  http?: HttpClient;
  /** TAP server root, e.g. `https://gea.esac.esa.int/tap-server`. */
  tapServer: string;
  /** Data server root, e.g. `https://gea.esac.esa.int/data-server`. */
  dataServer: string;
  /** Called with warnings (world-readable credentials file). */
  onWarning?: (warning: CredentialsWarning) => void;
}

/** Which server a TAP+ request goes to. */
export type TapPlusServer = "tap" | "data";

/** One TAP+ request. */
export interface TapPlusRequest {
  /** HTTP method. @default GET, or POST with a form or body */
  method?: "GET" | "POST";
  /** Query string parameters. */
  query?: Record<string, ParamValue>;
  /** A url-encoded form body. */
  form?: Record<string, ParamValue> | URLSearchParams;
  /** A multipart body. */
  body?: FormData;
  /** What the caller is doing, for error messages ("Deleting table \"x\""). */
  action: string;
  /** Cancels the request. */
  signal?: AbortSignal | undefined;
  /** Safe to retry (reads). @default true for GET */
  idempotent?: boolean;
  /** Return the answer of a 3xx instead of following it. */
  redirect?: "follow" | "manual";
}

/**
 * A TAP+ session. Log in once: both servers get a session cookie, kept in
 * the HTTP client's in-memory jar. Credentials are refused over plain http
 * to any host but loopback.
 *
 * @example Logging in to a local archive (needs a running server)
 * ```ts ignore
 * const s = new TapPlusSession({ tapServer: `${url}/tap-server`, dataServer: `${url}/data-server` });
 * await s.login({ user: "ann", password: "secret" });
 * console.log(s.user); // "ann"
 * await s.logout();
 * ```
 */
export class TapPlusSession {
  /** The HTTP client shared with the TAP and DataLink clients. */
  readonly http: HttpClient;
  /** TAP server root (no trailing slash). */
  readonly tapServer: string;
  /** Data server root (no trailing slash). */
  readonly dataServer: string;
  #user: string | undefined;
  readonly #onWarning: ((w: CredentialsWarning) => void) | undefined;

  /**

   * Creates the instance.
   * @param options server roots, HTTP client and warning callback.
   */
  constructor(options: TapPlusSessionOptions) {
    this.http = options.http ?? new HttpClient();
    this.tapServer = options.tapServer.replace(/\/+$/, "");
    this.dataServer = options.dataServer.replace(/\/+$/, "");
    this.#onWarning = options.onWarning;
  }

  /** The logged-in user, or undefined. */
  get user(): string | undefined {
    return this.#user;
  }

  /** True while logged in. */
  get loggedIn(): boolean {
    return this.#user !== undefined;
  }

  /** The logged-in user, or an {@linkcode AuthError} naming what to do. */
  requireUser(action: string): string {
    if (this.#user === undefined) {
      throw new AuthError(`${action} needs a login: call login({user, password}) first`, {
        reason: "not-logged-in",
      });
    }
    return this.#user;
  }

  /** Full URL of a TAP+ path on one of the servers. */
  url(server: TapPlusServer, path: string): string {
    return `${server === "tap" ? this.tapServer : this.dataServer}/${path.replace(/^\/+/, "")}`;
  }

  #checkTransport(): void {
    for (const u of [this.tapServer, this.dataServer]) {
      const url = new URL(u);
      if (url.protocol !== "https:" && !isLoopbackHost(url.hostname)) {
        throw new AuthError(
          `Refusing to send credentials over plain ${
            url.protocol.replace(":", "")
          } to ${url.host}; use https (plain http is only allowed to loopback)`,
          { reason: "insecure-transport" },
        );
      }
    }
  }

  /**
   * Logs in to the TAP server and the data server, then checks that the
   * session works (the archive may answer OK and still treat the next call
   * as anonymous).
   *
   * @throws {AuthError} `wrong-credentials`, `insecure-transport`, `no-credentials`, `login-not-verified`
   */
  async login(
    credentials: Credentials | CredentialsOptions = {},
    signal?: AbortSignal,
  ): Promise<void> {
    this.#checkTransport();
    const creds = credentials instanceof Credentials ? credentials : await resolveCredentials({
      ...credentials,
      ...(this.#onWarning ? { onWarning: this.#onWarning } : {}),
    });
    if (this.#user !== undefined) await this.logout(signal);
    await this.#loginTo("tap", creds, signal);
    try {
      await this.#loginTo("data", creds, signal);
    } catch (e) {
      await this.#logoutFrom("tap", signal);
      throw e;
    }
    this.#user = creds.user;
    try {
      await this.verify(signal);
    } catch (e) {
      this.#user = undefined;
      await this.#logoutFrom("tap", signal);
      await this.#logoutFrom("data", signal);
      throw e;
    }
  }

  #postLogin(url: string, creds: Credentials, signal: AbortSignal | undefined) {
    return this.http.request(url, {
      method: "POST",
      form: { username: creds.user, password: creds.revealPassword() },
      allowErrorStatus: true,
      redirect: "manual",
      signal,
    });
  }

  async #loginTo(
    server: TapPlusServer,
    creds: Credentials,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    let url = this.url(server, "login");
    let res = await this.#postLogin(url, creds, signal);
    // Follow a redirect of the login only within the same origin and a safe
    // transport: the credentials must never be re-sent elsewhere.
    for (let hops = 0; res.status >= 300 && res.status < 400 && res.location && hops < 5; hops++) {
      await res.cancel().catch(() => {});
      const next = new URL(res.location, url);
      const from = new URL(url);
      if (
        next.origin !== from.origin ||
        (next.protocol !== "https:" && !isLoopbackHost(next.hostname))
      ) {
        throw new AuthError(
          `The login at ${url} redirects to another site (${next.origin}); credentials are not sent there`,
          { reason: "insecure-transport", status: res.status },
        );
      }
      url = next.toString();
      res = await this.#postLogin(url, creds, signal);
    }
    const body = await res.text().catch(() => "");
    if (res.status === 401 || res.status === 403) {
      throw new AuthError(
        `Wrong user name or password for ${
          JSON.stringify(creds.user)
        } at ${url} (HTTP ${res.status})`,
        { reason: "wrong-credentials", status: res.status },
      );
    }
    if (res.status >= 300) {
      const msg = extractServerMessage(body, res.contentType)?.message;
      throw new AuthError(
        `Login of ${JSON.stringify(creds.user)} at ${url} failed with HTTP ${res.status}${
          msg ? `: ${msg}` : ""
        }`,
        { reason: "wrong-credentials", status: res.status },
      );
    }
  }

  /**
   * Checks that the TAP server treats this client as logged in, with a call
   * that needs the session (`tap/event`).
   *
   * @throws {AuthError} `login-not-verified` (or `session-expired` when it worked before)
   */
  async verify(signal?: AbortSignal): Promise<void> {
    const user = this.requireUser("verify()");
    const res = await this.http.request(this.url("tap", "tap/event"), {
      allowErrorStatus: true,
      signal,
    });
    await res.cancel().catch(() => {});
    if (res.status >= 400) {
      throw new AuthError(
        `The archive did not accept the session of ${
          JSON.stringify(user)
        } (HTTP ${res.status} from tap/event); log in again`,
        { reason: "login-not-verified", status: res.status },
      );
    }
  }

  async #logoutFrom(server: TapPlusServer, signal: AbortSignal | undefined): Promise<void> {
    try {
      const res = await this.http.request(this.url(server, "logout"), {
        method: "POST",
        form: {},
        allowErrorStatus: true,
        signal,
      });
      await res.cancel().catch(() => {});
    } catch { /* the local state is cleared below either way */ }
    const root = new URL(server === "tap" ? this.tapServer : this.dataServer);
    for (const c of this.http.cookies?.cookiesFor(root.toString() + "/") ?? []) {
      if (c.name === "SESSION" || c.name === "JSESSIONID") {
        this.http.cookies?.setCookie(`${c.name}=; Path=${c.path}; Max-Age=0`, root);
      }
    }
  }

  /** Logs out of both servers and forgets the session cookies. */
  async logout(signal?: AbortSignal): Promise<void> {
    await this.#logoutFrom("tap", signal);
    await this.#logoutFrom("data", signal);
    this.#user = undefined;
  }

  /**
   * Sends a TAP+ request and returns the answer's text. 401 → AuthError
   * (`session-expired` when logged in, else `not-logged-in`); other 4xx/5xx →
   * TapPlusError with the server's message.
   */
  async call(
    server: TapPlusServer,
    path: string,
    req: TapPlusRequest,
  ): Promise<{ status: number; text: string; location: string | undefined }> {
    const url = this.url(server, path);
    const method = req.method ?? (req.form || req.body ? "POST" : "GET");
    const res = await this.http.request(url, {
      method,
      ...(req.query ? { query: req.query } : {}),
      ...(req.form ? { form: req.form } : {}),
      ...(req.body ? { body: req.body } : {}),
      allowErrorStatus: true,
      signal: req.signal,
      idempotent: req.idempotent ?? method === "GET",
      redirect: req.redirect ?? "follow",
    });
    const text = await res.text();
    if (res.status === 401 || (res.status === 403 && this.#user === undefined)) {
      const msg = extractServerMessage(text, res.contentType)?.message;
      if (this.#user !== undefined) {
        throw new AuthError(
          `${req.action} failed: the session of ${
            JSON.stringify(this.#user)
          } is no longer valid (HTTP ${res.status}${msg ? `: ${msg}` : ""}); log in again`,
          { reason: "session-expired", status: res.status },
        );
      }
      throw new AuthError(
        `${req.action} needs a login (HTTP ${res.status}${
          msg ? `: ${msg}` : ""
        }); call login() first`,
        {
          reason: "not-logged-in",
          status: res.status,
        },
      );
    }
    if (res.status >= 400) {
      const msg = extractServerMessage(text, res.contentType)?.message ??
        (text.trim().slice(0, 300) || undefined);
      throw new TapPlusError(`${req.action} failed with HTTP ${res.status} (${method} ${url})`, {
        status: res.status,
        ...(msg ? { serverMessage: msg } : {}),
      });
    }
    return { status: res.status, text, location: res.location };
  }

  /** `TapPlusSession(user="ann", tap=..., data=...)`: no cookie values. */
  toString(): string {
    return `TapPlusSession(${
      this.#user ? `user=${JSON.stringify(this.#user)}` : "anonymous"
    }, ${this.tapServer}, ${this.dataServer})`;
  }

  /** Plain form without secrets. */
  toJSON(): { user: string | null; tapServer: string; dataServer: string } {
    return { user: this.#user ?? null, tapServer: this.tapServer, dataServer: this.dataServer };
  }

  /** Compact text without cookie values. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}
