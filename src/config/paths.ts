// Where the project's own files are, whether running from src/ (tsx) or from a build under dist/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'db', 'migrations');
export const TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');
/** Files shipped with the code that are not code: the PDF fonts. */
export const FONTS_DIR = path.join(PROJECT_ROOT, 'assets', 'fonts');
/** The demo data set (demo/*.json): loaded into an empty database unless DEMO_DATA=0. */
export const DEMO_DIR = path.join(PROJECT_ROOT, 'demo');
