import assert from "node:assert/strict";
import { unzipSync } from "fflate";
import {
  ANN,
  astroqueryMultipart,
  get,
  login,
  postForm,
  startTestArchive,
  submitAsync,
  type TestArchive,
  waitJob,
} from "./archive_helpers.ts";

const PRODUCTS = [
  "EPOCH_PHOTOMETRY",
  "XP_SAMPLED",
  "XP_CONTINUOUS",
  "RVS",
  "MCMC_GSPPHOT",
  "MCMC_MSC",
];
const EXT: Record<string, string> = {
  votable: ".xml",
  votable_plain: ".xml",
  csv: ".csv",
  ecsv: ".ecsv",
  fits: ".fits",
};

async function csvColumn(a: TestArchive, query: string): Promise<string[]> {
  const r = await postForm(
    `${a.tapUrl}/sync`,
    `REQUEST=doQuery&LANG=ADQL&FORMAT=csv&QUERY=${encodeURIComponent(query)}`,
  );
  assert.equal(r.status, 200);
  return (await r.text()).trim().split(/\r?\n/).slice(1).map((l) => l.split(",")[0]);
}

/** Rows of a links VOTable as [ID, access_url, error_message]. */
function linkRows(xml: string): { id: string; url: string; error: string; semantics: string }[] {
  return [...xml.matchAll(/<TR>(.*?)<\/TR>/gs)].map((m) => {
    const cells = [...m[1].matchAll(/<TD\/>|<TD>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?<\/TD>/gs)].map((
      c,
    ) => c[1] ?? "");
    return { id: cells[0], url: cells[1], error: cells[3], semantics: cells[4] };
  });
}

/** One source id per product type, found through the links endpoint. */
async function sourcesWithProducts(a: TestArchive): Promise<Record<string, string>> {
  const ids = await csvColumn(
    a,
    "SELECT TOP 300 source_id FROM gaiadr3.gaia_source ORDER BY phot_g_mean_mag ASC",
  );
  const xml = await (await postForm(`${a.dataUrl}/datalink/links`, `ID=${ids.join(",")}`)).text();
  const out: Record<string, string> = {};
  for (const row of linkRows(xml)) {
    const type = /RETRIEVAL_TYPE=(\w+)/.exec(row.url)?.[1];
    if (type && !out[type]) out[type] = row.id.split(" ").pop()!;
  }
  return out;
}

Deno.test("archive datalink: links for every ID form", async (t) => {
  const a = await startTestArchive();
  try {
    const [first, second] = await csvColumn(
      a,
      "SELECT TOP 2 source_id FROM gaiadr3.gaia_source ORDER BY source_id",
    );
    await t.step(
      "bare id (POST form, as astroquery), designation in ID column, #this semantics",
      async () => {
        const res = await postForm(`${a.dataUrl}/datalink/links`, `ID=${first}`);
        assert.equal(res.status, 200);
        assert.match(res.headers.get("content-type")!, /application\/x-votable\+xml/);
        const xml = await res.text();
        assert.match(xml, /<INFO name="QUERY_STATUS" value="OK"\/>/);
        assert.match(xml, /<INFO name="JOBID" value="\d+ODL">/);
        const rows = linkRows(xml);
        assert.ok(
          rows.every((r) =>
            r.id === `Gaia DR3 ${first}` && r.semantics === "#this" && r.error === ""
          ),
        );
        for (const r of rows) {
          assert.ok(
            r.url.startsWith(`${a.dataUrl}/data?ID=Gaia+DR3+${first}&RETRIEVAL_TYPE=`),
            r.url,
          );
        }
      },
    );
    await t.step("designations with raw spaces and '+', comma lists, GET", async () => {
      const raw = await (await postForm(
        `${a.dataUrl}/datalink/links`,
        `ID=Gaia DR3 ${first},Gaia+DR3+${second}`,
      )).text();
      const ids = new Set(linkRows(raw).map((r) => r.id));
      assert.deepEqual(
        ids,
        new Set([`Gaia DR3 ${first}`, `Gaia DR3 ${second}`].filter((d) => raw.includes(d))),
      );
      const viaGet = await (await get(`${a.dataUrl}/datalink/links?ID=${first}`)).text();
      assert.deepEqual(
        linkRows(viaGet),
        linkRows(await (await postForm(`${a.dataUrl}/datalink/links`, `ID=${first}`)).text()),
      );
    });
    await t.step(
      "unknown ids, other releases and junk give error_message rows (HTTP 200)",
      async () => {
        const xml =
          await (await postForm(`${a.dataUrl}/datalink/links`, "ID=42,Gaia DR2 123,hello")).text();
        const rows = linkRows(xml);
        assert.equal(rows.length, 3);
        assert.match(rows.find((r) => r.id === "hello")!.error, /^UsageFault: invalid ID 'hello'/);
        assert.match(
          rows.find((r) => r.id === "Gaia DR2 123")!.error,
          /NotFoundFault: Gaia DR2 is not served/,
        );
        assert.match(
          rows.find((r) => r.id === "42")!.error,
          /NotFoundFault: source 'Gaia DR3 42' not found/,
        );
      },
    );
    await t.step("ranges and job:<id>.<column>", async () => {
      const range = await (await postForm(`${a.dataUrl}/datalink/links`, `ID=${first}-${second}`))
        .text();
      const rangeIds = new Set(linkRows(range).map((r) => r.id));
      const job = await submitAsync(
        a.url,
        "SELECT TOP 2 source_id FROM gaiadr3.gaia_source ORDER BY source_id",
      );
      assert.equal(await waitJob(a.url, job), "COMPLETED");
      const viaJob =
        await (await postForm(`${a.dataUrl}/datalink/links`, `ID=job:${job}.source_id`)).text();
      assert.deepEqual(new Set(linkRows(viaJob).map((r) => r.id)), rangeIds);
    });
    await t.step(
      "user_<name>.<table>.<column> needs a data-server login and the owner",
      async () => {
        const ann = await login(a.url, ANN);
        const vot = await (await postForm(
          `${a.tapUrl}/sync`,
          `REQUEST=doQuery&LANG=ADQL&FORMAT=votable_plain&QUERY=${
            encodeURIComponent("SELECT TOP 2 source_id FROM gaiadr3.gaia_source ORDER BY source_id")
          }`,
        )).text();
        const { contentType, body } = astroqueryMultipart({ TABLE_NAME: "ids" }, [{
          name: "FILE",
          filename: "t",
          content: vot,
        }]);
        const up = await fetch(`${a.url}/tap-server/Upload`, {
          method: "POST",
          headers: { "content-type": contentType, cookie: ann },
          body,
        });
        assert.equal(up.status, 200);
        await up.body?.cancel();
        const anon = await postForm(`${a.dataUrl}/datalink/links`, "ID=user_ann.ids.source_id");
        assert.equal(anon.status, 401);
        await anon.body?.cancel();
        const dataCookie = await login(a.url, ANN, "data-server");
        const xml = await (await postForm(
          `${a.dataUrl}/datalink/links`,
          "ID=user_ann.ids.source_id",
          dataCookie,
        )).text();
        const direct =
          await (await postForm(`${a.dataUrl}/datalink/links`, `ID=${first},${second}`)).text();
        assert.deepEqual(linkRows(xml).map((r) => r.url), linkRows(direct).map((r) => r.url));
        const bob = await login(a.url, { name: "bob", password: "bob-pw-2" }, "data-server");
        const denied = await postForm(
          `${a.dataUrl}/datalink/links`,
          "ID=user_ann.ids.source_id",
          bob,
        );
        assert.equal(denied.status, 403);
        await denied.body?.cancel();
      },
    );
  } finally {
    await a.dispose();
  }
});

Deno.test("archive datalink: data for every retrieval type, format and data structure", async (t) => {
  const a = await startTestArchive();
  try {
    const sources = await sourcesWithProducts(a);
    assert.deepEqual(
      PRODUCTS.filter((p) => !sources[p]),
      [],
      "a bright source exists for each product",
    );
    for (const retrieval of [...PRODUCTS, "ALL"]) {
      for (const format of Object.keys(EXT)) {
        for (const structure of ["INDIVIDUAL", "COMBINED", "RAW"]) {
          await t.step(`${retrieval} ${format} ${structure}`, async () => {
            const one = sources[retrieval === "ALL" ? "XP_SAMPLED" : retrieval];
            const ids = structure === "INDIVIDUAL" ? [one] : [one, sources.XP_SAMPLED];
            const body =
              `VALID_DATA=false&ID=${ids.join(",")}&DATA_STRUCTURE=${structure}&FORMAT=${format}` +
              `&RETRIEVAL_TYPE=${retrieval}&USE_ZIP_ALWAYS=true`;
            const res = await postForm(`${a.dataUrl}/data`, body);
            const bytes = new Uint8Array(await res.arrayBuffer());
            assert.equal(res.status, 200, new TextDecoder().decode(bytes.subarray(0, 400)));
            assert.deepEqual([...bytes.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04], "a zip");
            const entries = unzipSync(bytes);
            const names = Object.keys(entries);
            assert.ok(names.length > 0);
            for (const n of names) {
              assert.ok(n.endsWith(EXT[format]), n);
              if (retrieval !== "ALL") assert.ok(n.startsWith(retrieval), n);
              assert.ok(!n.includes("/") && !n.includes(".."), n);
              const head = new TextDecoder().decode(entries[n].subarray(0, 200));
              if (format === "fits") assert.ok(head.startsWith("SIMPLE  ="), n);
              else if (format === "ecsv") assert.ok(head.startsWith("# %ECSV"), n);
              else if (format === "csv") assert.match(head, /^[a-z_]+,/);
              else assert.match(head, /<VOTABLE|<\?xml/);
              assert.ok(entries[n].length > 100, `${n} is too small`);
            }
          });
        }
      }
    }
  } finally {
    await a.dispose();
  }
});

Deno.test("archive datalink: one file without USE_ZIP_ALWAYS, clear errors otherwise", async (t) => {
  const a = await startTestArchive();
  try {
    const sources = await sourcesWithProducts(a);
    await t.step("a single product for a single source comes as the file itself", async () => {
      const res = await get(
        `${a.dataUrl}/data?ID=Gaia+DR3+${sources.EPOCH_PHOTOMETRY}&RETRIEVAL_TYPE=EPOCH_PHOTOMETRY&FORMAT=csv`,
      );
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type")!, /text\/csv/);
      assert.match(res.headers.get("content-disposition")!, /EPOCH_PHOTOMETRY-Gaia DR3 \d+\.csv/);
      const text = await res.text();
      assert.ok(text.split("\n").length > 20, "a light curve has many rows");
    });
    await t.step("VALID_DATA=true never adds rows", async () => {
      const url =
        `${a.dataUrl}/data?ID=${sources.EPOCH_PHOTOMETRY}&RETRIEVAL_TYPE=EPOCH_PHOTOMETRY&FORMAT=csv`;
      const all = (await (await get(`${url}&VALID_DATA=false`)).text()).trim().split("\n").length;
      const valid = (await (await get(`${url}&VALID_DATA=true`)).text()).trim().split("\n").length;
      assert.ok(valid <= all);
    });
    await t.step(
      "bad RETRIEVAL_TYPE, FORMAT, DATA_STRUCTURE, RELEASE: 400 with the value",
      async () => {
        for (
          const [q, msg] of [
            ["RETRIEVAL_TYPE=NOPE", /Invalid RETRIEVAL_TYPE 'NOPE'/],
            ["RETRIEVAL_TYPE=ALL&FORMAT=xls", /Invalid FORMAT 'xls'/],
            ["RETRIEVAL_TYPE=ALL&DATA_STRUCTURE=FLAT", /Invalid DATA_STRUCTURE 'FLAT'/],
            ["RETRIEVAL_TYPE=ALL&RELEASE=Gaia+DR2", /RELEASE 'Gaia DR2' is not served/],
          ] as const
        ) {
          const r = await get(`${a.dataUrl}/data?ID=${sources.RVS}&${q}`);
          assert.equal(r.status, 400);
          assert.match(await r.text(), msg);
        }
      },
    );
    await t.step("no product of that type: 404", async () => {
      const r = await get(`${a.dataUrl}/data?ID=42&RETRIEVAL_TYPE=RVS`);
      assert.equal(r.status, 404);
      await r.body?.cancel();
    });
    await t.step("more than 5000 ids: 'Maximum number of Source Ids reached'", async () => {
      const ids = Array.from({ length: 5001 }, (_, i) => String(i + 1)).join(",");
      const r = await postForm(`${a.dataUrl}/data`, `ID=${ids}&RETRIEVAL_TYPE=ALL`);
      assert.equal(r.status, 400);
      assert.match(await r.text(), /Maximum number of Source Ids reached/);
    });
  } finally {
    await a.dispose();
  }
});
