import assert from "node:assert/strict";
import {
  Field,
  Float64,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromArrays,
} from "apache-arrow";
import { AdqlSemanticError } from "../../lib/adql/errors.ts";
import { AccessDeniedError, ArchiveEngine, UserTableError } from "../../lib/archive/engine.ts";
import { columnMeta, toFieldMetadata } from "../../lib/table/metadata.ts";
import { angDist, skyCatalogue } from "./engine_fixture.ts";

const N = 5_000;
const cat = skyCatalogue(N);
const sky = cat.sky;

function positions(ra: number[], dec: number[], names = ["ra", "dec"]): Table {
  const fields = [
    new Field(
      names[0],
      new Float64(),
      true,
      toFieldMetadata({ name: names[0], unit: "deg", ucd: "pos.eq.ra" }),
    ),
    new Field(names[1], new Float64(), true, toFieldMetadata({ name: names[1], unit: "deg" })),
  ];
  const schema = new Schema(fields);
  const children = [
    makeData({ type: new Float64(), length: ra.length, data: Float64Array.from(ra) }),
    makeData({ type: new Float64(), length: dec.length, data: Float64Array.from(dec) }),
  ];
  return new Table(
    schema,
    new RecordBatch(schema, makeData({ type: new Struct(fields), length: ra.length, children })),
  );
}

async function withEngine(fn: (e: ArchiveEngine) => Promise<void>, dataDir?: string) {
  const engine = await ArchiveEngine.open({ catalogue: cat, dataDir });
  try {
    await fn(engine);
  } finally {
    await engine.close();
  }
}

Deno.test("ArchiveEngine user tables: create with <name>_oid, query, update flags, rename, drop", async () => {
  await withEngine(async (engine) => {
    const def = await engine.createUserTable(
      "alice",
      "My_Targets",
      positions([56.75, 10], [24.12, -5]),
      "two targets",
    );
    assert.equal(def.schema, "user_alice");
    assert.equal(def.name, "my_targets");
    assert.deepEqual(def.columns.map((c) => c.name), ["my_targets_oid", "ra", "dec"]);
    assert.equal(def.columns[0].flags, 16);
    assert.equal(def.columns[1].unit, "deg");

    const { table } = await engine.query(
      "SELECT * FROM user_alice.my_targets ORDER BY my_targets_oid",
      { user: "alice" },
    );
    assert.deepEqual(Array.from(table.getChild("my_targets_oid")!.toArray() as Int32Array), [1, 2]);
    assert.equal(columnMeta(table.schema.fields[1]).ucd, "pos.eq.ra");
    assert.equal(columnMeta(table.schema.fields[0]).description, "Object Identifier");

    // listed for alice only
    assert.ok(
      engine.tableset("alice").some((t) => t.schema === "user_alice" && t.name === "my_targets"),
    );
    assert.ok(!engine.tableset("bob").some((t) => t.schema === "user_alice"));
    assert.ok(!engine.tableset().some((t) => t.schema === "user_alice"));
    assert.ok(engine.tableset().some((t) => t.name === "gaia_source"));

    await engine.updateUserTable("alice", "user_alice.my_targets", [
      { column: "ra", flags: 1, indexed: true },
      { column: "dec", flags: 2, ucd: "pos.eq.dec" },
      { column: "dec", newName: "decl" },
    ]);
    const d2 = engine.tableset("alice").find((t) => t.name === "my_targets")!;
    assert.equal(d2.columns[1].flags, 1);
    assert.equal(d2.columns[2].name, "decl");
    assert.equal(d2.columns[2].ucd, "pos.eq.dec");
    const { table: t2 } = await engine.query("SELECT decl FROM user_alice.my_targets", {
      user: "alice",
    });
    assert.equal(t2.numRows, 2);
    await assert.rejects(
      engine.updateUserTable("alice", "my_targets", [{ column: "nope", flags: 1 }]),
      (e: unknown) => e instanceof UserTableError && e.kind === "invalid-column",
    );

    await engine.renameUserTable("alice", "my_targets", "targets");
    await assert.rejects(
      engine.query("SELECT * FROM user_alice.my_targets", { user: "alice" }),
      (e: unknown) => e instanceof AdqlSemanticError && e.kind === "unknown-table",
    );
    const { table: t3 } = await engine.query("SELECT COUNT(*) AS n FROM user_alice.targets", {
      user: "alice",
    });
    assert.equal(t3.getChild("n")!.get(0), 2n);

    await assert.rejects(
      engine.createUserTable("alice", "targets", positions([1], [1])),
      (e: unknown) => e instanceof UserTableError && e.kind === "exists",
    );
    await assert.rejects(
      engine.createUserTable("alice", "bad.name", positions([1], [1])),
      (e: unknown) => e instanceof UserTableError && e.kind === "invalid-name",
    );
    await engine.dropUserTable("alice", "user_alice.targets");
    await assert.rejects(
      engine.dropUserTable("alice", "targets"),
      (e: unknown) => e instanceof UserTableError && e.kind === "not-found",
    );
  });
});

Deno.test("ArchiveEngine access control: other users' tables, anonymous callers, sharing via canRead", async () => {
  await withEngine(async (engine) => {
    await engine.createUserTable("bob", "t", positions([1, 2, 3], [4, 5, 6]));
    await assert.rejects(
      engine.query("SELECT * FROM user_bob.t", { user: "alice" }),
      (e: unknown) => e instanceof AccessDeniedError && e.table === "user_bob.t",
    );
    await assert.rejects(engine.query("SELECT * FROM user_bob.t", {}), AccessDeniedError);
    // a missing table in someone else's schema is also just "denied" (no probing)
    await assert.rejects(
      engine.query("SELECT * FROM user_bob.nothing", { user: "alice" }),
      AccessDeniedError,
    );
    // inside a subquery or join too
    await assert.rejects(
      engine.query(
        "SELECT source_id FROM gaiadr3.gaia_source WHERE ra IN (SELECT ra FROM user_bob.t)",
        { user: "alice" },
      ),
      AccessDeniedError,
    );
    const shared = await engine.query("SELECT COUNT(*) AS n FROM user_bob.t", {
      user: "alice",
      canRead: (q) => q === "user_bob.t",
    });
    assert.equal(shared.table.getChild("n")!.get(0), 3n);
    assert.ok(
      engine.tableset("alice", (q) => q === "user_bob.t").some((t) => t.schema === "user_bob"),
    );
    await assert.rejects(engine.dropUserTable("alice", "user_bob.t"), AccessDeniedError);
  });
});

Deno.test('ArchiveEngine job results are queryable as job_upload."job<ID>" by their owner', async () => {
  await withEngine(async (engine) => {
    const result = tableFromArrays({
      source_id: BigInt64Array.from([sky.sourceId[0], sky.sourceId[1]]),
    });
    await engine.registerJobResult("1714556098855O", "alice", result);
    const { table } = await engine.query(
      'SELECT g.ra FROM job_upload."job1714556098855O" AS j JOIN gaiadr3.gaia_source AS g ON g.source_id = j.source_id ORDER BY g.ra',
      { user: "alice" },
    );
    assert.deepEqual(
      Array.from(table.getChild("ra")!.toArray() as Float64Array),
      [sky.ra[0], sky.ra[1]].sort((a, b) => a - b),
    );
    await assert.rejects(
      engine.query('SELECT * FROM job_upload."job1714556098855O"', { user: "bob" }),
      AccessDeniedError,
    );
    await engine.registerJobResult("42", undefined, result);
    const anon = await engine.query("SELECT COUNT(*) AS n FROM job_upload.job42", {});
    assert.equal(anon.table.getChild("n")!.get(0), 2n);
    await assert.rejects(engine.registerJobResult("x'; DROP", undefined, result), UserTableError);
    await engine.dropJobResult("42");
    await assert.rejects(engine.query("SELECT COUNT(*) AS n FROM job_upload.job42", {}));
    await engine.dropJobResult("never-registered");
  });
});

Deno.test("ArchiveEngine TAP_UPLOAD tables exist for one query only and concurrent queries do not see each other's", async () => {
  await withEngine(async (engine) => {
    const runs = Array.from({ length: 8 }, (_, k) =>
      engine.query(
        "SELECT COUNT(*) AS n, MAX(u.id) AS m FROM TAP_UPLOAD.mine AS u JOIN gaiadr3.gaia_source AS g ON g.source_id = u.sid",
        {
          uploads: {
            Mine: tableFromArrays({
              id: Int32Array.from({ length: k + 1 }, (_, i) => i + 100 * k),
              sid: BigInt64Array.from({ length: k + 1 }, (_, i) => sky.sourceId[i]),
            }),
          },
        },
      ));
    const out = await Promise.all(runs);
    out.forEach((o, k) => {
      assert.equal(o.table.getChild("n")!.get(0), BigInt(k + 1));
      assert.equal(Number(o.table.getChild("m")!.get(0)), 100 * k + k);
    });
    await assert.rejects(
      engine.query("SELECT * FROM TAP_UPLOAD.mine", {}),
      (e: unknown) => e instanceof AdqlSemanticError && /no table was uploaded/.test(e.message),
    );
  });
});

Deno.test("ArchiveEngine crossmatch_positional creates user_<u>.<result> with ids and separations", async () => {
  await withEngine(async (engine) => {
    // targets: 3 catalogue positions nudged by 0.5 arcsec, one far from everything
    const ra = [sky.ra[1], sky.ra[2], sky.ra[5], 0];
    const dec = [sky.dec[1] + 0.5 / 3600, sky.dec[2], sky.dec[5] - 0.3 / 3600, -89.99999];
    await engine.createUserTable("carol", "targets", positions(ra, dec));
    await engine.updateUserTable("carol", "targets", [{ column: "ra", flags: 1 }, {
      column: "dec",
      flags: 2,
    }]);
    await assert.rejects(
      engine.query(
        "SELECT crossmatch_positional('user_carol','targets','gaiadr3','gaia_source',1.0,'xm') FROM dual",
        {},
      ),
      AccessDeniedError,
    );
    const { table } = await engine.query(
      "SELECT crossmatch_positional('user_carol','targets','gaiadr3','gaia_source',1.0,'xm') FROM dual;",
      { user: "carol" },
    );
    assert.equal(table.numRows, 1);
    const { table: xm } = await engine.query(
      "SELECT * FROM user_carol.xm ORDER BY targets_targets_oid",
      { user: "carol" },
    );
    assert.deepEqual(xm.schema.fields.map((f) => f.name), [
      "targets_targets_oid",
      "gaia_source_source_id",
      "dist",
    ]);
    // brute force
    const want: [number, bigint, number][] = [];
    for (let t = 0; t < 4; t++) {
      for (let i = 0; i < N; i++) {
        const d = angDist(ra[t], dec[t], sky.ra[i], sky.dec[i]) * 3600;
        if (d <= 1) want.push([t + 1, sky.sourceId[i], d]);
      }
    }
    assert.equal(table.getChild("crossmatch_positional")!.get(0), BigInt(want.length));
    assert.equal(xm.numRows, want.length);
    assert.ok(want.length >= 3);
    const got = Array.from({ length: xm.numRows }, (_, i) => xm.get(i)!.toJSON());
    for (const [oid, sid, d] of want) {
      const row = got.find((r) => r.targets_targets_oid === oid && r.gaia_source_source_id === sid);
      assert.ok(row, `match ${oid}/${sid} missing`);
      assert.ok(Math.abs((row.dist as number) - d) < 1e-6);
    }
    assert.equal(columnMeta(xm.schema.fields[2]).unit, "arcsec");
    await assert.rejects(
      engine.query(
        "SELECT crossmatch_positional('user_carol','targets','gaiadr3','gaia_source',1.0,'xm') FROM dual",
        { user: "carol" },
      ),
      (e: unknown) => e instanceof UserTableError && e.kind === "exists",
    );
  });
});

Deno.test("ArchiveEngine.open() with dataDir keeps catalogue, user tables and job results across restarts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "engine-persist-" });
  try {
    const before = cat.calls;
    await withEngine(async (engine) => {
      await engine.createUserTable("dave", "keep", positions([1, 2], [3, 4]), "kept");
      await engine.registerJobResult("77", "dave", tableFromArrays({ x: Int32Array.from([9]) }));
    }, dir);
    assert.equal(cat.calls, before + 1);
    await withEngine(async (engine) => {
      assert.equal(cat.calls, before + 1, "a restart must not regenerate the catalogue");
      const { table } = await engine.query("SELECT COUNT(*) AS n FROM gaiadr3.gaia_source", {});
      assert.equal(table.getChild("n")!.get(0), BigInt(N));
      const kept = await engine.query("SELECT ra FROM user_dave.keep ORDER BY keep_oid", {
        user: "dave",
      });
      assert.deepEqual(Array.from(kept.table.getChild("ra")!.toArray() as Float64Array), [1, 2]);
      assert.equal(engine.tableset("dave").find((t) => t.name === "keep")?.description, "kept");
      const job = await engine.query("SELECT x FROM job_upload.job77", { user: "dave" });
      assert.equal(job.table.getChild("x")!.get(0), 9);
    }, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ArchiveEngine.createUserTable() keeps int32 columns and makes clashing names unique", async () => {
  await withEngine(async (engine) => {
    const t = tableFromArrays({ t_oid: Int32Array.from([7, 8]), v: Int32Array.from([1, 2]) });
    const def = await engine.createUserTable("erin", "t", t);
    assert.deepEqual(def.columns.map((c) => c.name), ["t_oid", "t_oid_2", "v"]);
    const { table } = await engine.query("SELECT t_oid_2, v FROM user_erin.t ORDER BY t_oid", {
      user: "erin",
    });
    assert.deepEqual(Array.from(table.getChild("t_oid_2")!.toArray() as Int32Array), [7, 8]);
    assert.ok(table.schema.fields[1].type instanceof Int32);
  });
});

Deno.test("ArchiveEngine.open() rebuilds the cached catalogue when the generator's version changes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "engine-version-" });
  try {
    const small = skyCatalogue(500);
    for (const [version, expectCalls] of [["a", 1], ["a", 1], ["b", 2]] as const) {
      const engine = await ArchiveEngine.open({
        catalogue: { ...small, version, generate: (o) => small.generate(o) },
        dataDir: dir,
      });
      await engine.close();
      assert.equal(small.calls, expectCalls, `version ${version}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
