import assert from "node:assert/strict";
import { buildNotebook, parseSource } from "../../notebooks/build.ts";
import { missingOutputs } from "../notebooks/missing_outputs.ts";
import { findChart } from "../notebooks/extract_chart.ts";
import { decodePng, inkIn } from "../browser/png.ts";
import { kernelSpec } from "../../kernels/install.ts";

Deno.test("parseSource() makes markdown and code cells, with tags", () => {
  const cells = parseSource(
    "# Title\n\nSome text.\n\n```ts\nconst a = 1;\na\n```\n\nMore.\n\n```ts {tags=readme-chart}\nplot()\n```\n",
    "nb",
  );
  assert.deepEqual(cells.map((c) => c.cell_type), ["markdown", "code", "markdown", "code"]);
  assert.deepEqual(cells[1].source, ["const a = 1;\n", "a"]);
  assert.deepEqual(cells[3].metadata, { tags: ["readme-chart"] });
  assert.deepEqual(cells[1].outputs, []);
  assert.throws(
    () => parseSource("```ts\nx\n", "nb"),
    /code fence opened at line 1 is never closed/,
  );
  assert.throws(() => parseSource("```ts\n\n```\n", "nb"), /empty code cell at line 1/);
});

Deno.test("buildNotebook() asks for the deno-gaia kernel", () => {
  const nb = JSON.parse(buildNotebook("```ts\n1\n```", "x"));
  assert.equal(nb.metadata.kernelspec.name, "deno-gaia");
  assert.equal(nb.nbformat, 4);
});

Deno.test("kernelSpec() runs Deno's kernel without --allow-* flags", () => {
  const spec = kernelSpec("/usr/bin/deno");
  assert.deepEqual(spec.argv, [
    "/usr/bin/deno",
    "jupyter",
    "--kernel",
    "--conn",
    "{connection_file}",
  ]);
  assert.match(String(spec.display_name), /deno-gaia/);
});

Deno.test("missingOutputs() finds expression cells whose result went missing", () => {
  const nb = {
    cells: [
      { cell_type: "code", source: "const a = 1;", outputs: [] },
      { cell_type: "code", source: "a + 1", outputs: [] },
      { cell_type: "code", source: ["x\n", "// done"], outputs: [] },
      {
        cell_type: "code",
        source: "chart",
        outputs: [{ output_type: "execute_result", data: {} }],
      },
      { cell_type: "markdown", source: "text" },
    ],
  };
  assert.deepEqual(missingOutputs(nb), [2]);
});

Deno.test("findChart() prefers the cell tagged readme-chart and skips legend swatches", () => {
  const svg = (n: number) =>
    `<svg class="plot-d6a7b5" viewBox="0 0 10 10" width="10"><g id="c${n}"></g></svg>`;
  const swatch = `<svg class="plot-d6a7b5-swatch" width="15"></svg>`;
  const nb = {
    cells: [
      { outputs: [{ data: { "text/html": svg(1) } }] },
      {
        metadata: { tags: ["readme-chart"] },
        outputs: [{ data: { "text/html": [swatch, svg(2)] } }],
      },
    ],
  };
  assert.match(findChart(nb)!, /id="c2"/);
  assert.match(findChart(nb)!, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(findChart({ cells: [nb.cells[0]] })!, /id="c1"/);
  assert.equal(findChart({ cells: [] }), undefined);
});

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const s = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  return out; // CRC left zero: the decoder does not check it
}

Deno.test("decodePng() undoes every scanline filter", async () => {
  // A 3x5 RGB image; each row uses another filter (0 none, 1 sub, 2 up, 3 average, 4 Paeth).
  const w = 3, h = 5;
  const px = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37 + 11) % 256);
  const raw = new Uint8Array(h * (w * 3 + 1));
  for (let y = 0; y < h; y++) {
    const f = y;
    raw[y * (w * 3 + 1)] = f;
    for (let i = 0; i < w * 3; i++) {
      const x = px[y * w * 3 + i];
      const a = i >= 3 ? px[y * w * 3 + i - 3] : 0;
      const b = y > 0 ? px[(y - 1) * w * 3 + i] : 0;
      const c = i >= 3 && y > 0 ? px[(y - 1) * w * 3 + i - 3] : 0;
      const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
      const pred = f === 0
        ? 0
        : f === 1
        ? a
        : f === 2
        ? b
        : f === 3
        ? (a + b) >> 1
        : pa <= pb && pa <= pc
        ? a
        : pb <= pc
        ? b
        : c;
      raw[y * (w * 3 + 1) + 1 + i] = (x - pred) & 255;
    }
  }
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, w);
  new DataView(ihdr.buffer).setUint32(4, h);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const png = new Uint8Array([
    137,
    80,
    78,
    71,
    13,
    10,
    26,
    10,
    ...chunk("IHDR", ihdr),
    ...chunk("IDAT", await deflate(raw)),
    ...chunk("IEND", new Uint8Array(0)),
  ]);
  const img = await decodePng(png);
  assert.equal(img.width, 3);
  assert.equal(img.height, 5);
  for (let i = 0; i < w * h; i++) {
    assert.deepEqual(Array.from(img.rgba.subarray(i * 4, i * 4 + 4)), [
      px[i * 3],
      px[i * 3 + 1],
      px[i * 3 + 2],
      255,
    ]);
  }
  const ink = inkIn(img, { x: 0, y: 0, width: 3, height: 5 });
  assert.equal(ink.pixels, 15);
  await assert.rejects(() => decodePng(new Uint8Array([1, 2, 3])), /Not a PNG file/);
});
