/**
 * Issue 10 item 5: passwords and session cookies never appear in errors,
 * displays, toString, JSON or inspect output. Every output of a login flow
 * is captured and scanned for the password and the session cookie values.
 */
import assert from "node:assert/strict";
import { bundleOf } from "../../lib/notebook/display.ts";
import { Credentials, readCredentialsFile } from "../../lib/tapplus/mod.ts";
import { Gaia } from "../../lib/gaia/mod.ts";
import { ANN, startTestArchive } from "./gaia_local_helpers.ts";

function renderings(x: unknown): string[] {
  const out: string[] = [];
  const add = (f: () => unknown) => {
    try {
      const v = f();
      out.push(typeof v === "string" ? v : JSON.stringify(v) ?? "");
    } catch (e) {
      out.push(`render failed: ${(e as Error).message}`);
    }
  };
  add(() => String(x));
  add(() => JSON.stringify(x));
  add(() => Deno.inspect(x, { depth: 10, showHidden: true }));
  add(() => Deno.inspect({ wrapped: x }, { depth: 10 }));
  add(() => bundleOf(x));
  if (x instanceof Error) {
    for (let e: unknown = x; e instanceof Error; e = e.cause) {
      out.push(e.message, e.stack ?? "", String(e), Deno.inspect(e));
    }
  }
  return out;
}

Deno.test("a login flow never shows the password or the session cookie", async () => {
  const archive = await startTestArchive(2000);
  const { gaia } = archive;
  const outputs: string[] = [];
  const warnings: string[] = [];
  const credFile = await Deno.makeTempFile();
  try {
    // 1. Wrong password: the error and its cause chain.
    try {
      await gaia.login({ user: ANN.name, password: ANN.password + "-wrong" });
      assert.fail("login should fail");
    } catch (e) {
      outputs.push(...renderings(e));
    }
    // 2. Credentials object and a world-readable credentials file (warned, through the callback).
    await Deno.writeTextFile(credFile, `${ANN.name}\n${ANN.password}\n`);
    await Deno.chmod(credFile, 0o644);
    const creds = await readCredentialsFile(credFile, (w) => warnings.push(w.message));
    assert.equal(warnings.length, 1, "world-readable file warned once");
    assert.match(warnings[0], /chmod 600/);
    outputs.push(
      ...warnings,
      ...renderings(creds),
      ...renderings(new Credentials(ANN.name, ANN.password)),
    );
    // 3. Successful login from the file, then everything a user might print.
    const g2 = new Gaia({ url: archive.url, onWarning: (w) => warnings.push(w.message) });
    await g2.login({ credentialsFile: credFile });
    outputs.push(...renderings(g2), ...renderings(await g2.session()), ...renderings(g2.http));
    outputs.push(...renderings(g2.http.cookies));
    const result = await g2.query("SELECT TOP 2 source_id FROM gaiadr3.gaia_source");
    outputs.push(...renderings(result));
    try {
      await g2.query("SELECT nope FROM gaiadr3.gaia_source");
    } catch (e) {
      outputs.push(...renderings(e));
    }
    const job = await g2.launchJobAsync("SELECT TOP 1 source_id FROM gaiadr3.gaia_source");
    outputs.push(...renderings(job));
    // The session cookie values to look for.
    const urls = await g2.urls();
    const cookies = [
      ...g2.http.cookies!.cookiesFor(`${urls.tapServer}/tap/sync`),
      ...g2.http.cookies!.cookiesFor(`${urls.dataServer}/data`),
    ];
    const secrets = [ANN.password, ...cookies.map((c) => c.value)];
    assert.ok(cookies.length >= 2, "SESSION cookies of both servers exist");
    // 4. An expired session error.
    const res = await g2.http.request(`${urls.tapServer}/logout`, { method: "POST", form: {} });
    await res.cancel();
    try {
      await g2.events();
    } catch (e) {
      outputs.push(...renderings(e));
    }
    await g2.logout();
    outputs.push(...renderings(g2));
    // Scan.
    assert.ok(outputs.length > 40);
    for (const text of outputs) {
      for (const s of secrets) {
        assert.ok(!text.includes(s), `secret leaked in: ${text.slice(0, 200)}`);
      }
    }
    // The test can fail: the password is in the Credentials object.
    assert.equal(creds.revealPassword(), ANN.password);
  } finally {
    await Deno.remove(credFile);
    await archive.close();
  }
});
