// `npm run bench`: every performance figure of docs/benchmarks.md, side by side with its
// baselines, measured in one run on this machine. Generates the packages when missing
// (target/bench/packages/, never committed), builds the CLI and the page, then measures:
//   native  csv-core merely splitting the bytes into records   vs  rostercheck check (all rules)
//   browser Papa Parse merely parsing the same Files           vs  the rostercheck page (worker + wasm)
//   Frictionless `validate` with a OneRoster table schema (district only: too slow for city)
// and prints one table plus the targets, met or not.
//
// and hostile inputs made on the fly (a 10 MB field, 100 rows of 5 MB, a 1,000,000-column
// header, 100,000,000 empty or one-field rows, one row repeated 20,000,000 times): time, peak
// memory, findings.
//
// Options: --sizes small,10mb,district,city,city-uuid,district-quoted,district-1.1  --runs N (best of N, each alternating with its baseline, ratios the median of the runs' own; by default 7 native and 3 browser runs, 15 and 5 for packages under 100 MB: see runsFor)
//          --skip-browser  --skip-frictionless  --skip-hostile  --skip-zip
//          --write-docs (replace the results in docs/benchmarks.md)
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { root, run } from './lib.mjs';
import { build } from './build.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};

/** The packages: name, generator arguments. 10mb and city-uuid bracket the scaling target. */
const PACKAGES = {
  small: ['--preset', 'small'],
  '10mb': ['--students', '13500'],
  district: ['--preset', 'district'],
  city: ['--preset', 'city'],
  // The same city with 36-character UUIDs for sourcedIds, as most SIS exports write them: the
  // issue's "about 1.5 GB" workload.
  'city-uuid': ['--preset', 'city', '--ids', 'uuid'],
  // The district with every field quoted, as PowerShell's Export-Csv and some SIS exports
  // write them (read by the reader's path for quoted lines).
  'district-quoted': ['--preset', 'district', '--quote-all'],
  // The district as OneRoster 1.1, which most SIS exports still are: a user's role and
  // organisations are in users.csv (there is no roles.csv).
  'district-1.1': ['--preset', 'district', '--oneroster', '1.1'],
};
const sizes = option('sizes', Object.keys(PACKAGES).join(',')).split(',');
const benchDir = path.join(root, 'target', 'bench');
const cli = path.join(root, 'target', 'release', 'rostercheck');
const nativeBench = path.join(root, 'target', 'release', 'rostercheck-bench');
const MB = 1e6;

/** Runs per measurement (the best counts), or --runs N. A package under 100 MB is checked
 *  in well under a second, where a few ms of this shared machine's noise move its MB/s by a
 *  fifth (a 10 MB CLI check took 38–54 ms in six runs in a row): it gets 15 native and 5
 *  browser runs, as they cost little. A larger one gets 7 native runs (about 5 s a pair for
 *  the city: with 3, one slow stretch on either side moved the CLI's share of csv-core's
 *  speed from 36% to 75% between two runs of the same code) and 3 browser runs (Papa Parse
 *  takes 20–30 s a run). */
function runsFor(bytes, where) {
  const given = option('runs', null);
  if (given !== null) return Number(given);
  if (bytes >= 100 * MB) return where === 'native' ? 7 : 3;
  return where === 'native' ? 15 : 5;
}

function ensurePackage(name) {
  const dir = path.join(benchDir, 'packages', name);
  const done = path.join(dir, '.complete');
  if (!existsSync(done)) {
    mkdirSync(path.dirname(dir), { recursive: true });
    run(cli, ['generate', '--out', dir, ...PACKAGES[name]]);
    writeFileSync(done, new Date().toISOString());
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.csv'));
  return { dir, bytes: files.reduce((n, f) => n + statSync(path.join(dir, f)).size, 0) };
}

/** The package as one zip (as districts download it), written by the generator with the same
 *  arguments, so the same files. */
function ensureZip(name) {
  const zip = path.join(benchDir, 'packages', `${name}.zip`);
  const done = `${zip}.complete`;
  if (!existsSync(done)) {
    run(cli, ['generate', '--out', zip, ...PACKAGES[name]]);
    writeFileSync(done, new Date().toISOString());
  }
  return zip;
}

/** Packages also measured zipped: the zip path reads (and inflates) beside the checks. */
const ZIPPED = new Set(['district', 'city']);

/** `runs` runs of a baseline and a measurement, one after the other in turn: each one's best,
 *  as `best` combines a list of results, and the ratio of the two (baseline seconds over
 *  measured seconds) run by run. This machine's speed changes within seconds (by up to 1.5×,
 *  seen in both directions within one series), so the two fastest runs of a long and a short
 *  measurement are seldom from the same stretch: a short run falls within a fast stretch more
 *  often. A ratio is therefore taken from runs made one after the other, as their median. */
async function alternating(runs, baseline, measured, best) {
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    a.push(await baseline());
    b.push(await measured());
  }
  return [best(a), best(b), paired(a.map((x, i) => x.seconds / b[i].seconds))];
}

/** The median of ratios, with the lowest and highest. */
function paired(ratios) {
  const sorted = [...ratios].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, low: sorted[0], high: sorted[sorted.length - 1], ratios };
}

/** The best of native results: the fastest, with the largest peak memory seen. */
const bestNative = (results) => ({
  ...results.reduce((x, y) => (y.seconds < x.seconds ? y : x)),
  peakBytes: Math.max(...results.map((r) => r.peakBytes)),
});

/** One run of a native measurement (its own process, so its own peak memory). */
function native(mode, dir) {
  const out = execFileSync(nativeBench, [mode, dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop());
}

function frictionless(dir) {
  const setup = spawnSync('bash', [path.join(root, 'scripts', 'bench', 'frictionless-setup.sh'), path.join(benchDir, 'venv')],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (setup.status !== 0) return { error: 'could not install frictionless' };
  const python = setup.stdout.trim().split('\n').pop();
  const spec = path.resolve(root, '..', 'shared', 'reference', 'oneroster-spec.json');
  const r = spawnSync(python, [path.join(root, 'scripts', 'bench', 'frictionless.py'), dir, spec, '1.2'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (r.status !== 0) return { error: `frictionless exited ${r.status}` };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function pageSize(dist) {
  let gz = 0;
  for (const f of readdirSync(dist)) if (f !== 'sample.js') gz += gzipSync(readFileSync(path.join(dist, f)), { level: 9 }).length;
  return gz;
}

function machine() {
  const v = (cmd, a) => { try { return execFileSync(cmd, a, { encoding: 'utf8' }).trim().split('\n')[0]; } catch { return '?'; } };
  const cpus = os.cpus();
  return {
    cpu: `${cpus[0]?.model ?? '?'} × ${cpus.length} cores`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()}`,
    rustc: v('rustc', ['--version']),
    node: process.version,
    chromium: v('/usr/bin/chromium', ['--version']),
  };
}

const fmt = {
  mb: (b) => (b / MB >= 100 ? (b / MB).toFixed(0) : (b / MB).toFixed(1)),
  s: (s) => (s < 10 ? s.toFixed(2) : s.toFixed(1)),
  mbps: (b, s) => (b / MB / s).toFixed(0),
  mem: (b) => (b ? `${(b / 2 ** 20).toFixed(0)} MiB` : '–'),
  rows: (n) => n.toLocaleString('en-US'),
};

async function main() {
  run('cargo', ['build', '--release', '-p', 'rostercheck-cli', '-p', 'rostercheck-bench']);
  const dist = flag('skip-browser') ? null : build();
  const browser = dist ? await import('./bench/browser.mjs') : null;
  const rows = [];
  const results = { machine: machine(), packages: {} };
  for (const name of sizes) {
    if (!PACKAGES[name]) throw new Error(`unknown package ${name}`);
    const pkg = ensurePackage(name);
    const runs = runsFor(pkg.bytes, 'native');
    const pageRuns = runsFor(pkg.bytes, 'browser');
    console.log(`\n== ${name}: ${fmt.mb(pkg.bytes)} MB, best of ${runs} native and ${pageRuns} browser runs`);
    const r = { bytes: pkg.bytes };
    // Each measurement and its baseline alternate, run by run, so that a machine that slows
    // down for a while slows both.
    [r.split, r.check, r.checkRatio] = await alternating(runs, () => native('split', pkg.dir), () => native('check', pkg.dir), bestNative);
    console.log(JSON.stringify({ split: r.split, check: r.check, checkRatio: r.checkRatio }));
    const zip = ZIPPED.has(name) && !flag('skip-zip') ? ensureZip(name) : null;
    if (zip) {
      r.zipBytes = statSync(zip).size;
      r.checkZip = bestNative(Array.from({ length: runs }, () => native('check', zip)));
      console.log(JSON.stringify({ checkZip: r.checkZip }));
    }
    if (browser) {
      [r.papa, r.page, r.pageRatio] = await alternating(pageRuns,
        () => browser.benchPapa({ packageDir: pkg.dir, runs: 1 }),
        () => browser.benchRostercheck({ dist, packageDir: pkg.dir, runs: 1 }),
        browser.combine);
      console.log(JSON.stringify({ papa: r.papa, page: r.page, pageRatio: r.pageRatio }));
      if (zip) {
        r.pageZip = await browser.benchRostercheck({ dist, files: [zip], runs: pageRuns });
        console.log(JSON.stringify({ pageZip: r.pageZip }));
      }
    }
    if (name === 'district' && !flag('skip-frictionless')) {
      r.frictionless = frictionless(pkg.dir);
      console.log(JSON.stringify({ frictionless: r.frictionless }));
    }
    results.packages[name] = r;
    const records = r.split.records;
    const line = (what, m, memory, ratio) => rows.push([name, fmt.mb(pkg.bytes), fmt.rows(records), what,
      fmt.s(m.seconds), fmt.mbps(pkg.bytes, m.seconds), memory, ratio]);
    line('csv-core split (native baseline)', r.split, fmt.mem(r.split.peakBytes), '1.00');
    line('**rostercheck CLI**', r.check, fmt.mem(r.check.peakBytes),
      `${r.checkRatio.median.toFixed(2)} of split`);
    if (r.checkZip) {
      line(`rostercheck CLI, zipped (${fmt.mb(r.zipBytes)} MB zip)`, r.checkZip, fmt.mem(r.checkZip.peakBytes),
        `${(r.check.seconds / r.checkZip.seconds).toFixed(2)} of unzipped`);
    }
    if (r.papa) line('Papa Parse parse-only (browser baseline)', r.papa, '–', '1.00');
    if (r.page) {
      line('**rostercheck page**', r.page,
        `${fmt.mem(r.page.wasmMemoryBytes + (r.page.jsHeapBytes || 0))} (tab ${fmt.mem(r.page.rendererPeakBytes)})`,
        `${r.pageRatio.median.toFixed(2)}× Papa`);
    }
    if (r.pageZip) {
      line('rostercheck page, zipped', r.pageZip,
        `${fmt.mem(r.pageZip.wasmMemoryBytes + (r.pageZip.jsHeapBytes || 0))} (tab ${fmt.mem(r.pageZip.rendererPeakBytes)})`,
        `${(r.page.seconds / r.pageZip.seconds).toFixed(2)} of unzipped`);
    }
    if (r.frictionless && !r.frictionless.error) {
      line('Frictionless validate', r.frictionless, fmt.mem(r.frictionless.peakBytes),
        `CLI ${(r.frictionless.seconds / r.check.seconds).toFixed(0)}× faster`);
    }
  }
  if (dist) results.pageGzipBytes = pageSize(dist);
  const hostileRows = [];
  if (!flag('skip-hostile')) {
    results.hostile = {};
    for (const c of ['big-field', 'big-rows', 'wide-header', 'empty-lines', 'one-field-rows', 'same-id-rows']) {
      const r = native('hostile', c);
      results.hostile[c] = r;
      console.log(JSON.stringify(r));
      hostileRows.push([c, fmt.mb(r.bytes), fmt.s(r.seconds), fmt.mem(r.peakBytes), r.findings.replaceAll('×', ' × ')]);
    }
  }
  const pages = Object.values(results.packages).filter((r) => r.page);
  if (pages.length) results.readyMs = Math.max(...pages.map((r) => r.page.readyMs));

  const header = ['package', 'MB', 'records', 'measurement', 's', 'MB/s', 'peak memory', 'ratio'];
  const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  const targets = checkTargets(results);
  const m = results.machine;
  const md = [`Measured ${new Date().toISOString().slice(0, 10)} on ${m.cpu}, ${m.memory}, ${m.os}; ${m.rustc}; Node ${m.node}; ${m.chromium}.`,
    '', table, '', '| target | measured | met |', '| --- | --- | --- |',
    ...targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`),
    ...(hostileRows.length ? ['', '| hostile input (generated in memory) | MB | s | peak memory | findings (rule × count) |',
      '| --- | --- | --- | --- | --- |', ...hostileRows.map((r) => `| ${r.join(' | ')} |`)] : [])].join('\n');
  mkdirSync(benchDir, { recursive: true });
  writeFileSync(path.join(benchDir, 'results.json'), JSON.stringify(results, null, 2));
  writeFileSync(path.join(benchDir, 'results.md'), md + '\n');
  console.log(`\n${md}\n\n(target/bench/results.md, results.json)`);
  if (flag('write-docs')) {
    const doc = path.join(root, 'docs', 'benchmarks.md');
    const text = readFileSync(doc, 'utf8');
    const next = text.replace(/<!-- bench:begin -->[\s\S]*<!-- bench:end -->/, `<!-- bench:begin -->\n${md}\n<!-- bench:end -->`);
    writeFileSync(doc, next);
    console.log('docs/benchmarks.md updated');
  }
}

function checkTargets(results) {
  const p = results.packages;
  const t = [];
  for (const [name, city] of Object.entries(p).filter(([n]) => n.startsWith('city'))) {
    // (The median of the runs' ratios, with their range and the ratio of the fastest runs.)
    const pct = (x) => `${(x * 100).toFixed(0)}%`;
    const cli = city.checkRatio;
    t.push({ target: `CLI ≥ 50% of csv-core split throughput (${name})`,
      measured: `${pct(cli.median)} (runs ${pct(cli.low)}–${pct(cli.high)}; fastest runs ${pct(city.split.seconds / city.check.seconds)})`,
      met: cli.median >= 0.5 });
    t.push({ target: `CLI peak ≤ 512 MiB (${name})`, measured: fmt.mem(city.check.peakBytes), met: city.check.peakBytes <= 512 * 2 ** 20 });
    if (city.check.ids) {
      const per = city.check.idBytes / city.check.ids;
      t.push({ target: `≤ 32 bytes per distinct sourcedId (${name})`, measured: `${per.toFixed(1)} B × ${fmt.rows(city.check.ids)} ids`, met: per <= 32 });
    }
    if (city.page) {
      const mbps = city.bytes / MB / city.page.seconds;
      t.push({ target: `page ≥ 150 MB/s (${name})`, measured: `${mbps.toFixed(0)} MB/s`, met: mbps >= 150 });
      const x = city.pageRatio;
      t.push({ target: `page ≥ 2× Papa Parse parse-only (${name})`,
        measured: `${x.median.toFixed(2)}× (runs ${x.low.toFixed(2)}–${x.high.toFixed(2)}×; fastest runs ${(city.papa.seconds / city.page.seconds).toFixed(2)}×)`,
        met: x.median >= 2 });
      const mem = city.page.wasmMemoryBytes + (city.page.jsHeapBytes || 0);
      t.push({ target: `page wasm memory + JS heap ≤ 512 MiB (${name})`, measured: fmt.mem(mem), met: mem <= 512 * 2 ** 20 });
    }
  }
  // Same roster shape (short ids, quotes only where needed) from 10 MB up: MB/s depends on
  // bytes per row, so city-uuid and district-quoted are not compared with them.
  const scaled = Object.entries(p).filter(([n]) => ['10mb', 'district', 'city'].includes(n));
  if (scaled.length > 1) {
    const speeds = scaled.map(([, r]) => r.bytes / r.check.seconds);
    const mid = (Math.max(...speeds) + Math.min(...speeds)) / 2;
    const spread = (Math.max(...speeds) - Math.min(...speeds)) / 2 / mid;
    t.push({ target: `CLI throughput flat ±20% (${scaled.map(([n]) => n).join(', ')})`, measured: `±${(spread * 100).toFixed(0)}%`, met: spread <= 0.2 });
    const pages = scaled.filter(([, r]) => r.page).map(([, r]) => r.bytes / r.page.seconds);
    if (pages.length > 1) {
      const pm = (Math.max(...pages) + Math.min(...pages)) / 2;
      const ps = (Math.max(...pages) - Math.min(...pages)) / 2 / pm;
      // (How many checking workers were busy on average, in each package's fastest run: a
      // small package's files are mostly checked one after the other, by one worker.)
      const busy = scaled.filter(([, r]) => r.page?.busyWorkers != null).map(([n, r]) => `${n} ${r.page.busyWorkers.toFixed(2)}`);
      t.push({ target: 'page throughput flat ±20% (same packages)',
        measured: `±${(ps * 100).toFixed(0)}%${busy.length ? ` (busy workers: ${busy.join(', ')})` : ''}`, met: ps <= 0.2 });
    }
  }
  if (results.pageGzipBytes) {
    t.push({ target: 'page wasm + JS ≤ 350 KB gzipped', measured: `${(results.pageGzipBytes / 1000).toFixed(0)} KB`, met: results.pageGzipBytes <= 350e3 });
  }
  if (results.readyMs !== undefined) t.push({ target: 'ready for a drop ≤ 1 s after navigation', measured: `${results.readyMs} ms`, met: results.readyMs <= 1000 });
  return t;
}

main().catch((e) => { console.error(e); process.exit(1); });
