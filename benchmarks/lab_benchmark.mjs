#!/usr/bin/env node
/**
 * What the extension costs and how fast a check feels, measured in Debian's Chromium.
 *
 *   bash benchmarks/run_lab_benchmark.sh [--clicks 25] [--loads 7]
 *
 * 1. Start-up: JupyterLab is loaded `--loads` times with the extension and as many times with
 *    it disabled (alternating, same server settings, fresh browser context each time); the
 *    time from navigation to `app.restored` is compared. Target: ≤ 5 % more with it.
 * 2. Check latency: with dot_loop solved, the Check button is clicked `--clicks` times; the
 *    time from the click to the rendered result is the median. The anchor, measured in the
 *    same run, is running the same test cell by hand (Shift+Enter's command) until its output
 *    is rendered. Target: median ≤ 100 ms.
 * 3. Bundle: the size of the built extension (mlmath_lab/labextension/static).
 *
 * Servers run on 127.0.0.1 (ports 8901/8902) and are stopped at the end.
 */
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const require = createRequire(path.join(repo, 'ui-tests', 'package.json'));
const { chromium } = require('playwright-core');
const { findChromium, CHROMIUM_ARGS } = require('./chromium.js');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const CLICKS = option('clicks', 25);
const LOADS = option('loads', 7);
const SOLUTION = `def dot_loop(u, v):
    if len(u) != len(v):
        raise ValueError("lengths differ")
    total = 0.0
    for a, b in zip(u, v):
        total += a * b
    return total
`;

const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = ms => `${ms.toFixed(1)} ms`;

function prepareWorkspace(root) {
  const workspace = path.join(root, 'workspace');
  execFileSync(
    'mlmath-lab',
    [
      'lab',
      '--prepare-only',
      `--course-dir=${path.join(repo, 'assignments')}`,
      `--workspace=${workspace}`
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] }
  );
  return workspace;
}

async function startServer(root, name, port, withExtension) {
  const configDir = path.join(root, name, 'config');
  fs.mkdirSync(path.join(configDir, 'labconfig'), { recursive: true });
  // The only difference between the two servers: the frontend extension is disabled here.
  fs.writeFileSync(
    path.join(configDir, 'labconfig', 'page_config.json'),
    JSON.stringify({
      disabledExtensions: withExtension ? {} : { 'mlmath-lab': true }
    })
  );
  const log = fs.openSync(path.join(root, `${name}.log`), 'w');
  const server = spawn(
    'jupyter',
    [
      'lab',
      '--no-browser',
      '--ServerApp.ip=127.0.0.1',
      `--ServerApp.port=${port}`,
      '--ServerApp.port_retries=0',
      '--ServerApp.allow_root=True',
      '--IdentityProvider.token=',
      '--ServerApp.password=',
      '--ServerApp.disable_check_xsrf=True',
      `--ServerApp.root_dir=${path.join(root, 'workspace')}`,
      '--LabApp.expose_app_in_browser=True',
      `--LabApp.user_settings_dir=${path.join(root, name, 'settings')}`,
      `--LabApp.workspaces_dir=${path.join(root, name, 'workspaces')}`
    ],
    {
      env: {
        ...process.env,
        JUPYTER_CONFIG_DIR: configDir,
        JUPYTER_DATA_DIR: path.join(root, name, 'data'),
        JUPYTER_PREFER_ENV_PATH: '1'
      },
      stdio: ['ignore', log, log],
      detached: true
    }
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/api/status`);
      if (response.ok) {
        break;
      }
    } catch {
      // not up yet
    }
    if (server.exitCode !== null || Date.now() > deadline) {
      throw new Error(`${name} server did not start; see ${root}/${name}.log`);
    }
    await new Promise(r => setTimeout(r, 300));
  }
  return { url, stop: () => process.kill(-server.pid, 'SIGTERM') };
}

async function timeToRestored(browser, url) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 }
  });
  const page = await context.newPage();
  await page.goto(`${url}/lab`);
  await page.waitForFunction(() => window.jupyterapp !== undefined, null, {
    timeout: 60_000
  });
  const ms = await page.evaluate(() =>
    window.jupyterapp.restored.then(() => performance.now())
  );
  await context.close();
  return ms;
}

async function openSolvedNotebook(browser, url) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 }
  });
  const page = await context.newPage();
  await page.goto(`${url}/lab/tree/01-linear-algebra/linear_algebra.ipynb`);
  await page.waitForFunction(() => window.jupyterapp !== undefined);
  await page.evaluate(() => window.jupyterapp.restored);
  await page.waitForSelector(
    'button.mlmath-lab-check-button[data-exercise-id="01-linear-algebra/dot_loop"]',
    { timeout: 60_000 }
  );
  // Type the solution into the model (as an edit would) and wait for an idle kernel.
  await page.evaluate(async solution => {
    const panel = window.jupyterapp.shell.currentWidget;
    await panel.sessionContext.ready;
    const cells = panel.content.model.cells;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells.get(i);
      if (cell.getMetadata('nbgrader')?.grade_id === 'dot_loop_solution') {
        cell.sharedModel.setSource(solution);
      }
    }
  }, SOLUTION);
  await page.waitForFunction(
    () =>
      window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel
        ?.status === 'idle',
    null,
    { timeout: 60_000 }
  );
  return { context, page };
}

/** Click the Check button; resolve with ms from the click to the rendered "passed" result. */
function clickToResult(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const id = '01-linear-algebra/dot_loop';
        const button = document.querySelector(
          `button.mlmath-lab-check-button[data-exercise-id="${id}"]`
        );
        const cell = button.closest('.jp-Cell');
        let changed = false;
        const observer = new MutationObserver(() => {
          changed = true;
          const result = cell.querySelector(
            `.mlmath-lab-check-result[data-exercise-id="${id}"]`
          );
          if (result?.dataset.status === 'passed') {
            observer.disconnect();
            // the frame the student sees
            requestAnimationFrame(() => resolve(performance.now() - start));
          } else if (result && result.dataset.status !== 'busy' && changed) {
            observer.disconnect();
            reject(new Error(`check ended as ${result.dataset.status}`));
          }
        });
        observer.observe(cell, {
          subtree: true,
          childList: true,
          attributes: true,
          characterData: true
        });
        const start = performance.now();
        button.click();
        setTimeout(() => reject(new Error('no result within 30 s')), 30_000);
      })
  );
}

/** Run dot_loop's test cell by hand; resolve with ms until its output is rendered. */
function runTestCellByHand(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const app = window.jupyterapp;
        const notebook = app.shell.currentWidget.content;
        const index = notebook.widgets.findIndex(
          c => c.model.getMetadata('nbgrader')?.grade_id === 'dot_loop'
        );
        notebook.activeCellIndex = index;
        const cell = notebook.widgets[index];
        const before = cell.model.executionCount;
        const observer = new MutationObserver(() => {
          const out = cell.node.querySelector('.jp-OutputArea-output');
          if (out && cell.model.executionCount !== before) {
            observer.disconnect();
            requestAnimationFrame(() => resolve(performance.now() - start));
          }
        });
        observer.observe(cell.node, { subtree: true, childList: true });
        const start = performance.now();
        void app.commands.execute('notebook:run-cell');
        setTimeout(() => reject(new Error('no output within 30 s')), 30_000);
      })
  );
}

function bundleSize() {
  const dir = path.join(repo, 'mlmath_lab', 'labextension', 'static');
  let raw = 0;
  let gz = 0;
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.js')) {
      continue;
    }
    const data = fs.readFileSync(path.join(dir, name));
    raw += data.length;
    gz += zlib.gzipSync(data).length;
  }
  return { raw, gz };
}

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlmath-lab-bench-'));
  prepareWorkspace(root);
  const withExt = await startServer(root, 'with', 8901, true);
  const withoutExt = await startServer(root, 'without', 8902, false);
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: CHROMIUM_ARGS
  });
  try {
    // warm both servers (first page load compiles templates, fills caches)
    await timeToRestored(browser, withExt.url);
    await timeToRestored(browser, withoutExt.url);
    const loadsWith = [];
    const loadsWithout = [];
    for (let i = 0; i < LOADS; i++) {
      loadsWithout.push(await timeToRestored(browser, withoutExt.url));
      loadsWith.push(await timeToRestored(browser, withExt.url));
    }

    const { context, page } = await openSolvedNotebook(browser, withExt.url);
    await clickToResult(page); // warm-up: the first check imports the library and torch
    await runTestCellByHand(page);
    const clicks = [];
    const byHand = [];
    for (let i = 0; i < CLICKS; i++) {
      clicks.push(await clickToResult(page));
      byHand.push(await runTestCellByHand(page));
    }
    await context.close();

    const startWith = median(loadsWith);
    const startWithout = median(loadsWithout);
    const click = median(clicks);
    const hand = median(byHand);
    const size = bundleSize();
    console.log(`JupyterLab ready (median of ${LOADS} loads, app.restored):`);
    console.log(`  without the extension  ${fmt(startWithout)}`);
    console.log(`  with the extension     ${fmt(startWith)}`);
    console.log(
      `  ratio with/without     ${(startWith / startWithout).toFixed(3)}  (target <= 1.05)`
    );
    console.log(`Check latency, dot_loop solved (median of ${CLICKS}):`);
    console.log(
      `  click -> result        ${fmt(click)}  (min ${fmt(Math.min(...clicks))}, max ${fmt(Math.max(...clicks))}; target <= 100 ms)`
    );
    console.log(`  anchor: run the test cell by hand -> output  ${fmt(hand)}`);
    console.log(`  ratio click/by hand    ${(click / hand).toFixed(3)}`);
    console.log(
      `Extension bundle: ${(size.raw / 1024).toFixed(1)} KiB of JavaScript, ${(size.gz / 1024).toFixed(1)} KiB gzipped`
    );
  } finally {
    await browser.close();
    withExt.stop();
    withoutExt.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
