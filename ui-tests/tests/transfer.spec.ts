/**
 * Nothing lost on Binder: a temporary session says so and offers an export; the export,
 * imported in a fresh session, brings back the progress and the notebook; a file that is not
 * an export is refused with the reason.
 *
 * A server of its own, as Binder starts it (BINDER_LAUNCH_HOST set): 127.0.0.1:8890, files in
 * <system temp>/mlmath-lab-ui-tests-transfer (see tests/server.ts). "A fresh session" is that
 * server started again on an emptied folder.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import {
  DOT_LOOP_SOLUTION,
  isPassed,
  NOTEBOOK,
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
  port: 8890,
  dir: TestServer.defaultDir('transfer'),
  env: { BINDER_LAUNCH_HOST: 'https://binder.example.org/' }
});

useTestServer(server);

// a line of the solution the student typed, which the released stub does not have
const SOLVED_LINE = DOT_LOOP_SOLUTION.split('\n')
  .map(line => line.trim())
  .find(line => line.startsWith('total +='))!;

async function notebookSource(page: IJupyterLabPageFixture): Promise<string> {
  const response = await page.request.get(`/api/contents/${NOTEBOOK}`);
  expect(response.ok(), `GET /api/contents/${NOTEBOOK}`).toBe(true);
  const cells: { source: string }[] = (await response.json()).content.cells;
  return cells.map(cell => cell.source).join('\n');
}

test('an export brings a fresh temporary session back; a stray file is refused', async ({
  page
}) => {
  test.setTimeout(300_000);
  const transfer = roadmap(page).locator('.mlmath-lab-transfer');

  // A Binder session: the roadmap says it is temporary, first.
  await openRoadmap(page);
  await expect(transfer).toHaveClass(/mlmath-lab-transfer-temporary/);
  await expect(transfer.locator('.mlmath-lab-transfer-note')).toContainText(
    'This session is temporary'
  );

  // Work done, then exported.
  await openCourseNotebook(page);
  await solveAndCheckDotLoop(page);
  expect(isPassed(await progressOf(page, 'dot_loop'))).toBe(true);
  await openRoadmap(page);
  const downloading = page.waitForEvent('download');
  await transfer.locator('button.mlmath-lab-export').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^mlmath-lab-progress-.*\.zip$/);
  const saved = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'mlmath-lab-export-')),
    download.suggestedFilename()
  );
  await download.saveAs(saved);
  await expect(transfer.locator('.mlmath-lab-transfer-message')).toContainText(
    `Saved ${download.suggestedFilename()}`
  );

  // The session is culled; a new one starts with nothing.
  await page.evaluate(() => window.location.assign('about:blank'));
  await page.waitForURL('about:blank');
  await page.waitForTimeout(500);
  await server.stop();
  await server.start();
  await page.evaluate(
    url => window.location.assign(url),
    `${server.baseURL}/lab`
  );
  await page.waitForURL(/\/lab/);
  await reloadLab(page);
  expect(await progressOf(page, 'dot_loop')).toBeUndefined();
  expect(await notebookSource(page)).not.toContain(SOLVED_LINE);

  // A file that is not an export: refused, with the reason; nothing changes.
  await openRoadmap(page);
  const stray = path.join(path.dirname(saved), 'notes.zip');
  fs.writeFileSync(stray, 'not a zip at all');
  await transfer.locator('input.mlmath-lab-import-file').setInputFiles(stray);
  const message = transfer.locator('.mlmath-lab-transfer-message');
  await expect(message).toHaveAttribute('role', 'alert');
  await expect(message).toContainText(
    'Not imported: this is not a progress export'
  );
  expect(await progressOf(page, 'dot_loop')).toBeUndefined();

  // The export: progress and notebook back, and the roadmap shows the pass.
  await transfer.locator('input.mlmath-lab-import-file').setInputFiles(saved);
  await expect(message).toHaveAttribute('role', 'status');
  await expect(message).toContainText('Imported 1 exercise');
  await expect(message).toContainText(`restored ${NOTEBOOK}`);
  await expect(roadmapExercise(page, 'dot_loop')).toHaveAttribute(
    'data-status',
    'passed'
  );
  expect(isPassed(await progressOf(page, 'dot_loop'))).toBe(true);
  expect(await notebookSource(page)).toContain(SOLVED_LINE);
});
