// deno-lint-ignore-file no-console -- a command-line script reports on stdout/stderr
/**
 * Installs the deno-gaia Jupyter kernelspec: Deno's own kernel
 * (`deno jupyter --kernel`), under the name `deno-gaia` with a display name
 * that says so. Notebooks in this repository then `import { gaia, plots }
 * from "deno-gaia"` through the import map of the repository's deno.json,
 * which the kernel finds by walking up from the notebook's folder.
 *
 * Usage:
 *   deno task kernel:install                 # the user's Jupyter data dir
 *   deno task kernel:install --prefix /tmp/p # <prefix>/share/jupyter/kernels/deno-gaia
 *   deno task kernel:install --name my-deno  # another kernel name
 *
 * The kernel always runs with all permissions: Deno's kernel dies when
 * `--allow-*` flags are added to its argv, so none are.
 *
 * @module
 */

/** The kernel's name (what `--ExecutePreprocessor.kernel_name=` and notebook metadata use). */
export const KERNEL_NAME = "deno-gaia";

/** The kernelspec written. */
export function kernelSpec(denoPath: string): Record<string, unknown> {
  return {
    argv: [denoPath, "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "Deno (deno-gaia)",
    language: "typescript",
    interrupt_mode: "message",
    metadata: { "deno-gaia": { note: "Deno's Jupyter kernel; always has all permissions" } },
  };
}

function parseArgs(
  args: string[],
): { prefix?: string; name: string; deno: string; quiet: boolean } {
  const out = { name: KERNEL_NAME, deno: Deno.execPath(), quiet: false } as {
    prefix?: string;
    name: string;
    deno: string;
    quiet: boolean;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new TypeError(`${a} needs a value`);
      return v;
    };
    if (a === "--prefix") out.prefix = value();
    else if (a.startsWith("--prefix=")) out.prefix = a.slice(9);
    else if (a === "--name") out.name = value();
    else if (a === "--deno") out.deno = value();
    else if (a === "--quiet") out.quiet = true;
    else if (a === "--help" || a === "-h") {
      console.log("deno task kernel:install [--prefix DIR] [--name NAME] [--deno PATH] [--quiet]");
      Deno.exit(0);
    } else {throw new TypeError(
        `Unknown option ${JSON.stringify(a)}; use --prefix DIR, --name NAME, --deno PATH`,
      );}
  }
  if (!/^[a-z0-9._-]+$/i.test(out.name)) {
    throw new TypeError(`Kernel name ${JSON.stringify(out.name)} must be letters, digits, . _ -`);
  }
  return out;
}

/** The user's Jupyter data directory: $JUPYTER_DATA_DIR, else the platform default. */
export function userDataDir(): string {
  const env = Deno.env.get("JUPYTER_DATA_DIR");
  if (env) return env;
  const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
  if (!home) {
    throw new Error("Cannot find the home directory: set JUPYTER_DATA_DIR or pass --prefix");
  }
  if (Deno.build.os === "darwin") return `${home}/Library/Jupyter`;
  if (Deno.build.os === "windows") return `${Deno.env.get("APPDATA") ?? home}\\jupyter`;
  return `${Deno.env.get("XDG_DATA_HOME") ?? `${home}/.local/share`}/jupyter`;
}

if (import.meta.main) {
  const opts = parseArgs(Deno.args);
  const base = opts.prefix !== undefined ? `${opts.prefix}/share/jupyter` : userDataDir();
  const dir = `${base}/kernels/${opts.name}`;
  await Deno.mkdir(dir, { recursive: true });
  const spec = kernelSpec(opts.deno);
  await Deno.writeTextFile(`${dir}/kernel.json`, JSON.stringify(spec, null, 2) + "\n");
  const logo = new URL("./deno-gaia/logo-svg.svg", import.meta.url);
  try {
    await Deno.copyFile(logo, `${dir}/logo-svg.svg`);
  } catch { /* the logo is optional */ }
  if (!opts.quiet) {
    console.log(`Installed the Jupyter kernel "${opts.name}" (${spec.display_name}) in ${dir}`);
    console.log(
      `  kernel: ${opts.deno} jupyter --kernel (all permissions; --allow-* flags would stop it)`,
    );
    console.log(`Select it in Jupyter as "${spec.display_name}". Headless, from the repository:`);
    console.log("  tests/notebooks/run.sh   (every tutorial, PASS/FAIL each), or");
    console.log(
      `  ${
        opts.prefix !== undefined ? `JUPYTER_PATH=${base} ` : ""
      }jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=${opts.name} notebooks/01_quickstart.ipynb`,
    );
    console.log(
      `Notebooks import from "deno-gaia" through the deno.json of their folder or a parent folder.`,
    );
  }
}
