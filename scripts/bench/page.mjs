// Two or more builds of the page compared on one package, in tight pairs: each round loads every
// build's page (a context each), lets them settle, then drops the package on one right after
// the other (the order alternating from round to round), so that the runs compared are seconds
// apart at most. This machine's speed moves by up to 1.5× within seconds: two runs of the same
// build, paired so, still differed by −31% to +25% (thirty pairs of the 10 MB package), so a
// change of 5–10% needs twenty to thirty pairs, read from the median of the pairs' ratios and
// how many fall below 1.
//
//   npm run build && cp -r dist /tmp/dist-before   # then change the page or the engine, build again
//   node scripts/bench/page.mjs target/bench/packages/10mb /tmp/dist-before dist [--rounds 20]
//     [--settle 1000] [--threads]
//   (a zip in place of the package's folder is dropped alone: target/bench/packages/district.zip)
//
// Time is measured as `npm run bench` does: from the file input's change to the report
// (body[data-done]). --threads adds the CPU time each thread of Chromium used during the checks
// (Linux: /proc), summed over a build's runs: the two checking workers, and what reading the
// files and showing progress cost the browser's other threads.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { serve } from '../serve.mjs';
import { launch } from '../../tests/browser/helpers.mjs';
import { FAIL_SELECTOR, MARKS_SCRIPT, checkTime } from './browser.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at < 0 ? fallback : args.splice(at, 2)[1];
};
const flag = (name) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args.splice(at, 1).length > 0;
};
const rounds = Number(option('rounds', 20));
const settleMs = Number(option('settle', 1000));
const threads = flag('threads');
const [input, ...dists] = args.map((a) => path.resolve(a));
if (!input || dists.length < 2) {
  console.error('usage: node scripts/bench/page.mjs PACKAGE_DIR|ZIP DIST DIST [DIST...] [--rounds N] [--settle MS] [--threads]');
  process.exit(2);
}
// (A package's folder: its CSV files; a zip: the zip alone.)
const files = statSync(input).isDirectory()
  ? readdirSync(input).filter((f) => /\.csv$/i.test(f)).map((f) => path.join(input, f))
  : [input];

/** CPU time (ms) of every thread of Chromium's processes so far, by process type and thread. */
function cpuByThread() {
  const out = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!/chrom/i.test(readFileSync(`/proc/${pid}/comm`, 'utf8'))) continue;
      const type = readFileSync(`/proc/${pid}/cmdline`, 'utf8').match(/--type=([a-z-]+)/)?.[1] ?? 'browser';
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // utime and stime, in clock ticks (10 ms).
        out.set(`${pid}/${tid}`, { name: `${type}: ${name}`, ms: (Number(fields[11]) + Number(fields[12])) * 10 });
      }
    } catch {
      // A process or thread that ended meanwhile.
    }
  }
  return out;
}

/** Adds what each kind of thread used between two snapshots to `into` (name → ms). */
function addCpu(into, before, after) {
  for (const [id, { name, ms }] of after) {
    const used = ms - (before.get(id)?.ms ?? 0);
    if (used > 0) into.set(name, (into.get(name) ?? 0) + used);
  }
}

const servers = await Promise.all(dists.map((dist) => serve(dist)));
const browser = await launch();
const seconds = dists.map(() => []);
const cpu = dists.map(() => new Map());
try {
  for (let round = 0; round < rounds; round++) {
    const pages = [];
    for (const [i] of dists.entries()) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.addInitScript(MARKS_SCRIPT, FAIL_SELECTOR);
      await page.goto(`http://127.0.0.1:${servers[i].address().port}/`);
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
      pages.push({ context, page, i });
    }
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    for (const { page, i } of round % 2 ? [...pages].reverse() : pages) {
      const before = threads ? cpuByThread() : null;
      await page.setInputFiles('#file-input', files);
      const ms = await checkTime(page);
      if (threads) addCpu(cpu[i], before, cpuByThread());
      seconds[i].push(ms / 1000);
    }
    console.log(`round ${round + 1}: ${seconds.map((s) => s.at(-1).toFixed(3)).join('  ')} s`);
    for (const { context } of pages) await context.close();
  }
} finally {
  await browser.close();
  for (const server of servers) server.close();
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
console.log(`\n${path.basename(input)}: ${files.length} files, ${rounds} rounds`);
for (const [i, dist] of dists.entries()) {
  console.log(`${dist}: median ${median(seconds[i]).toFixed(3)} s, best ${Math.min(...seconds[i]).toFixed(3)} s`);
  if (i > 0) {
    const ratios = seconds[i].map((s, k) => s / seconds[0][k]).sort((a, b) => a - b);
    console.log(`  against ${dists[0]}: median ratio ${median(ratios).toFixed(3)}, ${ratios.filter((r) => r < 1).length} of ${ratios.length} faster (${ratios.map((r) => r.toFixed(2)).join(' ')})`);
  }
  if (threads) {
    const top = [...cpu[i]].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(`  CPU per check: ${top.map(([name, ms]) => `${name} ${Math.round(ms / rounds)} ms`).join(', ')}`);
  }
}
