// Playwright drives Debian's chromium (no browser download) against the real server that
// global-setup.mjs starts with a throw-away database. Run through tests/web/run.sh (ctest).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.mjs',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  globalSetup: './global-setup.mjs',
  outputDir: process.env.PARCOURS_WEB_RESULTS || 'results',
  use: {
    headless: true,
    // The site's default language; language.spec.mjs sets its own.
    locale: 'fr-FR',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.PARCOURS_CHROMIUM || '/usr/bin/chromium',
      // Root needs --no-sandbox; the rest keeps chromium from calling out or doing more than needed.
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
             '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    },
  },
});
