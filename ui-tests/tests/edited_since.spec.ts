/**
 * A ✔ refers to saved code: once the student edits and saves a passed exercise's solution,
 * the roadmap says the pass is earned but the code saved now was not checked, without a
 * reload; a new check puts the plain ✔ back.
 *
 * DOM contract: `data-edited-since="true"` and `.mlmath-lab-edited-since` on the exercise's
 * row (see tests/utils.ts).
 */
import { expect, test } from '@jupyterlab/galata';

import {
  clickCheck,
  DOT_LOOP_SOLUTION,
  execute,
  MOCK_SETTINGS,
  openCourseNotebook,
  openRoadmap,
  progressOf,
  roadmapExercise,
  setCellSource,
  solveAndCheckDotLoop
} from './utils';

test.use({ mockSettings: MOCK_SETTINGS });

test('a passed exercise edited and saved since its check says so, until checked again', async ({
  page
}) => {
  test.setTimeout(180_000);
  await openCourseNotebook(page);
  await openRoadmap(page);
  const row = roadmapExercise(page, 'dot_loop');
  const mark = row.locator('.mlmath-lab-state-mark');
  const badge = row.locator('.mlmath-lab-edited-since');

  const solution = await solveAndCheckDotLoop(page);
  await expect(row).toHaveAttribute('data-status', 'passed');
  await expect(mark).toHaveText('✔');
  await expect(row).not.toHaveAttribute('data-edited-since', /.*/);
  await expect(badge).toHaveCount(0);
  const overall = await page
    .locator('.mlmath-lab-roadmap-overall')
    .textContent();

  // The student changes the solution and saves it (autosave is off in these tests).
  await setCellSource(
    page,
    solution,
    `${DOT_LOOP_SOLUTION}\n\n# an edit the check has not seen\n`
  );
  await execute(page, 'docmanager:save');

  // The roadmap learns about the save: the pass stays earned, but it is not the plain ✔.
  await expect(row).toHaveAttribute('data-edited-since', 'true', {
    timeout: 15_000
  });
  await expect(row).toHaveAttribute('data-status', 'passed');
  await expect(mark).not.toHaveText('✔');
  await expect(badge).toHaveText('earned · edited since: check again');
  await expect(row.locator('button').first()).toHaveAttribute(
    'aria-label',
    /passed on .*the code saved now was not checked: check again$/
  );
  await expect(page.locator('.mlmath-lab-roadmap-overall')).toHaveText(
    overall ?? ''
  );
  expect((await progressOf(page, 'dot_loop')) as any).toMatchObject({
    status: 'passed',
    edited_since_check: true
  });
  await row.screenshot({ path: test.info().outputPath('edited-since.png') });

  // Checking again: the saved code is the code checked, and the plain ✔ is back.
  await clickCheck(page, 'dot_loop', 'passed');
  await expect(row).not.toHaveAttribute('data-edited-since', /.*/, {
    timeout: 15_000
  });
  await expect(mark).toHaveText('✔');
  await expect(badge).toHaveCount(0);
  expect((await progressOf(page, 'dot_loop')) as any).toMatchObject({
    status: 'passed',
    edited_since_check: false
  });
});
