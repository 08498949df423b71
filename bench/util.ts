/** Small helpers shared by the benchmark scripts (no library code here). */

export function fromFileUrl(url: URL): string {
  return decodeURIComponent(url.pathname);
}

/** The shared/ folder beside the checkout (fixtures, DaCHS scripts). */
export function sharedDir(): string {
  return Deno.env.get("SHARED_DIR") ?? fromFileUrl(new URL("../../shared", import.meta.url));
}

export interface Sample {
  seconds: number;
  /** User + system CPU seconds of the process and its children (GNU time). */
  cpu: number;
  rssMB: number;
  ok: boolean;
  output: string;
}

/**
 * Runs a whole process and measures its wall time (here) and peak resident
 * memory (GNU time's %M).
 */
export async function measure(cmd: string[], env: Record<string, string> = {}): Promise<Sample> {
  const rssFile = await Deno.makeTempFile();
  const t0 = performance.now();
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%U %S %M", "-o", rssFile, ...cmd],
    stdout: "piped",
    stderr: "piped",
    env,
  }).output();
  const seconds = (performance.now() - t0) / 1000;
  const rssText = await Deno.readTextFile(rssFile).catch(() => "0");
  await Deno.remove(rssFile).catch(() => {});
  // GNU time prints "Command exited with non-zero status N" first on failure.
  const [u, sy, k] = (rssText.trim().split("\n").pop() ?? "").split(" ").map(Number);
  const kb = k ?? NaN;
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return {
    seconds,
    cpu: (u ?? NaN) + (sy ?? NaN),
    rssMB: (Number.isFinite(kb) ? kb : 0) / 1024,
    ok: out.success,
    output: text.trim(),
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
