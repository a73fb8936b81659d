// The documentation a clone carries is complete and current: the workflow document is what the code
// generates, every relative link leads somewhere, nothing points outside the repository, the README
// stays a front door, and no two source files share a name.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { workflowDocument } from '../scripts/workflow-doc.js';
import { PROJECT_ROOT } from '../src/config/paths.js';

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: PROJECT_ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && existsSync(path.join(PROJECT_ROOT, f)));
const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');

t.test('docs/workflow.md is what `npm run docs:workflow` writes from the machine and the rule table', async (t) => {
  t.equal(read('docs/workflow.md'), workflowDocument(), 'current (run npm run docs:workflow after changing src/workflow/)');
});

t.test('every relative link in the Markdown files leads to a file of the repository', async (t) => {
  for (const file of files.filter((f) => f.endsWith('.md'))) {
    for (const [, target] of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:|#)/.test(target!)) continue;
      const resolved = path.join(PROJECT_ROOT, path.dirname(file), target!.split('#')[0]!);
      t.ok(existsSync(resolved), `${file} → ${target}`);
    }
  }
});

t.test('nothing in the repository depends on files outside it', async (t) => {
  const text = files.filter((f) => !/\.(png|jpg|ico|woff2?|ttf|otf|gz)$/.test(f) && f !== 'package-lock.json' && statSync(path.join(PROJECT_ROOT, f)).size < 2_000_000);
  const outside = text.filter((f) => /\.\.\/shared|shared\/spec/.test(read(f)) && f !== 'test/docs.test.ts');
  t.same(outside, [], 'no file refers to the spec folder beside the repository');
});

t.test('the README is a front door: at most 8 KB', async (t) => {
  t.ok(Buffer.byteLength(read('README.md')) <= 8 * 1024, `${Buffer.byteLength(read('README.md'))} bytes`);
  t.ok(existsSync(path.join(PROJECT_ROOT, 'LICENSE')), 'a LICENSE');
});

t.test('no two source files share a name', async (t) => {
  const sources = files.filter((f) => /^(src|test|bench|scripts|db)\/.*\.ts$/.test(f));
  const byName = new Map<string, string[]>();
  for (const f of sources) byName.set(path.basename(f), [...(byName.get(path.basename(f)) ?? []), f]);
  t.same(
    [...byName.values()].filter((list) => list.length > 1),
    [],
  );
});
