// What the two checking workers share: loading the wasm engine, warming it up, and reading a
// file in pieces (the validation worker, web/worker.js, and the part worker, web/part.js).
import init, { Validator } from './rostercheck_wasm.js';
import wasmBase64 from './rostercheck_wasm_bytes.js';

/** Bytes read at a time from a loose file (measured: 1 MiB reads are the fastest here). */
export const CHUNK_BYTES = 1 << 20;

export function decodeBase64(text) {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The wasm is embedded in a script, so loading it needs no connection at all. */
export const load = () => init({ module_or_path: decodeBase64(wasmBase64) });

// Loaded with the page, so that once it is open nothing more is fetched (it works offline).
export const sampleModule = import('./sample.js');

/** Checks the built-in sample district, silently, while the page waits for files: the
 *  browser compiles WebAssembly quickly first and optimises the functions that run hot, so the
 *  user's first package runs at full speed (measured: about twice as fast for a 10 MB one). */
export async function warmUp() {
  try {
    const { files } = await sampleModule;
    for (let round = 0; round < 3; round++) {
      const validator = new Validator(files.map((f) => f.name), 1);
      const bytes = files.map((f) => decodeBase64(f.base64));
      for (const i of validator.plan()) {
        validator.beginFile(i);
        validator.feed(bytes[i]);
        validator.endFile();
      }
      validator.finish();
      validator.takeBatch();
      validator.free();
    }
  } catch {
    // Only a head start: a failure here changes nothing for the user's files.
  }
}

/** A read that has not ended after this long is started again (then after twice as long). */
const READ_STALL_MS = 2000;

/** Reads a file (or a slice of one) in CHUNK_BYTES pieces into two buffers used in turn: the
 *  next read runs while the engine checks the current piece, and no garbage piles up (a
 *  city's files are 850 MB). A read that never ends (seen in Chromium, about one city in ten:
 *  a stream of a file opened while other workers read the same file delivered nothing) is
 *  given up, and reading starts again from the same byte on a new stream. */
export function chunksOf(file) {
  let offset = 0; // bytes handed out so far
  let reader;
  const open = () => {
    reader = file.slice(offset).stream().getReader({ mode: 'byob' });
  };
  try {
    open();
  } catch {
    return file.stream(); // no byte stream here: the browser's own chunks
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

/** Passes every piece of `file` to `use`. */
export async function eachChunk(file, use) {
  const reader = chunksOf(file).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    use(value);
  }
}
