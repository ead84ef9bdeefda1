/**
 * The README's screenshots, made from the real extension: the roadmap (on the beginner's
 * learning path) next to the course notebook, a passing check and a failing check with its
 * hint.
 *
 * They are written to the test's output folder; set MLMATH_LAB_SCREENSHOT_DIR (e.g.
 * docs/images) to refresh the README's copies.
 */
import path from 'path';

import { expect, test } from '@jupyterlab/galata';

import {
  cellIndex,
  clickCheck,
  DOT_LOOP_SOLUTION,
  MOCK_SETTINGS,
  openCourseNotebook,
  openRoadmap,
  roadmapExercise,
  scrollToCell,
  setCellSource,
  SOFTMAX_WITHOUT_MAX
} from './utils';

test.use({
  mockSettings: MOCK_SETTINGS,
  viewport: { width: 1400, height: 900 }
});

function target(name: string): string {
  const dir = process.env.MLMATH_LAB_SCREENSHOT_DIR;
  return dir ? path.resolve(dir, name) : test.info().outputPath(name);
}

test('README screenshots: roadmap, a passing check, a failing check with its hint', async ({
  page
}) => {
  await openCourseNotebook(page);
  await openRoadmap(page);
  expect(await page.notebook.runCell(1)).toBe(true); // the imports cell

  await setCellSource(
    page,
    await cellIndex(page, 'dot_loop_solution'),
    DOT_LOOP_SOLUTION
  );
  const passed = await clickCheck(page, 'dot_loop', 'passed');
  await expect(roadmapExercise(page, 'dot_loop')).toHaveAttribute(
    'data-status',
    'passed'
  );
  // On the beginner's path: its exercises counted, the others marked optional.
  const path = page.locator(
    '#mlmath-lab-roadmap select.mlmath-lab-path-select'
  );
  await path.selectOption('beginner');
  await expect(
    roadmapExercise(page, 'pairwise_sq_dists').locator('.mlmath-lab-optional')
  ).toBeVisible();
  await page
    .locator('#mlmath-lab-roadmap')
    .screenshot({ path: target('roadmap.png') });
  await path.selectOption('');
  await passed
    .locator('xpath=ancestor::div[contains(@class, "jp-Cell")][1]')
    .screenshot({
      path: target('check-passed.png')
    });

  const softmax = await cellIndex(page, 'softmax_solution');
  await setCellSource(page, softmax, SOFTMAX_WITHOUT_MAX);
  await scrollToCell(page, softmax);
  const failed = await clickCheck(page, 'softmax', 'failed');
  await expect(failed.locator('.mlmath-lab-check-hint')).toContainText(
    'overflow'
  );
  await failed.scrollIntoViewIfNeeded();
  await failed
    .locator('xpath=ancestor::div[contains(@class, "jp-Cell")][1]')
    .screenshot({
      path: target('check-failed.png')
    });
});
