// Text a client typed that we show back to others.

/**
 * Without control and format characters (Unicode Cc, Cf): bidi overrides and isolates (U+202A–202E,
 * U+2066–2069) that make "报告‮fdp.exe" read as "报告exe.pdf", zero-width spaces and joiners, the
 * BOM. Kept out of file names as stored and shown (docs/security.md, D12).
 */
export function withoutInvisibles(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, '');
}
