/**
 * `deno task cli query` against the DaCHS server: sync to Parquet, async to
 * Arrow, an upload cross-match to CSV, and a server error as exit code 1.
 */
import assert from "node:assert/strict";
import { tableFromIPC } from "apache-arrow";
import { DACHS_TAP, FIXTURES, ignore, reachable } from "./dachs_helpers.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

async function cli(...args: string[]) {
  if (!reachable) {
    throw new Error(`DaCHS is not reachable at ${DACHS_TAP} but DACHS_REQUIRED is set`);
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "query", "--service", DACHS_TAP, ...args],
  })
    .output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test({
  name: "cli query against DaCHS: sync Parquet, async Arrow, upload cross-match CSV, errors",
  ignore,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const pq = await cli(
        "SELECT TOP 10 source_id, ra, dec FROM gaiadr3.gaia_source ORDER BY source_id",
        "-o",
        `${dir}/a.parquet`,
      );
      assert.equal(pq.code, 0, pq.stderr);
      const head = (await Deno.readFile(`${dir}/a.parquet`)).subarray(0, 4);
      assert.equal(new TextDecoder().decode(head), "PAR1");

      const arrow = await cli(
        "SELECT COUNT(*) AS n FROM gaiadr3.gaia_source WHERE 1=CONTAINS(POINT('ICRS',ra,dec), CIRCLE('ICRS',56.75,24.12,1))",
        "--async",
        "-o",
        `${dir}/n.arrow`,
        "--timeout",
        "120",
      );
      assert.equal(arrow.code, 0, arrow.stderr);
      const t = tableFromIPC(await Deno.readFile(`${dir}/n.arrow`));
      assert.equal(Number(t.getChild("n")!.get(0)), 1020);

      const upload = new URL("upload-t1.vot", FIXTURES).pathname;
      const xm = await cli(
        "SELECT u.id, COUNT(*) AS n FROM TAP_UPLOAD.t1 AS u JOIN gaiadr3.gaia_source AS g " +
          "ON 1=CONTAINS(POINT('ICRS',g.ra,g.dec), CIRCLE('ICRS',u.ra,u.dec,0.5)) GROUP BY u.id ORDER BY u.id",
        "--upload",
        `t1=${upload}`,
        "--format",
        "csv",
      );
      assert.equal(xm.code, 0, xm.stderr);
      assert.deepEqual(xm.stdout.trim().split("\n"), ["id,n", "1,277", "2,5", "3,4"]);

      const bad = await cli("SELECT TOP 1 nonexistent FROM gaiadr3.gaia_source");
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /nonexistent/);

      const over = await cli(
        "SELECT source_id FROM gaiadr3.gaia_source",
        "--maxrec",
        "5",
        "-o",
        `${dir}/o.vot`,
      );
      assert.equal(over.code, 0, over.stderr);
      assert.match(over.stderr, /truncated at MAXREC=5/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
