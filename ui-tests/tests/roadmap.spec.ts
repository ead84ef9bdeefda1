/**
 * The roadmap sidebar (widget id `mlmath-lab-roadmap`): the course's modules, assignments and
 * exercises with their progress, learning paths and checklists.
 *
 * DOM contract: see tests/utils.ts and ui-tests/README.md.
 */
import { expect, test } from '@jupyterlab/galata';

import {
  ASSIGNMENT,
  cellIndex,
  clickCheck,
  exerciseId,
  exerciseProgress,
  EXERCISES,
  isCellInNotebookViewport,
  isPassed,
  MOCK_SETTINGS,
  NOTEBOOK,
  openCourseNotebook,
  openRoadmap,
  recordedResult,
  reloadLab,
  roadmap,
  roadmapExercise,
  setCellSource,
  solveAndCheckDotLoop
} from './utils';

test.use({ mockSettings: MOCK_SETTINGS });

const STATUSES = /^(not-tried|not-implemented|failed|passed)$/;

test('opens from its tab in the left area', async ({ page }) => {
  const tab = page.sidebar.getTabLocator('mlmath-lab-roadmap' as any);
  await expect(tab).toHaveCount(1);
  await page.sidebar.openTab('mlmath-lab-roadmap' as any);
  await expect(roadmap(page)).toBeVisible();
  // It lives in the left area.
  await expect(
    page.locator('#jp-left-stack').locator('#mlmath-lab-roadmap')
  ).toBeVisible();
});

test('lists the course: 9 exercises under 01-linear-algebra', async ({
  page
}) => {
  await openRoadmap(page);
  const sidebar = roadmap(page);

  const module = sidebar.locator(
    '.mlmath-lab-roadmap-module[data-module-id="linear-algebra"]'
  );
  await expect(module).toBeVisible();
  await expect(module).toContainText(
    'NumPy and linear algebra you use every day'
  );

  const assignment = sidebar.locator(
    `.mlmath-lab-roadmap-assignment[data-assignment-id="${ASSIGNMENT}"]`
  );
  await expect(assignment).toBeVisible();
  await expect(assignment).toHaveAttribute('data-status', /.+/);
  // The assignment is in the workspace: no "not fetched" message for it.
  await expect(assignment.locator('.mlmath-lab-not-fetched')).toHaveCount(0);

  const exercises = sidebar.locator(
    `.mlmath-lab-roadmap-exercise[data-exercise-id^="${ASSIGNMENT}/"]`
  );
  await expect(exercises).toHaveCount(EXERCISES.length);
  expect(
    await exercises.evaluateAll(rows =>
      rows.map(row => row.getAttribute('data-exercise-id'))
    )
  ).toEqual(EXERCISES.map(exerciseId));
  for (const gradeId of EXERCISES) {
    await expect(roadmapExercise(page, gradeId)).toHaveAttribute(
      'data-status',
      STATUSES
    );
  }
  await expect(roadmapExercise(page, 'softmax')).toContainText(
    'Numerically stable softmax'
  );

  // Overall and per-module progress agree with the rows.
  const passed = await sidebar
    .locator('.mlmath-lab-roadmap-exercise[data-status="passed"]')
    .count();
  // The overall line counts the whole course (every assignment), this module its own.
  const overall = sidebar.locator('.mlmath-lab-roadmap-overall');
  await expect(overall).toHaveText(
    new RegExp(`\\b${passed} / \\d+ exercises passed`)
  );
  const courseTotal = Number(
    /\/ (\d+) exercises/.exec((await overall.textContent()) ?? '')?.[1]
  );
  expect(courseTotal).toBeGreaterThan(EXERCISES.length);
  const progress = module.locator('.mlmath-lab-progress').first();
  await expect(progress).toHaveAttribute('data-total', `${EXERCISES.length}`);
  await expect(progress).toHaveAttribute('data-passed', `${passed}`);
});

test('clicking an exercise opens the notebook at that exercise', async ({
  page
}) => {
  await openRoadmap(page);
  await roadmapExercise(page, 'softmax').click();

  await expect(
    page.getByRole('main').getByRole('tab', { name: /^linear_algebra\.ipynb/ })
  ).toBeVisible();
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          (window.jupyterapp.shell.currentWidget as any)?.context?.path ?? ''
      )
    )
    .toBe(`${ASSIGNMENT}/linear_algebra.ipynb`);

  // The softmax exercise (its solution cell or its test cell) is scrolled into view,
  // far below the top of the notebook.
  const solution = await cellIndex(page, 'softmax_solution');
  const testCell = await cellIndex(page, 'softmax');
  await expect
    .poll(
      async () =>
        (await isCellInNotebookViewport(page, solution)) ||
        (await isCellInNotebookViewport(page, testCell))
    )
    .toBe(true);
  expect(await isCellInNotebookViewport(page, 0)).toBe(false);
  // It lands on the solution cell, where the student writes.
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          (window.jupyterapp.shell.currentWidget as any)?.content
            ?.activeCellIndex ?? -1
      )
    )
    .toBe(solution);
});

test('only the module to go on with is open; what the student opens stays open', async ({
  page
}) => {
  await openRoadmap(page);
  const module = (id: string) =>
    roadmap(page).locator(`.mlmath-lab-roadmap-module[data-module-id="${id}"]`);
  const toggle = (id: string) =>
    module(id).locator('.mlmath-lab-roadmap-module-toggle');
  const shownOpen = (id: string, open: boolean) =>
    expect(toggle(id)).toHaveAttribute('aria-expanded', String(open));
  await shownOpen('linear-algebra', true);
  await expect(module('linear-algebra')).toHaveAttribute(
    'data-current',
    'true'
  );
  for (const closed of ['decompositions', 'neural-networks']) {
    await shownOpen(closed, false);
    await expect(
      module(closed).locator('.mlmath-lab-roadmap-exercise')
    ).toHaveCount(0);
  }
  // Readings look like links; ticked checkpoints are counted.
  const link = module('linear-algebra')
    .locator('a.mlmath-lab-reading-link')
    .first();
  expect(
    await link.evaluate(a => getComputedStyle(a).textDecorationLine)
  ).toContain('underline');
  await expect(
    module('linear-algebra').locator('.mlmath-lab-checkpoint-count')
  ).toHaveText(/^\d+\/7$/);

  await toggle('decompositions').click();
  await shownOpen('decompositions', true);
  await expect(
    module('decompositions').locator('.mlmath-lab-roadmap-exercise')
  ).not.toHaveCount(0);
  await reloadLab(page);
  await openRoadmap(page);
  await shownOpen('decompositions', true);
  await shownOpen('linear-algebra', true);
});

test('offers the learning paths', async ({ page }) => {
  await openRoadmap(page);
  const select = roadmap(page).locator('select.mlmath-lab-path-select');
  await expect(select).toBeVisible();
  const values = await select
    .locator('option')
    .evaluateAll(options =>
      options.map(option => (option as HTMLOptionElement).value)
    );
  expect(values).toEqual(
    expect.arrayContaining([
      'beginner',
      'ml-engineer',
      'data-scientist',
      'researcher'
    ])
  );

  await select.selectOption('researcher');
  await expect(select).toHaveValue('researcher');
  // The researcher's path starts with the theory and assumes module 1: that module is
  // still shown, after the path's own, marked as off the path.
  const firstModule = roadmap(page)
    .locator('.mlmath-lab-roadmap-module')
    .first();
  await expect(firstModule).toHaveAttribute(
    'data-module-id',
    'matrix-calculus'
  );
  const linearAlgebra = roadmap(page).locator(
    '.mlmath-lab-roadmap-module[data-module-id="linear-algebra"]'
  );
  await expect(linearAlgebra).toBeVisible();
  await expect(linearAlgebra).toHaveAttribute('data-on-path', 'false');
});

test('a learning path counts its own exercises; the ones it leaves out are optional', async ({
  page
}) => {
  await openRoadmap(page);
  // the count is the path's own, as the course's manifest gives it (the roadmap API)
  const response = await page.request.get('/mlmath-lab/roadmap');
  expect(response.ok(), 'GET /mlmath-lab/roadmap').toBe(true);
  const paths: { id: string; exercises: string[] }[] = (await response.json())
    .paths;
  const beginner = paths.find(path => path.id === 'beginner');
  expect(beginner?.exercises.length).toBeGreaterThan(0);
  const select = roadmap(page).locator('select.mlmath-lab-path-select');
  await select.selectOption('beginner');
  await expect(
    roadmap(page).locator('.mlmath-lab-roadmap-overall')
  ).toContainText(
    new RegExp(
      `^\\d+ / ${beginner?.exercises.length} exercises of your path passed$`
    )
  );
  const module = roadmap(page).locator(
    '.mlmath-lab-roadmap-module[data-module-id="linear-algebra"]'
  );
  // the beginner takes 6 of the module's 9 exercises
  await expect(module.locator('.mlmath-lab-roadmap-count').first()).toHaveText(
    /^\d+\/6$/
  );
  if (
    (await module
      .locator('.mlmath-lab-roadmap-module-toggle')
      .getAttribute('aria-expanded')) !== 'true'
  ) {
    await module.locator('.mlmath-lab-roadmap-module-toggle').click();
  }
  const optional = roadmapExercise(page, 'pairwise_sq_dists');
  await expect(optional).toHaveAttribute('data-on-path', 'false');
  await expect(optional.locator('.mlmath-lab-optional')).toHaveText('optional');
  await expect(roadmapExercise(page, 'dot_loop')).toHaveAttribute(
    'data-on-path',
    'true'
  );
  await expect(
    roadmapExercise(page, 'dot_loop').locator('.mlmath-lab-optional')
  ).toHaveCount(0);

  // the whole course again: nothing is optional
  await select.selectOption('');
  await expect(optional).toHaveAttribute('data-on-path', 'true');
  await expect(
    roadmap(page).locator('.mlmath-lab-roadmap-overall')
  ).toContainText(/^\d+ \/ \d+ exercises passed$/);
});

test('a checklist tick is kept after a reload', async ({ page }) => {
  await openRoadmap(page);
  const items = roadmap(page).locator('input.mlmath-lab-checklist-item');
  // At least the module's seven "minimum viable understanding" checkpoints.
  await expect.poll(() => items.count()).toBeGreaterThanOrEqual(7);
  const item = roadmap(page).locator(
    'input.mlmath-lab-checklist-item[data-item-id$="stable-softmax"]'
  );
  await expect(item).toHaveCount(1);

  const before = await item.isChecked();
  await item.click();
  await expect(item).toBeChecked({ checked: !before });

  try {
    await reloadLab(page);
    await openRoadmap(page);
    await expect(item).toBeChecked({ checked: !before });
  } finally {
    // Leave the progress store as it was.
    if ((await item.isChecked()) !== before) {
      await item.click();
      await expect(item).toBeChecked({ checked: before });
    }
  }
});

test('the last check of an exercise is shown again under it after a reload', async ({
  page
}) => {
  await openCourseNotebook(page);
  await solveAndCheckDotLoop(page); // saved first: the solution is on disk
  await reloadLab(page);
  // open it as it is on disk (not put back): the layout may have restored it already
  await page.evaluate(
    path => window.jupyterapp.commands.execute('docmanager:open', { path }),
    NOTEBOOK
  );
  await expect(
    page.locator('.jp-NotebookPanel:visible .jp-Cell').first()
  ).toBeVisible();
  const recorded = recordedResult(page, 'dot_loop');
  await expect(recorded).toHaveAttribute('data-status', 'passed', {
    timeout: 30_000
  });
  await expect(recorded.locator('.mlmath-lab-check-recorded')).toContainText(
    'Your last check, on'
  );
  await expect(recorded.locator('.mlmath-lab-check-summary')).toContainText(
    'passed'
  );
});

test('a pass stays earned when a later check fails', async ({ page }) => {
  test.setTimeout(180_000);
  await openCourseNotebook(page);
  await openRoadmap(page);
  const solution = await solveAndCheckDotLoop(page);
  const overall = await page
    .locator('.mlmath-lab-roadmap-overall')
    .textContent();

  // A later check that does not pass (after a kernel restart it raises NameError; here the
  // student broke the function again): the pass stays earned.
  await setCellSource(page, solution, 'def dot_loop(u, v):\n    return 0.0\n');
  await clickCheck(page, 'dot_loop', 'failed');

  const row = roadmapExercise(page, 'dot_loop');
  await expect(row).toHaveAttribute('data-last-check', 'failed');
  await expect(row).toHaveAttribute('data-status', 'passed');
  await expect(row.locator('.mlmath-lab-state-mark')).toHaveText('✔');
  await expect(row.locator('.mlmath-lab-last-check')).toHaveText(
    'last check ✘'
  );
  await expect(page.locator('.mlmath-lab-roadmap-overall')).toHaveText(
    overall ?? ''
  );
});

test('a passed check is shown after a page reload and by the progress API', async ({
  page
}) => {
  await openCourseNotebook(page);
  await openRoadmap(page);
  await solveAndCheckDotLoop(page);
  await expect(roadmapExercise(page, 'dot_loop')).toHaveAttribute(
    'data-status',
    'passed'
  );

  const response = await page.request.get('/mlmath-lab/progress');
  expect(response.ok()).toBe(true);
  expect(
    isPassed(exerciseProgress(await response.json(), exerciseId('dot_loop')))
  ).toBe(true);

  await reloadLab(page);
  await openRoadmap(page);
  await expect(roadmapExercise(page, 'dot_loop')).toHaveAttribute(
    'data-status',
    'passed'
  );
});

test('a check recorded in one tab reaches the roadmap of another tab', async ({
  page,
  context,
  baseURL
}) => {
  // A second tab on the same server: its roadmap opens on start, with every module open.
  const other = await context.newPage();
  await other.goto(`${baseURL}/lab`);
  const row = other.locator(
    `#mlmath-lab-roadmap .mlmath-lab-roadmap-exercise[data-exercise-id="${exerciseId('rank_k_approx')}"] button`
  );
  await expect(row).toHaveAttribute('title', /.+/, { timeout: 60_000 });
  const before = (await row.getAttribute('title')) ?? '';

  await openCourseNotebook(page);
  await clickCheck(page, 'rank_k_approx', /^(not_implemented|failed)$/);
  // one more check in its details, with no reload of the other tab
  await expect(row).not.toHaveAttribute('title', before, { timeout: 15_000 });
  await other.close();
});
