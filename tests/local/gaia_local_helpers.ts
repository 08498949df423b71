/**
 * Shared by the gaia_* and datalink_* local tests: a local archive started
 * in-process on a free loopback port with a temporary data folder, and a
 * client pointed at it.
 *
 * @module
 */
import { Gaia } from "../../lib/gaia/mod.ts";

/** Test accounts. */
export const ANN = { name: "ann", password: "ann-Secret-41x" };
export const BOB = { name: "bob", password: "bob-Secret-93y" };

/** Starts a local archive (5000 catalogue rows) and returns a client and a clean-up. */
export async function startTestArchive(
  rows = 5000,
): Promise<{ gaia: Gaia; url: string; close(): Promise<void> }> {
  const dataDir = await Deno.makeTempDir({ prefix: "deno-gaia-test-" });
  const gaia = await new Gaia().local({ dataDir, users: [ANN, BOB], rows });
  const url = (await gaia.urls()).tapServer!.replace(/\/tap-server$/, "");
  return {
    gaia,
    url,
    async close() {
      await gaia.close();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}
