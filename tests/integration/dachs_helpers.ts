/**
 * Shared set-up of the DaCHS integration tier: finds out whether the DaCHS
 * TAP server of ../shared/dachs/setup-dachs.sh answers on
 * http://localhost:8080/tap. Tests are ignored when it does not and
 * `DACHS_REQUIRED` is unset; with `DACHS_REQUIRED=1` (CI) an unreachable
 * server fails every test instead.
 */
import type { Table } from "apache-arrow";
import { HttpClient } from "../../lib/http/mod.ts";
import { TapService } from "../../lib/tap/mod.ts";

/** The DaCHS TAP endpoint (override with `DACHS_TAP_URL`). */
export const DACHS_TAP = Deno.env.get("DACHS_TAP_URL") ?? "http://localhost:8080/tap";

/** The fixture folder of the captured DaCHS answers. */
export const FIXTURES = new URL("../../../shared/fixtures/dachs/", import.meta.url);

async function probe(): Promise<boolean> {
  try {
    const res = await fetch(`${DACHS_TAP}/availability`, { signal: AbortSignal.timeout(3000) });
    const text = await res.text();
    return res.ok && text.includes("<avl:available>true</avl:available>");
  } catch {
    return false;
  }
}

/** True when DaCHS answers. */
export const reachable: boolean = await probe();
const required = !!Deno.env.get("DACHS_REQUIRED");

/** `ignore` for Deno.test: skip when DaCHS is down and not required. */
export const ignore: boolean = !reachable && !required;

/** A TapService for DaCHS; fails clearly when DaCHS is required but down. */
export function dachs(options: ConstructorParameters<typeof TapService>[1] = {}): TapService {
  if (!reachable) {
    throw new Error(
      `DaCHS is not reachable at ${DACHS_TAP} but DACHS_REQUIRED is set: start it with ` +
        "`bash ../shared/dachs/setup-dachs.sh up` (or `start`)",
    );
  }
  return new TapService(DACHS_TAP, {
    http: new HttpClient({ timeout: 120_000, backoff: { initialDelay: 200, maxDelay: 2000 } }),
    ...options,
  });
}

/** The rows of a table as JSON-safe arrays (bigints as strings, floats rounded to 12 digits). */
export function rowsOf(table: Table, columns?: string[]): unknown[][] {
  const names = columns ?? table.schema.fields.map((f) => f.name);
  const vecs = names.map((n) => {
    const v = table.getChild(n);
    if (!v) {
      throw new Error(`no column ${n} in ${table.schema.fields.map((f) => f.name).join(", ")}`);
    }
    return v;
  });
  const out: unknown[][] = [];
  for (let i = 0; i < table.numRows; i++) {
    out.push(vecs.map((v) => normalise(v.get(i))));
  }
  return out;
}

function normalise(x: unknown): unknown {
  if (typeof x === "bigint") return x.toString();
  if (typeof x === "number") return Number.isInteger(x) ? String(x) : Number(x.toPrecision(6));
  if (x && typeof x === "object" && Symbol.iterator in (x as object)) {
    return [...(x as Iterable<unknown>)].map(normalise);
  }
  return x;
}
