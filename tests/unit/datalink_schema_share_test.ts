import assert from "node:assert/strict";
import { zipSync } from "fflate";
import { unpackProducts } from "../../lib/datalink/unpack.ts";

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("unpackProducts() shares one Schema between files with equal schemas, data intact", async () => {
  const zip = zipSync({
    "RVS-Gaia DR3 1.csv": enc("wavelength,flux,flux_error\n846,1.5,0.1\n847,2.5,0.2\n"),
    "RVS-Gaia DR3 2.csv": enc("wavelength,flux,flux_error\n846,3.5,0.3\n"),
    "RVS-Gaia DR3 3.csv": enc("wavelength,flux\n846,5\n"),
  });
  const [a, b, c] = await unpackProducts(zip);
  assert.equal(a.raw.schema, b.raw.schema, "equal schemas are one object");
  assert.notEqual(a.raw.schema, c.raw.schema, "a different schema stays its own");
  assert.deepEqual([...a.raw.getChild("flux")!], [1.5, 2.5]);
  assert.deepEqual([...b.raw.getChild("flux")!], [3.5]);
  assert.deepEqual(c.raw.schema.fields.map((f) => f.name), ["wavelength", "flux"]);
  assert.equal(b.table.getChild("source_id")!.get(0), 2n);
});
