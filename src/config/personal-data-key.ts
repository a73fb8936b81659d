// Where the key that seals identity numbers comes from (src/requests/personal-data.ts):
// PERSONAL_DATA_KEY when set; else, for the embedded database, a key file next to it under DATA_DIR
// (created on first start, readable by this user only; a backup of DATA_DIR holds both); for an
// in-memory database, a key for the life of the process. PostgreSQL without PERSONAL_DATA_KEY has
// none: its instances share no directory, and a key kept in the database would protect nothing.
// PERSONAL_DATA_PREVIOUS_KEY, when the key is being changed, comes along (requests/personal-data.service.ts).
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, keyFromHex, type Config } from './config.js';
import { makePrivateDir } from './private-files.js';

export const KEY_FILE = 'personal-data.key';

export type KeySource = {
  key: Buffer | null;
  from: 'PERSONAL_DATA_KEY' | 'file' | 'memory' | 'none';
  file?: string;
  /** PERSONAL_DATA_PREVIOUS_KEY: the numbers sealed with it are sealed anew with `key` at start. */
  previous: Buffer | null;
};

const processKey = randomBytes(32);

export function personalDataKeySource(config: Config): KeySource {
  const previous = config.personalDataPreviousKey;
  if (config.personalDataKey) return { key: config.personalDataKey, from: 'PERSONAL_DATA_KEY', previous };
  if (config.databaseUrl) return { key: null, from: 'none', previous: null };
  if (config.inMemoryDatabase) return { key: processKey, from: 'memory', previous };
  const file = path.join(config.dataDir, KEY_FILE);
  return { key: readOrCreateKeyFile(file), from: 'file', file, previous };
}

function readOrCreateKeyFile(file: string): Buffer {
  try {
    const key = keyFromHex(readFileSync(file, 'utf8').trim());
    if (!key) throw new ConfigError([`${file}: not a key (64 hexadecimal digits); restore it from a backup of DATA_DIR`]);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // Written aside, then linked into place: a second process never reads half a key, and never
  // replaces one that another process has just written.
  makePrivateDir(path.dirname(file));
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(temp, { force: true });
  }
  return readOrCreateKeyFile(file);
}
