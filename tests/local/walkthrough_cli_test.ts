/**
 * The README's `deno task cli query --archive ...` line, against a running
 * local archive: the archive root URL is enough (the TAP path is the
 * archive's), sync and async.
 */
import assert from "node:assert/strict";
import { tableFromIPC } from "apache-arrow";
import { queryMain } from "../../cli/query.ts";
import { startTestArchive } from "./archive_helpers.ts";

Deno.test("cli query --archive URL queries a Gaia archive by its root, sync and --async", async () => {
  const archive = await startTestArchive();
  const dir = await Deno.makeTempDir();
  try {
    const adql = "SELECT TOP 7 source_id, ra, dec FROM gaiadr3.gaia_source ORDER BY source_id";
    for (const mode of [[], ["--async"]]) {
      const file = `${dir}/out${mode.length}.arrow`;
      const code = await queryMain([
        "--archive",
        archive.url,
        adql,
        ...mode,
        "-o",
        file,
        "--quiet",
      ]);
      assert.equal(code, 0, mode.join(" "));
      const t = tableFromIPC(await Deno.readFile(file));
      assert.equal(t.numRows, 7);
      assert.deepEqual(t.schema.fields.map((f) => f.name), ["source_id", "ra", "dec"]);
      assert.equal(typeof t.getChild("source_id")!.get(0), "bigint");
    }
    // GAIA_ARCHIVE is the default when --archive is absent.
    const prev = Deno.env.get("GAIA_ARCHIVE");
    Deno.env.set("GAIA_ARCHIVE", archive.url);
    try {
      const file = `${dir}/env.csv`;
      assert.equal(await queryMain([adql, "-o", file, "--quiet"]), 0);
      assert.equal((await Deno.readTextFile(file)).trim().split("\n").length, 8);
    } finally {
      if (prev === undefined) Deno.env.delete("GAIA_ARCHIVE");
      else Deno.env.set("GAIA_ARCHIVE", prev);
    }
  } finally {
    await archive.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli serve: a port in use or a non-loopback --host is one line and a non-zero exit, no stack trace", async () => {
  const cli = new URL("../../cli.ts", import.meta.url).pathname;
  const dir = await Deno.makeTempDir();
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const run = async (...args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", cli, "serve", "--rows", "2000", "--data-dir", dir, ...args],
      env: { NO_COLOR: "1" },
      stdin: "null",
    }).output();
    return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
  };
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    const busy = await run("--port", String(port));
    assert.equal(busy.code, 1, busy.stderr);
    assert.match(
      busy.stderr,
      new RegExp(`serve: port ${port} on 127\\.0\\.0\\.1 is already in use`),
    );
    assert.doesNotMatch(busy.stderr, /^\s+at |Uncaught/m);
    const open = await run("--host", "0.0.0.0");
    assert.equal(open.code, 2, open.stderr);
    assert.match(open.stderr, /--host "0\.0\.0\.0" is not a loopback address/);
    assert.doesNotMatch(open.stderr, /^\s+at |Uncaught/m);
  } finally {
    taken.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli login --archive local: the in-process archive has the demo account (demo / gaia-demo), as deno task serve", async () => {
  const cli = new URL("../../cli.ts", import.meta.url).pathname;
  const cache = await Deno.makeTempDir();
  try {
    const run = async (password: string) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", cli, "login", "--archive", "local", "--user", "demo"],
        env: {
          NO_COLOR: "1",
          XDG_CACHE_HOME: cache,
          GAIA_LOCAL_ROWS: "2000",
          GAIA_PASSWORD: password,
        },
        stdin: "null",
      }).output();
      const td = new TextDecoder();
      return { code: out.code, stdout: td.decode(out.stdout), stderr: td.decode(out.stderr) };
    };
    const ok = await run("gaia-demo");
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Logged in as demo at http:\/\/127\.0\.0\.1:\d+\/tap-server/);
    const wrong = await run("not-the-password");
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /Wrong user name or password for "demo"/);
    assert.doesNotMatch(wrong.stderr + wrong.stdout, /not-the-password/);
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("cli serve: Ctrl-C right after the 'ready' line stops it cleanly (exit 0)", async () => {
  const cli = new URL("../../cli.ts", import.meta.url).pathname;
  const dir = await Deno.makeTempDir();
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", cli, "serve", "--rows", "2000", "--data-dir", dir],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!seen.includes("ready at")) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    assert.match(seen, /ready at http:\/\/127\.0\.0\.1:\d+/);
    child.kill("SIGINT");
    const rest = (async () => {
      while (!(await reader.read()).done) { /* drain */ }
    })();
    const status = await child.status;
    await rest;
    await child.stderr.cancel();
    assert.equal(status.code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
