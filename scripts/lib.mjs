// Shared by the npm scripts: run commands, and install what a fresh machine lacks.
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WASM_BINDGEN_VERSION = '0.2.130';

export function run(cmd, args, options = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  if (r.status !== 0) {
    console.error(`\n${cmd} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

function output(cmd, args) {
  try {
    return execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

/** Installs the build tools when missing: npm packages, the wasm target, wasm-bindgen. */
export function ensureBuildTools() {
  if (!existsSync(path.join(root, 'node_modules', 'binaryen'))) run('npm', ['ci', '--no-audit', '--no-fund']);
  if (!output('rustup', ['target', 'list', '--installed']).includes('wasm32-unknown-unknown')) {
    run('rustup', ['target', 'add', 'wasm32-unknown-unknown']);
  }
  if (!output('wasm-bindgen', ['--version']).includes(WASM_BINDGEN_VERSION)) {
    // The CLI must equal the wasm-bindgen crate version exactly (pinned in rostercheck-wasm).
    const locked = spawnSync('cargo', ['install', 'wasm-bindgen-cli', '--version', WASM_BINDGEN_VERSION, '--locked'], { stdio: 'inherit', cwd: root });
    if (locked.status !== 0) run('cargo', ['install', 'wasm-bindgen-cli', '--version', WASM_BINDGEN_VERSION]);
  }
}

/** Installs Debian's Chromium and ChromeDriver for the browser tests when missing. */
export function ensureBrowser() {
  if (existsSync('/usr/bin/chromium') && existsSync('/usr/bin/chromedriver')) return;
  if (process.getuid && process.getuid() === 0) {
    run('apt-get', ['update']);
    run('apt-get', ['install', '-y', 'chromium', 'chromium-driver']);
  } else {
    console.error('The browser tests need Chromium: sudo apt-get install -y chromium chromium-driver');
    process.exit(1);
  }
}

/** A short libFuzzer run of every fuzz target (the long runs are described in the README).
 *  Needs the nightly toolchain; cargo-fuzz is installed when missing. Without nightly, the
 *  stable mutation smoke test in `cargo test` (crates/rostercheck-cli/tests/fuzz_regressions.rs)
 *  is what runs, and this says so. */
export function fuzzSmoke() {
  if (!output('rustup', ['toolchain', 'list']).includes('nightly')) {
    console.log('fuzz smoke: no nightly toolchain here; the stable mutation smoke test ran instead.');
    return;
  }
  if (!output('cargo', ['fuzz', '--version']).includes('cargo-fuzz')) {
    const locked = spawnSync('cargo', ['install', 'cargo-fuzz', '--version', '0.13.2', '--locked'], { stdio: 'inherit', cwd: root });
    if (locked.status !== 0) run('cargo', ['install', 'cargo-fuzz', '--version', '0.13.2']);
  }
  const fuzz = path.join(root, 'fuzz');
  for (const target of ['session', 'package', 'manifest', 'zip']) {
    // New inputs go to corpus/ (ignored by git); the committed seeds are only read.
    mkdirSync(path.join(fuzz, 'corpus', target), { recursive: true });
    run('cargo', ['+nightly', 'fuzz', 'run', '-O', '-s', 'none', target, `corpus/${target}`, `seeds/${target}`, '--',
      '-runs=3000', '-rss_limit_mb=2048', '-timeout=10', '-max_len=16384'], { cwd: fuzz });
  }
}
