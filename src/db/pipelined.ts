// Statements of one transaction that do not depend on each other, sent together: postgres.js writes
// them to the transaction's connection in one go and PostgreSQL runs them in that order, a round trip
// for all of them instead of one each. PGlite runs them one after another.

/**
 * Waits for every statement, then fails with the first failure in the order given (a later statement
 * of a failed transaction fails only because the transaction is aborted). Waiting for all means the
 * caller's transaction cannot end, and roll back, while one of them is still on its way.
 */
export async function pipelined<T extends readonly unknown[] | []>(statements: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled: PromiseSettledResult<unknown>[] = await Promise.allSettled(statements as readonly unknown[]);
  const values: unknown[] = [];
  for (const s of settled) {
    if (s.status === 'rejected') throw s.reason;
    values.push(s.value);
  }
  return values as { -readonly [K in keyof T]: Awaited<T[K]> };
}
