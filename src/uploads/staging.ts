// Files arrive on disk, never whole in memory (docs/security.md, D4): each file part of a multipart
// body is written to a staging folder as it arrives, hashed and measured on the way, its first bytes
// kept for recognising its type; from there it is stored in the database in chunks
// (requests/cases.repository.ts, insertAttachments), where every instance reads it. Staged files
// are removed when the request has been answered, whatever became of it.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config/config.js';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../config/private-files.js';
import { AppError } from '../common/errors.js';
import type { ByteBudgets } from '../throttling/byte-budgets.js';

/** A file as staged: where it is, how big, its SHA-256 and its first bytes (type sniffing reads only these). */
export type StagedFile = { path: string; size: number; sha256: string; head: Buffer };

/** How many of a file's first bytes are kept for recognising its type (an OOXML file's first entries included). */
export const HEAD_BYTES = 64 * 1024;

/** DATA_DIR/uploads; a folder of this process's under the system's temporary one when there is no DATA_DIR (an in-memory database: tests). */
export function stagingDir(config: Config): string {
  return config.inMemoryDatabase ? path.join(os.tmpdir(), `ogi-uploads-${process.pid}`) : path.join(config.dataDir, 'uploads');
}

export const uploadsLimited = (retryAfter: number) => new AppError(429, 'uploads.rate_limited', '上传过于频繁，请稍后再提交附件', { retryAfter: String(retryAfter) });

/**
 * Writes `stream` to a new file under `dir` (owner-only), taking the bytes from the client's budget
 * as they arrive; a budget run out stops the upload (429) and the partial file is removed.
 */
export async function stage(stream: Readable, args: { dir: string; client: string; budgets: ByteBudgets }): Promise<StagedFile> {
  makePrivateDir(args.dir);
  const file = path.join(args.dir, `${Date.now().toString(36)}-${randomBytes(8).toString('hex')}`);
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let size = 0;
  let headSize = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      const wait = args.budgets.take(args.client, chunk.length);
      if (wait !== null) return done(uploadsLimited(wait));
      size += chunk.length;
      hash.update(chunk);
      if (headSize < HEAD_BYTES) {
        const part = chunk.subarray(0, HEAD_BYTES - headSize);
        head.push(Buffer.from(part));
        headSize += part.length;
      }
      done(null, chunk);
    },
  });
  try {
    await pipeline(stream, meter, createWriteStream(file, { mode: PRIVATE_FILE_MODE }));
  } catch (err) {
    await rm(file, { force: true });
    throw err;
  }
  return { path: file, size, sha256: hash.digest('hex'), head: Buffer.concat(head) };
}

export async function removeStaged(files: { path: string }[]): Promise<void> {
  await Promise.all(files.map((f) => rm(f.path, { force: true })));
}

/**
 * At start: staged files older than a request can last (2 minutes; 10 allowed) were left by a process
 * that stopped mid-request, and are removed. Newer ones may be another instance's at work.
 */
export async function removeAbandoned(dir: string, now: number): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (info?.isFile() && now - info.mtimeMs > 10 * 60_000) {
      await rm(file, { force: true });
      removed += 1;
    }
  }
  return removed;
}
