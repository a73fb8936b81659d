// Runs background jobs every SCHEDULER_INTERVAL_MS, and a job at once when woken (the mail worker,
// when mail was queued). Stopping waits for the run in progress, so a SIGTERM never cuts a sweep in
// half (a SIGKILL may; the database rolls that batch back).
import type { FastifyBaseLogger } from 'fastify';

export type Job = { name: string; runOnce(): Promise<unknown> };

export function createScheduler(args: { intervalMs: number; log: FastifyBaseLogger; jobs: Job[] }) {
  let interval: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let started = false;
  let stopped = false;
  /** Jobs to run: each runs once however often it is asked for before it starts. */
  const wanted = new Set<string>();

  function run(names: string[]): void {
    if (!started || stopped) return;
    for (const name of names) wanted.add(name);
    if (running) return;
    running = (async () => {
      // In rounds, in the jobs' order, so a job woken again and again never keeps the others waiting.
      while (wanted.size) {
        for (const job of args.jobs.filter((j) => wanted.has(j.name))) {
          if (stopped) return;
          wanted.delete(job.name);
          try {
            await job.runOnce();
          } catch (err) {
            args.log.error({ err, job: job.name }, 'background job failed; it runs again next interval');
          }
        }
      }
    })().finally(() => {
      running = null;
    });
  }

  const everyJob = args.jobs.map((j) => j.name);
  return {
    start(): void {
      if (started || stopped) return;
      started = true;
      interval = setInterval(() => run(everyJob), args.intervalMs);
      run(everyJob);
    },
    /** Runs the job as soon as the one in progress, if any, is done; nothing before `start`. */
    wake(name: string): void {
      run([name]);
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
