import assert from "node:assert/strict";
import { YamlSyntaxError } from "./errors.ts";
import { parseYaml } from "./yaml.ts";

Deno.test("parseYaml() reads block and flow collections, quotes and comments", () => {
  const doc = parseYaml([
    "%YAML 1.1",
    "---",
    "# a comment",
    "a: 1",
    "b: -2.5e3",
    "c: 'it''s'",
    'd: "tab\\there \\u00e9"',
    "e: [1, two, 'three, four', {x: y}]",
    "f: {k: v, n: null, t: true}",
    "g:",
    "- x",
    "- - nested",
    "  - list",
    "- k: v",
    "  k2: v2",
    "h: plain text # trailing comment",
    "i: ~",
    "j:",
    "  deep:",
    "    deeper: [ ]",
    "long: first line",
    "  continued here",
    'quoted: "over',
    '  two lines"',
  ].join("\n"));
  assert.deepEqual(doc, {
    a: 1,
    b: -2500,
    c: "it's",
    d: "tab\there é",
    e: [1, "two", "three, four", { x: "y" }],
    f: { k: "v", n: null, t: true },
    g: ["x", ["nested", "list"], { k: "v", k2: "v2" }],
    h: "plain text",
    i: null,
    j: { deep: { deeper: [] } },
    long: "first line continued here",
    quoted: "over two lines",
  });
});

Deno.test("parseYaml() reads astropy's !!omap meta and keeps text with scalarsAsText", () => {
  const doc = parseYaml("meta: !!omap\n- {QUERY_STATUS: OK}\n- JOBID: '0123'\n- epoch: 2016.0", {
    scalarsAsText: true,
  });
  assert.deepEqual(doc, { meta: { QUERY_STATUS: "OK", JOBID: "0123", epoch: "2016.0" } });
});

Deno.test("parseYaml() rejects what it cannot read with line and column", () => {
  const cases: [string, RegExp][] = [
    ["a: &x 1", /anchors/],
    ["a: *x", /aliases/],
    ["a: |\n  text", /block scalars/],
    ["a: !!binary abc", /tag "!!binary"/],
    ["a: b: c", /cannot contain ": "/],
    ["a: [1, 2", /flow sequence|end of a flow/],
    ["a: 'open", /Unterminated/],
    ["a: 1\na: 2", /Duplicate key "a"/],
    ["a:\n  b: 1\n c: 2", /indentation/],
    ["a:\n\t- x", /Tabs/],
    ['a: "\\q"', /Unknown escape/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseYaml(text), (e: unknown) => {
      assert.ok(e instanceof YamlSyntaxError, `${text}: ${e}`);
      assert.match((e as Error).message, re, text);
      assert.ok((e as YamlSyntaxError).line! >= 1);
      return true;
    });
  }
  assert.throws(
    () => parseYaml("a: 1", { lineOffset: 10 }) && parseYaml("a: &x", { lineOffset: 10 }),
    /line 11/,
  );
});
