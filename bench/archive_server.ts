/**
 * Starts the local archive (`cli.ts serve`) as a child process for the
 * archive and DataLink benchmarks, waits for its URL, and stops it by pid.
 * The catalogue is cached in `bench/cache/archive-<rows>/`, so only the
 * first start pays for generating it.
 */
import { fromFileUrl } from "./util.ts";

const root = fromFileUrl(new URL("../", import.meta.url));

/** A served archive: its root URL and how to stop it. */
export interface ServedArchive {
  url: string;
  stop(): Promise<void>;
}

/** Starts `cli.ts serve --rows N` on a free loopback port. */
export async function serveArchive(
  rows: number,
  log: (s: string) => void,
  timeoutMs = 900_000,
): Promise<ServedArchive> {
  const dataDir = `${root}bench/cache/archive-${rows}`;
  const child = new Deno.Command("deno", {
    args: [
      "run",
      "-A",
      "--quiet",
      `${root}cli.ts`,
      "serve",
      "--rows",
      String(rows),
      "--data-dir",
      dataDir,
      "--port",
      "0",
      "--user",
      "bench:bench-password",
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = new ReadableStream<string>({
    async start(ctrl) {
      const merged = [child.stdout, child.stderr].map((s) =>
        s.pipeThrough(new TextDecoderStream())
      );
      await Promise.all(merged.map(async (s) => {
        for await (const t of s) ctrl.enqueue(t);
      }));
      ctrl.close();
    },
  }).getReader();
  let text = "";
  const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
  try {
    while (!/ready at (http:\/\/[0-9.:]+)/.test(text)) {
      const r = await lines.read();
      if (r.done) throw new Error(`the local archive did not start:\n${text.slice(-2000)}`);
      text += r.value;
    }
  } catch (e) {
    child.kill("SIGTERM");
    await child.status;
    throw e;
  } finally {
    clearTimeout(timer);
  }
  const url = /ready at (http:\/\/[0-9.:]+)/.exec(text)![1]!;
  log(`local archive (${rows} rows) ready at ${url}`);
  // Keep draining its output so the child never blocks on a full pipe.
  const drain = (async () => {
    try {
      while (!(await lines.read()).done) { /* discard */ }
    } catch { /* stopped */ }
  })();
  return {
    url,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
      await drain;
    },
  };
}
