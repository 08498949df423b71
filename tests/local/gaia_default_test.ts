/**
 * The default `gaia` client: nothing happens at import; GAIA_ARCHIVE=local
 * starts a local archive (data folder in the cache folder) on first use.
 * Run in a subprocess so the environment variables stay private to it.
 */
import assert from "node:assert/strict";

const script = `
import { gaia } from "${new URL("../../lib/gaia/mod.ts", import.meta.url).href}";
const before = String(gaia);
const r = await gaia.query("SELECT TOP 3 source_id FROM gaiadr3.gaia_source");
const urls = await gaia.urls();
console.log(JSON.stringify({ before, rows: r.numRows, tap: urls.tapUrl, after: String(gaia) }));
await gaia.close();
`;

/** Deno's own cache folder (XDG_CACHE_HOME would otherwise move it, and recompile everything). */
async function denoDir(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
    .output();
  return JSON.parse(new TextDecoder().decode(out.stdout)).denoDir;
}

Deno.test("gaia with GAIA_ARCHIVE=local starts an in-process archive on first use, in the cache folder", async () => {
  const cache = await Deno.makeTempDir({ prefix: "deno-gaia-cache-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--config", new URL("../../deno.json", import.meta.url).pathname, script],
      env: {
        GAIA_ARCHIVE: "local",
        XDG_CACHE_HOME: cache,
        GAIA_LOCAL_ROWS: "2000",
        DENO_DIR: await denoDir(),
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const line = new TextDecoder().decode(out.stdout).trim().split("\n").pop()!;
    const res = JSON.parse(line);
    assert.match(res.before, /GAIA_ARCHIVE, else ESA \(resolved on first use\)/);
    assert.match(res.after, /127\.0\.0\.1/);
    assert.equal(res.rows, 3);
    assert.match(res.tap, /^http:\/\/127\.0\.0\.1:\d+\/tap-server\/tap$/);
    assert.ok(
      [...Deno.readDirSync(`${cache}/deno-gaia/local-archive`)].length > 0,
      "data folder in the cache folder",
    );
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("GAIA_ARCHIVE with a bad value is a clear TypeError on first use", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--config",
      new URL("../../deno.json", import.meta.url).pathname,
      `import { gaia } from "${new URL("../../lib/gaia/mod.ts", import.meta.url).href}";
       try { await gaia.query("SELECT 1"); } catch (e) { console.log(e.name + ": " + e.message); }`,
    ],
    env: { GAIA_ARCHIVE: "nowhere" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.match(
    new TextDecoder().decode(out.stdout),
    /TypeError: GAIA_ARCHIVE="nowhere" is not esa, ari, aip, local or an archive URL/,
  );
});
