// Search by any two or more characters, inside words: Chinese has no spaces between words, and a
// clerk looking for "补贴" must find "农机购置补贴申请". Both the desk's queue and the reading room
// keep the character bigrams of their text (ogi_bigrams, migration 0022) under a GIN index; a query
// finds the rows holding every bigram of its words, then keeps those where each word appears as
// typed. Word segmentation would miss words a dictionary lacks; trigrams cannot serve two characters.
import { and, sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/** The words of a query: white space (ASCII or full-width) separates them; at most 10 are used. */
export function searchWords(q: string): string[] {
  return q
    .trim()
    .split(/[\s\u3000]+/)
    .filter(Boolean)
    .slice(0, 10);
}

/** A query the index can serve: some word of two or more characters. */
export function searchable(q: string): boolean {
  return searchWords(q).some((w) => [...w].length >= 2);
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * A word its bigram finds exactly: two characters, neither one ogi_bigrams splits at (this class is
 * wider than the function's: a word it leaves out is only rechecked, never missed).
 */
function foundExactly(word: string): boolean {
  return [...word].length === 2 && !/[\s\p{P}\p{S}]/u.test(word);
}

/**
 * The condition "holds every word of q": `bigrams` is the indexed array (or a subquery's), `text` the
 * text it was built from, rechecked for each word longer than two characters so that bigrams found
 * apart do not make a match. A two-character word is its bigram: no recheck, and the planner, which
 * cannot estimate a substring test, estimates the bigram from the index's statistics (it then walks
 * the list in order instead of sorting every match). A query of single characters has no bigrams: it
 * is only the substring test (a scan of the scope).
 */
export function matchesWords(args: { bigrams: (query: SQL) => SQL; text: SQLWrapper; q: string }): SQL {
  const words = searchWords(args.q);
  return and(
    searchable(args.q) ? args.bigrams(sql`ogi_bigrams(${words.join(' ')})`) : undefined,
    ...words.filter((w) => !foundExactly(w)).map((w) => sql`${args.text} ilike ${`%${escapeLike(w)}%`}`),
  )!;
}
