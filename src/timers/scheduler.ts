// Runs background jobs every SCHEDULER_INTERVAL_MS. Stopping waits for the run in progress, so a
// SIGTERM never cuts a sweep in half (a SIGKILL may; the database rolls that batch back).
import type { FastifyBaseLogger } from 'fastify';

export type Job = { name: string; runOnce(): Promise<unknown> };

export function createScheduler(args: { intervalMs: number; log: FastifyBaseLogger; jobs: Job[] }) {
  let interval: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  function tick(): void {
    if (running || stopped) return;
    running = (async () => {
      for (const job of args.jobs) {
        if (stopped) return;
        try {
          await job.runOnce();
        } catch (err) {
          args.log.error({ err, job: job.name }, 'background job failed; it runs again next interval');
        }
      }
    })().finally(() => {
      running = null;
    });
  }

  return {
    start(): void {
      if (interval || stopped) return;
      interval = setInterval(tick, args.intervalMs);
      tick();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (interval) clearInterval(interval);
      interval = null;
      await running;
    },
  };
}
export type Scheduler = ReturnType<typeof createScheduler>;
