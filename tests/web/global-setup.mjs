// Starts tests/web/web_test_env (database, SMTP sink readable over HTTP, the real server) and
// hands its addresses to the tests through process.env.PARCOURS_WEB_ENV; stops it afterwards.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function globalSetup() {
  const helper = process.env.PARCOURS_WEB_TEST_ENV;
  if (!helper || !existsSync(helper)) throw new Error('PARCOURS_WEB_TEST_ENV must name the built web_test_env');
  const dir = mkdtempSync(join(tmpdir(), 'parcours-web-'));
  const out = join(dir, 'env.json');
  const child = spawn(helper, [out], { stdio: ['ignore', 'inherit', 'inherit'] });
  let exited = null;
  child.on('exit', (code) => { exited = code; });
  const deadline = Date.now() + 60_000;
  while (!existsSync(out)) {
    if (exited !== null) throw new Error(`web_test_env exited with ${exited}`);
    if (Date.now() > deadline) throw new Error('web_test_env did not start within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  process.env.PARCOURS_WEB_ENV = readFileSync(out, 'utf8');
  return async () => {
    if (exited === null) {
      const done = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      await done;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
