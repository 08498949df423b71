/**
 * Where the Gaia archive lives: the ESA archive by default, mirrors as
 * presets, the local archive, or any base URL; and the release chosen in
 * one place (its main table, DataLink release name and reference epoch).
 *
 * @module
 */

/** The ESA Gaia archive root (holds `tap-server/` and `data-server/`). */
export const ESA_ARCHIVE_URL = "https://gea.esac.esa.int";

/** A known archive or mirror. */
export interface ArchivePreset {
  /** Human name. */
  name: string;
  /** TAP service URL (`.../tap`). */
  tapUrl: string;
  /** TAP+ root (`.../tap-server`) when the service has the ESA extensions (login, user tables, ...). */
  tapServer?: string;
  /** Data server root (DataLink) when there is one. */
  dataServer?: string;
}

/**
 * Known mirrors: the ESA archive itself and standard TAP services holding
 * the Gaia catalogues (no TAP+ extensions, no Gaia DataLink products).
 */
export const MIRRORS: Readonly<Record<"esa" | "ari" | "aip", ArchivePreset>> = {
  esa: {
    name: "ESA Gaia archive",
    tapUrl: `${ESA_ARCHIVE_URL}/tap-server/tap`,
    tapServer: `${ESA_ARCHIVE_URL}/tap-server`,
    dataServer: `${ESA_ARCHIVE_URL}/data-server`,
  },
  ari: { name: "ARI Heidelberg Gaia TAP", tapUrl: "https://gaia.ari.uni-heidelberg.de/tap" },
  aip: { name: "AIP Gaia TAP", tapUrl: "https://gaia.aip.de/tap" },
};

/**
 * The preset for an archive root laid out like the ESA archive
 * (`<root>/tap-server/tap`, `<root>/data-server`).
 *
 * @example
 * ```ts
 * import { archiveAt } from "./archives.ts";
 * const a = archiveAt("http://127.0.0.1:8787/");
 * if (a.tapUrl !== "http://127.0.0.1:8787/tap-server/tap" || a.dataServer !== "http://127.0.0.1:8787/data-server") throw new Error();
 * ```
 */
export function archiveAt(root: string | URL, name = "Gaia archive"): ArchivePreset {
  const r = String(root).replace(/\/+$/, "");
  new URL(r); // throws TypeError on a bad URL
  return {
    name,
    tapUrl: `${r}/tap-server/tap`,
    tapServer: `${r}/tap-server`,
    dataServer: `${r}/data-server`,
  };
}

/** What a Gaia release means for the client. */
export interface ReleaseInfo {
  /** Short name. */
  key: GaiaRelease;
  /** Name used by the data server and in designations, e.g. `Gaia DR3`. */
  name: string;
  /** The main source table. */
  mainTable: string;
  /** Reference epoch of the astrometry (Julian year). */
  epoch: number;
}

/** Releases by short name: the one place a release is configured. */
export const RELEASE_INFO = {
  DR3: { key: "DR3", name: "Gaia DR3", mainTable: "gaiadr3.gaia_source", epoch: 2016.0 },
  EDR3: { key: "EDR3", name: "Gaia EDR3", mainTable: "gaiaedr3.gaia_source", epoch: 2016.0 },
  DR2: { key: "DR2", name: "Gaia DR2", mainTable: "gaiadr2.gaia_source", epoch: 2015.5 },
  FPR: { key: "FPR", name: "Gaia FPR", mainTable: "gaiadr3.gaia_source", epoch: 2016.0 },
} as const satisfies Record<string, ReleaseInfo>;

/** A release short name. */
export type GaiaRelease = "DR3" | "EDR3" | "DR2" | "FPR";

/**
 * Looks a release up by short or full name.
 *
 * @example
 * ```ts
 * import { releaseInfo } from "./archives.ts";
 * if (releaseInfo("Gaia DR2").mainTable !== "gaiadr2.gaia_source") throw new Error();
 * ```
 */
export function releaseInfo(release: string): ReleaseInfo {
  const k = release.trim().replace(/^gaia\s*/i, "").toUpperCase();
  const info = (RELEASE_INFO as Record<string, ReleaseInfo>)[k];
  if (!info) {
    throw new RangeError(
      `Unknown Gaia release ${JSON.stringify(release)}; use one of ${
        Object.keys(RELEASE_INFO).join(", ")
      }`,
    );
  }
  return info;
}
