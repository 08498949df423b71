import assert from "node:assert/strict";
import { ByteQueue } from "./byte_queue.ts";

const chunks = () =>
  ReadableStream.from([
    new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]),
    new Uint8Array([8, 9]),
    new Uint8Array([10, 11, 12]),
  ]);

Deno.test("ByteQueue.readVia() gives a view of a chunk that holds the bytes, else a copy in the scratch buffer", async () => {
  const q = new ByteQueue(chunks(), "test");
  const scratch = new Uint8Array(16);
  const a = await q.readVia(3, scratch);
  assert.deepEqual([...a], [0, 1, 2]);
  assert.notEqual(a.buffer, scratch.buffer, "inside the first chunk: no copy");
  const b = await q.readVia(6, scratch); // 3..7 from the first chunk, 8 from the second
  assert.deepEqual([...b], [3, 4, 5, 6, 7, 8]);
  assert.equal(b.buffer, scratch.buffer, "across chunks: copied");
  assert.equal(q.offset, 9);
  const c = await q.readVia(10, scratch); // only 4 left
  assert.deepEqual([...c], [9, 10, 11, 12]);
  assert.equal(q.offset, 13);
  assert.equal((await q.readVia(4, scratch)).length, 0);
  assert.ok(await q.atEnd());
});

Deno.test("ByteQueue.readInto() fills a buffer across chunks and says how many bytes came", async () => {
  const q = new ByteQueue(chunks(), "test");
  const buf = new Uint8Array(5);
  assert.equal(await q.readInto(buf), 5);
  assert.deepEqual([...buf], [0, 1, 2, 3, 4]);
  assert.equal(await q.readInto(buf), 5);
  assert.deepEqual([...buf], [5, 6, 7, 8, 9]);
  assert.equal(await q.readInto(buf), 3);
  assert.deepEqual([...buf.subarray(0, 3)], [10, 11, 12]);
  assert.equal(await q.readInto(buf), 0);
  assert.equal(q.offset, 13);
});
