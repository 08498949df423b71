import assert from "node:assert/strict";
import { tableFromIPC } from "apache-arrow";
import { datalinkMain, parseDataLinkArgs } from "../../cli/datalink.ts";
import { loginMain } from "../../cli/login.ts";
import { ANN, startTestArchive } from "./gaia_local_helpers.ts";

Deno.test("cli datalink and login against the local archive", async (t) => {
  const archive = await startTestArchive(3000);
  const dir = await Deno.makeTempDir();
  try {
    const r = await archive.gaia.query(
      "SELECT TOP 5 source_id FROM gaiadr3.gaia_source WHERE phot_variable_flag = 'VARIABLE' ORDER BY source_id",
    );
    const ids = [...r.table.getChild("source_id")!] as bigint[];

    await t.step(
      "datalink --ids writes one Arrow table of all sources with source_id",
      async () => {
        const out = `${dir}/lc.arrow`;
        const code = await datalinkMain([
          "--archive",
          archive.url,
          "--retrieval",
          "EPOCH_PHOTOMETRY",
          "--ids",
          ids.join(","),
          "-o",
          out,
          "--quiet",
        ]);
        assert.equal(code, 0);
        const t = tableFromIPC(await Deno.readFile(out));
        assert.ok(t.numRows > 0);
        const seen = new Set([...t.getChild("source_id")!] as bigint[]);
        assert.ok([...seen].every((s) => ids.includes(s)));
        assert.ok(t.getChild("band") && t.getChild("time") && t.getChild("mag"));
      },
    );

    await t.step("datalink --from a result file, ALL types: one file per type", async () => {
      const from = `${dir}/ids.arrow`;
      const { tableToIPC } = await import("apache-arrow");
      await Deno.writeFile(from, tableToIPC(r.table, "file"));
      const code = await datalinkMain([
        "--archive",
        archive.url,
        "--retrieval",
        "ALL",
        "--from",
        from,
        "-o",
        `${dir}/all.csv`,
        "--quiet",
      ]);
      assert.equal(code, 0);
      const files = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
        n.startsWith("all_")
      );
      assert.ok(files.includes("all_EPOCH_PHOTOMETRY.csv"), files.join());
    });

    await t.step("datalink argument errors exit 2", async () => {
      assert.throws(() => parseDataLinkArgs(["--retrieval", "NOPE"]), RangeError);
      assert.throws(
        () => parseDataLinkArgs(["--retrieval", "RVS", "-o", "x.arrow"]),
        /exactly one of --ids and --from/,
      );
      assert.equal(await datalinkMain(["--bogus"]), 2);
    });

    await t.step(
      "login reads a credentials file and verifies the session; a wrong one exits 1",
      async () => {
        const good = `${dir}/good.txt`;
        await Deno.writeTextFile(good, `${ANN.name}\n${ANN.password}\n`, { mode: 0o600 });
        assert.equal(await loginMain(["--archive", archive.url, "--credentials-file", good]), 0);
        const bad = `${dir}/bad.txt`;
        await Deno.writeTextFile(bad, `${ANN.name}\nwrong\n`, { mode: 0o600 });
        assert.equal(await loginMain(["--archive", archive.url, "--credentials-file", bad]), 1);
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
    await archive.close();
  }
});
