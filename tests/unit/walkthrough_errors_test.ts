/**
 * Regressions found by the fresh-eyes walkthrough: errors a user meets
 * first say what happened, where, and what to do next.
 */
import assert from "node:assert/strict";
import { HttpClient, NetworkError } from "../../lib/http/mod.ts";

Deno.test("HttpClient: an unreachable service is a NetworkError naming the host and the next step", async () => {
  // A port that was just free: nothing listens on it.
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const http = new HttpClient({ retries: 0 });
  await assert.rejects(http.request(`http://127.0.0.1:${port}/tap/availability`), (e: unknown) => {
    assert.ok(e instanceof NetworkError, String(e));
    assert.match(
      e.message,
      new RegExp(
        `^Could not connect to 127\\.0\\.0\\.1:${port}: .*; check that the service is running and the URL is right \\(GET http://127\\.0\\.0\\.1:${port}/tap/availability\\)$`,
      ),
    );
    return true;
  });
});
