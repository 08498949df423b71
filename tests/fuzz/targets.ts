/**
 * What the fuzzer attacks: every reader (VOTable TABLEDATA/BINARY/BINARY2,
 * CSV, ECSV, JSON, FITS, zip, gzip) and the ADQL parser, each with its seed
 * fixtures and the error classes it is allowed to throw. Anything else
 * (a TypeError from inside a parser, an allocation failure, a hang) is a defect.
 */
import { SizeLimitError, TableFormatError } from "../../lib/io/errors.ts";
import { openByteStream, readAllBytes } from "../../lib/io/source.ts";
import type { TableReader } from "../../lib/table/reader.ts";
import { readVOTable } from "../../lib/votable/mod.ts";
import { readCsv, readEcsv, readFits, readJson } from "../../lib/formats/mod.ts";
import { ZipArchive } from "../../lib/datalink/zip.ts";
import { AdqlSemanticError, AdqlSyntaxError, parseAdql } from "../../lib/adql/mod.ts";

/** Bounds every case: no reader may allocate from a lying length beyond this. */
export const MAX_BYTES = 64 * 1024 * 1024;

export interface FuzzTarget {
  name: string;
  /** Seed inputs, relative to shared/fixtures/ (or inline text with "text:"). */
  seeds: string[];
  run(bytes: Uint8Array): Promise<void>;
  expected(e: unknown): boolean;
}

const readerError = (e: unknown) => e instanceof TableFormatError || e instanceof SizeLimitError;

async function drain(reader: TableReader): Promise<void> {
  for await (const batch of reader) {
    // Touch the data so lazily built columns are really built.
    for (const child of batch.data.children) void child.length;
  }
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const s = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

export const TARGETS: Record<string, FuzzTarget> = {
  "votable-tabledata": {
    name: "votable-tabledata",
    seeds: [
      "dachs/sync-nulls-td.vot",
      "dachs/sync-overflow-maxrec3-td.vot",
      "dachs/sync-error-syntax.vot",
    ],
    run: (b) => drain(readVOTable(b, { maxBytes: MAX_BYTES })),
    expected: readerError,
  },
  "votable-binary": {
    name: "votable-binary",
    seeds: ["dachs/sync-nulls-default.vot"],
    run: (b) => drain(readVOTable(b, { maxBytes: MAX_BYTES })),
    expected: readerError,
  },
  "votable-binary2": {
    name: "votable-binary2",
    seeds: ["dachs/sync-nulls-b2.vot", "astroquery/1714556098855O-result.vot"],
    run: (b) => drain(readVOTable(b, { maxBytes: MAX_BYTES })),
    expected: readerError,
  },
  csv: {
    name: "csv",
    seeds: ["dachs/sync-nulls.csv", "astroquery/1714556098855O-result.csv"],
    run: (b) => drain(readCsv(b, { maxBytes: MAX_BYTES })),
    expected: readerError,
  },
  ecsv: {
    name: "ecsv",
    seeds: ["astroquery/1714556098855O-result.ecsv"],
    run: (b) => drain(readEcsv(b, { maxBytes: MAX_BYTES })),
    expected: readerError,
  },
  json: {
    name: "json",
    seeds: [
      "dachs/sync-nulls.json",
      "astroquery/launch_job.json",
      "dachs/sync-overflow-maxrec3.json",
    ],
    run: (b) => drain(readJson(b, { maxBytes: MAX_BYTES })),
    expected: readerError,
  },
  fits: {
    name: "fits",
    seeds: ["dachs/sync-nulls.fits"],
    run: (b) => drain(readFits(b, { maxBytes: MAX_BYTES })),
    expected: readerError,
  },
  zip: {
    name: "zip",
    seeds: ["astroquery/gaia_dr3_source_id_5937083312263887616_dl_products_csv.zip"],
    run: async (b) => {
      const zip = new ZipArchive(b, { maxUnpackedBytes: MAX_BYTES });
      for (const entry of zip.entries) await zip.read(entry);
    },
    expected: readerError,
  },
  gzip: {
    name: "gzip",
    seeds: ["gzip:dachs/sync-nulls-td.vot"],
    run: async (b) => {
      await readAllBytes(await openByteStream(b, { maxBytes: MAX_BYTES }));
    },
    expected: readerError,
  },
  adql: {
    name: "adql",
    seeds: [
      "text:SELECT TOP 10 source_id, ra, dec FROM gaiadr3.gaia_source WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 56.75, 24.12, 1)) ORDER BY source_id",
      "text:SELECT a.source_id, DISTANCE(POINT(a.ra, a.dec), POINT(b.ra, b.dec)) AS d FROM gaiadr3.gaia_source AS a JOIN TAP_UPLOAD.t1 AS b ON 1 = CONTAINS(POINT(a.ra, a.dec), CIRCLE(b.ra, b.dec, 0.5)) WHERE a.parallax BETWEEN 5 AND 10 AND a.phot_g_mean_mag IS NOT NULL",
      "text:SELECT COUNT(*) AS n, ROUND(bp_rp, 1) AS c FROM gaiadr3.gaia_source WHERE phot_variable_flag LIKE 'VAR%' GROUP BY c HAVING COUNT(*) > 3 ORDER BY 2 DESC OFFSET 5",
      'text:SELECT "Weird Name", -pmra * 1e-3 AS x FROM user_demo."my table" WHERE source_id IN (1, 2, 3) OR NOT (ra < 10)',
    ],
    run: (b) => {
      parseAdql(new TextDecoder().decode(b));
      return Promise.resolve();
    },
    expected: (e) => e instanceof AdqlSyntaxError || e instanceof AdqlSemanticError,
  },
};

/** Loads a target's seeds as bytes. */
export async function loadSeeds(target: FuzzTarget, fixturesDir: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const s of target.seeds) {
    if (s.startsWith("text:")) out.push(new TextEncoder().encode(s.slice(5)));
    else if (s.startsWith("gzip:")) {
      out.push(await gzip(await Deno.readFile(`${fixturesDir}/${s.slice(5)}`)));
    } else out.push(await Deno.readFile(`${fixturesDir}/${s}`));
  }
  return out;
}
