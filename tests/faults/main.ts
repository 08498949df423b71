// deno-lint-ignore-file no-console
/**
 * `deno task faults`: runs every fault scenario against the local archive and
 * prints the table of faults and outcomes (kept in the README), then
 * `N passed, N failed`.
 */
import { FAULT_CASES } from "./scenarios.ts";
import { type FaultOutcome, markdownTable, runFaultCase, withArchive } from "./harness.ts";

const results: FaultOutcome[] = [];
await withArchive(async (url) => {
  for (const c of FAULT_CASES) {
    const r = await runFaultCase(url, c);
    console.error(`${r.pass ? "pass" : "FAIL"}  ${c.name}: ${r.outcome}`);
    results.push(r);
  }
});
console.log(markdownTable(results));
const passed = results.filter((r) => r.pass).length;
console.log(`${passed} passed, ${results.length - passed} failed`);
Deno.exit(passed === results.length ? 0 : 1);
