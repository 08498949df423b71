// deno-lint-ignore-file no-console
/**
 * Tiny launcher for the crash-safety test: starts the archive on a free port
 * with the data folder given as the first argument and prints its URL.
 *
 * @module
 */
import { startArchive } from "../../lib/archive/server.ts";
import { ANN, BOB } from "./archive_helpers.ts";

const archive = await startArchive({ dataDir: Deno.args[0], rows: 20_000, users: [ANN, BOB] });
console.log(`READY ${archive.url}`);
