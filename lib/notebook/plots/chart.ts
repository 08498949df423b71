/**
 * The chart object every recipe returns: an Observable Plot rendering made
 * outside the browser (linkedom provides the DOM), shown inline in Jupyter
 * and saved to SVG or HTML.
 *
 * @module
 */
import { parseHTML, Plot } from "./observable_plot.ts";

/** Observable Plot's options object, as given to `Plot.plot`. */
export type PlotOptions = Plot.PlotOptions;

const SVG_NS = "http://www.w3.org/2000/svg";
const XLINK_NS = "http://www.w3.org/1999/xlink";

/** What a chart shows, for its plain-text form. */
export interface ChartInfo {
  /** The recipe that made it, e.g. `hrDiagram`. */
  kind: string;
  /** One line on the content, e.g. `1 234 stars, density`. */
  summary: string;
}

/**
 * A rendered chart. Display it in Jupyter by making it a cell's value (it
 * carries a `Symbol.for("Jupyter.display")` bundle), or save it.
 *
 * @example Render a Plot specification and read its SVG
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { Chart } from "./chart.ts";
 * const chart = Chart.render({ marks: [Plot.dot([[1, 2], [2, 3]])] }, { kind: "dots", summary: "2 points" });
 * const svg = chart.toSVG();
 * if (!svg.startsWith("<svg") || !svg.includes('xmlns="http://www.w3.org/2000/svg"')) throw new Error(svg);
 * ```
 */
export class Chart {
  /** What the chart shows. */
  readonly info: ChartInfo;
  #html: string;
  #svg: string;

  private constructor(html: string, svg: string, info: ChartInfo) {
    this.#html = html;
    this.#svg = svg;
    this.info = info;
  }

  /**
   * Renders Plot options to a chart (with linkedom's DOM when no browser DOM exists).
   *
   * @param options Options for `Plot.plot` (`document` is supplied).
   * @param info What the chart shows, for `toString()`.
   * @returns The chart.
   */
  static render(options: PlotOptions, info: ChartInfo): Chart {
    const { document } = parseHTML("<!DOCTYPE html><html><head></head><body></body></html>");
    const node = Plot.plot({
      ...options,
      document: document as unknown as Document,
    }) as unknown as Element;
    // A <figure> holds title, legend (whose swatches are small <svg>s) and the plot's <svg>.
    const svgEl = node.tagName.toLowerCase() === "svg"
      ? node
      : Array.from(node.children).find((c) => c.tagName.toLowerCase() === "svg");
    if (!svgEl) throw new Error(`${info.kind}(): Observable Plot returned no <svg> element`);
    svgEl.setAttribute("xmlns", SVG_NS);
    if (svgEl.outerHTML.includes("xlink:")) svgEl.setAttribute("xmlns:xlink", XLINK_NS);
    return new Chart(renumberIds(node.outerHTML), renumberIds(svgEl.outerHTML), info);
  }

  /**
   * The chart as a standalone SVG document (with `xmlns`); a legend drawn in
   * HTML by Plot (ordinal swatches, titles) is only in {@linkcode toHTML}.
   */
  toSVG(): string {
    return this.#svg;
  }

  /** The chart as an HTML fragment (`<svg>` or Plot's `<figure>` with title and legend). */
  toHTML(): string {
    return this.#html;
  }

  /**
   * Writes the chart to a file: SVG for `.svg`, a small HTML page for
   * `.html`/`.htm`. Needs `--allow-write` for that path.
   *
   * @param path Where to write.
   */
  async save(path: string | URL): Promise<void> {
    const p = String(path instanceof URL ? path.pathname : path);
    let text: string;
    if (/\.svg$/i.test(p)) text = `<?xml version="1.0" encoding="UTF-8"?>\n${this.#svg}\n`;
    else if (/\.html?$/i.test(p)) {
      text = `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${
        escapeText(this.info.kind)
      }</title></head>\n<body style="font-family: system-ui, sans-serif">\n${this.#html}\n</body></html>\n`;
    } else {
      throw new RangeError(
        `Chart.save(): cannot tell the format of ${
          JSON.stringify(p)
        }; end the file name with .svg or .html`,
      );
    }
    await Deno.writeTextFile(path, text);
  }

  /** One line describing the chart. */
  toString(): string {
    return `${this.info.kind}: ${this.info.summary}`;
  }

  /** The Jupyter MIME bundle: the chart as HTML, and a line of text. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/html": this.#html, "text/plain": this.toString() };
  }

  /** `console.log(chart)` prints one line instead of the markup. */
  [Symbol.for("Deno.customInspect")](): string {
    return `Chart(${this.toString()})`;
  }
}

/**
 * Plot numbers clip paths and gradients with a global counter, so the same
 * chart gets different ids in different runs, and two charts on one page may
 * not: make ids a hash of the chart's content (stable, and unique per chart).
 */
function renumberIds(markup: string): string {
  const re = /plot-(clip|gradient|pattern)-\d+/g;
  const tag = fnv1a(markup.replace(re, "")).toString(36);
  const map = new Map<string, string>();
  return markup.replace(re, (m, kind) => {
    let v = map.get(m);
    if (!v) map.set(m, v = `plot-${kind}-${tag}-${map.size + 1}`);
    return v;
  });
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function escapeText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
