// deno-lint-ignore-file no-console
/**
 * A loopback TAP stand-in for the memory benchmark: answers `POST …/sync`
 * with a VOTable BINARY2 of COPIES × the rows of FILE (a STILTS-made
 * gaia_source-like BINARY2 file), generated as it streams: the rows are
 * decoded once and their base64 text is prepared for the three possible
 * byte phases, so the server spends almost nothing per copy and its memory
 * does not grow with the answer.
 *
 * usage: deno run -A bench/mem_server.ts FILE COPIES
 * Prints `ready http://127.0.0.1:PORT/tap` once listening; stop it with SIGTERM.
 */
import { Buffer } from "node:buffer";

const [file, copiesArg] = Deno.args as [string, string];
const copies = Number(copiesArg);
const text = await Deno.readFile(file);
const open = "<STREAM encoding='base64'>";
const close = "</STREAM>";
const latin1 = new TextDecoder("latin1");
const all = latin1.decode(text);
const a = all.indexOf(open);
const b = all.indexOf(close);
if (a < 0 || b < 0) throw new Error(`${file}: no <STREAM encoding='base64'> found`);
const head = text.subarray(0, a + open.length);
const tail = text.subarray(b);
const block = Buffer.from(all.slice(a + open.length, b).replace(/\s+/g, ""), "base64");
const L = block.length;
const enc = new TextEncoder();

// Copy i starts at byte phase (i*L) % 3: the last `phase` bytes of the previous
// copy are still waiting for their base64 group. Prepare the text for each phase.
const variants = new Map<number, Uint8Array>();
for (let i = 0; i < Math.min(3, copies); i++) {
  const phase = (i * L) % 3;
  if (variants.has(phase)) continue;
  const carry = phase ? block.subarray(L - phase) : new Uint8Array(0);
  const joined = Buffer.concat([carry, block]);
  const usable = joined.length - (joined.length % 3);
  // Line breaks every 76 characters, as writers do (the reader must skip them).
  const b64 = joined.subarray(0, usable).toString("base64").replace(/(.{76})/g, "$1\n");
  variants.set(phase, enc.encode(b64 + "\n"));
}
const endPhase = (copies * L) % 3;
const last = enc.encode(
  (endPhase ? Buffer.from(block.subarray(L - endPhase)).toString("base64") : "") + "\n",
);

const server = Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(`ready http://127.0.0.1:${port}/tap`),
}, async (req) => {
  if (!new URL(req.url).pathname.endsWith("/sync")) return new Response("no", { status: 404 });
  await req.body?.cancel();
  let i = -1;
  const body = new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (i === -1) ctrl.enqueue(head);
      else if (i < copies) ctrl.enqueue(variants.get((i * L) % 3)!);
      else if (i === copies) {
        ctrl.enqueue(last);
        ctrl.enqueue(tail);
      } else {
        ctrl.close();
        return;
      }
      i++;
    },
  }, { highWaterMark: 0 });
  return new Response(body, {
    headers: { "content-type": "application/x-votable+xml;serialization=BINARY2" },
  });
});
Deno.addSignalListener("SIGTERM", () => server.shutdown());
await server.finished;
