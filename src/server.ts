// The process: read the configuration, build the app, listen, and close gracefully on SIGTERM/SIGINT.
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config/config.js';

async function main(): Promise<void> {
  let config;
  let app;
  try {
    config = loadConfig();
    // Some configuration errors show only once the database is open: a key that does not fit its data.
    app = await buildApp({ config });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  if (app.ogi.generatedAdmin) {
    const { email, password } = app.ogi.generatedAdmin;
    // Printed once, on the start that created the account; it is stored only as a hash.
    console.log(`\n  已创建管理员账号 / administrator created:\n    ${email}\n    ${password}\n  请登录后立即修改密码。\n`);
  }
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing work in hand');
    try {
      await app.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  app.ogi.scheduler.start();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
