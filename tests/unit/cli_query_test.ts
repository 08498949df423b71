import assert from "node:assert/strict";
import { tableFromIPC } from "apache-arrow";
import { readVOTable } from "../../lib/votable/mod.ts";
import { collectTable } from "../../lib/table/reader.ts";
import { outputKind, parseQueryArgs, queryMain } from "../../cli/query.ts";
import { startFixtureServer } from "./tap_fixture_server.ts";

const Q5 =
  "SELECT * FROM gaiadr3.gaia_source WHERE source_id IN (64942654294589445, 34634616274944, 506565622759429, 676577608204294, 22676671408635908) ORDER BY source_id";

Deno.test("parseQueryArgs() reads every option and refuses bad ones", () => {
  const a = parseQueryArgs([
    "--service",
    "http://h/tap",
    "SELECT 1",
    "-o",
    "out.parquet",
    "--async",
    "--maxrec=7",
    "--format",
    "votable/b2",
    "--upload",
    "t1=a.vot",
    "--timeout",
    "30",
    "--quiet",
  ]);
  assert.deepEqual(a, {
    service: "http://h/tap",
    adql: "SELECT 1",
    output: "out.parquet",
    async: true,
    maxrec: 7,
    format: "votable/b2",
    uploads: [{ name: "t1", file: "a.vot" }],
    timeout: 30,
    quiet: true,
    help: false,
  });
  // Without --service the Gaia archive is used: --archive, else GAIA_ARCHIVE, else esa.
  assert.equal(parseQueryArgs(["SELECT 1"]).service, "");
  assert.equal(parseQueryArgs(["--archive", "local", "SELECT 1"]).archive, "local");
  assert.throws(
    () => parseQueryArgs(["--archive", "local", "--service", "http://h/tap", "SELECT 1"]),
    /either --archive .* or --service/,
  );
  assert.throws(
    () => parseQueryArgs(["--service", "http://h", "SELECT 1", "SELECT 2"]),
    /one ADQL argument/,
  );
  assert.throws(() => parseQueryArgs(["--service", "http://h", "q", "--maxrec", "-1"]), /maxrec/);
  assert.throws(
    () => parseQueryArgs(["--service", "http://h", "q", "-o", "x.doc"]),
    /output format/,
  );
  assert.throws(() => parseQueryArgs(["--service", "http://h", "q", "--bogus"]), /Unknown option/);
  assert.equal(outputKind("r.arrow"), "arrow");
});

Deno.test("cli query writes Arrow, CSV, VOTable and Parquet files from a sync query", async () => {
  const server = startFixtureServer();
  const dir = await Deno.makeTempDir();
  try {
    for (const ext of ["arrow", "csv", "vot", "parquet"]) {
      const file = `${dir}/out.${ext}`;
      const code = await queryMain([
        "--service",
        server.tap,
        Q5,
        "-o",
        file,
        "--format",
        "votable/b2",
        "--quiet",
      ]);
      assert.equal(code, 0, ext);
      const bytes = await Deno.readFile(file);
      if (ext === "arrow") {
        const t = tableFromIPC(bytes);
        assert.equal(t.numRows, 5);
        assert.equal(t.getChild("source_id")!.get(4), 64942654294589445n);
      } else if (ext === "csv") {
        const text = new TextDecoder().decode(bytes);
        assert.equal(text.trim().split("\n").length, 6);
        assert.ok(text.includes("64942654294589445"));
      } else if (ext === "vot") {
        const { table } = await collectTable(readVOTable(bytes));
        assert.equal(table.numRows, 5);
        assert.equal(table.schema.fields.find((f) => f.name === "ra")!.metadata.get("unit"), "deg");
      } else {
        assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), "PAR1");
      }
    }
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli query --async with --upload runs a job, uploads the file and deletes the job", async () => {
  const server = startFixtureServer({ executingPolls: 1 });
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/up.csv`;
    const upload =
      new URL("../../../shared/fixtures/dachs/upload-t1.vot", import.meta.url).pathname;
    const code = await queryMain([
      "--service",
      server.tap,
      "SELECT * FROM TAP_UPLOAD.t1",
      "--async",
      "--format",
      "csv",
      "--upload",
      `t1=${upload}`,
      "-o",
      file,
      "--quiet",
    ]);
    assert.equal(code, 0);
    assert.equal((await Deno.readTextFile(file)).trim().split("\n").length, 4);
    const created = server.seen.filter((s) => s.path === "/tap/async" && s.method === "POST");
    assert.equal(created.length, 1);
    assert.equal(created[0]!.params["UPLOAD"], "t1,param:t1");
    assert.ok(created[0]!.files["t1"]!.length > 100);
    assert.ok(server.seen.some((s) => s.method === "DELETE"), "job deleted after download");
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli query prints CSV to stdout, progress and errors to stderr, exit codes 0/1/2", async () => {
  const server = startFixtureServer();
  const cli = new URL("../../cli.ts", import.meta.url).pathname;
  const run = async (...args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", cli, "query", ...args],
    }).output();
    return {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
  };
  try {
    const ok = await run("--service", server.tap, Q5, "--format", "csv");
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.trim().split("\n").length, 6);
    assert.match(ok.stderr, /5 rows/);
    const bad = await run("--service", server.tap, "SELEKT * FROM gaiadr3.gaia_source");
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Could not parse your query/);
    const over = await run(
      "--service",
      server.tap,
      "SELECT source_id FROM x",
      "--maxrec",
      "3",
      "--format",
      "votable/td",
    );
    assert.equal(over.code, 0);
    assert.match(over.stderr, /truncated at MAXREC=3/);
    const usage = await run("--service", server.tap);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /Usage: deno task cli query/);
  } finally {
    await server.close();
  }
});
