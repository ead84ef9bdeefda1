/**
 * The Check buttons in a real notebook panel holding the 01 notebook.
 */

import { Cell, ICodeCellModel } from '@jupyterlab/cells';
import { Context } from '@jupyterlab/docregistry';
import {
  INotebookModel,
  NotebookActions,
  NotebookPanel
} from '@jupyterlab/notebook';
import { NBTestUtils } from '@jupyterlab/notebook/lib/testutils';
import { PromiseDelegate } from '@lumino/coreutils';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { JupyterFrontEnd } from '@jupyterlab/application';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { CommandRegistry } from '@lumino/commands';

import { makeOutcome } from '../checks/outcome';
import { checkButtonsPlugin } from '../index';
import { CheckButtonExtension, NotebookChecks } from '../notebook/checkbuttons';
import { findExercises } from '../notebook/exercises';
import { openExercise, revealExercise } from '../notebook/navigation';
import { DEFAULT_SETTINGS, SettingsHolder } from '../settings';
import {
  CHECK_MIME_TYPE,
  CommandIDs,
  ICheckOutcome,
  IExerciseProgress,
  IRoadmapModel
} from '../tokens';
import { loadNotebook, makeResult, releaseVersion, waitFor } from './utils';

const SOFTMAX = '01-linear-algebra/softmax';

async function wait(ms = 120): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms));
}

function fakeRoadmap(): IRoadmapModel & {
  recordCheck: jest.Mock;
  notebookSaved: jest.Mock;
} {
  return {
    changed: new Signal<any, void>({}),
    recordCheck: jest.fn().mockResolvedValue(true),
    notebookSaved: jest.fn(),
    exerciseState: () => 'not-tried',
    exerciseProgress: () => null,
    hasExercise: () => true,
    exerciseTitle: id => (id === SOFTMAX ? 'Numerically stable softmax' : null)
  };
}

// Building notebook models outside a shared document makes yjs warn on every cell; the
// warnings say nothing about this extension.
const YJS_NOISE = /Yjs type to a document|Not same Y\.Doc|Clipboard API/;
const warn = console.warn;
beforeAll(() => {
  jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (!YJS_NOISE.test(String(args[0]))) {
      warn(...args);
    }
  });
});
afterAll(() => {
  jest.restoreAllMocks();
});

describe('NotebookChecks', () => {
  let context: Context<INotebookModel>;
  let panel: NotebookPanel;
  let checks: NotebookChecks;
  let settings: SettingsHolder;
  let roadmap: ReturnType<typeof fakeRoadmap>;

  const buttons = () =>
    Array.from(
      panel.node.querySelectorAll<HTMLButtonElement>(
        'button.mlmath-lab-check-button'
      )
    );
  const cellNode = (index: number) => panel.content.widgets[index].node;
  const exercises = () => findExercises(releaseVersion(loadNotebook()).cells);

  beforeEach(async () => {
    context = await NBTestUtils.createMockContext(false);
    context.model.fromJSON(releaseVersion(loadNotebook()) as any);
    panel = NBTestUtils.createNotebookPanel(context);
    Widget.attach(panel, document.body);
    settings = new SettingsHolder();
    roadmap = fakeRoadmap();
    checks = new NotebookChecks(panel, { settings, roadmap });
    await waitFor(() => buttons().length === 9);
  });

  afterEach(() => {
    checks.dispose();
    panel.dispose();
    context.dispose();
  });

  it('puts one Check button in every exercise solution cell', () => {
    const expected = exercises();
    expect(buttons().map(b => b.dataset.exerciseId)).toEqual(
      expected.map(e => e.id)
    );
    for (const exercise of expected) {
      const button = buttons().find(b => b.dataset.exerciseId === exercise.id)!;
      expect(cellNode(exercise.buttonIndex).contains(button)).toBe(true);
      expect(cellNode(exercise.testIndex).contains(button)).toBe(false);
    }
    // The roadmap's title labels the button.
    const softmax = buttons().find(b => b.dataset.exerciseId === SOFTMAX)!;
    expect(softmax.parentElement?.textContent).toContain(
      'Numerically stable softmax'
    );
    // "Check all" is shown on a course notebook.
    // (jsdom gives the toolbar no width, so the responsive toolbar may have moved the
    // button to its overflow menu: look at the widget itself.)
    expect(checks.checkAllButton.hasClass('mlmath-lab-check-all-item')).toBe(
      true
    );
    expect(checks.checkAllButton.isHidden).toBe(false);
    expect(checks.checkAllButton.isDisposed).toBe(false);
  });

  it('runs the check of its exercise and shows the result under that cell', async () => {
    let outcome: ICheckOutcome | null = null;
    const runCheck = jest
      .spyOn(checks.runner, 'runCheck')
      .mockImplementation(async id => {
        outcome = {
          exercise: id,
          status: 'failed',
          result: makeResult(id, 'failed'),
          message: '',
          elapsedMs: 40
        };
        (checks.runner as any)._setOutcome(outcome, false);
        return outcome;
      });
    const softmax = exercises().find(e => e.id === SOFTMAX)!;
    const button = buttons().find(b => b.dataset.exerciseId === SOFTMAX)!;
    button.click();
    await wait(0);

    expect(runCheck).toHaveBeenCalledWith(SOFTMAX);
    const result = cellNode(softmax.buttonIndex).querySelector<HTMLElement>(
      `.mlmath-lab-check-result[data-exercise-id="${SOFTMAX}"]`
    )!;
    expect(result.dataset.status).toBe('failed');
    expect(result.querySelector('.mlmath-lab-check-summary')).not.toBeNull();
    expect(result.querySelector('.mlmath-lab-check-case')).not.toBeNull();
    expect(result.querySelector('.mlmath-lab-check-hint')).not.toBeNull();
    // Only under that cell.
    expect(
      panel.node.querySelectorAll('.mlmath-lab-check-result[data-status]')
    ).toHaveLength(1);

    settings.update({ ...DEFAULT_SETTINGS, showHints: false });
    expect(result.querySelector('.mlmath-lab-check-hint')).toBeNull();
  });

  it('disables the button while a check runs, and offers to interrupt on timeout', () => {
    const interrupt = jest
      .spyOn(checks.runner, 'interrupt')
      .mockResolvedValue(undefined);
    const button = buttons().find(b => b.dataset.exerciseId === SOFTMAX)!;
    (checks.runner as any)._setOutcome(
      makeOutcome(SOFTMAX, 'busy', 'Checking…'),
      false
    );
    expect(button.disabled).toBe(true);
    (checks.runner as any)._setOutcome(
      makeOutcome(SOFTMAX, 'timeout', 'No result after 30 s.'),
      false
    );
    expect(button.disabled).toBe(false);
    const stop = panel.node.querySelector<HTMLButtonElement>(
      `.mlmath-lab-check-result[data-exercise-id="${SOFTMAX}"][data-status="timeout"] button.mlmath-lab-interrupt`
    )!;
    stop.click();
    expect(interrupt).toHaveBeenCalledTimes(1);
  });

  it('follows cells being added and removed', async () => {
    const model = context.model;
    model.sharedModel.insertCell(0, {
      cell_type: 'markdown',
      source: '# new cell on top'
    });
    await waitFor(() => checks.exercises()[0].testIndex === 12);
    await wait();
    let expected = findExercises(
      Array.from({ length: model.cells.length }, (_, i) => {
        const cell = model.cells.get(i);
        return {
          cell_type: cell.type,
          source: cell.sharedModel.getSource(),
          metadata: { nbgrader: cell.getMetadata('nbgrader') as any }
        };
      })
    );
    expect(buttons()).toHaveLength(9);
    for (const exercise of expected) {
      const button = buttons().find(b => b.dataset.exerciseId === exercise.id)!;
      expect(cellNode(exercise.buttonIndex).contains(button)).toBe(true);
    }

    // Without its solution cell, the exercise's button moves to its test cell.
    const softmax = expected.find(e => e.id === SOFTMAX)!;
    model.sharedModel.deleteCell(softmax.solutionIndices[0]);
    await waitFor(() =>
      cellNode(
        checks.exercises().find(e => e.id === SOFTMAX)!.testIndex
      ).contains(buttons().find(b => b.dataset.exerciseId === SOFTMAX) ?? null)
    );
    expected = checks.exercises();
    const moved = expected.find(e => e.id === SOFTMAX)!;
    expect(moved.solutionIndices).toEqual([]);
    const button = buttons().find(b => b.dataset.exerciseId === SOFTMAX)!;
    expect(cellNode(moved.testIndex).contains(button)).toBe(true);
    expect(buttons()).toHaveLength(9);
  });

  it("shows each exercise's last recorded check until this session checks it", async () => {
    const recorded: IExerciseProgress = {
      status: 'failed',
      outcome: 'failed',
      attempts: 2,
      last_checked: '2026-12-01T09:30:00.000Z',
      passed_at: null,
      summary: 'failed 2 of 7 cases',
      hint: 'Subtract the maximum first.',
      misconception: 'no max subtraction',
      duration_ms: 4
    };
    roadmap.exerciseProgress = (id: string) =>
      id === SOFTMAX ? recorded : null;
    (roadmap.changed as Signal<any, void>).emit(); // the progress has loaded
    const result = () =>
      panel.node.querySelector<HTMLElement>(
        `.mlmath-lab-check-result[data-exercise-id="${SOFTMAX}"]`
      );
    await waitFor(() => result()?.dataset.recorded === 'true');
    expect(result()?.dataset.status).toBe('failed');
    expect(
      result()?.querySelector('.mlmath-lab-check-summary')?.textContent
    ).toBe('failed 2 of 7 cases');
    expect(
      result()?.querySelector('.mlmath-lab-check-recorded')?.textContent
    ).toMatch(/^Your last check, on 2026-12-0[12] \d\d:30\. Check again/);
    expect(result()?.querySelector('.mlmath-lab-check-hint')?.textContent).toBe(
      'Hint: Subtract the maximum first.'
    );
    // another exercise, never checked: nothing shown
    expect(
      panel.node.querySelector(
        '.mlmath-lab-check-result[data-exercise-id="01-linear-algebra/dot_loop"][data-status]'
      )
    ).toBeNull();
  });

  it('records a test cell run by hand', async () => {
    const softmax = exercises().find(e => e.id === SOFTMAX)!;
    const cell = panel.content.widgets[softmax.testIndex] as Cell;
    (cell.model as ICodeCellModel).outputs.add({
      output_type: 'display_data',
      data: {
        [CHECK_MIME_TYPE]: makeResult(SOFTMAX, 'passed') as any,
        'text/plain': 'passed'
      },
      metadata: {}
    });
    (NotebookActions.executed as Signal<any, any>).emit({
      notebook: panel.content,
      cell,
      success: true
    });
    // recorded once the notebook is saved, so the pass is about the code on disk
    await waitFor(() => roadmap.recordCheck.mock.calls.length > 0);
    // with the saved notebook it was about, so the roadmap can tell when its code changes
    expect(roadmap.recordCheck).toHaveBeenCalledWith(
      expect.objectContaining({ exercise: SOFTMAX, status: 'passed' }),
      { path: context.localPath, savedAgain: false }
    );
    expect(context.model.dirty).toBe(false);

    // Another cell run by hand records nothing.
    roadmap.recordCheck.mockClear();
    (NotebookActions.executed as Signal<any, any>).emit({
      notebook: panel.content,
      cell: panel.content.widgets[softmax.buttonIndex],
      success: true
    });
    expect(roadmap.recordCheck).not.toHaveBeenCalled();
  });

  it('tells the roadmap when the notebook is saved (its code may differ from a check)', async () => {
    context.model.sharedModel.cells[0].setSource('# edited');
    await context.save();
    expect(roadmap.notebookSaved).toHaveBeenCalledWith(context.localPath);
  });

  it('adds the button to a cell only once the cell is rendered (windowed notebooks)', async () => {
    checks.dispose();
    for (const widget of buttons()) {
      expect(widget.isConnected).toBe(false);
    }
    const softmax = exercises().find(e => e.id === SOFTMAX)!;
    const cell = panel.content.widgets[softmax.buttonIndex];
    // As a placeholder cell outside the viewport: not ready yet.
    const ready = new PromiseDelegate<void>();
    Object.defineProperty(cell, 'ready', { get: () => ready.promise });

    checks = new NotebookChecks(panel, { settings, roadmap });
    await waitFor(() => buttons().length === 8);
    await wait();
    expect(buttons()).toHaveLength(8);
    expect(cell.node.querySelector('.mlmath-lab-check-button')).toBeNull();

    ready.resolve();
    await wait(0);
    expect(buttons()).toHaveLength(9);
    expect(cell.node.querySelector('.mlmath-lab-check-button')).not.toBeNull();
  });

  it('shows no button and no "Check all" in a notebook outside the course', async () => {
    checks.dispose();
    context.model.fromJSON({
      cells: [
        {
          cell_type: 'code',
          source: 'print(1)',
          metadata: {},
          outputs: [],
          execution_count: null
        }
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5
    } as any);
    checks = new NotebookChecks(panel, { settings, roadmap });
    await waitFor(() => (checks as any)._syncTimer !== undefined);
    await wait(300);
    expect(buttons()).toHaveLength(0);
    expect(checks.checkAllButton.isHidden).toBe(true);
  });
});

describe('with a course notebook open', () => {
  let context: Context<INotebookModel>;
  let panel: NotebookPanel;

  beforeEach(async () => {
    context = await NBTestUtils.createMockContext(false);
    context.model.fromJSON(releaseVersion(loadNotebook()) as any);
    panel = NBTestUtils.createNotebookPanel(context);
    Widget.attach(panel, document.body);
  });

  afterEach(() => {
    panel.dispose();
    context.dispose();
  });

  it('reveals an exercise: its solution cell becomes active and is scrolled to', async () => {
    const softmax = findExercises(releaseVersion(loadNotebook()).cells).find(
      e => e.id === SOFTMAX
    )!;
    const scroll = jest
      .spyOn(panel.content, 'scrollToItem')
      .mockResolvedValue(undefined);
    expect(
      await revealExercise(panel, { id: SOFTMAX, grade_id: 'softmax' })
    ).toBe(true);
    const solution = softmax.solutionIndices[0];
    expect(solution).toBeLessThan(softmax.testIndex);
    expect(panel.content.activeCellIndex).toBe(solution);
    expect(scroll).toHaveBeenCalledWith(solution, 'center');

    // By grade id when the manifest and the notebook disagree on the id.
    expect(
      await revealExercise(panel, {
        id: 'renamed/softmax',
        grade_id: 'softmax'
      })
    ).toBe(true);
    expect(
      await revealExercise(panel, { id: 'x/none', grade_id: 'none' })
    ).toBe(false);

    const docManager = {
      openOrReveal: jest.fn().mockReturnValue(panel)
    } as unknown as IDocumentManager;
    expect(
      await openExercise(docManager, 'a/b.ipynb', {
        id: SOFTMAX,
        grade_id: 'softmax'
      })
    ).toBe(true);
    expect(docManager.openOrReveal).toHaveBeenCalledWith('a/b.ipynb');
  });

  it('checks the exercise of the active cell, and all of them, from commands', async () => {
    const commands = new CommandRegistry();
    const addWidgetExtension = jest.fn();
    checkButtonsPlugin.activate(
      {
        commands,
        docRegistry: { addWidgetExtension }
      } as unknown as JupyterFrontEnd,
      { currentWidget: panel },
      null,
      null,
      null,
      null
    );
    const extension = addWidgetExtension.mock
      .calls[0][1] as CheckButtonExtension;
    const checks = extension.createNew(panel, context) as NotebookChecks;
    const runCheck = jest
      .spyOn(checks.runner, 'runCheck')
      .mockResolvedValue(makeOutcome(SOFTMAX, 'passed', ''));
    const checkAll = jest
      .spyOn(checks.runner, 'checkAll')
      .mockResolvedValue([]);

    expect(commands.isEnabled(CommandIDs.checkActive)).toBe(true);
    const softmax = checks.exercises().find(e => e.id === SOFTMAX)!;
    panel.content.activeCellIndex = softmax.buttonIndex;
    await commands.execute(CommandIDs.checkActive);
    expect(runCheck).toHaveBeenCalledWith(SOFTMAX);

    runCheck.mockClear();
    panel.content.activeCellIndex = 0;
    await commands.execute(CommandIDs.checkActive);
    expect(runCheck).not.toHaveBeenCalled();

    await commands.execute(CommandIDs.checkAll);
    expect(checkAll).toHaveBeenCalledTimes(1);
    checks.dispose();
  });
});

describe('CheckButtonExtension', () => {
  it('makes one NotebookChecks per panel and finds it again', async () => {
    const context = await NBTestUtils.createMockContext(false);
    const panel = NBTestUtils.createNotebookPanel(context);
    const extension = new CheckButtonExtension({
      settings: new SettingsHolder()
    });
    const checks = extension.createNew(panel, context);
    expect(extension.get(panel)).toBe(checks);
    panel.dispose();
    expect(extension.get(panel)).toBeNull();
    context.dispose();
  });
});
