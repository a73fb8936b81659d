// A fresh PostgreSQL database for a benchmark, dropped afterwards.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { buildApp } from '../../src/app.js';
import { manualClock } from '../../src/calendar/clock.js';
import { loadConfig } from '../../src/config/config.js';

export async function freshPostgres(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `ogi_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = postgres(baseUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export function requirePostgres(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('Set DATABASE_URL to a PostgreSQL server the benchmark may create databases on, e.g.\n  DATABASE_URL=postgres://root@127.0.0.1:5432/test');
    process.exit(2);
  }
  return url;
}

/** The service in this process on a bench database: no demo data, no limits, quiet, a known administrator, the clock set to `now`. */
export async function benchApp(databaseUrl: string, now: string) {
  const config = {
    ...loadConfig({}),
    databaseUrl,
    demoData: false,
    rateLimitPerMinute: 0,
    logLevel: 'warn' as const,
    adminEmail: 'admin@bench.local',
    adminPassword: 'bench-password-1',
  };
  return buildApp({ config, clock: manualClock(now) });
}
