// What the service keeps on disk (DATA_DIR: the embedded database, its key files, mail written as
// files, uploads while they arrive) holds personal data: created for its owner only, whatever the
// process's umask (a mode can only lose bits to the umask, never gain them), and a folder another
// user can read is reported at start (docs/security.md, D14).
import { mkdirSync, statSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Whether a folder that exists lets other users in (group or others may read, write or enter it). */
export function openToOthers(dir: string): boolean {
  try {
    return (statSync(dir).mode & 0o077) !== 0;
  } catch {
    return false;
  }
}
