// DOCX and XLSX files are zip archives: one of a few kilobytes can unpack to gigabytes (a zip bomb)
// in whatever opens it later, a clerk's office suite or a converter. Before one is accepted its
// central directory is read (from the end of the staged file; nothing is unpacked) and the sizes it
// declares are checked (docs/security.md, D16).
import yauzl from 'yauzl';

/** At most this much unpacked, in all… */
export const MAX_UNPACKED_BYTES = 200 * 1024 * 1024;
/** …at most this many times the archive's size (an ordinary document packs text 3–20 times)… */
export const MAX_RATIO = 100;
/** …in at most this many entries. */
export const MAX_ENTRIES = 10_000;

/** Why an archive is refused, or null when it may be accepted. */
export async function archiveProblem(file: { path: string; size: number }): Promise<string | null> {
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(file.path, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z!))),
    );
  } catch {
    return '文件已损坏，无法读取其内容';
  }
  return new Promise((resolve) => {
    let unpacked = 0;
    let entries = 0;
    const done = (problem: string | null) => {
      zip.close();
      resolve(problem);
    };
    zip.on('entry', (entry: yauzl.Entry) => {
      entries += 1;
      unpacked += entry.uncompressedSize;
      if (entries > MAX_ENTRIES) return done(`文件包含的部件过多（超过 ${MAX_ENTRIES} 个）`);
      if (unpacked > MAX_UNPACKED_BYTES) return done(`文件解压后超过 ${MAX_UNPACKED_BYTES / 1024 / 1024} MB，请另存为 PDF 后上传`);
      if (unpacked > MAX_RATIO * Math.max(file.size, 1)) return done(`文件的压缩比异常（解压后超过原文件的 ${MAX_RATIO} 倍），请另存为 PDF 后上传`);
      zip.readEntry();
    });
    zip.on('end', () => done(null));
    zip.on('error', () => done('文件已损坏，无法读取其内容'));
    zip.readEntry();
  });
}
