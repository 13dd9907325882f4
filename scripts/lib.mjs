// Shared by the npm scripts: run commands, and install what a fresh machine lacks.
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
