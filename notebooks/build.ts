// deno-lint-ignore-file no-console -- a command-line script reports on stdout/stderr
/**
 * Builds the tutorial notebooks (`notebooks/NN_name.ipynb`) from their
 * readable sources (`notebooks/src/NN_name.md`): text becomes markdown
 * cells, each ```ts fence becomes a code cell. Keeps every notebook on the
 * same kernelspec and metadata, with no outputs (CI executes them).
 *
 * Usage: `deno run --allow-read=notebooks --allow-write=notebooks notebooks/build.ts [--check]`
 * (`--check` fails when a committed .ipynb is out of date).
 *
 * @module
 */

/** Kernelspec the notebooks ask for (installed by `deno task kernel:install`). */
export const KERNELSPEC = { name: "deno-gaia", display_name: "Deno (deno-gaia)", language: "typescript" };

interface Cell {
  cell_type: "markdown" | "code";
  metadata: Record<string, unknown>;
  source: string[];
  execution_count?: null;
  outputs?: unknown[];
  id: string;
}

/**
 * Splits a literate source into cells: prose between fences is markdown,
 * ```ts fences are code. A fence line ```ts {tags=skip-ci} adds cell tags.
 *
 * @param text The source.
 * @param name The notebook name (for stable cell ids and error messages).
 * @returns The cells.
 */
export function parseSource(text: string, name: string): Cell[] {
  const cells: Cell[] = [];
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  let prose: string[] = [];
  let code: string[] | undefined;
  let tags: string[] = [];
  let fenceLine = 0;
  const flushProse = () => {
    const t = prose.join("\n").trim();
    if (t) cells.push(cell("markdown", t, []));
    prose = [];
  };
  const cell = (type: "markdown" | "code", src: string, tags: string[]): Cell => {
    const srcLines = src.split("\n").map((l, i, a) => (i < a.length - 1 ? l + "\n" : l));
    const c: Cell = {
      cell_type: type,
      id: `${name.replace(/[^a-z0-9]/gi, "").slice(0, 20)}-${cells.length + 1}`,
      metadata: tags.length ? { tags } : {},
      source: srcLines,
    };
    if (type === "code") {
      c.execution_count = null;
      c.outputs = [];
    }
    return c;
  };
  lines.forEach((line, i) => {
    if (code === undefined) {
      const m = /^```(ts|typescript)\s*(\{tags=([\w,-]+)\})?\s*$/.exec(line);
      if (m) {
        flushProse();
        code = [];
        tags = m[3] ? m[3].split(",") : [];
        fenceLine = i + 1;
      } else prose.push(line);
    } else if (/^```\s*$/.test(line)) {
      const src = code.join("\n").replace(/^\n+|\n+$/g, "");
      if (!src) throw new SyntaxError(`${name}: empty code cell at line ${fenceLine}`);
      cells.push(cell("code", src, tags));
      code = undefined;
    } else code.push(line);
  });
  if (code !== undefined) throw new SyntaxError(`${name}: code fence opened at line ${fenceLine} is never closed`);
  flushProse();
  return cells;
}

/** The .ipynb JSON text for a source. */
export function buildNotebook(text: string, name: string): string {
  const nb = {
    cells: parseSource(text, name),
    metadata: {
      kernelspec: KERNELSPEC,
      language_info: {
        name: "typescript",
        file_extension: ".ts",
        mimetype: "text/x.typescript",
        codemirror_mode: "typescript",
        pygments_lexer: "typescript",
      },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(nb, null, 1) + "\n";
}

if (import.meta.main) {
  const check = Deno.args.includes("--check");
  const dir = new URL("./", import.meta.url);
  const src = new URL("./src/", import.meta.url);
  let stale = 0, built = 0;
  const names: string[] = [];
  for await (const e of Deno.readDir(src)) if (e.isFile && e.name.endsWith(".md")) names.push(e.name);
  for (const file of names.sort()) {
    const name = file.replace(/\.md$/, "");
    const text = await Deno.readTextFile(new URL(file, src));
    const out = buildNotebook(text, name);
    const target = new URL(`${name}.ipynb`, dir);
    let old = "";
    try {
      old = await Deno.readTextFile(target);
    } catch { /* new notebook */ }
    if (old === out) continue;
    if (check) {
      console.error(`${name}.ipynb is out of date: run deno run -A notebooks/build.ts`);
      stale++;
    } else {
      await Deno.writeTextFile(target, out);
      built++;
    }
  }
  if (check && stale) Deno.exit(1);
  console.log(check ? `${names.length} notebooks up to date` : `${built} of ${names.length} notebooks written`);
}
