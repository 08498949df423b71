/**
 * The `convert` and `inspect` commands, run as subprocesses on fixtures.
 */
import assert from "node:assert/strict";
import { type Table, tableFromIPC } from "apache-arrow";
import { openTable } from "../../lib/formats/mod.ts";
import { collectTable } from "../../lib/table/reader.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;
const DACHS = new URL("../../../shared/fixtures/dachs/", import.meta.url).pathname;
const AQ = new URL("../../../shared/fixtures/astroquery/", import.meta.url).pathname;

async function run(args: string[], stdin?: Uint8Array) {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  });
  const child = cmd.spawn();
  if (stdin) {
    const w = child.stdin.getWriter();
    await w.write(stdin);
    await w.close();
  }
  const out = await child.output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
    bytes: out.stdout,
  };
}

const values = (t: Table) =>
  t.toArray().map((r) =>
    JSON.stringify(r.toJSON(), (_, v) => (typeof v === "bigint" ? `${v}n` : v))
  );

Deno.test("cli convert writes every output format from a DaCHS VOTable, and each reads back the same rows", async () => {
  const dir = await Deno.makeTempDir({ prefix: "deno-gaia-cli-" });
  try {
    const input = `${DACHS}sync-nulls-default.vot`;
    const reference = (await collectTable(await openTable(Deno.readFileSync(input)))).table;
    for (const ext of ["arrow", "csv", "vot", "td.vot", "fits", "ecsv", "json", "tsv", "parquet"]) {
      const out = `${dir}/out.${ext}`;
      const r = await run(["convert", input, out]);
      assert.equal(r.code, 0, `${ext}: ${r.stderr}`);
      assert.match(r.stderr, /5 rows × 25 columns, .* in [0-9.]+ s \([0-9.]+ MB\/s\)/, ext);
      const bytes = Deno.readFileSync(out);
      let back: Table;
      if (ext === "arrow") {
        back = tableFromIPC(bytes);
        // The CLI reads Arrow IPC files back too.
        const inspect = await run(["inspect", "--json", out]);
        assert.equal(JSON.parse(inspect.stdout).rows, 5, inspect.stderr);
      } else if (ext === "parquet") {
        const inspect = await run(["inspect", "--json", out]);
        assert.equal(inspect.code, 0, inspect.stderr);
        assert.equal(JSON.parse(inspect.stdout).rows, 5);
        continue;
      } else {
        back =
          (await collectTable(await openTable(bytes, { format: ext.replace("td.", "") }))).table;
      }
      assert.equal(back.numRows, 5, ext);
      if (ext === "csv" || ext === "tsv") {
        // Text without types: numbers come back as Int64/Float64; compare the ids exactly.
        assert.deepEqual([...back.getChild("source_id")!.toArray()], [
          ...reference.getChild("source_id")!.toArray(),
        ]);
        continue;
      }
      assert.deepEqual(values(back), values(reference), ext);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli convert reads stdin and writes CSV to stdout", async () => {
  const csv = new TextEncoder().encode("source_id,ra\n5929246508730155392,253.45840143189537\n");
  const r = await run(["convert", "--quiet", "-", "-"], csv);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "source_id,ra\n5929246508730155392,253.45840143189537\n");
  assert.equal(r.stderr, "");
});

Deno.test("cli inspect shows schema with units and UCDs, row count, query status", async () => {
  const ok = await run(["inspect", `${DACHS}sync-nulls-td.vot`]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /votable\/tabledata, 5 rows, 25 columns/);
  assert.match(ok.stdout, /^ra\s+Float64\s+deg\s+pos\.eq\.ra;meta\.main\s+Right ascension/m);
  const overflow = await run(["inspect", `${DACHS}sync-overflow-maxrec3.json`]);
  assert.match(overflow.stdout, /json, 3 rows, 1 columns/);
  assert.match(overflow.stdout, /query status: OVERFLOW/);
  const error = await run(["inspect", `${DACHS}sync-error-unknown-table.vot`]);
  assert.equal(error.code, 0);
  assert.match(error.stdout, /query status: ERROR \(.*nosuchtable/i);
  const json = JSON.parse(
    (await run(["inspect", "--json", `${AQ}1714556098855O-result.ecsv`])).stdout,
  );
  assert.equal(json.format, "ecsv");
  assert.equal(json.rows, 1);
  assert.equal(json.queryStatus, "OK");
  assert.equal(
    json.columns.find((c: { column: string }) => c.column === "pmra").unit,
    "mas.yr**-1",
  );
  const fits = await run(["inspect", `${AQ}1714556098855O-result.fits`]);
  assert.match(fits.stdout, /fits, 1 row, 152 columns/);
  assert.match(fits.stdout, /table: votable/);
});

Deno.test("cli reports usage errors with exit code 2 and bad input with exit code 1", async () => {
  assert.equal((await run([])).code, 2);
  const unknown = await run(["frobnicate"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown command "frobnicate"/);
  const help = await run(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /convert/);
  assert.match(help.stdout, /inspect/);
  assert.equal((await run(["convert", "--help"])).code, 0);
  assert.equal((await run(["inspect", "--help"])).code, 0);
  const missing = await run(["convert", "only-one-arg"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /needs IN and OUT/);
  const badExt = await run(["convert", `${DACHS}sync-nulls.csv`, "out.xyz"]);
  assert.equal(badExt.code, 2);
  assert.match(badExt.stderr, /Cannot tell the output format/);
  const dir = await Deno.makeTempDir({ prefix: "deno-gaia-cli-" });
  try {
    await Deno.writeTextFile(`${dir}/bad.csv`, "a,b\n1,2\n3\n");
    const bad = await run(["convert", `${dir}/bad.csv`, `${dir}/out.arrow`]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /CsvSyntaxError: Record has 1 field, expected 2 \(csv at line 3/);
    const absent = await run(["inspect", `${dir}/absent.vot`]);
    assert.equal(absent.code, 1);
    assert.match(absent.stderr, /NotFound/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
