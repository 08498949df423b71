/**
 * The client (lib/tapplus) and the local archive (lib/archive, which may not
 * import client code) each keep the Gaia archive's TAP+ event numbers; this
 * test keeps the two tables identical.
 */
import assert from "node:assert/strict";
import { EVENT_TYPES as CLIENT } from "../../lib/tapplus/events.ts";
import { EVENT_TYPES as ARCHIVE } from "../../lib/archive/server/events.ts";

Deno.test("TAP+ event numbers are the same in the client and the local archive", () => {
  assert.deepEqual({ ...ARCHIVE }, { ...CLIENT });
});
