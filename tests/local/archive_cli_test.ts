import assert from "node:assert/strict";
import { parseServeArgs } from "../../cli/serve.ts";

Deno.test("serve: prints its URL when ready, serves, stops cleanly on SIGTERM", async () => {
  const dir = await Deno.makeTempDir({ prefix: "archive-cli-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "cli.ts",
      "serve",
      "--port",
      "0",
      "--data-dir",
      dir,
      "--rows",
      "5000",
      "--user",
      "cli:cli-pw",
    ],
    cwd: new URL("../../", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    let url = "";
    while (!url) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
      url = /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? "";
    }
    assert.ok(url, out);
    reader.releaseLock();
    assert.ok(!out.includes("cli-pw"), "the password is never printed");
    const res = await fetch(`${url}/tap-server/tap/availability`);
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const login = await fetch(`${url}/tap-server/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "username=cli&password=cli-pw",
    });
    assert.equal(login.status, 200);
    await login.body?.cancel();
    child.kill("SIGTERM");
    const status = await child.status;
    assert.equal(status.code, 0);
    await child.stdout.cancel().catch(() => {});
    const err = await new Response(child.stderr).text();
    assert.ok(!err.includes("cli-pw"));
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serve: argument parsing, defaults and errors", async () => {
  const d = await parseServeArgs([]);
  assert.equal(d.port, 0);
  assert.deepEqual(d.users, [{ name: "demo", password: "gaia-demo" }]);
  assert.match(d.dataDir, /deno-gaia\/archive$/);
  const f = await Deno.makeTempFile();
  await Deno.writeTextFile(f, "# accounts\nann:pw1\nbob:pw:with:colons\n");
  const p = await parseServeArgs(["--users-file", f, "--port=8787"]);
  assert.deepEqual(p.users, [{ name: "ann", password: "pw1" }, {
    name: "bob",
    password: "pw:with:colons",
  }]);
  assert.equal(p.port, 8787);
  await Deno.remove(f);
  await assert.rejects(
    () => parseServeArgs(["--port", "x"]),
    /--port needs a non-negative integer/,
  );
  await assert.rejects(() => parseServeArgs(["--user", "nocolon"]), /expected NAME:PASSWORD/);
  await assert.rejects(() => parseServeArgs(["--bogus"]), /Unknown option '--bogus'/);
});
