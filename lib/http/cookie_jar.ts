/**
 * A small in-memory cookie jar: stores `Set-Cookie` answers and gives the
 * `Cookie` header for a request, with the basic RFC 6265 rules (Domain,
 * Path, Expires / Max-Age, Secure). `Secure` cookies are only sent over
 * https, or to a loopback host (the local archive on `http://127.0.0.1`).
 *
 * @module
 */

/** One stored cookie. */
export interface Cookie {
  /** Cookie name. */
  name: string;
  /** Cookie value (a credential: never shown by the jar's text forms). */
  value: string;
  /** Lower-case domain the cookie belongs to. */
  domain: string;
  /** True when the cookie had no Domain attribute: only sent to that exact host. */
  hostOnly: boolean;
  /** Path prefix the cookie is sent to. */
  path: string;
  /** Expiry time in ms since the epoch; `undefined` for a session cookie. */
  expires: number | undefined;
  /** Only sent over https (or to loopback hosts). */
  secure: boolean;
  /** Marked HttpOnly by the server. */
  httpOnly: boolean;
  /** The SameSite attribute, when given. */
  sameSite: string | undefined;
}

/**
 * True for `localhost`, `127.0.0.0/8` and `::1`.
 *
 * @example
 * ```ts
 * import { isLoopbackHost } from "./cookie_jar.ts";
 * if (!isLoopbackHost("127.0.0.1") || !isLoopbackHost("[::1]") || isLoopbackHost("gea.esac.esa.int")) throw new Error();
 * ```
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || h === "::1" ||
    /^127\.\d+\.\d+\.\d+$/.test(h);
}

function defaultPath(url: URL): string {
  const p = url.pathname;
  if (!p.startsWith("/") || p === "/") return "/";
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

function domainMatches(host: string, domain: string): boolean {
  return host === domain || (host.endsWith("." + domain) && !/^\d+\.\d+\.\d+\.\d+$/.test(host));
}

function pathMatches(reqPath: string, cookiePath: string): boolean {
  if (reqPath === cookiePath) return true;
  if (!reqPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || reqPath[cookiePath.length] === "/";
}

/**
 * An in-memory cookie jar, one per {@linkcode HttpClient}.
 *
 * @example Storing and sending a session cookie
 * ```ts
 * import { CookieJar } from "./cookie_jar.ts";
 * const jar = new CookieJar();
 * jar.setCookie("SESSION=abc; Path=/tap-server; HttpOnly", "https://archive.example/tap-server/login");
 * if (jar.cookieHeader("https://archive.example/tap-server/tap/sync") !== "SESSION=abc") throw new Error();
 * if (jar.cookieHeader("https://archive.example/data-server/data") !== undefined) throw new Error();
 * ```
 */
export class CookieJar {
  #cookies: Cookie[] = [];
  #now: () => number;

  /** @param options.now clock used for expiry (for tests) */
  /** Creates an empty jar. */
  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  /** Stores every `Set-Cookie` header of a response. */
  storeResponse(response: { headers: Headers }, url: string | URL): void {
    for (const line of response.headers.getSetCookie()) this.setCookie(line, url);
  }

  /**
   * Stores one `Set-Cookie` header value received from `url`. Returns false
   * when the cookie was rejected (bad syntax, foreign domain, Secure over http).
   */
  setCookie(header: string, url: string | URL): boolean {
    const u = new URL(String(url));
    const host = u.hostname.toLowerCase();
    const parts = header.split(";");
    const first = parts.shift() ?? "";
    const eq = first.indexOf("=");
    if (eq <= 0) return false;
    const name = first.slice(0, eq).trim();
    const value = first.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
    if (!name) return false;
    let domain = host;
    let hostOnly = true;
    let path = defaultPath(u);
    let expires: number | undefined;
    let maxAge: number | undefined;
    let secure = false;
    let httpOnly = false;
    let sameSite: string | undefined;
    for (const p of parts) {
      const i = p.indexOf("=");
      const key = (i < 0 ? p : p.slice(0, i)).trim().toLowerCase();
      const val = i < 0 ? "" : p.slice(i + 1).trim();
      switch (key) {
        case "domain": {
          const d = val.replace(/^\./, "").toLowerCase();
          if (!d) break;
          if (!domainMatches(host, d)) return false; // a foreign domain
          domain = d;
          hostOnly = false;
          break;
        }
        case "path":
          if (val.startsWith("/")) path = val;
          break;
        case "expires": {
          const t = Date.parse(val);
          if (!Number.isNaN(t)) expires = t;
          break;
        }
        case "max-age": {
          if (/^-?\d+$/.test(val)) maxAge = Number(val);
          break;
        }
        case "secure":
          secure = true;
          break;
        case "httponly":
          httpOnly = true;
          break;
        case "samesite":
          sameSite = val;
          break;
      }
    }
    if (maxAge !== undefined) expires = this.#now() + maxAge * 1000;
    if (secure && u.protocol !== "https:" && !isLoopbackHost(host)) return false;
    this.#cookies = this.#cookies.filter((c) =>
      !(c.name === name && c.domain === domain && c.path === path)
    );
    if (expires !== undefined && expires <= this.#now()) return true; // a deletion
    this.#cookies.push({
      name,
      value,
      domain,
      hostOnly,
      path,
      expires,
      secure,
      httpOnly,
      sameSite,
    });
    return true;
  }

  /** The cookies that would be sent to `url`, longest path first. */
  cookiesFor(url: string | URL): Cookie[] {
    const u = new URL(String(url));
    const host = u.hostname.toLowerCase();
    const now = this.#now();
    this.#cookies = this.#cookies.filter((c) => c.expires === undefined || c.expires > now);
    const secureOk = u.protocol === "https:" || isLoopbackHost(host);
    return this.#cookies
      .filter((c) =>
        (c.hostOnly ? host === c.domain : domainMatches(host, c.domain)) &&
        pathMatches(u.pathname || "/", c.path) &&
        (!c.secure || secureOk)
      )
      .sort((a, b) => b.path.length - a.path.length);
  }

  /** The `Cookie` header for `url`, or `undefined` when no cookie applies. */
  cookieHeader(url: string | URL): string | undefined {
    const list = this.cookiesFor(url);
    return list.length ? list.map((c) => `${c.name}=${c.value}`).join("; ") : undefined;
  }

  /** Removes cookies: all of them, or those with the given name (and domain). */
  clear(filter: { name?: string; domain?: string } = {}): void {
    this.#cookies = this.#cookies.filter((c) =>
      (filter.name !== undefined && c.name !== filter.name) ||
      (filter.domain !== undefined && c.domain !== filter.domain.toLowerCase())
    );
  }

  /** Number of stored cookies. */
  get size(): number {
    return this.#cookies.length;
  }

  /** Cookie values are secrets: the text form only lists names. */
  toString(): string {
    return `CookieJar(${this.#cookies.map((c) => `${c.name}@${c.domain}${c.path}`).join(", ")})`;
  }

  /** JSON form without values (cookies are credentials). */
  toJSON(): { cookies: string[] } {
    return { cookies: this.#cookies.map((c) => `${c.name}@${c.domain}${c.path}`) };
  }

  /** `Deno.inspect`/`console.log` form without values. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}
