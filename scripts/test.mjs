// `npm test`: Rust tests, the wasm tests in headless Chromium, then the browser end-to-end tests
// against the built page. Installs what a fresh machine lacks first.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { root, run, ensureBuildTools, ensureBrowser, fuzzSmoke } from './lib.mjs';
import { build } from './build.mjs';

ensureBuildTools();
ensureBrowser();
run('cargo', ['test', '--workspace']);
fuzzSmoke();

// wasm-bindgen-test-runner drives Chromium through ChromeDriver; as root Chromium needs --no-sandbox.
writeFileSync(path.join(root, 'crates', 'rostercheck-wasm', 'webdriver.json'), JSON.stringify({
  'goog:chromeOptions': { binary: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] },
}, null, 2));
run('cargo', ['test', '-p', 'rostercheck-wasm', '--target', 'wasm32-unknown-unknown', '--', '--nocapture'], {
  env: { ...process.env, CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: 'wasm-bindgen-test-runner', CHROMEDRIVER: '/usr/bin/chromedriver' },
});

build();
// The browser tests compare the page's report with the CLI's and generate packages with it.
run('cargo', ['build', '--release', '-p', 'rostercheck-cli']);
run('node', ['--test', '--test-concurrency=1', 'tests/browser/']);
