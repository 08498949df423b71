/**
 * Memory: `stream()` of a 5 000 000-row TAP answer to a sink (nothing kept)
 * must stay under 300 MB resident, and `query()` (one materialised table)
 * under 1.5x the table's Arrow bytes plus a constant (the resident memory of
 * streaming the same answer: the process, the libraries and one batch in
 * flight). The answer comes from bench/mem_server.ts, a loopback stand-in
 * that repeats the rows of the 200 000-row BINARY2 input as it streams.
 */
import { makeInputs } from "../inputs.ts";
import { type Check, type GroupOptions, type GroupResult, type Row, timeCase } from "../report.ts";
import { fromFileUrl } from "../util.ts";

const root = fromFileUrl(new URL("../../", import.meta.url));

async function startServer(
  file: string,
  copies: number,
): Promise<{ url: string; stop(): Promise<void> }> {
  const child = new Deno.Command("deno", {
    args: ["run", "-A", "--quiet", `${root}bench/mem_server.ts`, file, String(copies)],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = Date.now() + 120_000;
  while (!/ready (\S+)/.test(text)) {
    const r = await Promise.race([
      reader.read(),
      new Promise<{ done: true; value: undefined }>((res) =>
        setTimeout(() => res({ done: true, value: undefined }), Math.max(0, deadline - Date.now()))
      ),
    ]);
    if (r.done) {
      child.kill("SIGTERM");
      await child.status;
      throw new Error(`bench/mem_server.ts did not start: ${text}`);
    }
    text += r.value;
  }
  const url = /ready (\S+)/.exec(text)![1]!;
  return {
    url,
    async stop() {
      reader.cancel().catch(() => {});
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** Runs the memory cases. */
export async function memory(o: GroupOptions): Promise<GroupResult> {
  const p = await makeInputs(200_000, o.log);
  const streamRows = o.quick ? 1_000_000 : 5_000_000;
  const tableRows = 1_000_000;
  const rows: Row[] = [];
  const checks: Check[] = [];
  const run = async (mode: "stream" | "query", n: number) => {
    const server = await startServer(p.binary2, n / 200_000);
    try {
      const cmd = [
        "deno",
        "run",
        "-A",
        "--quiet",
        `${root}bench/tap_client.ts`,
        server.url,
        mode,
        "votable/b2",
        String(n * 2),
        "SELECT * FROM gaiadr3.gaia_source",
      ];
      const r = await timeCase(
        "memory",
        `${n} rows × 25 cols, BINARY2 over loopback`,
        `deno-gaia ${mode}()`,
        cmd,
        1,
        o.log,
        (
          s,
        ) => (/rows=(\d+)/.exec(s.output)?.[1] === String(n)
          ? undefined
          : `expected rows=${n}: ${s.output}`),
      );
      const mb = /arrowMB=([\d.]+)/.exec(r.samples[0]?.output ?? "");
      const { samples: _, ...row } = r;
      if (mb) row.note = `Arrow table ${mb[1]} MB`;
      rows.push(row);
      return { row, arrowMB: mb ? Number(mb[1]) : NaN };
    } finally {
      await server.stop();
    }
  };
  const big = await run("stream", streamRows);
  checks.push({
    name: `stream() of ${streamRows} rows: peak RSS, at most`,
    ratio: big.row.rssMB,
    target: 300,
    atMost: true,
    unit: "MB",
    pass: big.row.ok && big.row.rssMB <= 300,
  });
  const base = await run("stream", tableRows);
  const table = await run("query", tableRows);
  const limit = 1.5 * table.arrowMB + base.row.rssMB;
  checks.push({
    name:
      `query() of ${tableRows} rows: peak RSS / (1.5 × Arrow ${table.arrowMB} MB + stream() RSS ${
        base.row.rssMB.toFixed(0)
      } MB), at most`,
    ratio: table.row.rssMB / limit,
    target: 1,
    atMost: true,
    pass: table.row.ok && table.row.rssMB <= limit,
  });
  return {
    rows,
    checks,
    notes: [
      "Peak RSS of the client process (GNU time). The server is a separate process " +
      "(bench/mem_server.ts) repeating the 200 000 STILTS-made rows, so every row is real Gaia-like BINARY2.",
    ],
  };
}
