/**
 * Regressions found by the fresh-eyes CLI walkthrough: expected mistakes
 * (a bad --archive, a --service that is not a URL) are one-line usage
 * errors with exit code 2, never a stack trace; every archive command
 * takes --archive.
 */
import assert from "node:assert/strict";
import { ArchiveOptionError, resolveArchiveOption } from "../../cli/archive_option.ts";
import { parseQueryArgs, QUERY_USAGE } from "../../cli/query.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

async function cli(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/** A stack trace line (`    at f (file:///...)`) or Deno's uncaught-error banner. */
const STACK = /^\s+at .*[(:]|Uncaught/m;

Deno.test("resolveArchiveOption() takes esa, mirrors, local and http(s) URLs, else ArchiveOptionError", () => {
  for (
    const v of [
      "esa",
      "ESA",
      "ari",
      "aip",
      "local",
      "http://127.0.0.1:8787",
      "https://gea.esac.esa.int",
    ]
  ) {
    assert.equal(resolveArchiveOption(v).spec, v);
    assert.equal(resolveArchiveOption(v).source, "--archive");
  }
  for (const v of ["bogus", "", "   ", "localhost:8787", "ftp://example.org/tap"]) {
    assert.throws(() => resolveArchiveOption(v), (e: unknown) => {
      assert.ok(e instanceof ArchiveOptionError && e instanceof TypeError);
      assert.equal(e.value, v);
      assert.match(e.message, /^--archive ".*" is not an archive: use esa, ari, aip, local/);
      return true;
    });
  }
});

Deno.test("parseQueryArgs() takes --archive, refuses it with --service, and refuses a --service that is not a URL", () => {
  assert.equal(parseQueryArgs(["--archive", "local", "SELECT 1"]).archive, "local");
  assert.equal(
    parseQueryArgs(["--archive=http://127.0.0.1:8787", "SELECT 1"]).archive,
    "http://127.0.0.1:8787",
  );
  assert.throws(() => parseQueryArgs(["--archive", "bogus", "SELECT 1"]), ArchiveOptionError);
  assert.throws(
    () => parseQueryArgs(["--service", "notaurl", "SELECT 1"]),
    /--service "notaurl" is not an http\(s\) URL; give the TAP service base URL/,
  );
  assert.match(QUERY_USAGE, /--archive esa\|local\|URL/);
});

Deno.test("cli query/datalink/login: a bad --archive or GAIA_ARCHIVE is exit 2 with one clear line, no stack trace", async () => {
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [["query", "--archive", "bogus", "SELECT 1"], {}, /--archive "bogus" is not an archive/],
    [
      ["query", "--service", "notaurl", "SELECT 1"],
      {},
      /--service "notaurl" is not an http\(s\) URL/,
    ],
    [["query", "SELECT 1"], { GAIA_ARCHIVE: "nope" }, /GAIA_ARCHIVE="nope" is not an archive/],
    [
      [
        "datalink",
        "--archive",
        "nope",
        "--retrieval",
        "EPOCH_PHOTOMETRY",
        "--ids",
        "1",
        "-o",
        "x.arrow",
      ],
      {},
      /datalink: --archive "nope" is not an archive/,
    ],
    [["login", "--archive", "bogus"], {}, /login: --archive "bogus" is not an archive/],
    [
      ["login"],
      { GAIA_ARCHIVE: "localhost:8787" },
      /GAIA_ARCHIVE="localhost:8787" is not an archive/,
    ],
  ];
  for (const [args, env, message] of cases) {
    const r = await cli(args, env);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
    assert.doesNotMatch(r.stderr, STACK, args.join(" "));
    assert.equal(r.stdout, "", args.join(" "));
  }
});

Deno.test("cli query: Ctrl-C (SIGINT) during a query stops it with exit 130 and a one-line message", async () => {
  let arrived!: () => void;
  const requested = new Promise<void>((r) => arrived = r);
  const hold = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {}, signal: hold.signal },
    (req) => {
      arrived();
      // Never answers: the query stays in flight until the client gives up.
      return new Promise<Response>((resolve) =>
        req.signal.addEventListener("abort", () => resolve(new Response(null, { status: 499 })))
      );
    },
  );
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        CLI,
        "query",
        "--service",
        `http://127.0.0.1:${server.addr.port}/tap`,
        "SELECT TOP 1 source_id FROM gaiadr3.gaia_source",
      ],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    await requested;
    child.kill("SIGINT");
    const out = await child.output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 130, stderr);
    assert.match(stderr, /query interrupted; nothing was written/);
    assert.doesNotMatch(stderr, STACK);
    assert.equal(new TextDecoder().decode(out.stdout), "");
  } finally {
    hold.abort();
    await server.finished;
  }
});

Deno.test("cli convert/inspect: a missing file or a directory names the path and the next step", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const missing = await cli(["convert", `${dir}/nope.vot`, `${dir}/out.csv`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No such file ".*\/nope\.vot"; check the path/);
    const relative = await cli(["inspect", "no-such-table.csv"]);
    assert.match(
      relative.stderr,
      /No such file "no-such-table\.csv" \(relative to \/.*\); check the path/,
    );
    const folder = await cli(["inspect", dir]);
    assert.equal(folder.code, 1);
    assert.match(folder.stderr, /is a directory; give a table file/);
    for (const r of [missing, relative, folder]) assert.doesNotMatch(r.stderr, STACK);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli --help lists query as working on a Gaia archive or any TAP service", async () => {
  const r = await cli(["--help"]);
  assert.equal(r.code, 0);
  assert.match(
    r.stdout,
    /query\s+run an ADQL query on a Gaia archive \(--archive\) or any TAP service/,
  );
});
