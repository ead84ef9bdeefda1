/**
 * Playwright configuration of the Binder check (tests/test_binder.py runs it): one scenario in
 * the system's Chromium against a JupyterLab server that the pytest test started the way Binder
 * starts it (binder/start, then the server command). No webServer here: the server is given by
 *
 *   MLMATH_LAB_BINDER_URL    e.g. http://127.0.0.1:40123
 *   MLMATH_LAB_BINDER_TOKEN  the server's token
 *
 * The scenario file is named *.binder.ts, not *.spec.ts, so that the Galata suite
 * (ui-tests/playwright.config.js, whose test folder is all of ui-tests/) never picks it up.
 */
const path = require('path');
const { findChromium, CHROMIUM_ARGS } = require('../chromium');

const BASE_URL = process.env.MLMATH_LAB_BINDER_URL;
if (!BASE_URL || !process.env.MLMATH_LAB_BINDER_TOKEN) {
  throw new Error(
    'ui-tests/binder: set MLMATH_LAB_BINDER_URL and MLMATH_LAB_BINDER_TOKEN ' +
      '(python -m pytest tests/test_binder.py starts the server and sets them)'
  );
}

module.exports = {
  testDir: __dirname,
  testMatch: '*.binder.ts',
  workers: 1,
  retries: 0,
  // The first check starts a kernel that imports numpy and torch: slow on 2 cores.
  timeout: 240 * 1000,
  expect: { timeout: 30 * 1000 },
  globalTimeout: 8 * 60 * 1000,
  reporter: [['list']],
  outputDir:
    process.env.MLMATH_LAB_BINDER_ARTIFACTS ||
    path.join(__dirname, '..', 'test-results', 'binder'),
  use: {
    baseURL: BASE_URL,
    browserName: 'chromium',
    viewport: { width: 1280, height: 900 },
    actionTimeout: 30 * 1000,
    navigationTimeout: 60 * 1000,
    // Videos need Playwright's own ffmpeg, which is not installed.
    video: 'off',
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: findChromium(),
      args: CHROMIUM_ARGS
    }
  }
};
