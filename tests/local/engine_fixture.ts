/**
 * A small seeded sky for engine tests: real rows through the real loading
 * path, with plain JS arrays kept beside them for brute-force checks.
 */
import {
  Bool,
  Field,
  Float32,
  Float64,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Utf8,
} from "apache-arrow";
import type { CatalogueSource, TableDef } from "../../lib/archive/engine.ts";
import { toFieldMetadata } from "../../lib/table/metadata.ts";

export interface Sky {
  sourceId: BigInt64Array;
  ra: Float64Array;
  dec: Float64Array;
  parallax: Float64Array; // NaN = null
  gmag: Float32Array;
  designation: string[];
  hasRvs: boolean[];
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform points on the sphere plus dense clumps at a few test positions (incl. a pole and ra=0). */
export function makeSky(n: number, seed = 7): Sky {
  const rnd = mulberry32(seed);
  const sky: Sky = {
    sourceId: new BigInt64Array(n),
    ra: new Float64Array(n),
    dec: new Float64Array(n),
    parallax: new Float64Array(n),
    gmag: new Float32Array(n),
    designation: [],
    hasRvs: [],
  };
  const clumps = [[56.75, 24.12], [0.2, -30], [359.8, 10], [123, 89.5], [200, -89.7]];
  for (let i = 0; i < n; i++) {
    let ra: number, dec: number;
    if (i % 4 === 0) {
      const [cra, cdec] = clumps[(i >> 2) % clumps.length];
      dec = Math.max(-90, Math.min(90, cdec + (rnd() - 0.5) * 3));
      ra = (cra + (rnd() - 0.5) * 3 / Math.max(0.05, Math.cos(dec * Math.PI / 180)) + 360) % 360;
    } else {
      ra = rnd() * 360;
      dec = Math.asin(2 * rnd() - 1) * 180 / Math.PI;
    }
    sky.ra[i] = ra;
    sky.dec[i] = dec;
    // > 2^53 and distinct
    sky.sourceId[i] = 5_000_000_000_000_000_000n + BigInt(i) * 7919n + 1n;
    sky.parallax[i] = i % 10 === 3 ? NaN : rnd() * 20 - 1;
    sky.gmag[i] = 3 + rnd() * 18;
    sky.designation.push(`Gaia DR3 ${sky.sourceId[i]}`);
    sky.hasRvs.push(i % 3 === 0);
  }
  return sky;
}

const DEF: TableDef = {
  schema: "gaiadr3",
  name: "gaia_source",
  description: "Synthetic test sky",
  columns: [
    {
      name: "source_id",
      datatype: "long",
      ucd: "meta.id;meta.main",
      description: "Source identifier",
      flags: 16,
    },
    {
      name: "ra",
      datatype: "double",
      unit: "deg",
      ucd: "pos.eq.ra;meta.main",
      description: "Right ascension",
      flags: 1,
    },
    {
      name: "dec",
      datatype: "double",
      unit: "deg",
      ucd: "pos.eq.dec;meta.main",
      description: "Declination",
      flags: 2,
    },
    {
      name: "parallax",
      datatype: "double",
      unit: "mas",
      ucd: "pos.parallax.trig",
      description: "Parallax",
    },
    {
      name: "phot_g_mean_mag",
      datatype: "float",
      unit: "mag",
      ucd: "phot.mag;em.opt",
      description: "G magnitude",
    },
    {
      name: "designation",
      datatype: "char",
      arraysize: "*",
      ucd: "meta.id",
      description: "Designation",
    },
    { name: "has_rvs", datatype: "boolean", description: "RVS spectrum available" },
  ],
};

export function skyTable(sky: Sky): Table {
  const n = sky.ra.length;
  const enc = new TextEncoder();
  const offsets = new Int32Array(n + 1);
  const parts = sky.designation.map((s) => enc.encode(s));
  let total = 0;
  parts.forEach((p, i) => {
    total += p.length;
    offsets[i + 1] = total;
  });
  const bytes = new Uint8Array(total);
  parts.forEach((p, i) => bytes.set(p, offsets[i]));
  const valid = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(sky.parallax[i])) nulls++;
    else valid[i >> 3] |= 1 << (i & 7);
  }
  const bools = new Uint8Array((n + 7) >> 3);
  sky.hasRvs.forEach((b, i) => {
    if (b) bools[i >> 3] |= 1 << (i & 7);
  });
  const types = [
    new Int64(),
    new Float64(),
    new Float64(),
    new Float64(),
    new Float32(),
    new Utf8(),
    new Bool(),
  ];
  const fields = DEF.columns.map((c, i) => new Field(c.name, types[i], true, toFieldMetadata(c)));
  const children = [
    makeData({ type: new Int64(), length: n, data: sky.sourceId }),
    makeData({ type: new Float64(), length: n, data: sky.ra }),
    makeData({ type: new Float64(), length: n, data: sky.dec }),
    makeData({
      type: new Float64(),
      length: n,
      data: sky.parallax,
      nullBitmap: valid,
      nullCount: nulls,
    }),
    makeData({ type: new Float32(), length: n, data: sky.gmag }),
    makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data: bytes }),
    makeData({ type: new Bool(), length: n, data: bools }),
  ];
  const schema = new Schema(fields);
  return new Table(
    schema,
    new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, children })),
  );
}

/** A catalogue source over {@linkcode makeSky}; counts how often it generates. */
export function skyCatalogue(n: number): CatalogueSource & { sky: Sky; calls: number } {
  const sky = makeSky(n);
  const src = {
    sky,
    calls: 0,
    tables: [DEF],
    generate() {
      src.calls++;
      return new Map([["gaiadr3.gaia_source", skyTable(sky)]]);
    },
  };
  return src;
}

/** Great-circle distance in degrees (Vincenty form, accurate at all separations). */
export function angDist(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const r = Math.PI / 180;
  const dra = (ra2 - ra1) * r;
  const c1 = Math.cos(dec1 * r), s1 = Math.sin(dec1 * r);
  const c2 = Math.cos(dec2 * r), s2 = Math.sin(dec2 * r);
  const x = c2 * Math.sin(dra);
  const y = c1 * s2 - s1 * c2 * Math.cos(dra);
  const z = s1 * s2 + c1 * c2 * Math.cos(dra);
  return Math.atan2(Math.hypot(x, y), z) / r;
}
