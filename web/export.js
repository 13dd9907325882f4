// The CSV download: one row per finding, safe to open in Excel. A cell that starts with
// = + - @ tab or carriage return would be read as a formula, so it gets a leading apostrophe.

const COLUMNS = ['severity', 'code', 'rule', 'file', 'line', 'column', 'field', 'value', 'message', 'help'];

export function neutralise(value) {
  const text = value === null || value === undefined ? '' : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function cell(value) {
  return `"${neutralise(value).replaceAll('"', '""')}"`;
}

export function reportToCsv(report) {
  const lines = [COLUMNS.join(',')];
  for (const d of report.diagnostics) lines.push(COLUMNS.map((c) => cell(d[c])).join(','));
  // The byte-order mark makes Excel read the file as UTF-8.
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
