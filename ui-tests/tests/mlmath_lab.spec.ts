/**
 * Smoke tests: JupyterLab starts with the extension, and the course notebook from the
 * student workspace opens and runs. These need only what exists today (the activation message
 * and the check library's text/html output).
 */
import { expect, test } from '@jupyterlab/galata';

import {
  cellIndex,
  cellLocator,
  EXERCISES,
  gradedTestCells,
  MOCK_SETTINGS,
  NOTEBOOK,
  openCourseNotebook,
  waitForKernelIdle
} from './utils';

test.use({ mockSettings: MOCK_SETTINGS });

test.describe('activation', () => {
  /**
   * Don't load JupyterLab before the test starts, so that every console message is captured.
   */
  test.use({ autoGoto: false });

  test('emits the activation message on the console', async ({ page }) => {
    const logs: string[] = [];
    page.on('console', message => {
      logs.push(message.text());
    });

    await page.goto();

    expect(
      logs.filter(s => s === 'mlmath-lab extension is activated')
    ).toHaveLength(1);
  });
});

test('the mlmath-lab plugin is activated', async ({ page }) => {
  expect(
    await page.evaluate(() =>
      window.jupyterapp.isPluginActivated('mlmath-lab:plugin')
    )
  ).toBe(true);
});

test('the workspace holds the course notebook', async ({ page }) => {
  const response = await page.request.get(
    `/api/contents/${NOTEBOOK}?content=0`
  );
  expect(response.ok()).toBe(true);
  expect((await response.json()).type).toBe('notebook');
});

test('opens the course notebook with its exercise cells', async ({
  page
}, testInfo) => {
  await openCourseNotebook(page);

  await expect(
    page.getByRole('main').getByRole('tab', { name: /^linear_algebra\.ipynb/ })
  ).toBeVisible();
  // The release version: every exercise's graded test cell, in order.
  expect(await gradedTestCells(page)).toEqual(EXERCISES);

  // The first exercise is rendered: its heading, its stub and its visible check.
  const solution = await cellIndex(page, 'dot_loop_solution');
  await expect(cellLocator(page, solution)).toContainText(
    'def dot_loop(u, v):'
  );
  await expect(cellLocator(page, solution)).toContainText(
    'raise NotImplementedError()'
  );
  await expect(cellLocator(page, solution + 1)).toContainText(
    'check("01-linear-algebra/dot_loop", dot_loop)'
  );
  await expect(
    page
      .locator('.jp-NotebookPanel:visible .jp-MarkdownCell')
      .filter({ hasText: 'Exercise 1 — dot product with a loop' })
  ).toBeVisible();

  const screenshot = await page.screenshot({
    path: process.env.MLMATH_LAB_UI_SCREENSHOT || undefined
  });
  await testInfo.attach('notebook', {
    body: screenshot,
    contentType: 'image/png'
  });
});

test('opening a course notebook does not mark it modified', async ({
  page
}) => {
  await openCourseNotebook(page);
  // The kernel's language_info and kernelspec reach the notebook once the kernel is up: a
  // notebook that already holds them is left as it is, so leaving it asks nothing.
  await waitForKernelIdle(page);
  const tab = page
    .getByRole('main')
    .getByRole('tab', { name: /^linear_algebra\.ipynb/ });
  await expect(tab).toBeVisible();
  await page.waitForTimeout(1500);
  await expect(tab).not.toHaveClass(/jp-mod-dirty/);
  expect(
    await page.evaluate(() => {
      const panel = window.jupyterapp.shell.currentWidget as any;
      return panel.context.model.dirty;
    })
  ).toBe(false);
});

test('running the dot_loop test cell on the stub says "not implemented yet"', async ({
  page
}) => {
  await openCourseNotebook(page);
  const solution = await cellIndex(page, 'dot_loop_solution');
  const testCell = await cellIndex(page, 'dot_loop');

  // Define the stub, then run the locked test cell, as a student would.
  expect(await page.notebook.runCell(solution)).toBe(true);
  expect(await page.notebook.runCell(testCell)).toBe(true);

  // With or without the extension's MIME renderer, the result says so in words.
  const output = cellLocator(page, testCell).locator('.jp-OutputArea');
  await expect(output).toContainText('not implemented yet', {
    timeout: 60_000
  });
  await expect(output).toContainText('dot_loop');
});
