// The page: hands files to the worker, shows progress, and renders the report. Every value
// from a roster file is inserted as text (textContent), never as HTML.

const $ = (id) => document.getElementById(id);
const MAX_ROWS_PER_GROUP = 200;
const SEVERITIES = ['error', 'warning', 'info'];
const SEVERITY_LABEL = { error: 'Error', warning: 'Warning', info: 'Info' };

const READY_TEXT = 'Ready. Nothing you check is uploaded.';

let worker = null;
let rules = new Map();
let state = null;
/** The worker's rehearsal (it checks the built-in sample while the page waits): its messages
 *  until 'rehearsed' are not the user's check, and its report is laid out unseen. */
let rehearsal = null;
/** WebAssembly memory never shrinks: after a check whose engine grew past this much, the page
 *  gives the memory back once the report has been left alone for RELEASE_AFTER_MS, by replacing
 *  the worker (and with it the part worker) with a fresh one. A city's check leaves about
 *  250 MiB in the two. (Not at once: a second check soon after would wait for the fresh
 *  worker's start.) */
let RELEASE_FROM_BYTES = 64 * 2 ** 20;
let RELEASE_AFTER_MS = 30000;
let releaseTimer = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

/** Text with `code` spans, built from text nodes only (never parsed as HTML). */
function rich(tag, cls, text) {
  const node = el(tag, { class: cls });
  String(text ?? '').split('`').forEach((part, i) => {
    if (part) node.append(i % 2 ? el('code', { text: part }) : document.createTextNode(part));
  });
  return node;
}

// One formatter for every number: toLocaleString builds one per call (8 ms for a report's overview).
const numberFormat = new Intl.NumberFormat('en-US');
const number = (n) => numberFormat.format(Number(n));
const plural = (n, word) => `${number(n)} ${word}${n === 1 ? '' : 's'}`;
function size(bytes) {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} KB`;
  return `${bytes} bytes`;
}

// ---------------------------------------------------------------- worker

function startWorker() {
  // A module worker created from a blob: URL inherits this page's Content-Security-Policy, so
  // the no-connection rule holds inside the worker too, on any static host.
  const url = new URL('./worker.js', import.meta.url).href;
  const blob = new Blob([`import ${JSON.stringify(url)};`], { type: 'text/javascript' });
  worker = new Worker(URL.createObjectURL(blob), { type: 'module', name: 'rostercheck' });
  rehearsal = { items: [] };
  worker.onmessage = ({ data }) => onMessage(data);
  worker.onerror = (e) => {
    fail(`The checker stopped unexpectedly${e.message ? ` (${e.message})` : ''}. It has been restarted: choose your files again.`);
    restartWorker();
  };
}

function restartWorker() {
  if (worker) worker.terminate();
  setBusy(false);
  startWorker();
}

function onMessage(m) {
  if (rehearsal && ['plan', 'progress', 'fileDone', 'diagnostics', 'done', 'rehearsed'].includes(m.type)) {
    onRehearsal(m);
    return;
  }
  switch (m.type) {
    case 'ready':
      rules = new Map(m.rules.map((r) => [r.code, r]));
      $('version').textContent = m.version;
      $('engine-status').textContent = READY_TEXT;
      document.body.dataset.ready = 'true';
      break;
    case 'plan': onPlan(m); break;
    case 'diagnostics': onDiagnostics(JSON.parse(m.batch)); break;
    case 'progress': onProgress(m); break;
    case 'fileDone': onFileDone(m); break;
    case 'done': onDone(m); break;
    case 'error':
      fail(m.message);
      // A failure during a check poisons the engine (a wasm trap): start a fresh worker. A
      // failure while starting would fail again, so it is only reported.
      if (document.body.dataset.ready === 'true') restartWorker();
      break;
  }
}

// ---------------------------------------------------------------- input

function validate(inputs) {
  if (!inputs.length) return;
  // Posted first: the worker starts while this page resets its state (the worker's messages
  // are handled only after this task).
  worker.postMessage({ type: 'validate', inputs, maxPerRule: 1000 });
  begin();
}

/** The line under the drop zone says a check has begun, the sample button turns off and
 *  screen readers are told, from this long after a check begins: one that ends sooner goes
 *  straight to its report, with nothing painted meanwhile. Without a GPU a frame costs the
 *  browser 10–15 ms of CPU (style, layout, raster, compositing the page) beside the checking
 *  workers on two cores: with the line changed at once, a 10 MB package's check (0.1–0.13 s)
 *  took 1.03 times as long (17 of 24 tight pairs). A response within 0.15 s still feels
 *  immediate. */
const BUSY_SHOWN_AFTER_MS = 150;

function begin() {
  clearTimeout(releaseTimer);
  clearTimeout(state?.paintTimer);
  clearTimeout(state?.busyTimer);
  state = { items: [], files: new Map(), started: performance.now(), lastAnnounce: 0, paintTimer: null, lastPaint: 0, latest: null, fileBytes: new Map() };
  document.body.dataset.done = 'false';
  $('error').hidden = true;
  $('results').hidden = true;
  // The card shows with the first paint of the progress (PROGRESS_FIRST_PAINT_MS); before it,
  // from BUSY_SHOWN_AFTER_MS, the line under the drop zone says the check has begun.
  $('progress').hidden = true;
  state.busyTimer = setTimeout(showBusy, BUSY_SHOWN_AFTER_MS);
  $('progress-files').replaceChildren();
  $('overall-bar').value = 0;
  $('progress-text').textContent = 'Reading the files…';
  $('progress-name').textContent = '';
  setBusy(true);
  scheduleProgress();
}

function setBusy(busy) {
  const status = $('engine-status');
  if (!busy && document.body.dataset.ready === 'true' && status.textContent !== READY_TEXT) status.textContent = READY_TEXT;
  // (The file inputs are not seen; the sample button is, so it is turned off with the line
  // that says why: showBusy. Until then a click on it is ignored.)
  for (const id of ['file-input', 'folder-input']) $(id).disabled = busy;
  if (!busy) {
    clearTimeout(state?.busyTimer);
    $('sample').disabled = false;
  }
  document.body.dataset.busy = busy ? 'true' : 'false';
}

function showBusy() {
  if (document.body.dataset.busy !== 'true') return;
  $('engine-status').textContent = 'Checking your files…';
  $('sample').disabled = true;
  $('announcer').textContent = 'Checking started.';
}

/** Files from a drop, including the contents of dropped folders. */
async function droppedInputs(dataTransfer) {
  const entries = [...dataTransfer.items].map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null));
  if (entries.some((e) => e && e.isDirectory)) {
    const out = [];
    const walk = async (entry) => {
      if (entry.isFile) {
        const file = await new Promise((ok, ko) => entry.file(ok, ko));
        out.push({ file, path: file.name });
      } else if (entry.isDirectory) {
        const reader = entry.createReader();
        for (;;) {
          const batch = await new Promise((ok, ko) => reader.readEntries(ok, ko));
          if (!batch.length) break;
          for (const e of batch) await walk(e);
        }
      }
    };
    for (const e of entries) if (e) await walk(e);
    return out;
  }
  return [...dataTransfer.files].map((file) => ({ file, path: file.name }));
}

function wireInput() {
  const drop = $('drop');
  for (const type of ['dragenter', 'dragover']) {
    document.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add('over'); });
  }
  document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) drop.classList.remove('over'); });
  document.addEventListener('drop', async (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (document.body.dataset.busy === 'true') return;
    validate(await droppedInputs(e.dataTransfer));
  });
  $('file-input').addEventListener('change', (e) => {
    validate([...e.target.files].map((file) => ({ file, path: file.name })));
    e.target.value = '';
  });
  $('folder-input').addEventListener('change', (e) => {
    // A chosen folder is a package: its files are checked by name, whatever folder they are in.
    validate([...e.target.files].map((file) => ({ file, path: file.name })));
    e.target.value = '';
  });
  $('sample').addEventListener('click', () => {
    if (document.body.dataset.busy === 'true') return;
    worker.postMessage({ type: 'sample' });
    begin();
  });
  $('cancel').addEventListener('click', () => {
    restartWorker();
    $('progress').hidden = true;
    $('announcer').textContent = 'Checking cancelled.';
    fail('Checking cancelled. Nothing was kept; choose files to start again.', 'status');
  });
}

// ---------------------------------------------------------------- progress

/** The progress card (with its Cancel button and a bar per file) is painted first this long
 *  after a check begins, then at most every PROGRESS_PAINT_EVERY_MS: the worker's messages only
 *  update `state`. Until then the line under the drop zone says the check has begun (from
 *  BUSY_SHOWN_AFTER_MS), and a package checked sooner goes straight to its report (a progress
 *  bar helps from about a second on). The page shares the two cores with the checking workers, and painting costs
 *  them: with the card painted at once and then on every message, a 10 MB package (0.1–0.2 s)
 *  took 8–10% longer (20 of 24 tight pairs) and the district (0.3–0.4 s) 3–4% (the card
 *  appearing moves the page below it, 21 ms of raster without a GPU). */
const PROGRESS_FIRST_PAINT_MS = 500;
const PROGRESS_PAINT_EVERY_MS = 100;

function onPlan(m) {
  state.plan = m.files;
  scheduleProgress();
}

function onProgress(m) {
  state.latest = m;
  state.fileBytes.set(m.name, m.fileBytes);
  scheduleProgress();
}

function onFileDone(m) {
  state.fileBytes.set(m.name, Infinity);
  scheduleProgress();
}

function scheduleProgress() {
  if (state.paintTimer !== null) return;
  const now = performance.now();
  const at = Math.max(state.started + PROGRESS_FIRST_PAINT_MS, state.lastPaint + PROGRESS_PAINT_EVERY_MS);
  // (A new check clears this timer: see begin.)
  state.paintTimer = setTimeout(() => {
    state.paintTimer = null;
    if (document.body.dataset.busy === 'true') paintProgress();
  }, Math.max(0, at - now));
}

function paintProgress() {
  state.lastPaint = performance.now();
  $('progress').hidden = false;
  if (state.plan && !state.files.size) {
    const list = $('progress-files');
    for (const f of state.plan) {
      const bar = el('progress', { max: Math.max(f.size, 1), value: 0, 'aria-label': `${f.name} progress` });
      const stateText = el('span', { class: 'state', text: 'waiting' });
      list.append(el('li', {}, el('span', { text: f.name }), bar, stateText));
      state.files.set(f.name, { bar, stateText, size: f.size, shown: 0 });
    }
  }
  for (const [name, bytes] of state.fileBytes) {
    const f = state.files.get(name);
    if (!f || f.shown === bytes) continue;
    f.shown = bytes;
    if (bytes === Infinity) {
      f.bar.value = f.bar.max;
      f.stateText.textContent = 'done';
    } else {
      f.bar.value = bytes;
      f.stateText.textContent = `${Math.round((100 * bytes) / Math.max(f.size, 1))}%`;
    }
  }
  const m = state.latest;
  if (!m) return;
  $('progress-name').textContent = m.name;
  $('overall-bar').value = m.totalBytes ? m.doneBytes / m.totalBytes : 0;
  const rate = m.seconds > 0 ? m.rows / m.seconds : 0;
  const mbps = m.seconds > 0 ? m.doneBytes / 1e6 / m.seconds : 0;
  $('progress-text').textContent =
    `${size(m.doneBytes)} of ${size(m.totalBytes)} · ${number(m.rows)} rows · ${number(Math.round(rate))} rows/s (${mbps.toFixed(0)} MB/s)`;
  const now = performance.now();
  if (now - state.lastAnnounce > 5000) {
    state.lastAnnounce = now;
    $('announcer').textContent = `Checking ${m.name}: ${Math.round(100 * ($('overall-bar').value))}% done.`;
  }
}

function onDiagnostics(items) {
  state.items.push(...items);
}

// ---------------------------------------------------------------- results

function onDone(m) {
  setBusy(false);
  state.reportText = m.report;
  state.csvText = m.csv;
  state.report = JSON.parse(m.report);
  state.seconds = m.seconds;
  $('progress').hidden = true;
  renderResults();
  const s = state.report.summary;
  $('announcer').textContent = `Checking finished: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}.`;
  $('results').hidden = false;
  $('summary').focus();
  // Files checked by both workers at once (for tests and benchmarks).
  document.body.dataset.parts = String(m.parts ?? 0);
  document.body.dataset.done = 'true';
  if (m.memoryBytes >= RELEASE_FROM_BYTES) releaseTimer = setTimeout(releaseMemory, RELEASE_AFTER_MS);
}

function releaseMemory() {
  if (document.body.dataset.busy === 'true') return;
  restartWorker();
  document.body.dataset.released = String(Number(document.body.dataset.released ?? 0) + 1); // (for a test)
}

function onRehearsal(m) {
  if (m.type === 'diagnostics') rehearsal.items.push(...JSON.parse(m.batch));
  else if (m.type === 'done') layOutUnseen({ items: rehearsal.items, report: JSON.parse(m.report) });
  else if (m.type === 'rehearsed') {
    rehearsal = null;
    document.body.dataset.rehearsed = 'true'; // (for a test)
  }
}

/** Renders a report and lays it out without showing it (or telling screen readers), then hides
 *  it again: the browser's font and style caches are warm for the user's report. Not while a
 *  report is shown. */
function layOutUnseen(report) {
  const results = $('results');
  if (!results.hidden) return;
  const current = state;
  state = report;
  results.classList.add('unseen');
  results.hidden = false;
  try {
    renderResults();
    results.getBoundingClientRect();
  } finally {
    results.hidden = true;
    results.classList.remove('unseen');
    state = current;
  }
}

function fail(message, role = 'alert') {
  setBusy(false);
  const box = $('error');
  box.setAttribute('role', role);
  box.textContent = message;
  box.hidden = false;
  if (state) $('progress').hidden = true;
}

function renderResults() {
  renderSummary();
  renderFiles();
  renderOverview();
  renderFilters();
  renderGroups();
}

function renderSummary() {
  const { summary: s, package: p } = state.report;
  const ok = s.errors === 0;
  const modes = [...new Set(p.files.map((f) => f.mode).filter(Boolean))].join(' and ') || 'unknown';
  const verdict = el('div', {},
    el('p', { class: `verdict ${ok ? 'ok' : 'bad'}`, text: ok ? '✓ Ready to sync' : `✗ Not ready to sync: ${plural(s.errors, 'error')} to fix` }),
    el('p', { class: 'verdict-sub', text: ok
      ? (s.warnings ? `No errors. Review the ${plural(s.warnings, 'warning')}: some apps reject what they point at.` : 'No problems found.')
      : 'Consumers such as ClassLink and Amplify will reject or drop the records listed below.' }),
  );
  const stat = (cls, label, value) => el('div', { class: `stat ${cls}` }, el('dt', { text: label }), el('dd', { text: value }));
  const version = p.version ? `${p.version}${p.versionSource === 'inferred' ? ' (inferred)' : ''}` : '?';
  const stats = el('dl', { class: 'stats' },
    stat('error', 'Errors', number(s.errors)),
    stat('warning', 'Warnings', number(s.warnings)),
    stat('info', 'Information', number(s.infos)),
    stat('', 'Files', number(s.files)),
    stat('', 'Rows', number(s.rows)),
    stat('', 'OneRoster', version),
    stat('', 'Mode', modes),
  );
  const secs = state.seconds ? el('p', { class: 'small muted', text: `Checked in ${state.seconds.toFixed(1)} s, in this browser.` }) : null;
  const summary = $('summary');
  summary.setAttribute('tabindex', '-1');
  summary.replaceChildren(el('div', {}, el('h2', { id: 'results-title', text: 'Result' }), verdict, secs), stats);

}

function countsBy(items, key) {
  const m = new Map();
  for (const d of items) {
    const k = key(d);
    const c = m.get(k) || { error: 0, warning: 0, info: 0 };
    c[d.severity]++;
    m.set(k, c);
  }
  return m;
}

function renderFiles() {
  const { package: p } = state.report;
  const byFile = countsBy(state.items, (d) => d.file);
  const table = $('files-table');
  const head = el('tr', {}, el('th', { scope: 'col', text: 'File' }), el('th', { scope: 'col', text: 'Mode' }),
    el('th', { scope: 'col', class: 'num', text: 'Rows' }), el('th', { scope: 'col', text: 'Status' }));
  const rows = p.files.map((f) => {
    const c = byFile.get(f.name) || { error: 0, warning: 0, info: 0 };
    let status;
    if (!f.checked) status = el('span', { class: 'status-bad', text: 'could not be read' });
    else if (c.error) status = el('span', { class: 'status-bad', text: plural(c.error, 'error') + (c.warning ? `, ${plural(c.warning, 'warning')}` : '') });
    else if (c.warning) status = el('span', { class: 'status-warn', text: plural(c.warning, 'warning') });
    else status = el('span', { class: 'status-ok', text: '✓ no problems' });
    return el('tr', {}, el('th', { scope: 'row', text: f.name }), el('td', { text: f.mode || '—' }),
      el('td', { class: 'num', text: number(f.rows) }), el('td', {}, status));
  });
  table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
}

function renderOverview() {
  const o = state.report.package.overview;
  const box = $('overview');
  if (!o || (!o.schools.length && !o.students)) {
    box.replaceChildren(el('p', { class: 'muted', text: 'No schools or people found to summarise.' }));
    return;
  }
  const totals = el('p', { class: 'small', text:
    `${plural(o.schools.length, 'school')} · ${plural(o.students, 'student')} · ${plural(o.teachers, 'teacher')} · ${plural(o.classes, 'class').replace('classs', 'classes')} · ${plural(o.enrollments, 'enrollment')}` });
  const shown = o.schools.slice(0, 50);
  const table = el('table', { class: 'table' },
    el('caption', { class: 'visually-hidden', text: 'Schools with their students, teachers and classes' }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'School' }), el('th', { scope: 'col', class: 'num', text: 'Students' }),
      el('th', { scope: 'col', class: 'num', text: 'Teachers' }), el('th', { scope: 'col', class: 'num', text: 'Classes' }))),
    el('tbody', {}, ...shown.map((s) => el('tr', {},
      el('th', { scope: 'row' }, document.createTextNode(s.name || s.sourcedId), el('br'), el('span', { class: 'small muted', text: s.sourcedId })),
      el('td', { class: 'num', text: number(s.students) }), el('td', { class: 'num', text: number(s.teachers) }),
      el('td', { class: 'num', text: number(s.classes) })))));
  const more = o.schools.length > shown.length ? el('p', { class: 'small muted', text: `… and ${number(o.schools.length - shown.length)} more schools (all in the downloads).` }) : null;
  const max = Math.max(1, ...o.grades.map((g) => g.students));
  const grades = o.grades.length ? el('div', {},
    el('h3', { class: 'small', text: 'Students per grade' }),
    el('div', { class: 'bars', role: 'list' }, ...o.grades.map((g) => el('div', { class: 'bar-row', role: 'listitem' },
      el('span', { text: g.grade }),
      el('span', { class: 'bar-track', 'aria-hidden': 'true' }, barOf(g.students / max)),
      el('span', { class: 'num', text: number(g.students) }))))) : null;
  box.replaceChildren(...[totals, el('div', { class: 'table-wrap' }, table), more, grades].filter(Boolean));
}

function barOf(fraction) {
  const bar = el('span', { class: 'bar' });
  bar.style.display = 'block';
  bar.style.width = `${Math.max(1, Math.round(fraction * 100))}%`;
  return bar;
}

function renderFilters() {
  const files = [...new Set(state.items.map((d) => d.file || '(package)'))];
  const codes = [...new Set(state.items.map((d) => d.code))].sort();
  $('filter-file').replaceChildren(el('option', { value: '', text: 'All files' }), ...files.map((f) => el('option', { value: f, text: f })));
  $('filter-rule').replaceChildren(el('option', { value: '', text: 'All rules' }),
    ...codes.map((c) => el('option', { value: c, text: `${c} ${rules.get(c)?.name ?? ''}` })));
}

function filtered() {
  const shown = new Set(SEVERITIES.filter((s) => $(`show-${s}`).checked));
  const file = $('filter-file').value;
  const code = $('filter-rule').value;
  return state.items.filter((d) => shown.has(d.severity) && (!file || (d.file || '(package)') === file) && (!code || d.code === code));
}

function renderGroups() {
  const items = filtered();
  const groups = new Map();
  for (const d of items) {
    if (!groups.has(d.code)) groups.set(d.code, []);
    groups.get(d.code).push(d);
  }
  const order = [...groups.entries()].sort(([a, x], [b, y]) =>
    SEVERITIES.indexOf(x[0].severity) - SEVERITIES.indexOf(y[0].severity) || a.localeCompare(b));
  const listedTotal = state.items.length;
  const omitted = state.report.summary.omitted;
  $('findings-count').textContent = items.length === listedTotal
    ? `${plural(items.length, 'finding')} in ${plural(order.length, 'group')}${omitted ? ` (${number(omitted)} more are counted but not listed)` : ''}.`
    : `Showing ${number(items.length)} of ${plural(listedTotal, 'finding')}.`;
  const box = $('groups');
  if (!order.length) {
    box.replaceChildren(el('p', { class: 'status-ok', text: state.items.length ? 'No findings match these filters.' : '✓ No problems found.' }));
    return;
  }
  box.replaceChildren(...order.map(([code, list]) => renderGroup(code, list)));
}

function renderGroup(code, list) {
  const first = list[0];
  const rule = rules.get(code);
  const files = [...new Set(list.map((d) => d.file || 'package'))];
  const details = el('details', { class: 'group', 'data-code': code });
  const summary = el('summary', {},
    el('span', { class: `badge ${first.severity}`, text: SEVERITY_LABEL[first.severity] }),
    el('span', { class: 'count', text: `×${number(list.length)}` }),
    el('span', { class: 'group-title' }, document.createTextNode(`${rule?.summary ?? first.rule} `),
      el('span', { class: 'rule-name', text: `${code} ${first.rule} · ${files.join(', ')}` })),
  );
  details.append(summary);
  details.addEventListener('toggle', () => {
    if (details.open && !details.dataset.filled) {
      details.dataset.filled = 'true';
      details.append(renderGroupBody(code, list));
    }
  });
  return details;
}

function renderGroupBody(code, list) {
  const tools = el('div', { class: 'group-tools' },
    rich('p', 'small muted', rules.get(code)?.why ?? ''),
    el('button', { type: 'button', class: 'button', onclick: () => explain(code), text: 'What does this mean?' }));
  const shown = list.slice(0, MAX_ROWS_PER_GROUP);
  const ul = el('ul', { class: 'finding-list' }, ...shown.map(renderFinding));
  const more = list.length > shown.length
    ? el('p', { class: 'more', text: `… and ${number(list.length - shown.length)} more. Download the JSON or CSV report for all of them.` }) : null;
  return el('div', { class: 'group-body' }, tools, ul, more);
}

function renderFinding(d) {
  const where = el('div', { class: 'where' });
  where.append(el('strong', { text: d.file || 'package' }));
  if (d.line != null) where.append(el('br'), document.createTextNode(`line ${number(d.line)}`));
  if (d.column != null) where.append(document.createTextNode(`, column ${d.column}`));
  if (d.field) where.append(el('br'), el('code', { text: d.field }));
  const body = el('div', {}, rich('p', 'message', d.message), rich('p', 'fix', d.help));
  const li = el('li', { class: 'finding' }, where, body);
  if (d.raw) li.append(el('pre', { class: 'raw', 'aria-label': 'The line in the file', text: d.raw }));
  return li;
}

function explain(code) {
  const r = rules.get(code);
  if (!r) return;
  const panel = $('explain');
  $('explain-title').textContent = `${r.code} ${r.name}: ${r.summary}`;
  const section = (title, text) => [el('h3', { text: title }), rich('p', '', text)];
  $('explain-body').replaceChildren(
    ...section('What it checks', r.what), ...section('Why it matters', r.why), ...section('Example', r.example),
    ...section('How to fix', r.fix), ...section('Spec', r.spec));
  panel.hidden = false;
  panel.dataset.returnFocus = document.activeElement ? '1' : '';
  state.returnFocus = document.activeElement;
  panel.focus();
}

function closeExplain() {
  $('explain').hidden = true;
  state?.returnFocus?.focus?.();
}

// ---------------------------------------------------------------- downloads

function download(name, type, content) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function wireResults() {
  for (const id of ['show-error', 'show-warning', 'show-info', 'filter-file', 'filter-rule']) $(id).addEventListener('change', renderGroups);
  $('download-json').addEventListener('click', () => download('rostercheck-report.json', 'application/json', state.reportText));
  $('download-csv').addEventListener('click', () => download('rostercheck-report.csv', 'text/csv;charset=utf-8', state.csvText));
  $('print').addEventListener('click', () => window.print());
  window.addEventListener('beforeprint', () => {
    for (const d of document.querySelectorAll('details.group')) {
      d.dataset.wasOpen = d.open ? '1' : '';
      d.open = true;
    }
  });
  window.addEventListener('afterprint', () => {
    for (const d of document.querySelectorAll('details.group')) d.open = d.dataset.wasOpen === '1';
  });
  $('explain-close').addEventListener('click', closeExplain);
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !$('explain').hidden) closeExplain(); });
}

wireInput();
wireResults();
startWorker();
// For the recovery test: makes the engine panic on purpose, as a bug would.
window.rostercheckSelfTest = () => { begin(); worker.postMessage({ type: 'selftest-panic' }); };
/** For tests: the part worker stops answering, as if it had hung. */
window.rostercheckStallParts = (silenceMs) => worker.postMessage({ type: 'selftest-stall-parts', silenceMs });
/** For tests: the share of the file checked ahead that the validation worker takes (0: none, 1:
 *  all), instead of the share balanced by speed. */
window.rostercheckAheadShare = (share) => worker.postMessage({ type: 'selftest-ahead-share', share });
/** For tests: the size from which a file is split as it begins (so that a small package takes
 *  the paths of a city's files). */
window.rostercheckSplitFrom = (bytes) => worker.postMessage({ type: 'selftest-split-from', bytes });
/** For tests: when the engine's memory is given back after a check (see RELEASE_FROM_BYTES). */
window.rostercheckReleaseAfter = (ms, fromBytes) => { RELEASE_AFTER_MS = ms; RELEASE_FROM_BYTES = fromBytes; };
