/**
 * The vendored bundle is the npm package it claims to be: the same exports,
 * and Arrow IPC written by one reads back identically in the other.
 */
import assert from "node:assert/strict";
import * as vendored from "apache-arrow";
// The bundle is checked against the package it was built from.
// deno-lint-ignore no-import-prefix
import * as npm from "npm:apache-arrow@21.2.0";

Deno.test("vendored apache-arrow: deno.json maps the bare specifier to the bundle", () => {
  const map = JSON.parse(
    Deno.readTextFileSync(new URL("../../../deno.json", import.meta.url)),
  ).imports as Record<string, string>;
  assert.equal(map["apache-arrow"], "./lib/vendor/apache_arrow/arrow.mjs");
  // A different class than npm's: the bare specifier really loads the bundle.
  assert.notEqual(vendored.Table, npm.Table);
});

Deno.test("vendored apache-arrow: the same exports as npm:apache-arrow@21.2.0", () => {
  const header = Deno.readTextFileSync(new URL("arrow.mjs", import.meta.url)).slice(0, 200);
  assert.match(header, /@ts-self-types="npm:apache-arrow@21\.2\.0"/);
  assert.deepEqual(Object.keys(vendored).sort(), Object.keys(npm).sort());
  assert.equal(typeof vendored.Builder.throughDOM, "function");
});

Deno.test("vendored apache-arrow: IPC round trip with the npm build", () => {
  const t = vendored.tableFromArrays({
    id: new BigInt64Array([1n, -(2n ** 63n), 2n ** 63n - 1n]),
    ra: new Float64Array([1.5, NaN, -0]),
    name: ["a", "é", ""],
  });
  const back = npm.tableFromIPC(vendored.tableToIPC(t, "file"));
  assert.equal(back.numRows, 3);
  assert.equal(
    String(back.schema.fields.map((f) => `${f.name}:${f.type}`)),
    String(
      t.schema.fields.map((f) => `${f.name}:${f.type}`),
    ),
  );
  assert.deepEqual([...back.getChild("id")!], [1n, -(2n ** 63n), 2n ** 63n - 1n]);
  assert.deepEqual([...back.getChild("name")!], ["a", "é", ""]);
  const again = vendored.tableFromIPC(npm.tableToIPC(back, "stream"));
  assert.ok(Object.is(again.getChild("ra")!.get(2), -0));
});
