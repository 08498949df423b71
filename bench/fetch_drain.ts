// deno-lint-ignore-file no-console
/**
 * A bound for the TAP benchmark: the same sync POST with plain `fetch`,
 * draining the body without parsing. Prints `bytes=N seconds=S`.
 *
 * usage: deno run -A bench/fetch_drain.ts SYNC_URL MAXREC "ADQL" [identity|gzip]
 */
const [url, maxrec, adql, enc] = Deno.args as [string, string, string, string?];
const t0 = performance.now();
const res = await fetch(url, {
  method: "POST",
  headers: enc === "gzip" ? {} : { "accept-encoding": "identity" },
  body: new URLSearchParams({
    REQUEST: "doQuery",
    LANG: "ADQL",
    MAXREC: maxrec,
    QUERY: adql,
    FORMAT: "application/x-votable+xml;serialization=BINARY2",
  }),
});
let bytes = 0;
for await (const c of res.body!) bytes += c.length;
console.log(`bytes=${bytes} seconds=${((performance.now() - t0) / 1000).toFixed(3)}`);
