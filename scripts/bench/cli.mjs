// Two or more builds of the native check compared on one package, in tight pairs: each round
// runs every build's `rostercheck-bench check` once, one right after the other (the order
// alternating from round to round), and the ratios of the pairs are read as their median and
// how many fall below 1. This machine's speed moves by up to 1.5× within seconds, so a change
// of 5–10% needs thirty or forty pairs of the 10 MB package.
//
// Each run is waited for before the next begins, and its JSON read after it ends: nothing else
// runs beside a check. (A shell loop that piped each run's output into a Python process had
// that process start beside the check: a change that forty clean pairs put at 0.945 showed
// there as 0.995 to 1.019.)
//
//   cargo build --release -p rostercheck-bench && cp target/release/rostercheck-bench /tmp/before
//   # change the engine or the CLI, build again
//   node scripts/bench/cli.mjs target/bench/packages/10mb /tmp/before target/release/rostercheck-bench [--rounds 40]
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at < 0 ? fallback : args.splice(at, 2)[1];
};
const rounds = Number(option('rounds', 40));
const [packageDir, ...builds] = args.map((a) => path.resolve(a));
if (!packageDir || builds.length < 2) {
  console.error('usage: node scripts/bench/cli.mjs PACKAGE_DIR BENCH_BINARY BENCH_BINARY [...] [--rounds N]');
  process.exit(2);
}

/** One check of the package by the build `binary`: its seconds, as it measured them. */
function check(binary) {
  const out = execFileSync(binary, ['check', packageDir], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()).seconds;
}

const seconds = builds.map(() => []);
for (let round = 0; round < rounds; round++) {
  const order = builds.map((_, i) => i);
  for (const i of round % 2 ? order.reverse() : order) seconds[i].push(check(builds[i]));
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
console.log(`${path.basename(packageDir)}: ${rounds} rounds`);
for (const [i, binary] of builds.entries()) {
  console.log(`${binary}: median ${median(seconds[i]).toFixed(4)} s, best ${Math.min(...seconds[i]).toFixed(4)} s`);
  if (i > 0) {
    const ratios = seconds[i].map((s, k) => s / seconds[0][k]).sort((a, b) => a - b);
    console.log(`  against ${builds[0]}: median ratio ${median(ratios).toFixed(3)}, ${ratios.filter((r) => r < 1).length} of ${ratios.length} faster`);
  }
}
