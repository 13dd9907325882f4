// End-to-end tests of the page in Debian's Chromium: what a district clerk does, and the
// privacy promises (no requests, no storage, scripts never run from data).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, launch, open, dropFiles, waitDone, root, artifacts, makeZip } from './helpers.mjs';

const cli = path.join(root, 'target', 'release', 'rostercheck');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rostercheck-browser-'));
let server;
let url;
let browser;

before(async () => {
  ({ server, url } = await startServer());
  browser = await launch();
  mkdirSync(artifacts, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
  // The generated packages take about 300 MB; a test run should not leave them behind.
  rmSync(tmp, { recursive: true, force: true });
});

function generate(name, args) {
  const out = path.join(tmp, name);
  execFileSync(cli, ['generate', '--out', out, ...args], { stdio: 'ignore' });
  return out;
}

const filesOf = (dir) => readdirSync(dir).sort().map((f) => path.join(dir, f));

async function expandAll(page) {
  await page.$$eval('details.group', (all) => { for (const d of all) d.open = true; });
}

test('a valid generated package shows no errors', async () => {
  const dir = generate('valid', ['--students', '300', '--oneroster', '1.2']);
  const { context, page } = await open(browser, url);
  await page.setInputFiles('#file-input', filesOf(dir));
  await waitDone(page);
  assert.match(await page.textContent('#summary'), /Ready to sync/);
  assert.match(await page.textContent('#summary'), /Errors0Warnings0/);
  assert.match(await page.textContent('#groups'), /No problems found/);
  assert.match(await page.textContent('#overview'), /300 students/);
  await context.close();
});

test('a short check shows its report without a progress card, and says it has begun only if it takes a while', async () => {
  const dir = generate('quick', ['--students', '100', '--oneroster', '1.2']);
  const { context, page } = await open(browser, url);
  // (Once the page has rehearsed, a check is not kept waiting by the page's start.)
  await page.waitForSelector('body[data-rehearsed="true"]', { state: 'attached', timeout: 30000 });
  await page.evaluate(() => {
    window.__seen = { status: [], progressShown: false };
    const status = document.getElementById('engine-status');
    new MutationObserver(() => { window.__seen.status.push(status.textContent); })
      .observe(status, { childList: true, characterData: true, subtree: true });
    const progress = document.getElementById('progress');
    new MutationObserver(() => { window.__seen.progressShown ||= !progress.hidden; })
      .observe(progress, { attributes: true, attributeFilter: ['hidden'] });
  });
  await page.setInputFiles('#file-input', filesOf(dir));
  await waitDone(page);
  const seen = await page.evaluate(() => window.__seen);
  const seconds = Number((await page.textContent('#summary')).match(/Checked in ([\d.]+) s/)[1]);
  // The line under the drop zone changes from 0.15 s into a check (main.js
  // BUSY_SHOWN_AFTER_MS), and the card shows from half a second (a slow machine may take that
  // long).
  if (seconds < 0.1) assert.deepEqual(seen.status, [], `a check of ${seconds} s changed the status line`);
  if (seconds > 0.25) assert.deepEqual(seen.status, ['Checking your files…', 'Ready. Nothing you check is uploaded.']);
  if (seconds < 0.4) assert.equal(seen.progressShown, false, `a check of ${seconds} s showed the progress card`);
  assert.match(await page.textContent('#summary'), /Errors0Warnings0/);
  await context.close();
});

test('defects are shown at their file and line, and the JSON download equals the CLI report', async () => {
  const dir = path.join(root, 'examples', 'sample-district');
  const { context, page } = await open(browser, url);
  await page.setInputFiles('#file-input', filesOf(dir));
  await waitDone(page);
  assert.match(await page.textContent('#summary'), /Not ready to sync: 7 errors to fix/);
  await expandAll(page);
  const findings = await page.$$eval('.finding', (all) => all.map((f) => f.textContent));
  const expect = [
    ['academicSessions.csv', 'line 5', 'this looks like a US month/day/year date; write 2026-11-02'],
    ['users.csv', 'line 482', 'grade 7 should be 07'],
    ['users.csv', 'line 64', 'enabledUser must be lower-case'],
    ['users.csv', 'line 125', 'read as Windows-1252 it says "José"'],
    ['users.csv', 'line 9', 'familyName looks like a value with a comma'],
    ['enrollments.csv', 'line 121', '"cls-000999" is not a sourcedId in classes.csv'],
    ['demographics.csv', 'line 6', 'write male'],
    ['orgs.csv', 'line 4', 'has no parentSourcedId'],
  ];
  for (const [file, line, text] of expect) {
    const at = new RegExp(`^${file.replace('.', '\\.')}${line}(\\D|$)`);
    assert.ok(findings.some((f) => at.test(f) && f.includes(text)), `${file} ${line}: ${text}\n${findings.join('\n')}`);
  }
  // The raw line of the file is shown with the finding.
  assert.ok(findings.some((f) => f.includes('cls-000999,sch-0001,')), 'raw line shown');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
  const fromPage = JSON.parse(readFileSync(await download.path(), 'utf8'));
  let fromCli;
  try {
    execFileSync(cli, ['check', dir, '--format', 'json'], { encoding: 'utf8' });
  } catch (e) {
    fromCli = JSON.parse(e.stdout); // exit code 1: errors found
  }
  assert.deepEqual(fromPage, fromCli);

  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
  const lines = readFileSync(await csv.path(), 'utf8').split('\r\n').filter(Boolean);
  assert.equal(lines.length, fromCli.diagnostics.length + 1);
  assert.match(lines[0], /^\uFEFFseverity,code,rule,file,line,column,field,value,message,help$/);

  // Filters.
  await page.uncheck('#show-error');
  assert.match(await page.textContent('#findings-count'), /Showing 1 of 8 findings/);
  await page.check('#show-error');
  await page.selectOption('#filter-file', 'users.csv');
  assert.match(await page.textContent('#findings-count'), /Showing 4 of 8 findings/);

  // The rule docs panel.
  await page.selectOption('#filter-file', '');
  await page.click('details.group[data-code="OR309"] > summary');
  await page.click('details.group[data-code="OR309"] >> text=What does this mean?');
  assert.match(await page.textContent('#explain'), /Why it matters/);
  await page.keyboard.press('Escape');
  assert.equal(await page.isHidden('#explain'), true);

  await page.screenshot({ path: path.join(artifacts, 'report.png'), fullPage: true });
  await context.close();
});

/** The CLI's JSON report for a package (exit code 1 when it finds errors). */
function cliReport(dir) {
  try {
    return JSON.parse(execFileSync(cli, ['check', dir, '--format', 'json'], { encoding: 'utf8' }));
  } catch (e) {
    return JSON.parse(e.stdout);
  }
}

test('large files and zip entries are checked by two workers at once, with the same report as the CLI, even when one hangs', async () => {
  // Enrollments (48 MB) and users (13 MB) are split in two; the defects sit in both parts.
  const dir = generate('two-parts', ['--students', '100000', '--oneroster', '1.2']);
  const file = path.join(dir, 'enrollments.csv');
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const row = (i) => lines[i].split(',');
  const early = row(5);
  early[3] = 'no-such-class';
  lines[5] = early.join(',');
  const late = row(lines.length - 5);
  late[6] = 'pupil';
  lines[lines.length - 5] = late.join(',');
  lines.splice(lines.length - 100, 0, '');
  writeFileSync(file, `${lines.join('\n')}\n`);
  assert.ok(readFileSync(path.join(dir, 'users.csv')).length > 4 * 2 ** 20, 'users.csv is large enough to be split');
  // demographics.csv (9 MB), after enrollments, is checked by the part worker after its part
  // of enrollments, from the same fork point, from where the validation worker's speed leaves
  // it (see AHEAD_FROM and aheadCut in web/worker.js); defects near both of its ends.
  const demographics = path.join(dir, 'demographics.csv');
  const people = readFileSync(demographics, 'utf8').split('\n');
  for (const [at, date] of [[2, '2011-02-29'], [people.length - 3, '2011-02-30']]) {
    const person = people[at].split(',');
    person[3] = date;
    people[at] = person.join(',');
  }
  writeFileSync(demographics, people.join('\n'));

  // The same package as one zip export (deflate): its entries are split in two as well, the
  // part worker inflating the first part to skip it.
  const zipOf = (name) => {
    const zip = path.join(tmp, name);
    writeFileSync(zip, makeZip(readdirSync(dir).sort().map((f) => ({ name: f, content: readFileSync(path.join(dir, f)) }))));
    return zip;
  };
  const check = async (stallParts = false, input = filesOf(dir), aheadShare = null, splitFrom = null) => {
    const { context, page, log } = await open(browser, url);
    if (aheadShare !== null) await page.evaluate((share) => window.rostercheckAheadShare(share), aheadShare);
    if (splitFrom !== null) await page.evaluate((bytes) => window.rostercheckSplitFrom(bytes), splitFrom);
    if (stallParts) {
      await page.evaluate(() => window.rostercheckStallParts(500));
      await page.waitForTimeout(500);
    }
    await page.setInputFiles('#file-input', input);
    await waitDone(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
    const report = JSON.parse(readFileSync(await download.path(), 'utf8'));
    const parts = Number(await page.getAttribute('body', 'data-parts'));
    assert.deepEqual(log.errors, []);
    await context.close();
    return { report, parts };
  };
  const merged = await check();
  assert.deepEqual(merged.report, cliReport(dir));
  assert.ok(merged.report.diagnostics.some((d) => d.value === 'no-such-class'), 'a finding from the first part');
  assert.ok(merged.report.diagnostics.some((d) => d.value === 'pupil'), 'a finding from the second part');
  for (const date of ['2011-02-29', '2011-02-30']) {
    assert.ok(merged.report.diagnostics.some((d) => d.value === date), `a finding from the file checked ahead: ${date}`);
  }
  assert.ok(merged.parts >= 2, `files checked in two parts: ${merged.parts}`);
  // Wherever the file checked ahead is cut, the report is the same: all of it checked by the
  // part worker, half by each worker, all of it by the validation worker.
  const shares = [];
  for (const share of [0, 0.5, 1]) {
    const cut = await check(false, filesOf(dir), share);
    assert.deepEqual(cut.report, merged.report, `the validation worker taking ${share} of demographics.csv`);
    shares.push(cut.parts);
  }
  // (Taking all of it, the validation worker checks it alone.)
  assert.deepEqual(shares, [shares[0], shares[0], shares[0] - 1], `files checked in two parts, by share: ${shares}`);
  assert.ok([shares[0], shares[0] - 1].includes(merged.parts));
  // Every file from 1 MiB split as it begins, as a city's are: classes.csv (1.4 MB) too (the
  // part worker's share about 0.2 MB, as its start is allowed for), with users.csv, ten times
  // as large, checked ahead by the part worker (instead of split early while classes.csv is
  // read whole); roles.csv (5.8 MB) is split from 4 MiB anyway. Files checked ahead are cut in
  // half, as above.
  const small = await check(false, filesOf(dir), 0.5, 2 ** 20);
  assert.deepEqual(small.report, merged.report, 'every file from 1 MiB split');
  assert.equal(small.parts, shares[1] + 1, `files checked in two parts: ${small.parts}, against ${shares[1]}`);
  const zip = zipOf('two-parts.zip');
  const zipped = await check(false, [zip]);
  assert.deepEqual(zipped.report, cliReport(zip));
  assert.deepEqual(zipped.report.diagnostics, merged.report.diagnostics);
  assert.equal(zipped.parts, merged.parts, 'zip entries checked in two parts');

  // A sourcedId in both parts: the second part cannot be merged, and is checked again here.
  lines.push(lines[1]);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const refused = await check();
  assert.deepEqual(refused.report, cliReport(dir));
  assert.ok(refused.report.diagnostics.some((d) => d.rule === 'duplicate-sourced-id'), 'the duplicate is reported');
  assert.equal(refused.parts, merged.parts - 1);
  const refusedZip = zipOf('two-parts-refused.zip');
  const zippedRefused = await check(false, [refusedZip]);
  assert.deepEqual(zippedRefused.report, cliReport(refusedZip));
  assert.equal(zippedRefused.parts, merged.parts - 1);

  // A part worker that stops answering is replaced, and its part is checked by the first.
  const stalled = await check(true);
  assert.deepEqual(stalled.report, cliReport(dir));
  assert.ok(stalled.parts < merged.parts - 1, `files checked in two parts: ${stalled.parts}`);
});

test('a read that never ends is started again from the same byte', async () => {
  const { context, page } = await open(browser, url);
  const result = await page.evaluate(async () => {
    const { chunksOf } = await import('./engine.js');
    const bytes = new Uint8Array(3 * 1024 * 1024 + 123).map((_, i) => (i * 7) % 251);
    const opened = [];
    // A file whose first stream gives 100 KB and then nothing, ever (as Chromium's sometimes
    // did); a stream opened later reads normally.
    const fake = (from) => ({
      size: bytes.length - from,
      slice: (start = 0) => fake(from + start),
      stream: () => {
        opened.push(from);
        if (opened.length > 1) return new Blob([bytes.subarray(from)]).stream();
        let given = false;
        return new ReadableStream({
          type: 'bytes',
          pull: (controller) => {
            if (given) return new Promise(() => {});
            given = true;
            controller.enqueue(bytes.slice(0, 100000));
            return undefined;
          },
        });
      },
    });
    const reader = chunksOf(fake(0)).getReader();
    let at = 0;
    let same = true;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      same &&= value.every((b, i) => b === bytes[at + i]);
      at += value.length;
    }
    return { opened, same: same && at === bytes.length };
  });
  assert.deepEqual(result.opened, [0, 100000], 'started again where the stalled stream stopped');
  assert.ok(result.same, 'every byte, once, in order');
  await context.close();
});

test('the warm-up checks a file in two parts too, so that that path is compiled before a package arrives', async () => {
  const { context, page } = await open(browser, url);
  const parts = await page.evaluate(async () => {
    const { load, warmUp } = await import('./engine.js');
    await load();
    return warmUp();
  });
  assert.equal(parts, 1, 'the sample\'s largest file checked in two parts and taken in');
  await context.close();
});

test('while the page waits, the sample is checked and its report laid out unseen: nothing shown, announced or focused', async () => {
  const { context, page } = await open(browser, url);
  const announced = await page.textContent('#announcer');
  await page.waitForSelector('body[data-rehearsed="true"]', { state: 'attached', timeout: 30000 });
  const seen = await page.evaluate(() => ({
    hidden: document.getElementById('results').hidden,
    unseen: document.getElementById('results').classList.contains('unseen'),
    summary: document.getElementById('summary').textContent,
    progress: document.getElementById('progress').hidden,
    focused: document.activeElement === document.body,
  }));
  assert.equal(seen.hidden, true, 'the results stay hidden');
  assert.equal(seen.unseen, false, 'and are back to their normal layout');
  assert.match(seen.summary, /Not ready to sync: 7 errors/, 'the sample\'s report was rendered');
  assert.equal(seen.progress, true, 'no progress shown');
  assert.equal(seen.focused, true, 'focus not moved');
  assert.equal(await page.textContent('#announcer'), announced, 'nothing announced');
  // The user's report is their own: none of the sample's findings.
  const dir = generate('after-rehearsal', ['--students', '100', '--oneroster', '1.2']);
  await page.setInputFiles('#file-input', filesOf(dir));
  await waitDone(page);
  assert.match(await page.textContent('#summary'), /Errors0Warnings0/);
  assert.match(await page.textContent('#groups'), /No problems found/);
  await context.close();
});

test('after a large check the engine\'s memory is given back while the report stays, and the next check works as before', async () => {
  const { context, page, log } = await open(browser, url);
  // Given back 0 ms after a check of any size (30 s after one of 64 MiB or more, normally).
  await page.evaluate(() => window.rostercheckReleaseAfter(0, 0));
  // The validation worker and the workers it started, as they are before the check.
  const workers = page.workers();
  assert.ok(workers.length >= 1);
  const ended = Promise.all(workers.map((w) => new Promise((resolve) => w.once('close', resolve))));
  const dir = generate('before-release', ['--students', '100', '--oneroster', '1.2']);
  await page.setInputFiles('#file-input', filesOf(dir));
  await waitDone(page);
  await page.waitForSelector('body[data-released="1"]', { state: 'attached', timeout: 30000 });
  await ended; // (their memory goes with them)
  assert.equal(await page.isVisible('#results'), true, 'the report is still shown');
  assert.match(await page.textContent('#summary'), /Errors0Warnings0/);
  // The fresh worker checks the next package (here, picked before it has even started).
  await page.setInputFiles('#file-input', filesOf(path.join(root, 'examples', 'sample-district')));
  await waitDone(page);
  assert.match(await page.textContent('#summary'), /Not ready to sync: 7 errors to fix/);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('a zip export is read, and a workbook dropped by mistake gets a clear message', async () => {
  const zip = path.join(tmp, 'OneRoster.zip');
  execFileSync(cli, ['generate', '--out', zip, '--students', '120', '--oneroster', '1.1'], { stdio: 'ignore' });
  const { context, page } = await open(browser, url);
  await page.setInputFiles('#file-input', [zip]);
  await waitDone(page);
  assert.match(await page.textContent('#summary'), /Ready to sync/);
  assert.match(await page.textContent('#files-table'), /enrollments\.csv/);

  await dropFiles(page, [{ name: 'users.xlsx', content: Buffer.from('PK\x03\x04\x14\x00\x06\x00rest of a workbook') }]);
  await page.waitForSelector('body[data-busy="false"]');
  await waitDone(page);
  await expandAll(page);
  assert.match(await page.textContent('#groups'), /users\.xlsx is an Excel workbook \(\.xlsx\) or a zip archive, not a CSV text file/);
  assert.match(await page.textContent('#groups'), /CSV UTF-8 \(Comma delimited\)/);
  await context.close();
});

test('a 200 MB file shows progress, keeps the page responsive, finishes, and can be cancelled', async () => {
  const dir = generate('big', ['--students', '440000', '--oneroster', '1.1']);
  const size = readdirSync(dir).reduce((n, f) => Math.max(n, readFileSync(path.join(dir, f)).length), 0);
  assert.ok(size >= 200e6, `largest file is ${size} bytes`);
  const { context, page } = await open(browser, url);
  // A heartbeat on the main thread: it keeps ticking only if the page is not blocked.
  await page.evaluate(() => { window.__beats = 0; setInterval(() => { window.__beats++; }, 50); });
  await page.setInputFiles('#file-input', filesOf(dir));
  const texts = new Set();
  let statusSeen = false;
  for (let i = 0; i < 400 && (await page.getAttribute('body', 'data-done')) !== 'true'; i++) {
    const t = await page.textContent('#progress-text');
    if (t) texts.add(t);
    statusSeen ||= (await page.textContent('#engine-status')) === 'Checking your files…';
    await page.waitForTimeout(100);
  }
  await waitDone(page, 600000);
  const beats = await page.evaluate(() => window.__beats);
  const seconds = await page.evaluate(() => document.querySelector('#summary').textContent.match(/Checked in ([\d.]+) s/)[1]);
  const total = readdirSync(dir).reduce((n, f) => n + readFileSync(path.join(dir, f)).length, 0);
  console.log(`# browser: ${(total / 1e6).toFixed(0)} MB in ${seconds} s = ${(total / 1e6 / Number(seconds)).toFixed(1)} MB/s; ${texts.size} progress updates seen; ${beats} heartbeats`);
  assert.ok(texts.size >= 3, `progress updates: ${[...texts].join(' | ')}`);
  assert.ok(statusSeen, 'the line under the drop zone never said the check had begun');
  assert.ok(beats >= 10, `the page stayed responsive (${beats} heartbeats)`);
  assert.match(await page.textContent('#summary'), /Ready to sync/);

  // Cancel mid-file: the work stops at once and the page is usable again.
  await page.setInputFiles('#file-input', filesOf(dir));
  await page.waitForFunction(() => /MB of/.test(document.querySelector('#progress-text').textContent));
  await page.click('#cancel');
  assert.equal(await page.isHidden('#progress'), true);
  assert.match(await page.textContent('#error'), /cancelled/);
  await page.waitForSelector('body[data-ready="true"]');
  await page.evaluate(() => { document.body.dataset.done = ''; });
  await page.click('#sample');
  await waitDone(page);
  assert.match(await page.textContent('#summary'), /7 errors/);
  await context.close();
});

test('file names and cells with HTML or formulas are shown as text, and exported safely', async () => {
  const { context, page } = await open(browser, url);
  await page.evaluate(() => { window.__xss = 0; });
  const base = path.join(root, 'crates', 'rostercheck-core', 'tests', 'fixtures', 'base-1.1');
  const files = readdirSync(base).map((name) => ({ name, content: readFileSync(path.join(base, name)) }));
  const users = files.find((f) => f.name === 'users.csv');
  // Values that end up in findings: a role, a grade, a boolean.
  users.content = Buffer.from(users.content.toString()
    .replace('p1,,,true,sch1,parent,', 'p1,,,=1+2,sch1,<img src=x onerror=window.__xss=1>,')
    .replace(',,,p1,09,', ',,,p1,<script>window.__xss=2</script>,'));
  files.push({ name: '<img src=x onerror="window.__xss=3">.csv', content: Buffer.from('a,b\n1,2\n') });
  await dropFiles(page, files);
  await waitDone(page);
  await expandAll(page);
  const text = await page.textContent('#results');
  assert.ok(text.includes('<script>window.__xss=2</script>'), 'the cell is shown as text');
  assert.ok(text.includes('<img src=x onerror=window.__xss=1>'), 'the cell is shown as text');
  assert.ok(text.includes('<img src=x onerror="window.__xss=3">.csv'), 'the file name is shown as text');
  assert.equal(await page.$$eval('#results img, #results script', (n) => n.length), 0);
  assert.equal(await page.evaluate(() => window.__xss), 0);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
  const content = readFileSync(await csv.path(), 'utf8');
  assert.ok(!/(^|,)"[=+\-@]/m.test(content), 'no cell starts with a formula character');
  assert.ok(content.includes('"\'=1+2"'), content);
  await context.close();
});

test('hostile zips give findings, and the page recovers from a crashed engine', async () => {
  const base = path.join(root, 'crates', 'rostercheck-core', 'tests', 'fixtures', 'base-1.1');
  const entries = readdirSync(base).map((name) => ({ name, content: readFileSync(path.join(base, name)) }));
  entries.find((e) => e.name === 'users.csv').encrypted = true;
  entries.push({ name: 'bomb.csv', content: Buffer.alloc(200 * 1024 * 1024) });
  entries.find((e) => e.name === 'demographics.csv').name = 'demographics.csv';
  const bombZip = path.join(tmp, 'hostile.zip');
  // The bomb is renamed so that it is read as a OneRoster file: courses.csv is dropped for it.
  const hostile = entries.filter((e) => e.name !== 'courses.csv').map((e) => (e.name === 'bomb.csv' ? { ...e, name: 'courses.csv' } : e));
  writeFileSync(bombZip, makeZip(hostile));
  const { context, page, log } = await open(browser, url);
  await page.setInputFiles('#file-input', [bombZip]);
  await waitDone(page);
  await expandAll(page);
  const groups = await page.textContent('#groups');
  assert.match(groups, /users\.csv could not be read: it is encrypted/);
  assert.match(groups, /courses\.csv could not be read: it would expand \d+-fold/);

  // A panic inside the engine: a clear message, a fresh worker, and the page works again.
  await page.evaluate(() => window.rostercheckSelfTest());
  await page.waitForFunction(() => /stopped unexpectedly/.test(document.querySelector('#error').textContent));
  assert.equal(await page.isHidden('#progress'), true);
  await page.evaluate(() => { document.body.dataset.done = 'false'; });
  await page.click('#sample');
  await waitDone(page);
  assert.match(await page.textContent('#summary'), /7 errors/);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('a zip entry cut short: the rows before the damage are checked, and the next entry is read', async () => {
  // Zip entries are inflated by a second worker in 1 MiB pieces: this entry spans several.
  const base = path.join(root, 'crates', 'rostercheck-core', 'tests', 'fixtures', 'base-1.1');
  const entries = readdirSync(base).map((name) => ({ name, content: readFileSync(path.join(base, name)) }));
  const enrollments = entries.find((e) => e.name === 'enrollments.csv');
  const lines = enrollments.content.toString().trimEnd().split('\n');
  lines.splice(2, 0, 'e-early,,,cl-alg1-1,sch1,s1,pupil,false,2025-08-15,2026-06-30');
  for (let i = 0; i < 100000; i++) lines.push(`e-${i},,,cl-alg1-1,sch1,s1,student,false,2025-08-15,2026-06-30`);
  enrollments.content = Buffer.from(`${lines.join('\n')}\n`);
  enrollments.truncate = 0.6;
  const demographics = entries.find((e) => e.name === 'demographics.csv');
  demographics.content = Buffer.concat([demographics.content, Buffer.from('ghost,,,2010-01-01,male,false,false,false,false,true,false,false,,,,\n')]);
  const zip = path.join(tmp, 'cut-short.zip');
  writeFileSync(zip, makeZip(entries));
  const { context, page, log } = await open(browser, url);
  await page.setInputFiles('#file-input', [zip]);
  await waitDone(page);
  await expandAll(page);
  const groups = await page.textContent('#groups');
  assert.match(groups, /enrollments\.csv could not be read: the zip entry is damaged or cut short/);
  assert.match(groups, /pupil/, 'a row before the damage was checked');
  assert.match(groups, /ghost/, 'the entry after the damaged one was read');
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('the page requests only its own static files, nothing after loading, and stores nothing', async () => {
  const { context, page, log } = await open(browser, url);
  await page.waitForLoadState('networkidle');
  const origin = new URL(url).origin;
  const assets = new Set(readdirSync(path.join(root, 'dist')));
  for (const r of log.requests) {
    const u = new URL(r.url);
    if (u.protocol === 'blob:') continue; // the worker's bootstrap, made in the page
    assert.equal(u.origin, origin, r.url);
    const file = u.pathname.slice(1) || 'index.html';
    assert.ok(assets.has(file), `${r.url} is a static asset`);
  }
  const loaded = log.requests.length;
  await page.click('#sample');
  await waitDone(page);
  await page.setInputFiles('#file-input', filesOf(path.join(root, 'examples', 'sample-district')));
  await page.waitForTimeout(500);
  await waitDone(page);
  const after = log.requests.slice(loaded).filter((r) => !r.url.startsWith('blob:'));
  assert.deepEqual(after.map((r) => r.url), [], 'no request after the page loaded');
  const storage = await page.evaluate(async () => ({
    local: localStorage.length, session: sessionStorage.length, cookie: document.cookie,
    idb: (await indexedDB.databases()).length, caches: (await caches.keys()).length,
  }));
  assert.deepEqual(storage, { local: 0, session: 0, cookie: '', idb: 0, caches: 0 });
  // The policy forbids connections: a request from the page context is blocked.
  const blocked = await page.evaluate(async () => {
    try { await fetch('https://example.com/collect', { method: 'POST', body: 'x' }); return false; } catch { return true; }
  });
  assert.equal(blocked, true);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('axe-core finds no accessibility violations on the start page and on a report', async () => {
  const axe = readFileSync(path.join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  // axe is injected by the test; the page's policy would rightly refuse it.
  const { context, page } = await open(browser, url, { bypassCSP: true });
  const run = async () => {
    await page.addScriptTag({ content: axe });
    return page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`));
  };
  assert.deepEqual(await run(), []);
  await page.click('#sample');
  await waitDone(page);
  await expandAll(page);
  assert.deepEqual(await run(), []);
  await page.click('details.group[data-code="OR309"] >> text=What does this mean?');
  assert.deepEqual(await run(), []);
  await context.close();
});

test('works from a sub-path, and offline once loaded', async () => {
  const sub = await startServer('/tools/rostercheck/');
  try {
    const { context, page, log } = await open(browser, sub.url);
    console.log(`# time to ready: ${log.readyMs} ms`);
    await context.setOffline(true);
    await page.click('#sample');
    await waitDone(page);
    assert.match(await page.textContent('#summary'), /7 errors/);
    const files = readdirSync(path.join(root, 'crates', 'rostercheck-core', 'tests', 'fixtures', 'base-1.2'));
    await page.setInputFiles('#file-input', files.map((f) => path.join(root, 'crates', 'rostercheck-core', 'tests', 'fixtures', 'base-1.2', f)));
    await page.waitForFunction(() => document.body.dataset.busy === 'false');
    await waitDone(page);
    assert.match(await page.textContent('#summary'), /Ready to sync/);
    assert.deepEqual(log.errors, []);
    await context.close();
  } finally {
    sub.server.close();
  }
});
