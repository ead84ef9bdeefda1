/**
 * The inline Check button on every exercise's solution cell, its result view, and the check
 * commands.
 *
 * DOM contract: see tests/utils.ts and ui-tests/README.md.
 */
import { expect, galata, test } from '@jupyterlab/galata';

import {
  cellIndex,
  cellLocator,
  checkButton,
  checkResult,
  clickCheck,
  codeCellState,
  COMMANDS,
  DOT_LOOP_SLEEPING,
  DOT_LOOP_SOLUTION,
  execute,
  EXERCISES,
  kernelId,
  MOCK_SETTINGS,
  NOTEBOOK,
  openCourseNotebook,
  openRoadmap,
  roadmapExercise,
  scrollToCell,
  setCellSource,
  setSetting,
  SOFTMAX_WITHOUT_MAX,
  solveAndCheckDotLoop,
  UNMOCKED_KERNELS,
  waitForKernelIdle
} from './utils';

test.use({ mockSettings: MOCK_SETTINGS });

/** A check runs in a kernel that may still be starting and importing numpy and torch. */
const CHECK_TIMEOUT = 60_000;

test('every exercise has a Check button in its solution cell', async ({
  page
}) => {
  await openCourseNotebook(page);
  for (const gradeId of EXERCISES) {
    const solution = await cellIndex(page, `${gradeId}_solution`);
    await scrollToCell(page, solution);
    await expect(
      cellLocator(page, solution).locator(
        `button.mlmath-lab-check-button[data-exercise-id="01-linear-algebra/${gradeId}"]`
      )
    ).toBeVisible();
  }
  // Not only on the active cell: the first and the last exercise at the same time.
  await expect(checkButton(page, 'dot_loop')).toHaveCount(1);
  await expect(checkButton(page, 'rank_k_approx')).toHaveCount(1);
});

test.describe('in a fully windowed notebook', () => {
  test.use({
    mockSettings: {
      ...MOCK_SETTINGS,
      '@jupyterlab/notebook-extension:tracker': {
        ...galata.DEFAULT_SETTINGS['@jupyterlab/notebook-extension:tracker'],
        windowingMode: 'full'
      }
    }
  });

  test('cells scrolled into view get their Check button', async ({ page }) => {
    await openCourseNotebook(page);
    for (const gradeId of ['rank_k_approx', 'dot_loop', 'softmax']) {
      const solution = await cellIndex(page, `${gradeId}_solution`);
      await scrollToCell(page, solution);
      await expect(
        cellLocator(page, solution).locator('button.mlmath-lab-check-button')
      ).toHaveAttribute('data-exercise-id', `01-linear-algebra/${gradeId}`);
    }
  });
});

test('Check on the dot_loop stub says "not implemented yet"', async ({
  page
}) => {
  await openCourseNotebook(page);
  const result = await clickCheck(
    page,
    'dot_loop',
    /^(not_implemented|failed)$/
  );
  await expect(result.locator('.mlmath-lab-check-summary')).toContainText(
    'not implemented yet'
  );
});

test('a correct solution passes, updates the roadmap and leaves the outputs alone', async ({
  page
}) => {
  await openCourseNotebook(page);
  // The roadmap stays open next to the notebook, to see it change.
  await openRoadmap(page);

  // The student ran the imports cell by hand: execution count 1.
  const imports = 1;
  expect(await page.notebook.runCell(imports)).toBe(true);
  const before = await codeCellState(page);

  const solution = await cellIndex(page, 'dot_loop_solution');
  await setCellSource(page, solution, DOT_LOOP_SOLUTION);
  const result = await clickCheck(page, 'dot_loop', 'passed');
  // dot_loop has hidden cases: a pass here is a pass on the visible ones, and says so
  await expect(result.locator('.mlmath-lab-check-summary')).toHaveText(
    /^\d+ visible cases passed · more cases run when your work is graded$/
  );
  await expect(result.locator('.mlmath-lab-check-hint')).toHaveCount(0);
  await expect(roadmapExercise(page, 'dot_loop')).toHaveAttribute(
    'data-status',
    'passed'
  );

  // The check ran silently: no execution count, no output changed...
  expect(await codeCellState(page)).toEqual(before);
  // ...and the kernel's execution counter did not move (store_history: false).
  await waitForKernelIdle(page);
  expect(await page.notebook.runCell(imports)).toBe(true);
  expect(
    await page.evaluate(index => {
      const panel = window.jupyterapp.shell.currentWidget as any;
      return panel.content.model.cells.get(index).toJSON().execution_count;
    }, imports)
  ).toBe(2);
});

test('a check saves the notebook first: the pass recorded is the code on disk', async ({
  page
}) => {
  await openCourseNotebook(page);
  const tab = page
    .getByRole('main')
    .getByRole('tab', { name: /^linear_algebra\.ipynb/ });
  await solveAndCheckDotLoop(page);
  await expect(tab).not.toHaveClass(/jp-mod-dirty/);
  const saved = await page.request.get(`/api/contents/${NOTEBOOK}`);
  const cells = (await saved.json()).content.cells as {
    source: string;
    metadata: { nbgrader?: { grade_id?: string } };
  }[];
  const onDisk = cells.find(
    c => c.metadata.nbgrader?.grade_id === 'dot_loop_solution'
  );
  expect(onDisk?.source).toBe(DOT_LOOP_SOLUTION);
  await expect(
    checkResult(page, 'dot_loop').locator('.mlmath-lab-check-notice')
  ).toHaveCount(0);
});

test('with saving before checks off, a check of unsaved code is shown, not recorded', async ({
  page
}) => {
  await openCourseNotebook(page);
  await setSetting(page, 'saveBeforeCheck', false);
  expect(await page.notebook.runCell(1)).toBe(true); // the imports: np
  const solution = await cellIndex(page, 'softmax_solution');
  await setCellSource(page, solution, SOFTMAX_WITHOUT_MAX);
  const recorded: string[] = [];
  page.on('request', request => {
    if (request.url().includes('/mlmath-lab/progress/check')) {
      recorded.push(request.url());
    }
  });
  const result = await clickCheck(page, 'softmax', 'failed');
  await expect(result.locator('.mlmath-lab-check-notice')).toContainText(
    'Not recorded in your progress: the notebook has unsaved changes'
  );
  expect(recorded).toEqual([]);
  await expect(
    page.getByRole('main').getByRole('tab', { name: /^linear_algebra\.ipynb/ })
  ).toHaveClass(/jp-mod-dirty/);
});

test('a known mistake shows its hint: softmax without the max subtraction', async ({
  page
}) => {
  await openCourseNotebook(page);
  // np comes from the notebook's imports cell, which the student runs first.
  expect(await page.notebook.runCell(1)).toBe(true);

  const solution = await cellIndex(page, 'softmax_solution');
  await setCellSource(page, solution, SOFTMAX_WITHOUT_MAX);
  const result = await clickCheck(page, 'softmax', 'failed');
  await expect(result.locator('.mlmath-lab-check-summary')).toBeVisible();
  expect(
    await result.locator('.mlmath-lab-check-case').count()
  ).toBeGreaterThan(0);
  await expect(result.locator('.mlmath-lab-check-hint')).toContainText(
    'overflow'
  );
});

test('a hint shows its markdown: code as code, never raw backticks', async ({
  page
}) => {
  await openCourseNotebook(page);
  expect(await page.notebook.runCell(1)).toBe(true);

  const solution = await cellIndex(page, 'softmax_solution');
  // the max of the whole array, not of each row: the hint names `axis`
  await setCellSource(
    page,
    solution,
    'def softmax(z, axis=-1):\n    e = np.exp(z - z.max())\n    return e / e.sum(axis=axis, keepdims=True)\n'
  );
  const result = await clickCheck(page, 'softmax', 'failed');
  const hint = result.locator('.mlmath-lab-check-hint');
  await expect(hint).toContainText('the whole array');
  await expect(hint.locator('code').first()).toHaveText('axis');
  expect(await hint.textContent()).not.toContain('`');
  // The title once: the Check bar names the exercise, the result under it does not repeat it.
  await expect(result.locator('.mlmath-lab-check-title')).toHaveCount(0);
  await expect(result).toHaveAttribute(
    'aria-label',
    'Numerically stable softmax'
  );
});

test('a check that misses np offers to run the imports cell, then checks again', async ({
  page
}) => {
  await openCourseNotebook(page);
  // A fresh kernel: the imports cell has not run.
  const solution = await cellIndex(page, 'softmax_solution');
  await setCellSource(page, solution, SOFTMAX_WITHOUT_MAX);
  const raised = await clickCheck(page, 'softmax', 'error');
  await expect(raised).toContainText("NameError: name 'np' is not defined");
  const run = raised.locator('button.mlmath-lab-run-setup');
  await expect(run).toHaveText(
    /^Run cell \d+ \(defines np\), then check again$/
  );
  await run.click();
  // the imports ran, and the check again: now it reaches the student's real mistake
  await expect(checkResult(page, 'softmax')).toHaveAttribute(
    'data-status',
    'failed',
    { timeout: CHECK_TIMEOUT }
  );
  await expect(
    checkResult(page, 'softmax').locator('.mlmath-lab-check-hint')
  ).toContainText('overflow');
});

test('the check of the active cell and of all cells run from commands', async ({
  page
}) => {
  await openCourseNotebook(page);

  const solution = await cellIndex(page, 'matmul_loop_solution');
  await page.notebook.selectCells(solution);
  await execute(page, COMMANDS.checkActive);
  await expect(checkResult(page, 'matmul_loop')).toHaveAttribute(
    'data-status',
    /^(not_implemented|failed)$/,
    { timeout: CHECK_TIMEOUT }
  );

  await execute(page, COMMANDS.checkAll);
  for (const gradeId of EXERCISES) {
    await scrollToCell(page, await cellIndex(page, `${gradeId}_solution`));
    // Every stub fails; none is left running.
    await expect(checkResult(page, gradeId)).toHaveAttribute(
      'data-status',
      /^(not_implemented|failed)$/,
      { timeout: CHECK_TIMEOUT }
    );
  }
  // ...and one line says how it went.
  await expect(
    page.getByText('Check all: 0 of 9 passed · 9 not implemented yet')
  ).toBeVisible({ timeout: CHECK_TIMEOUT });
});

test('a dead kernel is reported, not waited for', async ({ page }) => {
  await openCourseNotebook(page);
  await waitForKernelIdle(page);
  const id = await kernelId(page);

  // The kernel goes away behind the notebook's back.
  const response = await page.request.delete(`/api/kernels/${id}`);
  expect(response.status()).toBe(204);
  await expect
    .poll(() =>
      page.evaluate(() => {
        const panel = window.jupyterapp.shell.currentWidget as any;
        const kernel = panel?.sessionContext?.session?.kernel;
        return kernel ? `${kernel.status}/${kernel.connectionStatus}` : 'none';
      })
    )
    .not.toBe('idle/connected');

  const result = await clickCheck(page, 'dot_loop', /^(dead|no-kernel)$/);
  await expect(result.locator('.mlmath-lab-check-summary')).not.toBeEmpty();
});

test.describe('with a 2 s check timeout', () => {
  // The interrupt request does not get through galata's kernels proxy.
  test.use(UNMOCKED_KERNELS);

  test('a check that runs too long times out and can be interrupted', async ({
    page
  }) => {
    await openCourseNotebook(page);
    // Through the settings API (PUT /lab/api/settings/mlmath-lab:plugin), as the Settings
    // Editor would.
    await setSetting(page, 'checkTimeoutSeconds', 2);
    await waitForKernelIdle(page);

    const solution = await cellIndex(page, 'dot_loop_solution');
    await setCellSource(page, solution, DOT_LOOP_SLEEPING);
    await checkButton(page, 'dot_loop').click();

    const result = checkResult(page, 'dot_loop');
    // 2 s of timeout, far less than the 30 s of sleep.
    await expect(result).toHaveAttribute('data-status', 'timeout', {
      timeout: 20_000
    });
    const interrupt = result.locator('button.mlmath-lab-interrupt');
    await expect(interrupt).toBeVisible();
    // The student's function is still sleeping.
    expect(
      await page.evaluate(() => {
        const panel = window.jupyterapp.shell.currentWidget as any;
        return panel.sessionContext.session?.kernel?.status;
      })
    ).toBe('busy');

    await interrupt.click();
    // Interrupted: the kernel is idle again long before the sleep would have ended.
    await waitForKernelIdle(page, 10_000);
  });
});

test.describe('a long check', () => {
  test.use(UNMOCKED_KERNELS);

  test('shows its elapsed time and a Stop button that interrupts it', async ({
    page
  }) => {
    await openCourseNotebook(page);
    await waitForKernelIdle(page);
    const solution = await cellIndex(page, 'dot_loop_solution');
    await setCellSource(page, solution, DOT_LOOP_SLEEPING);
    await checkButton(page, 'dot_loop').click();

    const result = checkResult(page, 'dot_loop');
    const stop = result.locator('button.mlmath-lab-stop');
    await expect(stop).toBeVisible({ timeout: 15_000 });
    await expect(result.locator('.mlmath-lab-check-elapsed')).toHaveText(
      /^\d+ s$/
    );
    await stop.click();
    // Stopped long before the 30 s of sleep, and said so.
    await expect(result).toHaveAttribute('data-status', 'error', {
      timeout: 10_000
    });
    await expect(result.locator('.mlmath-lab-check-summary')).toHaveText(
      'The check was interrupted.'
    );
  });
});
