/**
 * Shared helpers for the mlmath-lab UI tests.
 *
 * The DOM contract of the extension (ids, classes, data attributes) is written down here
 * once, so that the specs read as scenarios.
 */
import { expect, galata, IJupyterLabPageFixture } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The course notebook, relative to the server's root (the student workspace). */
export const ASSIGNMENT = '01-linear-algebra';
export const NOTEBOOK = `${ASSIGNMENT}/linear_algebra.ipynb`;

/** The grade ids of the assignment's exercises (graded test cells), in notebook order. */
export const EXERCISES = [
  'dot_loop',
  'matmul_loop',
  'matmul_vectorized',
  'broadcast_shape',
  'pairwise_sq_dists',
  'softmax',
  'cross_entropy',
  'kl_divergence',
  'rank_k_approx'
];

export const exerciseId = (gradeId: string): string =>
  `${ASSIGNMENT}/${gradeId}`;

export const COMMANDS = {
  checkActive: 'mlmath-lab:check-active',
  checkAll: 'mlmath-lab:check-all',
  openRoadmap: 'mlmath-lab:open-roadmap'
};

export const SETTINGS_PLUGIN = 'mlmath-lab:plugin';

/**
 * Galata's in-memory settings, with autosave off: a test's edits of the course notebook reach
 * the workspace only when a check saves them, and each test puts the student version back
 * before it opens the notebook (openCourseNotebook).
 */
export const MOCK_SETTINGS = {
  ...galata.DEFAULT_SETTINGS,
  '@jupyterlab/docmanager-extension:plugin': {
    ...(galata.DEFAULT_SETTINGS['@jupyterlab/docmanager-extension:plugin'] ??
      {}),
    autosave: false
  }
};

/** A correct dot_loop (the release stub raises NotImplementedError). */
export const DOT_LOOP_SOLUTION = `def dot_loop(u, v):
    if len(u) != len(v):
        raise ValueError("u and v must have the same length")
    total = 0.0
    for a, b in zip(u, v):
        total += a * b
    return total
`;

/** The known mistake "softmax without subtracting the maximum". */
export const SOFTMAX_WITHOUT_MAX = `def softmax(z, axis=-1):
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)
`;

/** A dot_loop that never returns in time. */
export const DOT_LOOP_SLEEPING = `def dot_loop(u, v):
    import time; time.sleep(30)
    return sum(a * b for a, b in zip(u, v))
`;

/**
 * Fixture override that stops galata from proxying the kernels REST API: galata 5.6's proxy
 * breaks on POST /api/kernels/<id>/interrupt (an empty 204 answer, parsed as JSON). Without
 * it, a kernel that the test starts ends when galata deletes the test's sessions.
 */
export const UNMOCKED_KERNELS = {
  kernels: async ({}, use: (value: null) => Promise<void>) => use(null)
};

/**
 * Reload JupyterLab and wait until it has started. (galata's default wait expects the
 * Launcher to be the current tab, which is not so once a notebook was open.)
 */
export async function reloadLab(page: IJupyterLabPageFixture): Promise<void> {
  // galata's page.reload takes waitForIsReady, although its fixture type does not say so.
  await (page as any).reload({ waitForIsReady: false });
  await expect(page.locator('#jupyterlab-splash')).toHaveCount(0);
}

// ---------------------------------------------------------------- the notebook

/**
 * The student version of a workspace notebook as prepare_workspace.py placed it (a check
 * saves the notebook, so the workspace copy holds whatever the last test checked).
 */
export function pristineCopy(notebook: string = NOTEBOOK): string {
  const uiDir =
    process.env.MLMATH_LAB_UI_DIR ??
    path.join(os.tmpdir(), 'mlmath-lab-ui-tests');
  return path.join(uiDir, 'pristine', notebook);
}

/** Put the student version of the course notebook back in the workspace. */
export async function restoreCourseNotebook(
  page: IJupyterLabPageFixture
): Promise<void> {
  const content = JSON.parse(fs.readFileSync(pristineCopy(), 'utf-8'));
  const response = await page.request.put(`/api/contents/${NOTEBOOK}`, {
    data: { type: 'notebook', format: 'json', content }
  });
  expect(response.ok(), `restoring ${NOTEBOOK}`).toBe(true);
}

/**
 * Open the course notebook from the workspace, as released (put back first), and wait for
 * its cells.
 */
export async function openCourseNotebook(
  page: IJupyterLabPageFixture
): Promise<void> {
  await restoreCourseNotebook(page);
  // The roadmap may hold the left area (it opens on start): show the file browser.
  await page.sidebar.openTab('filebrowser');
  expect(await page.notebook.openByPath(NOTEBOOK)).toBe(true);
  await page.notebook.activate('linear_algebra.ipynb');
  await expect(
    page.locator('.jp-NotebookPanel .jp-Cell').first()
  ).toBeVisible();
}

/** The index of the cell whose nbgrader grade_id is `gradeId`, in the current notebook. */
export async function cellIndex(
  page: IJupyterLabPageFixture,
  gradeId: string
): Promise<number> {
  const index = await page.evaluate(id => {
    const panel = window.jupyterapp.shell.currentWidget as any;
    const cells = panel.content.model.cells;
    for (let i = 0; i < cells.length; i++) {
      const nbgrader = cells.get(i).getMetadata('nbgrader') as any;
      if (nbgrader?.grade_id === id) {
        return i;
      }
    }
    return -1;
  }, gradeId);
  expect(index, `a cell with grade_id ${gradeId}`).toBeGreaterThanOrEqual(0);
  return index;
}

/** The cell at `index` of the visible notebook (rendered only once scrolled into view). */
export const cellLocator = (page: IJupyterLabPageFixture, index: number) =>
  page.locator(
    `.jp-NotebookPanel:visible .jp-Cell[data-windowed-list-index="${index}"]`
  );

/** Scroll the current notebook to the cell at `index`. */
export async function scrollToCell(
  page: IJupyterLabPageFixture,
  index: number
): Promise<void> {
  await page.evaluate(async index => {
    const panel = window.jupyterapp.shell.currentWidget as any;
    await panel.content.scrollToCell(panel.content.widgets[index], 'center');
  }, index);
}

/** The grade ids of the graded test cells of the current notebook (nbgrader metadata). */
export async function gradedTestCells(
  page: IJupyterLabPageFixture
): Promise<string[]> {
  return page.evaluate(() => {
    const panel = window.jupyterapp.shell.currentWidget as any;
    const cells = panel.content.model.cells;
    const ids: string[] = [];
    for (let i = 0; i < cells.length; i++) {
      const nbgrader = cells.get(i).getMetadata('nbgrader') as any;
      if (nbgrader?.grade && !nbgrader?.solution) {
        ids.push(nbgrader.grade_id);
      }
    }
    return ids;
  });
}

/**
 * Replace the source of a cell, as the student's editor would (through the shared model
 * that the editor shows). Typing multi-line Python through the keyboard would be re-indented
 * by CodeMirror.
 */
export async function setCellSource(
  page: IJupyterLabPageFixture,
  index: number,
  source: string
): Promise<void> {
  await page.evaluate(
    async ({ index, source }) => {
      const panel = window.jupyterapp.shell.currentWidget as any;
      panel.content.model.cells.get(index).sharedModel.setSource(source);
      await panel.content.scrollToCell(panel.content.widgets[index], 'center');
    },
    { index, source }
  );
  const editor = cellLocator(page, index).locator('.cm-content');
  await expect(editor).toContainText(source.split('\n')[0]);
}

/** The execution count and outputs of every code cell (to prove a check left them alone). */
export async function codeCellState(
  page: IJupyterLabPageFixture
): Promise<string[]> {
  return page.evaluate(() => {
    const panel = window.jupyterapp.shell.currentWidget as any;
    const cells = panel.content.model.cells;
    const state: string[] = [];
    for (let i = 0; i < cells.length; i++) {
      const cell = cells.get(i).toJSON();
      if (cell.cell_type === 'code') {
        state.push(
          JSON.stringify({
            index: i,
            execution_count: cell.execution_count,
            outputs: cell.outputs
          })
        );
      }
    }
    return state;
  });
}

/** The id of the kernel of the current notebook (waits for it to be started). */
export async function kernelId(page: IJupyterLabPageFixture): Promise<string> {
  let id = '';
  await expect
    .poll(
      async () => {
        id = await page.evaluate(() => {
          const panel = window.jupyterapp.shell.currentWidget as any;
          return panel?.sessionContext?.session?.kernel?.id ?? '';
        });
        return id;
      },
      { timeout: 60_000 }
    )
    .not.toBe('');
  return id;
}

/** Wait until the current notebook's kernel is idle. */
export async function waitForKernelIdle(
  page: IJupyterLabPageFixture,
  timeout = 60_000
): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const panel = window.jupyterapp.shell.currentWidget as any;
          return panel?.sessionContext?.session?.kernel?.status ?? 'none';
        }),
      { timeout }
    )
    .toBe('idle');
}

/**
 * Whether the cell at `index` intersects the visible part of the notebook's scroller.
 */
export async function isCellInNotebookViewport(
  page: IJupyterLabPageFixture,
  index: number
): Promise<boolean> {
  return page.evaluate(index => {
    const panel = window.jupyterapp.shell.currentWidget as any;
    const notebook = panel?.content;
    const cell = notebook?.widgets?.[index];
    if (!cell || !cell.node.isConnected) {
      return false;
    }
    const scroller: HTMLElement =
      notebook.node.querySelector('.jp-WindowedPanel-outer') ?? notebook.node;
    const view = scroller.getBoundingClientRect();
    const box = cell.node.getBoundingClientRect();
    return (
      box.height > 0 && box.bottom > view.top + 1 && box.top < view.bottom - 1
    );
  }, index);
}

/** Run a JupyterLab command in the page. */
export async function execute(
  page: IJupyterLabPageFixture,
  command: string,
  args: Record<string, unknown> = {}
): Promise<void> {
  await page.evaluate(
    async ({ command, args }) => {
      await window.jupyterapp.commands.execute(command, args as any);
    },
    { command, args }
  );
}

/**
 * Set one of the extension's settings through JupyterLab's setting registry, which saves it
 * with PUT /lab/api/settings/mlmath-lab:plugin (kept in memory by galata for this test).
 */
export async function setSetting(
  page: IJupyterLabPageFixture,
  key: string,
  value: unknown
): Promise<void> {
  await page.evaluate(
    async ({ plugin, key, value }) => {
      const registry = (await window.galata.getPlugin(
        '@jupyterlab/apputils-extension:settings' as any
      )) as any;
      await registry.set(plugin, key, value);
    },
    { plugin: SETTINGS_PLUGIN, key, value }
  );
}

// ---------------------------------------------------------------- the extension's DOM

export const roadmap = (page: IJupyterLabPageFixture) =>
  page.locator('#mlmath-lab-roadmap');

export const roadmapExercise = (
  page: IJupyterLabPageFixture,
  gradeId: string
) =>
  roadmap(page).locator(
    `.mlmath-lab-roadmap-exercise[data-exercise-id="${exerciseId(gradeId)}"]`
  );

export const checkButton = (page: IJupyterLabPageFixture, gradeId: string) =>
  page.locator(
    `.jp-NotebookPanel:visible button.mlmath-lab-check-button[data-exercise-id="${exerciseId(gradeId)}"]`
  );

/** The result of a check of this session (not the last one recorded, shown after a reload). */
export const checkResult = (page: IJupyterLabPageFixture, gradeId: string) =>
  page.locator(
    `.jp-NotebookPanel:visible .mlmath-lab-check-result[data-exercise-id="${exerciseId(gradeId)}"]:not([data-recorded])`
  );

/** The last check recorded in the progress, shown under the exercise after a reload. */
export const recordedResult = (page: IJupyterLabPageFixture, gradeId: string) =>
  page.locator(
    `.jp-NotebookPanel:visible .mlmath-lab-check-result[data-exercise-id="${exerciseId(gradeId)}"][data-recorded="true"]`
  );

/** Open the roadmap sidebar with its command and wait for it. */
/**
 * Click an exercise's Check button and wait for its result to reach `status` (a check may
 * wait for a kernel that is still starting and importing numpy and torch); returns the
 * result's locator.
 */
export async function clickCheck(
  page: IJupyterLabPageFixture,
  gradeId: string,
  status: string | RegExp,
  timeout = 60_000
) {
  await checkButton(page, gradeId).click();
  const result = checkResult(page, gradeId);
  await expect(result).toHaveAttribute('data-status', status, { timeout });
  return result;
}

/**
 * Solve dot_loop in its solution cell and check it until the result says passed; returns the
 * solution cell's index.
 */
export async function solveAndCheckDotLoop(
  page: IJupyterLabPageFixture
): Promise<number> {
  const solution = await cellIndex(page, 'dot_loop_solution');
  await setCellSource(page, solution, DOT_LOOP_SOLUTION);
  await clickCheck(page, 'dot_loop', 'passed');
  return solution;
}

export async function openRoadmap(page: IJupyterLabPageFixture): Promise<void> {
  await execute(page, COMMANDS.openRoadmap);
  await expect(roadmap(page)).toBeVisible();
}

/**
 * Find what the progress API says about one exercise. The payload's exact shape belongs to
 * the server; this accepts `{<id>: {...}}` maps and lists of `{id|exercise_id|exercise, ...}`
 * at any depth, and reads `status` ("passed") or `passed` (true).
 */
export function exerciseProgress(
  payload: unknown,
  id: string
): { status?: string; passed?: boolean } | undefined {
  const seen = new Set<unknown>();
  const visit = (node: unknown): any => {
    if (!node || typeof node !== 'object' || seen.has(node)) {
      return undefined;
    }
    seen.add(node);
    const obj = node as Record<string, unknown>;
    if ([obj.id, obj.exercise_id, obj.exercise].includes(id)) {
      return obj;
    }
    if (!Array.isArray(node) && obj[id] && typeof obj[id] === 'object') {
      return obj[id];
    }
    for (const value of Object.values(obj)) {
      const found = visit(value);
      if (found) {
        return found;
      }
    }
    return undefined;
  };
  return visit(payload);
}

/** What GET /mlmath-lab/progress says about one exercise (undefined: nothing recorded). */
export async function progressOf(
  page: IJupyterLabPageFixture,
  gradeId: string
) {
  const response = await page.request.get('/mlmath-lab/progress');
  expect(response.ok(), 'GET /mlmath-lab/progress').toBe(true);
  return exerciseProgress(await response.json(), exerciseId(gradeId));
}

export function isPassed(entry?: { status?: string; passed?: boolean }) {
  return entry?.status === 'passed' || entry?.passed === true;
}
