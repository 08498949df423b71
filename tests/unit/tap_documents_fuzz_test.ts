/**
 * Mutation fuzzing of the VOSI/UWS document parsers and the server-message
 * extractor with the DaCHS and ESA fixtures: bit flips, truncation and
 * inserted bytes must give a result or a typed TableFormatError, never
 * another exception. Seeded, so a failure reproduces.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { extractServerMessage } from "../../lib/http/mod.ts";
import { TableFormatError } from "../../lib/io/errors.ts";
import {
  findErrorPosition,
  parseAvailability,
  parseCapabilities,
  parseJob,
  parseJobList,
  parseResultList,
  parseTableset,
} from "../../lib/tap/mod.ts";

const DACHS = new URL("../../../shared/fixtures/dachs/", import.meta.url);
const ESA = new URL("../../../shared/fixtures/astroquery/", import.meta.url);
const text = (dir: URL, name: string) => Deno.readTextFileSync(new URL(name, dir));

const CASES: Array<[string, string, (s: string) => unknown]> = [
  ["availability", text(DACHS, "availability.xml"), parseAvailability],
  ["capabilities", text(DACHS, "capabilities.xml").slice(0, 20000), parseCapabilities],
  ["tableset", text(DACHS, "tables-gaia_source.xml"), parseTableset],
  ["ESA tableset", text(ESA, "test_table_update.xml"), parseTableset],
  ["job", text(DACHS, "async-5-job-completed.xml"), (s) => parseJob(s, "http://h/async/j/")],
  ["error job", text(DACHS, "async-err-2-job.xml"), (s) => parseJob(s)],
  ["ESA job list", text(ESA, "test_jobs_list.xml"), (s) => parseJobList(s, "http://h/tap/async")],
  [
    "ESA full job list",
    text(ESA, "test_jobs_async.xml").slice(0, 20000),
    (s) => parseJobList(s, "http://h/tap/async"),
  ],
  ["results", text(DACHS, "async-6-results.xml"), (s) => parseResultList(s, "http://h/async/j/")],
];

const mutation = (len: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), at: fc.nat(len - 1), bit: fc.nat(7) }),
    fc.record({ kind: fc.constant("cut" as const), at: fc.nat(len) }),
    fc.record({
      kind: fc.constant("insert" as const),
      at: fc.nat(len),
      text: fc.constantFrom(
        "<",
        ">",
        "&",
        '"',
        "<![CDATA[",
        "%E0%A4%A",
        "</",
        "<uws:phase>",
        "\u0000",
        "&#xFFFFFF;",
      ),
    }),
  );

function mutate(
  s: string,
  m: { kind: "flip" | "cut" | "insert"; at: number; bit?: number; text?: string },
): string {
  if (m.kind === "cut") return s.slice(0, m.at);
  if (m.kind === "insert") return s.slice(0, m.at) + m.text + s.slice(m.at);
  const code = s.charCodeAt(m.at) ^ (1 << (m.bit ?? 0));
  return s.slice(0, m.at) + String.fromCharCode(code) + s.slice(m.at + 1);
}

for (const [name, doc, parse] of CASES) {
  Deno.test(`${name} parser: mutated fixtures give a result or a TableFormatError`, () => {
    fc.assert(
      fc.property(fc.array(mutation(doc.length), { minLength: 1, maxLength: 4 }), (ms) => {
        let s = doc;
        for (const m of ms) s = mutate(s, m);
        try {
          parse(s);
        } catch (e) {
          assert.ok(
            e instanceof TableFormatError,
            `${name}: ${(e as Error)?.name}: ${(e as Error)?.message}`,
          );
        }
      }),
      { seed: 20161, numRuns: 400 },
    );
  });
}

Deno.test("extractServerMessage() and findErrorPosition() never throw on arbitrary text", () => {
  const vot = text(DACHS, "sync-error-bad-format.vot");
  fc.assert(
    fc.property(fc.string({ maxLength: 400 }), mutation(vot.length), (junk, m) => {
      for (
        const s of [junk, mutate(vot, m), `<html>${junk}`, `{"message": ${JSON.stringify(junk)}}`]
      ) {
        const r = extractServerMessage(s, "text/html");
        if (r) assert.equal(typeof r.message, "string");
        findErrorPosition(s);
      }
    }),
    { seed: 7, numRuns: 1000 },
  );
});
