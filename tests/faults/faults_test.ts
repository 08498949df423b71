/**
 * The fault scenarios as tests: each must either succeed after a safe retry
 * or fail with the typed error it names, within its time bound.
 */
import assert from "node:assert/strict";
import { FAULT_CASES } from "./scenarios.ts";
import { runFaultCase, withArchive } from "./harness.ts";

Deno.test({
  name: "fault injection: the TAP client survives or fails cleanly in every scenario",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    assert.ok(FAULT_CASES.length >= 25, `only ${FAULT_CASES.length} scenarios`);
    await withArchive(async (url) => {
      for (const c of FAULT_CASES) {
        await t.step({
          name: c.name,
          sanitizeResources: false,
          sanitizeOps: false,
          async fn() {
            const r = await runFaultCase(url, c);
            assert.ok(r.pass, r.outcome);
          },
        });
      }
    });
  },
});
