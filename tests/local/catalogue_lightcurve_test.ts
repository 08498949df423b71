/**
 * The notebook scenario end to end over HTTP: find variables with TAP,
 * fetch their epoch photometry from the data server, and check that the
 * light curve folds at the period the catalogue gives and agrees with
 * vari_summary.
 */
import assert from "node:assert/strict";
import { readCsv } from "../../lib/formats/mod.ts";
import { collectTable } from "../../lib/table/reader.ts";
import { postForm, startTestArchive, type TestArchive } from "./archive_helpers.ts";

async function tapCsv(a: TestArchive, query: string): Promise<string[][]> {
  const res = await postForm(
    `${a.tapUrl}/sync`,
    `REQUEST=doQuery&LANG=ADQL&FORMAT=csv&PHASE=RUN&QUERY=${encodeURIComponent(query)}`,
  );
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return text.trim().split(/\r?\n/).slice(1).map((l) => l.split(","));
}

/** Phase dispersion (binned variance over total variance). */
function theta(t: number[], m: number[], period: number, bins: number): number {
  const mean = m.reduce((s, x) => s + x, 0) / m.length;
  const total = m.reduce((s, x) => s + (x - mean) ** 2, 0) / (m.length - 1);
  const groups: number[][] = Array.from({ length: bins }, () => []);
  t.forEach((ti, i) => groups[Math.floor(((((ti / period) % 1) + 1) % 1) * bins)].push(m[i]));
  let num = 0, dof = 0;
  for (const g of groups) {
    if (g.length < 2) continue;
    const gm = g.reduce((s, x) => s + x, 0) / g.length;
    num += g.reduce((s, x) => s + (x - gm) ** 2, 0);
    dof += g.length - 1;
  }
  return num / dof / total;
}

Deno.test("catalogue light curves: TAP periods fold the DataLink epoch photometry of RR Lyrae and eclipsing binaries", async () => {
  const a = await startTestArchive();
  try {
    const rr = await tapCsv(
      a,
      "SELECT TOP 3 r.source_id, r.pf, s.mean_mag_g_fov FROM gaiadr3.vari_rrlyrae AS r " +
        "JOIN gaiadr3.vari_summary AS s ON s.source_id = r.source_id " +
        "JOIN gaiadr3.gaia_source AS g ON g.source_id = r.source_id " +
        "WHERE r.pf IS NOT NULL AND g.has_epoch_photometry = 'true' ORDER BY g.phot_g_mean_mag",
    );
    const eb = await tapCsv(
      a,
      "SELECT TOP 2 e.source_id, 1.0 / e.frequency AS period, s.mean_mag_g_fov FROM gaiadr3.vari_eclipsing_binary AS e " +
        "JOIN gaiadr3.vari_summary AS s ON s.source_id = e.source_id ORDER BY e.source_id",
    );
    assert.ok(rr.length > 0 && eb.length > 0, "variables found with TAP");
    for (const [id, p, meanMag] of [...rr, ...eb]) {
      const period = Number(p);
      const res = await fetch(
        `${a.dataUrl}/data?ID=${id}&RELEASE=Gaia+DR3&RETRIEVAL_TYPE=EPOCH_PHOTOMETRY&FORMAT=csv`,
      );
      assert.equal(res.status, 200, await res.clone().text());
      const { table } = await collectTable(readCsv(new Uint8Array(await res.arrayBuffer())));
      const band = table.getChild("band")!,
        time = table.getChild("time")!,
        mag = table.getChild("mag")!;
      const t: number[] = [], m: number[] = [];
      for (let i = 0; i < table.numRows; i++) {
        if (band.get(i) === "G" && mag.get(i) !== null) {
          t.push(time.get(i));
          m.push(mag.get(i));
        }
      }
      assert.ok(t.length >= 40, `${id}: ${t.length} G transits`);
      const bins = rr.some((r) => r[0] === id) ? 10 : 20;
      const good = theta(t, m, period, bins);
      const wrong = Math.min(theta(t, m, period * 1.37, bins), theta(t, m, period * 0.71, bins));
      assert.ok(
        good < 0.4 && wrong > 2 * good,
        `${id}: theta ${good} at P=${period}, ${wrong} off it`,
      );
      // vari_summary was computed from the same epochs (less the rejected ones)
      const mean = m.reduce((s, x) => s + x, 0) / m.length;
      assert.ok(
        Math.abs(mean - Number(meanMag)) < 0.05,
        `${id}: mean ${mean} vs vari_summary ${meanMag}`,
      );
    }
  } finally {
    await a.dispose();
  }
});
