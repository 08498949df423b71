// deno-lint-ignore-file no-console
/**
 * Summarises a V8 CPU profile (`deno run --cpu-prof`) by self time per
 * function: `deno run -A bench/profiles/summarise.ts FILE.cpuprofile [N]`.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}
const p = JSON.parse(await Deno.readTextFile(Deno.args[0]!)) as Profile;
const top = Number(Deno.args[1] ?? 25);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
for (let i = 0; i < p.samples.length; i++) {
  const n = byId.get(p.samples[i]!)!;
  const f = n.callFrame;
  const key = `${f.functionName || "(anon)"} ${
    f.url.split("/").slice(-2).join("/")
  }:${f.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(
    `${(v / 1000).toFixed(0).padStart(6)} ms ${(100 * v / total).toFixed(1).padStart(5)} %  ${k}`,
  );
}
