// Group commit: work that arrives while a transaction of the same kind is under way waits for it and
// then goes in the next transaction together with everything else that arrived meanwhile. One
// arriving alone starts at once, so a quiet system adds no delay; a busy one writes dozens of items
// with the statements (and the commit) of one.
//
// If a group's transaction fails, each of its items is tried again in a transaction of its own, so one
// item's failure (a duplicate form, say) is reported to that item only and the others are kept.

export type GroupCommit<T, R> = {
  /** Resolves with the item's result once its transaction has committed. */
  run(item: T): Promise<R>;
};

export function createGroupCommit<T, R>(options: {
  /** Writes the items in one transaction; returns one result per item, in the same order. */
  commit(items: T[]): Promise<R[]>;
  /** Largest group. */
  maxItems: number;
  /** A group takes no further item once their weights (say, bytes of attachments) would pass this; a heavy item goes alone. */
  maxWeight?: number;
  weightOf?: (item: T) => number;
  /** Groups under way at once (each holds one database connection). */
  concurrency: number;
}): GroupCommit<T, R> {
  type Waiting = { item: T; resolve(r: R): void; reject(e: unknown): void };
  const queue: Waiting[] = [];
  let running = 0;

  async function commitAlone(w: Waiting): Promise<void> {
    try {
      const [result] = await options.commit([w.item]);
      w.resolve(result as R);
    } catch (err) {
      w.reject(err);
    }
  }

  async function drain(): Promise<void> {
    running += 1;
    try {
      while (queue.length) {
        let count = 0;
        let weight = 0;
        for (const w of queue) {
          const next = options.weightOf?.(w.item) ?? 0;
          if (count === options.maxItems || (count > 0 && weight + next > (options.maxWeight ?? Infinity))) break;
          count += 1;
          weight += next;
        }
        const group = queue.splice(0, count);
        if (group.length === 1) {
          await commitAlone(group[0]!);
          continue;
        }
        let results: R[];
        try {
          results = await options.commit(group.map((w) => w.item));
        } catch {
          await Promise.all(group.map(commitAlone));
          continue;
        }
        group.forEach((w, i) => w.resolve(results[i] as R));
      }
    } finally {
      running -= 1;
    }
  }

  return {
    run(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (running < options.concurrency) void drain();
      });
    },
  };
}
