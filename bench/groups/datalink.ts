/**
 * DataLink: epoch photometry of 1 000 sources from the local archive into
 * one Polars DataFrame (deno-gaia: GaiaDataLink.load → toPolars) against
 * astroquery's `load_data` on the same server, stacked into one pandas
 * DataFrame. Target: at least 5x faster.
 */
import { TapService } from "../../lib/tap/mod.ts";
import { serveArchive } from "../archive_server.ts";
import {
  type Check,
  type GroupOptions,
  type GroupResult,
  type Row,
  speedup,
  timeCase,
} from "../report.ts";
import { fromFileUrl } from "../util.ts";

const root = fromFileUrl(new URL("../../", import.meta.url));

/** Runs the DataLink cases. */
export async function datalink(o: GroupOptions): Promise<GroupResult> {
  const archiveRows = o.quick ? 100_000 : 1_000_000;
  const n = o.quick ? 100 : 1000;
  const served = await serveArchive(archiveRows, o.log);
  const rows: Row[] = [];
  const checks: Check[] = [];
  const idsFile = await Deno.makeTempFile({ suffix: ".txt" });
  const work = await Deno.makeTempDir();
  try {
    const tap = new TapService(`${served.url}/tap-server/tap`);
    const ids = await tap.query(
      `SELECT TOP ${n} source_id FROM gaiadr3.gaia_source WHERE has_epoch_photometry = 'True' ORDER BY source_id`,
      { format: "csv" },
    );
    const list = [...ids.table.getChild("source_id")!].map(String);
    if (list.length !== n) {
      throw new Error(`expected ${n} sources with epoch photometry, got ${list.length}`);
    }
    await Deno.writeTextFile(idsFile, list.join("\n") + "\n");
    let expected: string | undefined;
    const same = (s: { output: string }) => {
      const m = /sources=(\d+) rows=(\d+)/.exec(s.output);
      if (!m || Number(m[1]) !== n) return `expected sources=${n}: ${s.output.slice(-300)}`;
      expected ??= m[2];
      return m[2] === expected ? undefined : `rows=${m[2]}, the other tool got ${expected}`;
    };
    const input = `${n} sources, EPOCH_PHOTOMETRY votable INDIVIDUAL`;
    const ours = await timeCase(
      "DataLink",
      input,
      "deno-gaia load → toPolars",
      ["deno", "run", "-A", "--quiet", `${root}bench/datalink_client.ts`, served.url, idsFile],
      o.repeats,
      o.log,
      same,
    );
    // astroquery writes its zip into the working directory: run it in a scratch folder.
    const peer = await timeCase(
      "DataLink",
      input,
      "astroquery load_data → pandas",
      [
        "bash",
        "-c",
        `cd '${work}' && exec /usr/bin/python3 '${root}bench/peers/astroquery_load_data.py' '${served.url}' '${idsFile}'`,
      ],
      1,
      o.log,
      same,
    );
    for (const r of [ours, peer]) {
      const { samples, ...row } = r;
      const m = /rows=(\d+)/.exec(samples[0]?.output ?? "");
      if (m && row.ok) row.note = `${m[1]} epochs`;
      rows.push(row);
    }
    checks.push(speedup("astroquery load_data / deno-gaia", rows[0], rows[1], 5));
  } finally {
    await served.stop();
    await Deno.remove(idsFile).catch(() => {});
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
  return {
    rows,
    checks,
    notes: [
      `The local archive (\`cli.ts serve --rows ${archiveRows}\`, its own process) serves both; ` +
      "times are whole client processes.",
    ],
  };
}
