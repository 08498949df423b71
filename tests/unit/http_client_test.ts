import assert from "node:assert/strict";
import {
  CookieJar,
  HttpClient,
  HttpError,
  NetworkError,
  RateLimitError,
  RedirectError,
  TimeoutError,
  UnexpectedContentError,
} from "../../lib/http/mod.ts";

type Handler = (req: Request, n: number) => Response | Promise<Response>;

/** A loopback server whose answers are scripted per request number. */
async function withServer(
  handler: Handler,
  fn: (base: string, count: () => number) => Promise<void>,
) {
  let n = 0;
  const pending = new Set<() => void>();
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    (req) => handler(req, n++),
  );
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, () => n);
  } finally {
    for (const p of pending) p();
    await server.shutdown();
  }
}

const fast = { backoff: { initialDelay: 1, maxDelay: 5 } };

Deno.test("HttpClient.request() retries a GET on 503 and succeeds", async () => {
  await withServer(
    (_req, n) => n < 2 ? new Response("busy", { status: 503 }) : new Response("ok"),
    async (base, count) => {
      const retries: string[] = [];
      const http = new HttpClient({ ...fast, onRetry: (i) => retries.push(i.reason) });
      const res = await http.request(`${base}/x`);
      assert.equal(await res.text(), "ok");
      assert.equal(count(), 3);
      assert.deepEqual(retries, ["status 503", "status 503"]);
    },
  );
});

Deno.test("HttpClient.request() never retries a non-idempotent POST", async () => {
  await withServer(() => new Response("busy", { status: 503 }), async (base, count) => {
    const http = new HttpClient(fast);
    await assert.rejects(http.request(`${base}/async`, { form: { QUERY: "x" } }), (e) => {
      assert.ok(e instanceof HttpError);
      assert.equal(e.status, 503);
      return true;
    });
    assert.equal(count(), 1);
  });
});

Deno.test("HttpClient.request() retries a POST marked idempotent", async () => {
  await withServer(
    (_req, n) => n === 0 ? new Response("", { status: 502 }) : new Response("done"),
    async (base, count) => {
      const res = await new HttpClient(fast).request(`${base}/sync`, {
        form: { a: 1 },
        idempotent: true,
      });
      assert.equal(await res.text(), "done");
      assert.equal(count(), 2);
    },
  );
});

Deno.test("HttpClient.request() honours Retry-After in seconds", async () => {
  await withServer(
    (_req, n) =>
      n === 0
        ? new Response("slow down", { status: 429, headers: { "retry-after": "0" } })
        : new Response("ok"),
    async (base, count) => {
      const delays: number[] = [];
      const http = new HttpClient({ ...fast, onRetry: (i) => delays.push(i.delay) });
      assert.equal(await (await http.request(`${base}/`)).text(), "ok");
      assert.deepEqual(delays, [0]);
      assert.equal(count(), 2);
    },
  );
});

Deno.test("HttpClient.request() gives RateLimitError when Retry-After is too long", async () => {
  await withServer(
    () => new Response("later", { status: 429, headers: { "retry-after": "3600" } }),
    async (base, count) => {
      await assert.rejects(new HttpClient(fast).request(`${base}/`), (e) => {
        assert.ok(e instanceof RateLimitError);
        assert.equal(e.retryAfter, 3600);
        assert.equal(e.status, 429);
        return true;
      });
      assert.equal(count(), 1);
    },
  );
});

Deno.test("HttpClient.request() gives RateLimitError with an HTTP-date Retry-After after retries", async () => {
  await withServer(
    () =>
      new Response("busy", {
        status: 503,
        headers: { "retry-after": new Date(Date.now() - 1000).toUTCString() },
      }),
    async (base, count) => {
      await assert.rejects(new HttpClient({ ...fast, retries: 2 }).request(`${base}/`), (e) => {
        assert.ok(e instanceof RateLimitError);
        assert.equal(e.retryAfter, 0);
        return true;
      });
      assert.equal(count(), 3);
    },
  );
});

Deno.test("HttpClient.request() times out waiting for headers with TimeoutError", async () => {
  let release!: () => void;
  const hold = new Promise<void>((r) => release = r);
  await withServer(async () => {
    await hold;
    return new Response("late");
  }, async (base) => {
    try {
      await assert.rejects(
        new HttpClient({ ...fast, retries: 0 }).request(`${base}/`, { timeout: 100 }),
        (e) => {
          assert.ok(e instanceof TimeoutError, String(e));
          assert.equal(e.timeout, 100);
          return true;
        },
      );
    } finally {
      release();
    }
  });
});

Deno.test("HttpClient body read fails with TimeoutError when the body stalls", async () => {
  let release!: () => void;
  const hold = new Promise<void>((r) => release = r);
  await withServer(() => {
    const body = new ReadableStream<Uint8Array>({
      async start(c) {
        c.enqueue(new TextEncoder().encode("first"));
        await hold;
        c.close();
      },
    });
    return new Response(body);
  }, async (base) => {
    try {
      const res = await new HttpClient().request(`${base}/`, { idleTimeout: 100 });
      await assert.rejects(res.text(), (e) => {
        assert.ok(e instanceof TimeoutError, String(e));
        assert.match(e.message, /5 bytes so far/);
        return true;
      });
    } finally {
      release();
    }
  });
});

Deno.test("HttpClient download stops promptly when the signal aborts", async () => {
  let release!: () => void;
  const hold = new Promise<void>((r) => release = r);
  await withServer(() => {
    const body = new ReadableStream<Uint8Array>({
      async start(c) {
        c.enqueue(new Uint8Array(1000));
        await hold;
        c.close();
      },
    });
    return new Response(body);
  }, async (base) => {
    try {
      const ctrl = new AbortController();
      const seen: number[] = [];
      const res = await new HttpClient().request(`${base}/`, {
        signal: ctrl.signal,
        onProgress: (p) => {
          seen.push(p.loaded);
          ctrl.abort(new DOMException("user stop", "AbortError"));
        },
      });
      await assert.rejects(res.bytes(), (e) => {
        assert.equal((e as Error).name, "AbortError");
        assert.equal((e as Error).message, "user stop");
        return true;
      });
      assert.deepEqual(seen, [1000]);
    } finally {
      release();
    }
  });
});

/** A raw TCP server that writes `reply` and closes (for broken responses). */
async function withRawServer(
  reply: string,
  fn: (base: string, count: () => number) => Promise<void>,
) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let n = 0;
  const done = (async () => {
    for await (const conn of listener) {
      n++;
      (async () => {
        const buf = new Uint8Array(65536);
        await conn.read(buf).catch(() => null);
        await conn.write(new TextEncoder().encode(reply)).catch(() => {});
        try {
          conn.close();
        } catch { /* closed */ }
      })();
    }
  })();
  try {
    await fn(`http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`, () => n);
  } finally {
    listener.close();
    await done.catch(() => {});
  }
}

Deno.test("HttpClient reports a body shorter than Content-Length as a NetworkError", async () => {
  await withRawServer(
    "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 100\r\nConnection: close\r\n\r\na,b\n1,2\n",
    async (base) => {
      const res = await new HttpClient({ retries: 0 }).request(`${base}/`);
      await assert.rejects(res.text(), (e) => {
        assert.ok(e instanceof NetworkError, String(e));
        return true;
      });
    },
  );
});

Deno.test("HttpClient.text() retries a GET whose connection drops mid-body", async () => {
  await withRawServer(
    "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\npartial",
    async (base, count) => {
      await assert.rejects(new HttpClient({ ...fast, retries: 2 }).text(`${base}/`), NetworkError);
      assert.equal(count(), 3);
    },
  );
});

Deno.test("HttpClient.request() fails with NetworkError when nothing listens", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  await assert.rejects(
    new HttpClient({ ...fast, retries: 1 }).request(`http://127.0.0.1:${port}/`),
    NetworkError,
  );
});

Deno.test("HttpClient follows redirects and detects a redirect loop", async () => {
  await withServer((req) => {
    const u = new URL(req.url);
    if (u.pathname === "/a") return Response.redirect(new URL("/b", u), 302);
    if (u.pathname === "/b") return new Response("B");
    if (u.pathname === "/loop1") return Response.redirect(new URL("/loop2", u), 302);
    return Response.redirect(new URL("/loop1", u), 302);
  }, async (base) => {
    const http = new HttpClient();
    const res = await http.request(`${base}/a`);
    assert.equal(await res.text(), "B");
    assert.ok(res.redirected);
    assert.ok(res.url.endsWith("/b"));
    await assert.rejects(http.request(`${base}/loop1`), (e) => {
      assert.ok(e instanceof RedirectError);
      assert.match(e.message, /loop/);
      return true;
    });
  });
});

Deno.test("HttpClient stops after maxRedirects", async () => {
  await withServer((req) => {
    const u = new URL(req.url);
    const i = Number(u.pathname.slice(1));
    return Response.redirect(new URL(`/${i + 1}`, u), 307);
  }, async (base) => {
    await assert.rejects(new HttpClient({ maxRedirects: 3 }).request(`${base}/0`), (e) => {
      assert.ok(e instanceof RedirectError);
      assert.equal(e.chain.length, 5); // /0 -> /1 -> /2 -> /3 followed, /4 refused
      return true;
    });
  });
});

Deno.test("HttpClient redirect: 'manual' returns the UWS 303 itself", async () => {
  await withServer(
    () => new Response("", { status: 303, headers: { location: "/__system__/tap/run/async/abc" } }),
    async (base) => {
      const res = await new HttpClient().request(`${base}/tap/async`, {
        form: { QUERY: "x" },
        redirect: "manual",
      });
      assert.equal(res.status, 303);
      assert.equal(res.location, `${base}/__system__/tap/run/async/abc`);
    },
  );
});

Deno.test("HttpClient keeps cookies and sends them back", async () => {
  await withServer((req) => {
    const u = new URL(req.url);
    if (u.pathname === "/login") {
      const h = new Headers();
      h.append("set-cookie", "SESSION=s3cret; Path=/; HttpOnly; Secure");
      h.append("set-cookie", "JSESSIONID=j1; Path=/other");
      return new Response("ok", { headers: h });
    }
    return new Response(req.headers.get("cookie") ?? "(none)");
  }, async (base) => {
    const http = new HttpClient();
    await (await http.request(`${base}/login`, { method: "POST", body: "u=p" })).text();
    assert.equal(await (await http.request(`${base}/tap`)).text(), "SESSION=s3cret");
    assert.ok(!String(http.cookies).includes("s3cret"));
    assert.ok(!JSON.stringify(http.cookies).includes("s3cret"));
  });
});

Deno.test("CookieJar refuses Secure cookies over plain http to remote hosts", () => {
  const jar = new CookieJar();
  assert.equal(jar.setCookie("A=1; Secure", "http://archive.example/x"), false);
  assert.equal(jar.setCookie("A=1; Secure", "https://archive.example/x"), true);
  assert.equal(jar.cookieHeader("http://archive.example/x"), undefined);
  assert.equal(jar.cookieHeader("https://archive.example/x"), "A=1");
  assert.equal(jar.setCookie("B=2; Domain=other.example", "https://archive.example/"), false);
  jar.setCookie("C=3; Domain=example.org; Max-Age=0", "https://www.example.org/");
  assert.equal(jar.size, 1);
});

Deno.test("CookieJar expires cookies by Expires and Max-Age", () => {
  let now = Date.parse("2026-01-01T00:00:00Z");
  const jar = new CookieJar({ now: () => now });
  jar.setCookie("A=1; Max-Age=10", "https://h.example/");
  jar.setCookie("B=2; Expires=Thu, 01 Jan 2026 00:01:00 GMT", "https://h.example/");
  assert.equal(jar.cookieHeader("https://h.example/"), "A=1; B=2");
  now += 11_000;
  assert.equal(jar.cookieHeader("https://h.example/"), "B=2");
  now += 60_000;
  assert.equal(jar.cookieHeader("https://h.example/"), undefined);
});

Deno.test("HttpClient reports progress with the total from Content-Length", async () => {
  await withServer(
    () => new Response(new Uint8Array(5000), { headers: { "content-length": "5000" } }),
    async (base) => {
      const seen: Array<[number, number | undefined]> = [];
      const res = await new HttpClient().request(`${base}/`, {
        onProgress: (p) => seen.push([p.loaded, p.total]),
      });
      const bytes = await res.bytes();
      assert.equal(bytes.length, 5000);
      assert.deepEqual(seen.at(-1), [5000, 5000]);
    },
  );
});

Deno.test("HttpError carries the server message and hides credentials", async () => {
  await withServer(
    () =>
      new Response(
        '<VOTABLE><RESOURCE><INFO name="QUERY_STATUS" value="ERROR">Cannot parse query</INFO></RESOURCE></VOTABLE>',
        { status: 400, headers: { "content-type": "text/xml" } },
      ),
    async (base) => {
      const url = base.replace("http://", "http://alice:pw123@") + "/tap/sync?password=pw123";
      await assert.rejects(new HttpClient().request(url), (e) => {
        assert.ok(e instanceof HttpError);
        assert.equal(e.serverMessage, "Cannot parse query");
        assert.equal(e.contentType, "text/xml");
        assert.ok(!e.message.includes("pw123"), e.message);
        assert.ok(!e.url.includes("pw123"));
        return true;
      });
    },
  );
});

Deno.test("HttpClient.text() with expect: 'xml' refuses an HTML page sent with 200", async () => {
  await withServer(
    () =>
      new Response("<html><head><title>Down for maintenance</title></head></html>", {
        headers: { "content-type": "text/html" },
      }),
    async (base) => {
      await assert.rejects(new HttpClient().text(`${base}/tables`, { expect: "xml" }), (e) => {
        assert.ok(e instanceof UnexpectedContentError);
        assert.equal(e.status, 200);
        assert.match(e.message, /Down for maintenance/);
        return true;
      });
    },
  );
});

Deno.test("HttpClient sends User-Agent deno-gaia/<version> and base headers", async () => {
  await withServer(
    (req) => new Response(`${req.headers.get("user-agent")}|${req.headers.get("x-extra")}`),
    async (base) => {
      const text = await new HttpClient({ headers: { "x-extra": "1" } }).text(`${base}/`);
      assert.match(text, /^deno-gaia\/\d+\.\d+\.\d+\|1$/);
    },
  );
});

Deno.test("NetworkError never shows URL credentials or secret parameters", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const url = `http://alice:pw123@127.0.0.1:${port}/tap/sync?password=pw123&token=tk456`;
  await assert.rejects(new HttpClient({ retries: 0 }).request(url), (e) => {
    assert.ok(e instanceof NetworkError, String(e));
    for (const text of [e.message, e.url, String(e), JSON.stringify({ ...e })]) {
      assert.ok(!text.includes("pw123") && !text.includes("tk456"), text);
    }
    return true;
  });
});

Deno.test("HttpClient asks loopback servers for identity encoding (a real local server records it)", async () => {
  const seen: (string | null)[] = [];
  await withServer(
    (req) => {
      seen.push(req.headers.get("accept-encoding"));
      return new Response("x".repeat(5000), { headers: { "content-type": "text/plain" } });
    },
    async (base) => {
      assert.equal((await new HttpClient().text(`${base}/a`)).length, 5000);
      // Off: fetch's own default (gzip, br) goes out.
      await new HttpClient({ loopbackIdentity: false }).text(`${base}/b`);
      // An explicit header wins, on the client or per request.
      await new HttpClient({ headers: { "accept-encoding": "gzip" } }).text(`${base}/c`);
      await new HttpClient().text(`${base}/d`, { headers: { "Accept-Encoding": "br" } });
      const localhost = base.replace("127.0.0.1", "localhost");
      await new HttpClient().text(`${localhost}/e`);
    },
  );
  assert.equal(seen[0], "identity");
  assert.match(seen[1] ?? "", /gzip/);
  assert.equal(seen[2], "gzip");
  assert.equal(seen[3], "br");
  assert.equal(seen[4], "identity");
});

Deno.test("HttpClient sends identity only to loopback hosts, hop by hop", async () => {
  const sent: [string, string | null][] = [];
  const fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    sent.push([url.host, new Headers(init?.headers).get("accept-encoding")]);
    // The loopback server redirects to a remote mirror.
    return Promise.resolve(
      url.hostname === "127.0.0.1"
        ? new Response(null, { status: 302, headers: { location: "http://archive.example.org/x" } })
        : new Response("ok"),
    );
  };
  const http = new HttpClient({ fetch });
  for (
    const u of [
      "http://[::1]:8080/tap",
      "http://127.1.2.3/tap",
      "http://127.example.org/tap",
      "https://gea.esac.esa.int/tap-server/tap",
      "http://127.0.0.1:9/redirects",
    ]
  ) await http.text(u);
  assert.deepEqual(sent, [
    ["[::1]:8080", "identity"],
    ["127.1.2.3", "identity"],
    ["127.example.org", null],
    ["gea.esac.esa.int", null],
    ["127.0.0.1:9", "identity"],
    ["archive.example.org", null],
  ]);
});
