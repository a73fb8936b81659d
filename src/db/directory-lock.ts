// A lock file holding the owner's pid, so a second process cannot open the same embedded database.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireDirectoryLock(file: string): () => void {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
        throw new Error(`the embedded database in ${file.replace(/pgdata\.lock$/, '')} is already open in process ${owner}; stop it first or use another DATA_DIR`);
      }
      // The owner died without cleaning up (crash, SIGKILL): take the lock over.
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${file}`);
}
