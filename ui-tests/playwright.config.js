/**
 * Playwright configuration for the mlmath-lab UI tests, based on the default
 * configuration of @jupyterlab/galata.
 *
 * The browser is the system's Chromium (Debian package `chromium`): Playwright never
 * downloads one here (install with PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1). Set CHROMIUM_PATH
 * to use another executable.
 */

const baseConfig = require('@jupyterlab/galata/lib/playwright-config');
const { findChromium, CHROMIUM_ARGS } = require('./chromium');

const CI = !!process.env.CI;
const PORT = 8888;

module.exports = {
  ...baseConfig,
  // One JupyterLab server and one course notebook are shared by all tests: run them one at
  // a time, in file order.
  workers: 1,
  fullyParallel: false,
  retries: CI ? 1 : 0,
  // A check starts a kernel that imports numpy and torch: slow on a 2-core machine.
  timeout: 120 * 1000,
  expect: { timeout: 30 * 1000 },
  // The whole run is bounded, whatever hangs.
  globalTimeout: 40 * 60 * 1000,
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    ...baseConfig.use,
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    actionTimeout: 30 * 1000,
    navigationTimeout: 60 * 1000,
    // Videos need Playwright's own ffmpeg, which is not installed.
    video: 'off',
    screenshot: 'only-on-failure',
    trace: 'retain-on-first-failure',
    launchOptions: {
      executablePath: findChromium(),
      args: CHROMIUM_ARGS
    }
  },
  webServer: {
    // prepare_workspace.py makes a fresh student workspace, then starts jupyter lab on it.
    command: 'jlpm start',
    url: `http://127.0.0.1:${PORT}/lab`,
    timeout: 180 * 1000,
    reuseExistingServer: !CI,
    // The server's log goes to <MLMATH_LAB_UI_DIR>/server.log (default
    // /tmp/mlmath-lab-ui-tests/server.log); set MLMATH_LAB_UI_SERVER_LOG= (empty) to see
    // it in the test output instead.
    env: {
      ...process.env,
      MLMATH_LAB_UI_SERVER_LOG:
        process.env.MLMATH_LAB_UI_SERVER_LOG ?? 'server.log'
    },
    stdout: 'pipe',
    stderr: 'pipe',
    // Let jupyter shut its kernels down before the process group is killed.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10 * 1000 }
  }
};
