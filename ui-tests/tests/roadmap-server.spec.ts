/**
 * Roadmap scenarios that need a JupyterLab server of their own, which the tests stop and
 * start: progress after a server restart, and an assignment that is not in the workspace.
 *
 * That server listens on 127.0.0.1:8889 and keeps its files in
 * <system temp>/mlmath-lab-ui-tests-restart (see tests/server.ts).
 */
import { expect, test } from '@jupyterlab/galata';

import {
  ASSIGNMENT,
  isPassed,
  openCourseNotebook,
  openRoadmap,
  progressOf,
  reloadLab,
  roadmap,
  roadmapExercise,
  solveAndCheckDotLoop
} from './utils';
import { TestServer, useTestServer } from './server';

const server = new TestServer({
  port: 8889,
  dir: TestServer.defaultDir('restart')
});

useTestServer(server);

test('progress is kept across a server restart', async ({ page }) => {
  test.setTimeout(240_000);

  await openCourseNotebook(page);
  await solveAndCheckDotLoop(page);
  expect(isPassed(await progressOf(page, 'dot_loop'))).toBe(true);

  // While the server is down the page must not call it (galata's API proxies would throw):
  // leave JupyterLab, restart, come back.
  await page.evaluate(() => window.location.assign('about:blank'));
  await page.waitForURL('about:blank');
  await page.waitForTimeout(500); // let requests in flight settle
  await server.restart();
  await page.evaluate(
    url => window.location.assign(url),
    `${server.baseURL}/lab`
  );
  await page.waitForURL(/\/lab/);

  // The server read the progress back from its store...
  expect(isPassed(await progressOf(page, 'dot_loop'))).toBe(true);
  // ...and the roadmap shows it.
  await reloadLab(page);
  await openRoadmap(page);
  await expect(roadmapExercise(page, 'dot_loop')).toHaveAttribute(
    'data-status',
    'passed'
  );
  await expect(roadmapExercise(page, 'softmax')).toHaveAttribute(
    'data-status',
    'not-tried'
  );
});

test.describe('without the assignment in the workspace', () => {
  test.use({ autoGoto: false });

  test('the roadmap says it is not fetched yet', async ({ page }) => {
    // This server's workspace is disposable: move the assignment out of it.
    const response = await page.request.patch(`/api/contents/${ASSIGNMENT}`, {
      data: { path: `moved-away-${ASSIGNMENT}` }
    });
    expect(response.ok(), 'renaming the assignment folder').toBe(true);

    await page.goto();
    await openRoadmap(page);
    const assignment = roadmap(page).locator(
      `.mlmath-lab-roadmap-assignment[data-assignment-id="${ASSIGNMENT}"]`
    );
    await expect(assignment).toBeVisible();
    await expect(assignment.locator('.mlmath-lab-not-fetched')).toBeVisible();
  });
});
