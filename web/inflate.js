// The inflating worker: decompresses one zip entry at a time for the validation worker, on a
// thread of its own, so that decompressing overlaps checking (a city's zip takes seconds to
// inflate). The bytes go back in 1 MiB buffers that travel to and fro (transferred, never
// copied): at most the few buffers the validation worker lent are in flight, so memory stays
// bounded however far ahead decompression could run.
import { openEntry, ZipError } from './zip.js';

/** Buffers lent by the validation worker, ready to be filled. */
let spare = [];
let wake = null;
/** Counts entries, so that a buffer lent for an earlier entry is not mixed up. */
let current = 0;

function wakeUp() {
  if (wake) { const w = wake; wake = null; w(); }
}

onmessage = ({ data }) => {
  if (data.type === 'open') {
    current = data.id;
    spare = data.buffers;
    wakeUp(); // an entry left unfinished stops (see nextBuffer)
    inflate(data.id, data.file, data.entry);
  } else if (data.type === 'close' && data.id === current) {
    // The rest of the entry is not needed (its second part was checked by the part worker).
    current = 0;
    spare = [];
    wakeUp();
  } else if (data.type === 'credit' && data.id === current) {
    spare.push(data.buffer);
    wakeUp();
  }
};

/** A lent buffer to fill for entry `id`; null once that entry is closed or another opened. */
async function nextBuffer(id) {
  while (!spare.length && current === id) await new Promise((resolve) => { wake = resolve; });
  return current === id ? new Uint8Array(spare.pop()) : null;
}

async function inflate(id, file, entry) {
  let out = null;
  let filled = 0;
  const send = () => {
    postMessage({ type: 'chunk', id, buffer: out.buffer, length: filled }, [out.buffer]);
    out = null;
    filled = 0;
  };
  try {
    const reader = (await openEntry(file, entry)).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let at = 0; at < value.length;) {
        if (!out) out = await nextBuffer(id);
        if (!out) {
          reader.cancel().catch(() => {});
          return;
        }
        const n = Math.min(value.length - at, out.length - filled);
        out.set(value.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === out.length) send();
      }
    }
    if (filled) send();
    postMessage({ type: 'end', id });
  } catch (e) {
    // The bytes before the damage are checked, as when reading the entry in one thread.
    if (filled) send();
    postMessage({ type: 'error', id, message: e.message || String(e), zip: e instanceof ZipError });
  }
}

postMessage({ type: 'ready' });
