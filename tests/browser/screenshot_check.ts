// deno-lint-ignore-file no-console -- a command-line script reports on stdout/stderr
/**
 * Opens a rendered notebook (HTML from `jupyter nbconvert --to html`) in
 * headless Chromium, finds the result table and the chart in the DOM (their
 * boxes measured by the browser's layout), takes a screenshot and checks
 * that both regions hold non-blank pixels (the chart coloured ones).
 *
 * Usage: deno run -A tests/browser/screenshot_check.ts NOTEBOOK.html [--png OUT.png]
 * Prints PASS/FAIL per check and "N passed, N failed"; exits 1 on failure.
 *
 * @module
 */
import { decodePng, inkIn } from "./png.ts";

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--hide-scrollbars",
  "--force-device-scale-factor=1",
];
const WIDTH = 1200, HEIGHT = 2400;

// Runs in the page: moves the first result table and the first Plot chart
// to the top (so both are inside the captured window) and records their boxes.
const PROBE = `<script>
addEventListener("load", () => {
  const table = document.querySelector(".deno-gaia-table");
  const chart = document.querySelector("svg[class^=plot-]");
  const box = (el) => { if (!el) return null; const r = el.getBoundingClientRect(); return { x: r.x, y: r.y + scrollY, width: r.width, height: r.height }; };
  const out = { table: box(table), chart: box(chart), rows: table ? table.querySelectorAll("tbody tr").length : 0,
    marks: chart ? chart.querySelectorAll("circle, path, rect").length : 0, title: document.title };
  const meta = document.createElement("meta"); meta.name = "deno-gaia-probe"; meta.content = JSON.stringify(out);
  document.head.appendChild(meta);
});
</script>`;

async function chromium(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = ["chromium", "chromium-browser", "google-chrome"].find((b) => {
    try {
      return new Deno.Command("which", { args: [b], stdout: "null", stderr: "null" }).outputSync()
        .success;
    } catch {
      return false;
    }
  });
  if (!bin) throw new Error("Chromium not found: install the Debian package chromium");
  const profile = await Deno.makeTempDir({ prefix: "deno-gaia-chromium-" });
  try {
    const out = await new Deno.Command(bin, {
      args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, ...args],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(120_000),
    }).output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } finally {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const html = Deno.args.find((a) => !a.startsWith("--"));
  const pngArg = Deno.args.indexOf("--png");
  if (!html) {
    console.error("usage: screenshot_check.ts NOTEBOOK.html [--png OUT.png]");
    Deno.exit(2);
  }
  const dir = await Deno.makeTempDir({ prefix: "deno-gaia-browser-" });
  let passed = 0, failed = 0;
  const check = (name: string, ok: boolean, detail = "") => {
    console.log(`${ok ? "PASS" : "FAIL"} ${name}${detail ? ` (${detail})` : ""}`);
    ok ? passed++ : failed++;
  };
  try {
    const page = await Deno.readTextFile(html);
    const probed = `${dir}/page.html`;
    await Deno.writeTextFile(probed, page.replace(/<\/head>/i, `${PROBE}</head>`));
    const url = `file://${probed}`;
    const dom = await chromium([
      `--window-size=${WIDTH},${HEIGHT}`,
      "--virtual-time-budget=5000",
      "--dump-dom",
      url,
    ]);
    const m = /<meta name="deno-gaia-probe" content="([^"]*)"/.exec(dom.stdout);
    const probe = m ? JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&amp;/g, "&")) : undefined;
    check(
      "chromium renders the notebook",
      dom.code === 0 && probe !== undefined,
      `exit ${dom.code}`,
    );
    check(
      "the DOM has a result table",
      !!probe?.table && probe.rows > 0,
      `${probe?.rows ?? 0} rows`,
    );
    check(
      "the DOM has a Plot chart",
      !!probe?.chart && probe.marks > 10,
      `${probe?.marks ?? 0} marks`,
    );
    const png = pngArg >= 0 ? Deno.args[pngArg + 1] : `${dir}/shot.png`;
    const inWindow = (b: { y: number; height: number } | null) => !!b && b.y + b.height <= HEIGHT;
    const tall = Math.max(
      HEIGHT,
      Math.ceil(
        Math.max(
          probe?.table?.y + probe?.table?.height || 0,
          probe?.chart?.y + probe?.chart?.height || 0,
        ),
      ) + 20,
    );
    const shot = await chromium([
      `--window-size=${WIDTH},${tall}`,
      "--virtual-time-budget=5000",
      `--screenshot=${png}`,
      url,
    ]);
    const img = await decodePng(await Deno.readFile(png));
    check(
      "chromium takes a screenshot",
      shot.code === 0 && img.width === WIDTH,
      `${img.width}x${img.height}`,
    );
    if (probe?.table) {
      const t = inkIn(img, probe.table);
      check(
        "the table region is not blank",
        t.ink > 0.01 * t.pixels && t.ink > 200,
        `${t.ink} of ${t.pixels} pixels inked`,
      );
    } else check("the table region is not blank", false, "no table");
    if (probe?.chart) {
      const c = inkIn(img, probe.chart);
      check(
        "the chart region has coloured marks",
        c.coloured > 100 && c.ink > 0.005 * c.pixels,
        `${c.ink} inked, ${c.coloured} coloured of ${c.pixels}; in window: ${
          inWindow(probe.chart)
        }`,
      );
    } else check("the chart region has coloured marks", false, "no chart");
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  console.log(`${passed} passed, ${failed} failed`);
  Deno.exit(failed ? 1 : 0);
}
