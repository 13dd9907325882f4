// The build's own steps that need no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutCommentLines } from '../../scripts/build.mjs';

test('the shipped scripts lose their comment lines and nothing else', () => {
  // A block followed by code stays whole (the code after it must not be swallowed with the
  // next block).
  assert.equal(withoutCommentLines('/* a */ code1();\n/** b */\nx();\n'), '/* a */ code1();\nx();\n');
  assert.equal(withoutCommentLines('  // c\nkeep(); // d\n/**\n * e\n */\nf();\n'), 'keep(); // d\nf();\n');
  assert.equal(withoutCommentLines('s = "http://x";\nt = 1; /* y */\n'), 's = "http://x";\nt = 1; /* y */\n');
});
