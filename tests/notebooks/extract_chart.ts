// deno-lint-ignore-file no-console -- a command-line script reports on stdout/stderr
/**
 * Pulls the chart of the cell tagged `readme-chart` (else the first
 * Observable Plot chart) out of an executed notebook and writes it as a
 * standalone SVG (the picture of the notebook in the README).
 *
 * Usage: deno run --allow-read --allow-write tests/notebooks/extract_chart.ts EXECUTED.ipynb OUT.svg [--index N]
 *
 * @module
 */

/**
 * Finds the n-th (0-based) Plot `<svg>` in the notebook's outputs.
 *
 * @param nb The notebook JSON.
 * @param index Which chart.
 * @returns The SVG markup with `xmlns`, or `undefined`.
 */
export function findChart(
  nb: {
    cells: Array<
      { metadata?: { tags?: string[] }; outputs?: Array<{ data?: Record<string, unknown> }> }
    >;
  },
  index = 0,
): string | undefined {
  // A cell tagged "readme-chart" (```ts {tags=readme-chart} in the source) wins.
  const tagged = nb.cells.filter((c) => c.metadata?.tags?.includes("readme-chart"));
  if (tagged.length && index === 0) {
    const hit = findChart({ cells: tagged.map((c) => ({ outputs: c.outputs ?? [] })) }, 0);
    if (hit) return hit;
  }
  let seen = 0;
  for (const c of nb.cells) {
    for (const o of c.outputs ?? []) {
      const html = o.data?.["text/html"];
      const text = Array.isArray(html) ? html.join("") : typeof html === "string" ? html : "";
      const re = /<svg\b[^>]*class="plot-[^"]*"[\s\S]*?<\/svg>/g;
      for (const m of text.matchAll(re)) {
        // Legend swatches are small <svg>s too: skip those without a viewBox.
        if (!/viewBox=/.test(m[0].slice(0, 300))) continue;
        if (seen++ === index) {
          const svg = m[0];
          return svg.includes("xmlns=")
            ? svg
            : svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"');
        }
      }
    }
  }
  return undefined;
}

if (import.meta.main) {
  const [input, output] = Deno.args;
  const i = Deno.args.indexOf("--index");
  const svg = findChart(
    JSON.parse(await Deno.readTextFile(input)),
    i >= 0 ? Number(Deno.args[i + 1]) : 0,
  );
  if (!svg) {
    console.error(`no chart in ${input}`);
    Deno.exit(1);
  }
  await Deno.writeTextFile(output, `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`);
}
