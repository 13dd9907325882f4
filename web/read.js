// Reading a file in pieces, shared by every worker of the page: the validation and part workers
// (through engine.js) and, for zip entries, zip.js in whichever worker inflates them.

/** Bytes read at a time from a loose file (measured: 1 MiB reads are the fastest here). */
export const CHUNK_BYTES = 1 << 20;

/** A read that has not ended after this long is started again (then after twice as long). */
const READ_STALL_MS = 2000;

/** Reads a file (or a slice of one), from byte `start` on, in CHUNK_BYTES pieces into two
 *  buffers used in turn: the next read runs while the engine checks the current piece, and no
 *  garbage piles up (a city's files are 850 MB). A read that never ends (seen in Chromium,
 *  about one city in ten: a stream of a file opened while other workers read the same file
 *  delivered nothing) is given up, and reading starts again from the same byte on a new
 *  stream. */
export function chunksOf(file, start = 0) {
  let offset = start; // the next byte to hand out
  let reader;
  // (Slicing a file costs its worker 1–2 ms in Chromium, a round trip to the browser: a
  // file read from its start is not sliced.)
  const rest = () => (offset ? file.slice(offset) : file);
  const open = () => {
    reader = rest().stream().getReader({ mode: 'byob' });
  };
  try {
    open();
  } catch {
    return rest().stream(); // no byte stream here: the browser's own chunks
  }
  const read = (buffer) => reader.read(new Uint8Array(buffer, 0, CHUNK_BYTES));
  let spare = new ArrayBuffer(CHUNK_BYTES);
  let next = read(new ArrayBuffer(CHUNK_BYTES));
  let stallMs = READ_STALL_MS;
  return {
    getReader: () => ({
      async read() {
        for (;;) {
          let timer;
          const stalled = new Promise((resolve) => { timer = setTimeout(() => resolve(null), stallMs); });
          const result = await Promise.race([next, stalled]);
          clearTimeout(timer);
          if (result) {
            if (result.done) return result;
            const current = result.value;
            offset += current.length;
            next = read(spare);
            // The caller is done with a piece when it asks for the one after it.
            spare = current.buffer;
            return result;
          }
          reader.cancel().catch(() => {});
          stallMs *= 2;
          open();
          next = read(new ArrayBuffer(CHUNK_BYTES));
        }
      },
      cancel: () => reader.cancel().catch(() => {}),
    }),
  };
}

/** Where a part of `file` starts, as both checking workers find it: just after the first line
 *  break at or after byte `from`, within 64 KiB, if the file goes on past it; null otherwise.
 *  `bytes` are the file's bytes from `offset` on, through that window. */
export function cutIn(bytes, offset, from, size) {
  if (from < offset) return null;
  const at = bytes.subarray(from - offset, from - offset + (64 << 10)).indexOf(10);
  const cut = from + at + 1;
  return at < 0 || cut >= size ? null : cut;
}

/** Passes every piece of `file` from byte `start` on to `use`. */
export async function eachChunk(file, use, start = 0) {
  const reader = chunksOf(file, start).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      use(value);
    }
  } catch (e) {
    // (`use` gave up, say on a part that cannot be taken in: the rest is not read.)
    reader.cancel();
    throw e;
  }
}

/** `chunksOf` as a stream of copies, for piping (a DecompressionStream may keep a piece after
 *  asking for the next, and `chunksOf` reuses its buffers): zip entries are read with the same
 *  restart of a stalled read as loose files, since two workers may read one zip at once. */
export function streamOf(file) {
  const reader = chunksOf(file).getReader();
  return new ReadableStream({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value.slice());
    },
    cancel: () => reader.cancel?.(),
  });
}
