import assert from "node:assert/strict";
import { unzipSync } from "fflate";
import type { Table } from "apache-arrow";
import { parseVOTableDocument, readVOTable } from "../../votable/mod.ts";
import { readCsv, readEcsv, readFits } from "../../formats/mod.ts";
import { collectTable, type TableReader } from "../../table/reader.ts";
import { epochPhotometry } from "../../datalink/epoch_photometry.ts";
import { correlationMatrix } from "../../datalink/xp_continuous.ts";
import { generateCatalogue } from "../catalogue/mod.ts";
import {
  availableProducts,
  linksFor,
  linksTable,
  makeProduct,
  notFoundLink,
  packageProducts,
  type PackageRequest,
  ProductRequestError,
  type ProductType,
  type SourceRow,
  xpSampledProduct,
} from "./mod.ts";

const FIXTURES = new URL("../../../../shared/fixtures/astroquery/", import.meta.url);
const REAL_ID = "5937083312263887616";
const dec = new TextDecoder();

function fixtureZip(kind: "vot" | "csv" | "ecsv" | "fits"): Record<string, Uint8Array> {
  const bytes = Deno.readFileSync(
    new URL(`gaia_dr3_source_id_${REAL_ID}_dl_products_${kind}.zip`, FIXTURES),
  );
  return unzipSync(bytes);
}

// A small catalogue and a lookup by source_id; sources picked by what they have.
const cat = generateCatalogue({ rows: 20000, seed: 99 });
const gs = cat.get("gaiadr3.gaia_source")!;
const ids = gs.getChild("source_id")!.toArray() as BigInt64Array;
const index = new Map<bigint, number>();
ids.forEach((id, i) => index.set(id, i));
const rowCache = new Map<bigint, SourceRow>();
function lookup(id: bigint): SourceRow | undefined {
  const i = index.get(id);
  if (i === undefined) return undefined;
  let r = rowCache.get(id);
  if (!r) {
    r = gs.get(i)!.toJSON() as SourceRow;
    rowCache.set(id, r);
  }
  return r;
}
function findSource(pred: (r: SourceRow) => boolean): bigint {
  for (const id of ids) if (pred(lookup(id)!)) return id;
  throw new Error("no such source in the test catalogue");
}
const xpSource = findSource((r) => {
  const p = availableProducts(r);
  return p.includes("XP_SAMPLED") && p.includes("XP_CONTINUOUS") && p.includes("MCMC_MSC");
});

function request(over: Partial<PackageRequest>): PackageRequest {
  return {
    ids: [xpSource],
    retrieval: "ALL",
    format: "votable",
    dataStructure: "INDIVIDUAL",
    release: "Gaia DR3",
    ...over,
  };
}

function entryFor(entries: { fileName: string; bytes: Uint8Array }[], type: ProductType) {
  const e = entries.find((x) => x.fileName.startsWith(type + "-"));
  assert.ok(e, `no ${type} entry in ${entries.map((x) => x.fileName).join(", ")}`);
  return e;
}

const SHAPED: ProductType[] = ["XP_SAMPLED", "XP_CONTINUOUS", "MCMC_MSC"];

Deno.test("packageProducts() names INDIVIDUAL files like the archive and includes only available products", () => {
  const { entries, missing } = packageProducts(request({}), lookup);
  assert.deepEqual(missing, []);
  const expected = availableProducts(lookup(xpSource)!);
  assert.equal(entries.length, expected.length);
  for (const e of entries) {
    assert.match(e.fileName, new RegExp(`^[A-Z_]+-Gaia DR3 ${xpSource}\\.xml$`));
  }
  const real = Object.keys(fixtureZip("vot"));
  assert.ok(real.every((n) => /^[A-Z_]+-Gaia DR3 \d+\.xml$/.test(n)), "fixture naming pattern");
});

Deno.test("packageProducts() VOTable products have the real files' FIELDs, PARAMs and TIMESYS", async () => {
  const real = fixtureZip("vot");
  const ours = packageProducts(request({ format: "votable" }), lookup).entries;
  for (const type of SHAPED) {
    const r = await parseVOTableDocument(real[`${type}-Gaia DR3 ${REAL_ID}.xml`]);
    const o = await parseVOTableDocument(entryFor(ours, type).bytes);
    const shape = (d: typeof r) =>
      d.tables[0].fields.map((f) =>
        [f.name, f.datatype, f.arraysize ?? "", f.unit ?? "", f.ucd ?? ""].join("|")
      );
    assert.deepEqual(shape(o), shape(r), type);
    const params = (d: typeof r) =>
      [...d.params, ...d.resources.flatMap((x) => x.params), ...d.tables[0].params].map((p) =>
        [p.name, p.datatype, p.unit ?? "", p.ucd ?? "", p.utype ?? ""].join("|")
      ).sort();
    assert.deepEqual(params(o), params(r), `${type} PARAMs`);
    assert.deepEqual(
      o.tables[0].params.map((p) => p.name),
      r.tables[0].params.map((p) => p.name),
      `${type} PARAMs in TABLE`,
    );
    assert.equal(o.resources[0].utype, r.resources[0].utype, `${type} RESOURCE utype`);
    const ts = (d: typeof r) =>
      [...d.timesys, ...d.resources.flatMap((x) => x.timesys)].map((t) => t.timeorigin);
    assert.deepEqual(ts(o), ts(r), `${type} TIMESYS`);
    assert.equal(o.tables[0].format, "votable/binary2");
    assert.equal(o.tables[0].table.numRows, r.tables[0].table.numRows, `${type} rows`);
  }
});

Deno.test("packageProducts() CSV products have the real files' header lines", () => {
  const real = fixtureZip("csv");
  const ours = packageProducts(request({ format: "csv" }), lookup).entries;
  for (const type of SHAPED) {
    const head = (b: Uint8Array) => dec.decode(b.subarray(0, 2000)).split("\n")[0];
    assert.equal(
      head(entryFor(ours, type).bytes),
      head(real[`${type}-Gaia DR3 ${REAL_ID}.csv`]),
      type,
    );
  }
  // arrays as parenthesised tuples, as the archive writes them
  const xpc = dec.decode(entryFor(ours, "XP_CONTINUOUS").bytes).split("\n")[1];
  assert.match(xpc, /,"\(-?\d[^)]*\)",/);
});

Deno.test("packageProducts() ECSV products declare the real files' columns, datatypes and units", () => {
  const real = fixtureZip("ecsv");
  const ours = packageProducts(request({ format: "ecsv" }), lookup).entries;
  const columns = (b: Uint8Array) =>
    dec.decode(b).split("\n").filter((l) => /^# {3}(name|datatype|subtype|unit):/.test(l)).map((
      l,
    ) => l.replace(/'/g, ""));
  for (const type of SHAPED) {
    assert.deepEqual(
      columns(entryFor(ours, type).bytes),
      columns(real[`${type}-Gaia DR3 ${REAL_ID}.ecsv`]),
      type,
    );
  }
  const meta = dec.decode(entryFor(ours, "XP_SAMPLED").bytes);
  assert.match(meta, new RegExp(`#   source_id: '?${xpSource}'?\\n`));
});

Deno.test("packageProducts() FITS products have the real files' HDUs and column cards", () => {
  const real = fixtureZip("fits");
  const ours = packageProducts(request({ format: "fits" }), lookup).entries;
  const cards = (b: Uint8Array) => {
    const text = dec.decode(b.subarray(2880, 2880 * 12));
    const out: string[] = [];
    for (let i = 0; i + 80 <= text.length; i += 80) {
      const c = text.slice(i, i + 80);
      if (c.startsWith("END ")) break;
      if (/^(TTYPE|TFORM|TUNIT)\d/.test(c)) {
        out.push(
          c.slice(0, 8).trim() + "=" +
            c.slice(10).split("/")[0].replace(/'/g, "").trim().replace(/^1(?=[A-Z])/, ""), // "1D" is "D"
        );
      }
    }
    return out;
  };
  for (const type of SHAPED) {
    const o = entryFor(ours, type).bytes, r = real[`${type}-Gaia DR3 ${REAL_ID}.fits`];
    assert.equal(o.length % 2880, 0);
    assert.match(dec.decode(o.subarray(0, 80)), /^SIMPLE {2}= +T/);
    assert.deepEqual(cards(o), cards(r), type);
  }
  const xps = dec.decode(entryFor(ours, "XP_SAMPLED").bytes.subarray(2880, 2880 * 3));
  assert.match(xps, new RegExp(`SOURCEID= '${xpSource}'`));
});

Deno.test("packageProducts() is deterministic: same request, same bytes, in every format and structure", () => {
  for (const ds of ["INDIVIDUAL", "COMBINED", "RAW"] as const) {
    for (const format of ["votable", "votable_plain", "csv", "ecsv", "fits"] as const) {
      const a = packageProducts(request({ dataStructure: ds, format }), lookup).entries;
      const b = packageProducts(request({ dataStructure: ds, format }), lookup).entries;
      assert.deepEqual(a.map((e) => e.fileName), b.map((e) => e.fileName));
      for (let i = 0; i < a.length; i++) {
        assert.deepEqual(a[i].bytes, b[i].bytes, `${ds} ${a[i].fileName}`);
      }
    }
  }
});

Deno.test("packageProducts() COMBINED and RAW put every source in one file per product", async () => {
  const second = findSource((r) =>
    r.source_id !== xpSource && availableProducts(r).includes("XP_SAMPLED")
  );
  const ids = [xpSource, second, 12345n];
  const comb = packageProducts(
    request({ ids, retrieval: "XP_SAMPLED", dataStructure: "COMBINED" }),
    lookup,
  );
  assert.deepEqual(comb.missing, [12345n]);
  assert.deepEqual(comb.entries.map((e) => e.fileName), ["XP_SAMPLED_COMBINED.xml"]);
  const c = (await parseVOTableDocument(comb.entries[0].bytes)).tables[0];
  assert.equal(c.table.numRows, 2 * 343);
  assert.deepEqual(c.fields.slice(0, 4).map((f) => f.name), [
    "source_id",
    "solution_id",
    "ra",
    "dec",
  ]);
  const raw = packageProducts(
    request({ ids, retrieval: "XP_SAMPLED", dataStructure: "RAW" }),
    lookup,
  );
  assert.deepEqual(raw.entries.map((e) => e.fileName), ["XP_SAMPLED_RAW.xml"]);
  const r = (await parseVOTableDocument(raw.entries[0].bytes)).tables[0];
  assert.equal(r.table.numRows, 2);
  assert.equal(r.fields.find((f) => f.name === "flux")?.arraysize, "*");
  assert.equal(r.table.getChild("flux")!.get(1)!.length, 343);
});

Deno.test("packageProducts() rejects unknown retrieval types, formats and structures", () => {
  assert.throws(
    () => packageProducts(request({ retrieval: "SPECTRA" as never }), lookup),
    ProductRequestError,
  );
  assert.throws(
    () => packageProducts(request({ format: "xlsx" as never }), lookup),
    /Unknown FORMAT "xlsx"/,
  );
  assert.throws(
    () => packageProducts(request({ dataStructure: "FLAT" as never }), lookup),
    RangeError,
  );
});

function variableOf(table: string, idCol = "source_id"): { id: bigint; period: number } {
  const t = cat.get(`gaiadr3.${table}`)!;
  const idv = t.getChild(idCol)!;
  for (let i = 0; i < t.numRows; i++) {
    const id = idv.get(i) as bigint;
    const period = table === "vari_rrlyrae"
      ? (t.getChild("pf")!.get(i) ?? t.getChild("p1_o")!.get(i))
      : 1 / (t.getChild("frequency")!.get(i) as number);
    return { id, period };
  }
  throw new Error(`no rows in ${table}`);
}

/** Phase dispersion (Stellingwerf's theta): binned variance over total variance. */
function theta(t: number[], m: number[], period: number, bins = 10): number {
  const mean = m.reduce((s, x) => s + x, 0) / m.length;
  const total = m.reduce((s, x) => s + (x - mean) ** 2, 0) / (m.length - 1);
  const groups: number[][] = Array.from({ length: bins }, () => []);
  t.forEach((ti, i) => groups[Math.floor((((ti / period) % 1) + 1) % 1 * bins)].push(m[i]));
  let num = 0, dof = 0;
  for (const g of groups) {
    if (g.length < 2) continue;
    const gm = g.reduce((s, x) => s + x, 0) / g.length;
    num += g.reduce((s, x) => s + (x - gm) ** 2, 0);
    dof += g.length - 1;
  }
  return num / dof / total;
}

for (
  const [table, label] of [["vari_rrlyrae", "RR Lyrae"], [
    "vari_eclipsing_binary",
    "eclipsing binary",
  ], ["vari_long_period_variable", "LPV"]] as const
) {
  Deno.test(`EPOCH_PHOTOMETRY of a ${label} folds cleanly at its catalogue period`, () => {
    const { id, period } = variableOf(table);
    const row = lookup(id)!;
    assert.ok(availableProducts(row).includes("EPOCH_PHOTOMETRY"));
    const lc = makeProduct("EPOCH_PHOTOMETRY", id, row);
    const band = lc.getChild("band")!, time = lc.getChild("time")!, mag = lc.getChild("mag")!;
    const t: number[] = [], m: number[] = [];
    for (let i = 0; i < lc.numRows; i++) {
      if (band.get(i) === "G" && mag.get(i) !== null) {
        t.push(time.get(i));
        m.push(mag.get(i));
      }
    }
    const bins = table === "vari_eclipsing_binary" ? 20 : 10; // eclipses are narrow
    const good = theta(t, m, period, bins);
    const wrong = Math.min(theta(t, m, period * 1.37, bins), theta(t, m, period * 0.71, bins));
    assert.ok(good < 0.35, `theta at the period ${good}`);
    assert.ok(wrong > 2 * good, `theta ${good} at the period, ${wrong} at wrong ones`);
  });
}

Deno.test("EPOCH_PHOTOMETRY: VALID_DATA drops null and rejected rows; RAW reads back to the same observations", () => {
  const { id } = variableOf("vari_rrlyrae");
  const row = lookup(id)!;
  const all = makeProduct("EPOCH_PHOTOMETRY", id, row);
  const valid = makeProduct("EPOCH_PHOTOMETRY", id, row, { validData: true });
  assert.ok(valid.numRows < all.numRows);
  const flux = valid.getChild("flux")!, rej = valid.getChild("rejected_by_photometry")!;
  for (let i = 0; i < valid.numRows; i++) {
    assert.notEqual(flux.get(i), null);
    assert.equal(rej.get(i), false);
  }
  const raw = packageProducts(
    request({ ids: [id], retrieval: "EPOCH_PHOTOMETRY", dataStructure: "RAW" }),
    lookup,
  ).entries;
  assert.deepEqual(raw.map((e) => e.fileName), ["EPOCH_PHOTOMETRY_RAW.xml"]);
  return parseVOTableDocument(raw[0].bytes).then((doc) => {
    const tidy: Table = epochPhotometry(doc.tables[0].table);
    assert.equal(tidy.numRows, all.numRows);
    assert.equal(tidy.getChild("source_id")!.get(0), id);
  });
});

Deno.test("XP_CONTINUOUS correlations form a valid (positive definite) correlation matrix", () => {
  const t = makeProduct("XP_CONTINUOUS", xpSource, lookup(xpSource));
  const packed = Float64Array.from(
    t.getChild("bp_coefficient_correlations")!.get(0)!.toArray() as Float32Array,
  );
  const n = 55;
  const m = correlationMatrix(packed, n);
  // Cholesky succeeds only for a positive definite matrix
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = m[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        assert.ok(s > 0, `not positive definite at ${i}`);
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
});

Deno.test("XP_SAMPLED spectra are shaped by temperature: hot stars are bluer", () => {
  const shape = (teff: number) => {
    const t = xpSampledProduct(8n, { ra: 0, dec: 0, phot_g_mean_mag: 12, teff_gspphot: teff });
    const f = t.getChild("flux")!;
    return (f.get(32) as number) / (f.get(232) as number); // 400 nm over 800 nm
  };
  assert.ok(shape(9000) > 3 * shape(4000));
});

Deno.test("linksFor() lists one #this row per available product, like the archive", () => {
  const row = lookup(xpSource)!;
  const links = linksFor(row);
  assert.deepEqual(
    links.map((l) => l.access_url!.split("RETRIEVAL_TYPE=")[1]),
    availableProducts(row),
  );
  for (const l of links) {
    assert.equal(l.ID, `Gaia DR3 ${xpSource}`);
    assert.equal(l.semantics, "#this");
    assert.equal(l.error_message, null);
  }
  const t = linksTable([...links, notFoundLink("Gaia DR3 1")], "http://127.0.0.1:9");
  assert.equal(t.numRows, links.length + 1);
  assert.equal(t.getChild("access_url")!.get(links.length), null);
  assert.match(t.getChild("error_message")!.get(links.length), /^NotFoundFault/);
  assert.deepEqual(t.schema.fields.map((f) => f.name), [
    "ID",
    "access_url",
    "service_def",
    "error_message",
    "semantics",
    "description",
    "content_type",
    "content_length",
  ]);
});

Deno.test("packageProducts() output of every format and data structure reads back with deno-gaia's readers", async () => {
  const ids = [xpSource, variableOf("vari_rrlyrae").id];
  for (const dataStructure of ["INDIVIDUAL", "COMBINED", "RAW"] as const) {
    for (const format of ["votable", "votable_plain", "csv", "ecsv", "fits"] as const) {
      const { entries } = packageProducts(request({ ids, format, dataStructure }), lookup);
      assert.ok(entries.length >= 2, `${dataStructure} ${format}`);
      for (const e of entries) {
        const reader: TableReader = format === "csv"
          ? readCsv(e.bytes)
          : format === "ecsv"
          ? readEcsv(e.bytes)
          : format === "fits"
          ? readFits(e.bytes)
          : readVOTable(e.bytes);
        const { table } = await collectTable(reader);
        assert.ok(table.numRows > 0, `${dataStructure} ${format} ${e.fileName}`);
      }
    }
  }
});

Deno.test("EPOCH_PHOTOMETRY has the columns of a real DR3 DataLink file, with DR3-like values", () => {
  // names and datatypes as in a real EPOCH_PHOTOMETRY VOTable (source 5813181197970338560)
  const real = [
    "source_id:long",
    "transit_id:long",
    "band:char",
    "time:double",
    "mag:double",
    "flux:double",
    "flux_error:double",
    "flux_over_error:float",
    "rejected_by_photometry:boolean",
    "rejected_by_variability:boolean",
    "other_flags:long",
    "solution_id:long",
  ];
  const { id } = variableOf("vari_rrlyrae");
  const t = makeProduct("EPOCH_PHOTOMETRY", id, lookup(id));
  assert.deepEqual(t.schema.fields.map((f) => `${f.name}:${f.metadata.get("datatype")}`), real);
  assert.equal(t.getChild("solution_id")!.get(0), 369295551293819386n);
  const tid = t.getChild("transit_id")!.get(0) as bigint;
  assert.ok(tid > 10n ** 16n && tid < 10n ** 17n, `transit_id ${tid}`);
  const time = t.getChild("time")!.get(0) as number;
  assert.ok(time > 1666 && time < 2705, `time ${time}`);
  assert.deepEqual(new Set(t.getChild("band")!.toArray()), new Set(["G", "BP", "RP"]));
});
