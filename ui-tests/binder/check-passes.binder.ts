/**
 * What a student does after clicking the README's Binder badge: JupyterLab opens on the first
 * notebook with the roadmap beside it; they solve an exercise and press its Check button.
 *
 * Plain Playwright, no Galata fixtures: the server is the Binder one, not configured for Galata
 * (no `window.jupyterapp`), so everything goes through the page as a student sees it.
 * Run by tests/test_binder.py (see playwright.config.js in this folder).
 */
import { expect, test } from '@playwright/test';

const TOKEN = process.env.MLMATH_LAB_BINDER_TOKEN ?? '';
/** The README's Binder link opens `urlpath=lab/tree/<this>`, relative to the workspace. */
const NOTEBOOK = '01-linear-algebra/linear_algebra.ipynb';
const EXERCISE = '01-linear-algebra/dot_loop';

/** A correct dot_loop (the release stub raises NotImplementedError). */
const DOT_LOOP_SOLUTION = `def dot_loop(u, v):
    if len(u) != len(v):
        raise ValueError("u and v must have the same length")
    total = 0.0
    for a, b in zip(u, v):
        total += a * b
    return total`;

test('the Binder link opens the notebook and the roadmap, and a solved exercise passes', async ({
  page
}) => {
  await page.goto(`/lab/tree/${NOTEBOOK}?token=${TOKEN}`);

  // The roadmap opens on start (the extension's openRoadmapOnStart), with the course in it.
  const roadmap = page.locator('#mlmath-lab-roadmap');
  await expect(roadmap).toBeVisible({ timeout: 90_000 });
  const roadmapExercise = roadmap.locator(
    `.mlmath-lab-roadmap-exercise[data-exercise-id="${EXERCISE}"]`
  );
  await expect(roadmapExercise).toHaveCount(1);
  await expect(roadmapExercise).not.toHaveAttribute('data-status', 'passed');

  // The notebook of the link is open, with a Check button on the exercise.
  const notebook = page.locator('.jp-NotebookPanel:visible');
  await expect(
    page.locator('.lm-TabBar-tab.jp-mod-current', {
      hasText: 'linear_algebra.ipynb'
    })
  ).toBeVisible({ timeout: 60_000 });
  const buttonSelector = `button.mlmath-lab-check-button[data-exercise-id="${EXERCISE}"]`;
  const button = notebook.locator(buttonSelector);
  await button.scrollIntoViewIfNeeded();
  await expect(button).toBeVisible();

  // The student replaces the stub in the solution cell (the cell that holds the button).
  // insertText types the text as one input, so the editor does not re-indent it.
  const solutionCell = notebook
    .locator('.jp-Cell')
    .filter({ has: page.locator(buttonSelector) });
  const editor = solutionCell.locator('.jp-InputArea-editor .cm-content');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(DOT_LOOP_SOLUTION);
  await expect(editor).toContainText('total += a * b');
  await expect(editor).not.toContainText('NotImplementedError');

  await button.click();
  const result = notebook.locator(
    `.mlmath-lab-check-result[data-exercise-id="${EXERCISE}"]`
  );
  // A fresh kernel imports numpy and torch first.
  await expect(result).toHaveAttribute('data-status', 'passed', {
    timeout: 180_000
  });
  await expect(result.locator('.mlmath-lab-check-summary')).toBeVisible();
  // The server recorded it: the roadmap shows the exercise as passed.
  await expect(roadmapExercise).toHaveAttribute('data-status', 'passed');

  // nbgrader's instructor tools are not there for students (postBuild turned them off).
  // The Create Assignment panel's id is spelled so in nbgrader.
  await expect(page.locator('#nbgrader-create_assignemnt')).toHaveCount(0);
  await expect(
    page.locator('.lm-TabBar-tab', { hasText: 'Create Assignment' })
  ).toHaveCount(0);
});
