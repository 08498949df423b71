/**
 * Cookie sessions of the local archive, one store per server context
 * (`/tap-server` and `/data-server` have independent sessions, as on the real
 * archive). Session ids are 32 random bytes in base64url.
 *
 * @module
 */
import { randomBytes } from "node:crypto";

/** A logged-in session. */
export interface Session {
  /** Opaque id sent in the `SESSION` cookie. */
  id: string;
  /** Second id sent in the `JSESSIONID` cookie (same session). */
  jsessionId: string;
  /** The user. */
  user: string;
  /** Server context: `tap-server` or `data-server`. */
  context: string;
  /** Creation time, epoch ms. */
  created: number;
}

/** Reads the cookies of a request into a map (first value wins). */
export function parseCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const piece of header.split(/;\s*/)) {
    const eq = piece.indexOf("=");
    if (eq <= 0) continue;
    const k = piece.slice(0, eq).trim();
    if (!out.has(k)) out.set(k, piece.slice(eq + 1).trim());
  }
  return out;
}

/**
 * Sessions by cookie value.
 *
 * @example
 * ```ts
 * import { SessionStore } from "./sessions.ts";
 * const s = new SessionStore();
 * const session = s.create("ann", "tap-server");
 * const req = new Request("http://x/", { headers: { cookie: `SESSION=${session.id}` } });
 * if (s.fromRequest(req, "tap-server")?.user !== "ann") throw new Error("lookup failed");
 * if (s.fromRequest(req, "data-server")) throw new Error("contexts must be separate");
 * ```
 */
export class SessionStore {
  #byId = new Map<string, Session>();
  #maxAgeMs: number;

  /**
   * An empty store.
   *
   * @param maxAgeMs How long a session lasts (default 7 days).
   */
  constructor(maxAgeMs = 7 * 24 * 3600 * 1000) {
    this.#maxAgeMs = maxAgeMs;
  }

  /** Opens a session for a user in a context. */
  create(user: string, context: string): Session {
    const id = randomBytes(32).toString("base64url");
    const jsessionId = randomBytes(16).toString("hex").toUpperCase();
    const s: Session = { id, jsessionId, user, context, created: Date.now() };
    this.#byId.set(id, s);
    this.#byId.set(jsessionId, s);
    return s;
  }

  /** The session of a request's `SESSION` or `JSESSIONID` cookie in this context. */
  fromRequest(req: Request, context: string): Session | undefined {
    const cookies = parseCookies(req.headers.get("cookie"));
    for (const name of ["SESSION", "JSESSIONID"]) {
      const v = cookies.get(name);
      const s = v ? this.#byId.get(v) : undefined;
      if (s && Date.now() - s.created > this.#maxAgeMs) {
        this.end(s);
        continue;
      }
      if (s && s.context === context) return s;
    }
    return undefined;
  }

  /** Ends a session. */
  end(session: Session): void {
    this.#byId.delete(session.id);
    this.#byId.delete(session.jsessionId);
  }

  /** `Set-Cookie` values for a new session (no `Secure`: the archive speaks plain http on loopback). */
  cookies(session: Session): string[] {
    const path = `/${session.context}`;
    return [
      `JSESSIONID=${session.jsessionId}; Path=${path}; HttpOnly`,
      `SESSION=${session.id}; Path=${path}; HttpOnly; SameSite=Lax`,
    ];
  }
}
