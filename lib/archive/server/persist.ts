/**
 * Crash-safe files for the local archive: every file is written to a
 * temporary name beside it, flushed, then renamed over the target, so a
 * reader sees the old file or the new one, never half of one.
 *
 * @module
 */

let counter = 0;

/**
 * Writes bytes or text to `path` atomically (temp file + fsync + rename).
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./persist.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a.json`, '{"ok":true}');
 * if (JSON.parse(await Deno.readTextFile(`${dir}/a.json`)).ok !== true) throw new Error("lost");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${Deno.pid}-${Date.now()}-${counter++}`;
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true, mode: 0o600 });
  try {
    let off = 0;
    while (off < bytes.length) off += await file.write(bytes.subarray(off));
    await file.syncData();
  } finally {
    file.close();
  }
  try {
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** Reads and parses a JSON file, or `undefined` when it does not exist. */
export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  return JSON.parse(text) as T;
}

/** Removes leftover temporary files (`*.tmp-*`) of an interrupted write in a folder. */
export async function removeStaleTemps(dir: string): Promise<number> {
  let n = 0;
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && /\.tmp-\d+-\d+-\d+$/.test(e.name)) {
        await Deno.remove(`${dir}/${e.name}`).catch(() => {});
        n++;
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return n;
}
