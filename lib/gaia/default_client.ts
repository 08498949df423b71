/**
 * The default client `gaia`: the ESA archive unless `GAIA_ARCHIVE` says
 * otherwise (`esa`, `ari`, `aip`, `local`, or an archive root URL). The
 * variable is read on first use, not at import; with `local`, a local
 * archive is started in-process on the first call.
 *
 * @module
 */
import { archiveAt, MIRRORS } from "./archives.ts";
import { Gaia, startLocalArchive } from "./gaia.ts";

/**
 * Where `GAIA_ARCHIVE` (or the given value) points: `esa` (default), a
 * mirror name, `local`, or an archive root URL.
 *
 * @example
 * ```ts
 * import { archiveSpec } from "./default_client.ts";
 * if (archiveSpec("http://127.0.0.1:8787").kind !== "url" || archiveSpec(undefined).kind !== "esa") throw new Error();
 * ```
 */
export function archiveSpec(
  value: string | undefined,
): { kind: "esa" | "mirror" | "local" | "url"; value: string } {
  const v = (value ?? "").trim();
  if (!v || v.toLowerCase() === "esa") return { kind: "esa", value: "esa" };
  if (v.toLowerCase() === "local") return { kind: "local", value: "local" };
  if (v.toLowerCase() in MIRRORS) return { kind: "mirror", value: v.toLowerCase() };
  try {
    new URL(v);
  } catch {
    throw new TypeError(
      `GAIA_ARCHIVE=${JSON.stringify(v)} is not esa, ari, aip, local or an archive URL`,
    );
  }
  return { kind: "url", value: v };
}

function envArchive(): string | undefined {
  try {
    return Deno.env.get("GAIA_ARCHIVE");
  } catch {
    return undefined;
  }
}

/**
 * A client for an archive spec (`esa`, `ari`, `aip`, `local`, or a URL); `local`
 * starts a local archive on first use.
 *
 * @example
 * ```ts
 * import { clientFor } from "./default_client.ts";
 * const g = clientFor("http://127.0.0.1:9");
 * if (!String(g).includes("127.0.0.1:9")) throw new Error(String(g));
 * ```
 */
export function clientFor(spec: string | undefined): Gaia {
  const s = archiveSpec(spec);
  if (s.kind === "local") {
    return new Gaia({}, () => startLocalArchive(), "local archive (started on first use)");
  }
  if (s.kind === "url") return new Gaia({ url: s.value });
  return new Gaia({ url: s.value });
}

/**
 * The default Gaia client. Reads `GAIA_ARCHIVE` on first use (not at import).
 *
 * @example Nothing happens at import
 * ```ts
 * import { gaia } from "./default_client.ts";
 * if (gaia.mainTable !== "gaiadr3.gaia_source") throw new Error();
 * ```
 */
export const gaia: Gaia = new Gaia(
  {},
  () => {
    const s = archiveSpec(envArchive());
    if (s.kind === "local") return startLocalArchive();
    const preset = s.kind === "url" ? archiveAt(s.value) : MIRRORS[s.value as keyof typeof MIRRORS];
    return Promise.resolve({ preset });
  },
  "archive from GAIA_ARCHIVE, else ESA (resolved on first use)",
);
