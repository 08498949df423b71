// deno-lint-ignore-file no-console -- a command-line script reports on stdout/stderr
/**
 * Lists the code cells of an executed notebook that should have shown
 * something but have no output. Headless execution through nbclient 0.7
 * sometimes drops outputs that arrive after the kernel reports idle
 * (NOTES-deno.md), so the runners retry a notebook whose displays went
 * missing before rendering it for the docs. A cell "should show something"
 * when its last line is an expression: not ending in `;`, `{`, `}` or `)`
 * followed by `;`, and not a comment.
 *
 * Usage: deno run --allow-read tests/notebooks/missing_outputs.ts EXECUTED.ipynb [--need html,svg]
 * Exit 0 when nothing is missing (and every --need marker is present), else 1.
 *
 * @module
 */

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Array<{ output_type: string; data?: Record<string, unknown>; text?: unknown }>;
}

/** Indices (1-based, code cells only) of cells whose display went missing. */
export function missingOutputs(nb: { cells: Cell[] }): number[] {
  const out: number[] = [];
  let k = 0;
  for (const c of nb.cells) {
    if (c.cell_type !== "code") continue;
    k++;
    const src = (Array.isArray(c.source) ? c.source.join("") : c.source).trimEnd();
    const last = src.split("\n").at(-1)?.trim() ?? "";
    const expectsValue = last !== "" && !/[;{}]$/.test(last) && !last.startsWith("//") &&
      !last.startsWith("*");
    const hasResult = (c.outputs ?? []).some((o) =>
      o.output_type === "execute_result" || o.output_type === "display_data"
    );
    if (expectsValue && !hasResult) out.push(k);
  }
  return out;
}

if (import.meta.main) {
  const file = Deno.args[0];
  const needIdx = Deno.args.indexOf("--need");
  const need = needIdx >= 0 ? Deno.args[needIdx + 1].split(",") : [];
  const text = await Deno.readTextFile(file);
  const nb = JSON.parse(text);
  const missing = missingOutputs(nb);
  const markers: Record<string, string> = { html: "deno-gaia-table", svg: "<svg" };
  const absent = need.filter((n) => !text.includes(markers[n] ?? n));
  if (missing.length) console.error(`code cells without their output: ${missing.join(", ")}`);
  if (absent.length) console.error(`missing in outputs: ${absent.join(", ")}`);
  Deno.exit(missing.length || absent.length ? 1 : 0);
}
