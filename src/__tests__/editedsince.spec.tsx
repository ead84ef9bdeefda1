/**
 * A ✔ refers to saved code: a check is recorded with the notebook it was about, a save
 * reloads the progress, and an exercise whose saved code changed since its check is shown
 * as such (a pass stays earned, but it is not the plain ✔).
 */

import { ServerConnection } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';

import * as request from '../api/request';
import { KernelConnector } from '../checks/kernelconnector';
import { EDITED_SINCE_NOTICE, outcomeFromProgress } from '../checks/outcome';
import { CheckRunner } from '../checks/runner';
import { RoadmapModel } from '../roadmap/model';
import { DEFAULT_SETTINGS } from '../settings';
import { IExerciseProgress, IProgress, IRoadmapModel } from '../tokens';
import { RoadmapPanel } from '../widgets/roadmap/roadmappanel';
import { entry, makeProgress, makeRoadmap } from './fixtures';
import {
  FakeSessionContext,
  flush,
  loadNotebook,
  makeResult,
  releaseVersion,
  settle
} from './utils';

jest.mock('../api/request', () => ({
  ...jest.requireActual('../api/request'),
  fetchInfo: jest.fn(),
  fetchRoadmap: jest.fn(),
  fetchProgress: jest.fn(),
  postCheck: jest.fn(),
  postChecklist: jest.fn()
}));

const mocked = request as jest.Mocked<typeof request>;
const actual = jest.requireActual('../api/request') as typeof request;

const DOT_LOOP = '01-linear-algebra/dot_loop';
const SOFTMAX = '01-linear-algebra/softmax';
const NOTEBOOK = '01-linear-algebra/linear_algebra.ipynb';
const ALL_OPEN = { 'linear-algebra': true, calculus: true, probability: true };

function fingerprinted(
  base: IExerciseProgress,
  edited: boolean
): IExerciseProgress {
  return {
    ...base,
    notebook: NOTEBOOK,
    code_sha256: 'a'.repeat(64),
    edited_since_check: edited
  };
}

function progressWith(exercises: Record<string, IExerciseProgress>): IProgress {
  const progress = makeProgress();
  return { ...progress, exercises: { ...progress.exercises, ...exercises } };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>(r => (resolve = r));
  return { promise, resolve };
}

describe('postCheck', () => {
  afterEach(() => jest.restoreAllMocks());

  it('names the notebook in the query and leaves the body the kernel result', async () => {
    const makeRequest = jest
      .spyOn(ServerConnection, 'makeRequest')
      .mockResolvedValue({
        ok: true,
        status: 200,
        text: async () => '{}'
      } as unknown as Response);
    const result = makeResult(SOFTMAX, 'passed');
    await actual.postCheck(result, {
      path: '01 linear/a&b.ipynb',
      savedAgain: false
    });
    let [url, init] = makeRequest.mock.calls[0];
    expect(url).toMatch(
      /\/mlmath-lab\/progress\/check\?notebook=01%20linear%2Fa%26b\.ipynb$/
    );
    expect(JSON.parse(init!.body as string)).toEqual(result);

    await actual.postCheck(result, { path: NOTEBOOK, savedAgain: true });
    [url] = makeRequest.mock.calls[1];
    expect(url).toMatch(/\?notebook=.*&saved_again=1$/);

    await actual.postCheck(result);
    [url] = makeRequest.mock.calls[2];
    expect(url).toMatch(/\/mlmath-lab\/progress\/check$/);
  });
});

describe('RoadmapModel and a saved notebook', () => {
  let model: RoadmapModel;

  beforeEach(async () => {
    jest.resetAllMocks();
    mocked.fetchRoadmap.mockResolvedValue(makeRoadmap());
    mocked.fetchProgress.mockResolvedValue(
      progressWith({ [DOT_LOOP]: fingerprinted(entry('passed', 2), false) })
    );
    model = new RoadmapModel({ layout: null, sync: null });
    await model.refresh();
  });

  it('says whether the saved code changed since the check; the pass stays earned', async () => {
    expect(model.editedSinceCheck(DOT_LOOP)).toBe(false);
    mocked.fetchProgress.mockResolvedValue(
      progressWith({ [DOT_LOOP]: fingerprinted(entry('passed', 2), true) })
    );
    model.notebookSaved(NOTEBOOK);
    await flush();
    expect(model.editedSinceCheck(DOT_LOOP)).toBe(true);
    expect(model.exerciseState(DOT_LOOP)).toBe('passed');
    expect(model.overallCount).toEqual({ passed: 2, total: 6 });
    expect(model.editedSinceCheck(SOFTMAX)).toBe(false); // no fingerprint
  });

  it('does not reload for a save when no check was recorded with its notebook', async () => {
    mocked.fetchProgress.mockClear();
    model.notebookSaved('scratch/another.ipynb');
    await flush();
    expect(mocked.fetchProgress).not.toHaveBeenCalled();

    mocked.fetchProgress.mockResolvedValue(makeProgress());
    await model.refresh();
    mocked.fetchProgress.mockClear();
    model.notebookSaved(NOTEBOOK);
    await flush();
    expect(mocked.fetchProgress).not.toHaveBeenCalled();
  });

  it('records a check with the notebook it was about, and the reply replaces the state', async () => {
    mocked.fetchProgress.mockResolvedValue(
      progressWith({ [DOT_LOOP]: fingerprinted(entry('passed', 2), true) })
    );
    model.notebookSaved(NOTEBOOK);
    await flush();
    mocked.postCheck.mockResolvedValue({
      exercise: DOT_LOOP,
      progress: fingerprinted(entry('passed', 3), false)
    });
    const result = makeResult(DOT_LOOP, 'passed');
    const checked = { path: NOTEBOOK, savedAgain: false };
    expect(await model.recordCheck(result, checked)).toBe(true);
    expect(mocked.postCheck).toHaveBeenCalledWith(result, checked);
    expect(model.editedSinceCheck(DOT_LOOP)).toBe(false);
  });

  it('never shows a reload that a recorded check overtook', async () => {
    // The save before a check starts a reload; the check is recorded before it answers.
    const stale = deferred<IProgress>();
    const fresh = progressWith({
      [DOT_LOOP]: fingerprinted(entry('passed', 3), false)
    });
    mocked.fetchProgress
      .mockReturnValueOnce(stale.promise)
      .mockResolvedValue(fresh);
    model.notebookSaved(NOTEBOOK);
    mocked.postCheck.mockResolvedValue({
      exercise: DOT_LOOP,
      progress: fingerprinted(entry('passed', 3), false)
    });
    await model.recordCheck(makeResult(DOT_LOOP, 'passed'), {
      path: NOTEBOOK,
      savedAgain: false
    });
    stale.resolve(
      progressWith({ [DOT_LOOP]: fingerprinted(entry('passed', 2), true) })
    );
    await flush();
    expect(model.editedSinceCheck(DOT_LOOP)).toBe(false);
    expect(model.exerciseProgress(DOT_LOOP)?.attempts).toBe(3);
    expect(mocked.fetchProgress).toHaveBeenCalledTimes(3); // refresh, stale, again
  });

  it('tells the other tabs after a save changed the progress', async () => {
    const sync = { post: jest.fn(), listen: jest.fn(), close: jest.fn() };
    const synced = new RoadmapModel({ layout: null, sync });
    await synced.refresh();
    synced.notebookSaved(NOTEBOOK);
    await flush();
    expect(sync.post).toHaveBeenCalledWith({ kind: 'progress' });
  });
});

describe('the roadmap row of an exercise edited since its check', () => {
  let model: RoadmapModel;
  let panel: RoadmapPanel;
  const row = () =>
    panel.node.querySelector<HTMLElement>(
      `.mlmath-lab-roadmap-exercise[data-exercise-id="${DOT_LOOP}"]`
    )!;

  beforeEach(async () => {
    jest.resetAllMocks();
    mocked.fetchRoadmap.mockResolvedValue(makeRoadmap());
    mocked.fetchProgress.mockResolvedValue(
      progressWith({ [DOT_LOOP]: fingerprinted(entry('passed', 2), false) })
    );
    const layout = { load: () => ({ ...ALL_OPEN }), save: () => undefined };
    model = new RoadmapModel({ layout, sync: null });
    panel = new RoadmapPanel({
      model,
      actions: { openAssignment: jest.fn(), openExercise: jest.fn() }
    });
    Widget.attach(panel, document.body);
    await model.refresh();
    await settle();
  });

  afterEach(() => panel.dispose());

  it('is the plain ✔ while the saved code is the code checked', () => {
    expect(row().dataset.status).toBe('passed');
    expect(row().dataset.editedSince).toBeUndefined();
    expect(row().querySelector('.mlmath-lab-state-mark')?.textContent).toBe(
      '✔'
    );
    expect(row().querySelector('.mlmath-lab-edited-since')).toBeNull();
  });

  it('says "earned · edited since: check again" after a save, then ✔ after a new check', async () => {
    mocked.fetchProgress.mockResolvedValue(
      progressWith({ [DOT_LOOP]: fingerprinted(entry('passed', 2), true) })
    );
    model.notebookSaved(NOTEBOOK);
    await settle();
    expect(row().dataset.status).toBe('passed'); // earned: still counted
    expect(row().dataset.editedSince).toBe('true');
    expect(row().classList).toContain('mlmath-lab-mod-edited-since');
    expect(row().querySelector('.mlmath-lab-state-mark')?.textContent).not.toBe(
      '✔'
    );
    expect(row().querySelector('.mlmath-lab-edited-since')?.textContent).toBe(
      'earned · edited since: check again'
    );
    expect(row().querySelector('button')?.getAttribute('aria-label')).toBe(
      'Dot product by loop: passed on 2025-01-01; you edited the code since your last check, and the code saved now was not checked: check again'
    );
    expect(
      panel.node.querySelector('.mlmath-lab-roadmap-overall')?.textContent
    ).toBe('2 / 6 exercises passed');

    mocked.postCheck.mockResolvedValue({
      exercise: DOT_LOOP,
      progress: fingerprinted(entry('passed', 3), false)
    });
    await model.recordCheck(makeResult(DOT_LOOP, 'passed'), {
      path: NOTEBOOK,
      savedAgain: false
    });
    await settle();
    expect(row().dataset.editedSince).toBeUndefined();
    expect(row().querySelector('.mlmath-lab-state-mark')?.textContent).toBe(
      '✔'
    );
  });

  it('says it of a failing exercise too, which stays not passed', async () => {
    mocked.fetchProgress.mockResolvedValue(
      progressWith({ [SOFTMAX]: fingerprinted(entry('failed', 3), true) })
    );
    model.notebookSaved(NOTEBOOK);
    await settle();
    const softmax = panel.node.querySelector<HTMLElement>(
      `.mlmath-lab-roadmap-exercise[data-exercise-id="${SOFTMAX}"]`
    )!;
    expect(softmax.dataset.status).toBe('failed');
    expect(softmax.dataset.editedSince).toBe('true');
    expect(softmax.querySelector('.mlmath-lab-edited-since')?.textContent).toBe(
      'edited since: check again'
    );
  });
});

describe('the recorded check under the cell', () => {
  it('says the code saved now was not checked', () => {
    const edited = outcomeFromProgress(
      SOFTMAX,
      null,
      fingerprinted(entry('passed'), true)
    );
    expect(edited.notice).toBe(EDITED_SINCE_NOTICE);
    const same = outcomeFromProgress(
      SOFTMAX,
      null,
      fingerprinted(entry('passed'), false)
    );
    expect(same.notice).toBeUndefined();
  });
});

describe('CheckRunner records the notebook the check was about', () => {
  let session: FakeSessionContext;
  let connector: KernelConnector;
  let recordCheck: jest.Mock;
  let saves: number;

  function runner(path: string | null): CheckRunner {
    const nb = releaseVersion(loadNotebook());
    const roadmap: IRoadmapModel = {
      changed: null as any,
      recordCheck,
      exerciseState: () => 'not-tried',
      exerciseProgress: () => null,
      hasExercise: () => true,
      exerciseTitle: () => null
    };
    return new CheckRunner({
      connector,
      cells: () => nb.cells,
      settings: () => ({ ...DEFAULT_SETTINGS, checkTimeoutSeconds: 5 }),
      roadmap,
      save: async () => {
        saves++;
        return 'saved';
      },
      notebook: { path: () => path, saves: () => saves }
    });
  }

  beforeEach(() => {
    session = new FakeSessionContext();
    connector = new KernelConnector({ session: session.asSessionContext() });
    recordCheck = jest.fn().mockResolvedValue(true);
    saves = 0;
  });

  afterEach(() => connector.dispose());

  it('names the saved notebook', async () => {
    const checks = runner(NOTEBOOK);
    const pending = checks.runCheck(SOFTMAX);
    await flush();
    session.kernel.futures[0].display(makeResult(SOFTMAX, 'passed'));
    session.kernel.futures[0].reply('ok');
    await pending;
    expect(recordCheck).toHaveBeenCalledWith(
      expect.objectContaining({ exercise: SOFTMAX }),
      { path: NOTEBOOK, savedAgain: false }
    );
    checks.dispose();
  });

  it('says when the notebook was saved again while the check ran', async () => {
    const checks = runner(NOTEBOOK);
    const pending = checks.runCheck(SOFTMAX);
    await flush();
    saves++; // an autosave of code the check did not run
    session.kernel.futures[0].display(makeResult(SOFTMAX, 'passed'));
    session.kernel.futures[0].reply('ok');
    await pending;
    expect(recordCheck).toHaveBeenCalledWith(
      expect.objectContaining({ exercise: SOFTMAX }),
      { path: NOTEBOOK, savedAgain: true }
    );
    checks.dispose();
  });

  it('records as before without a path', async () => {
    const checks = runner(null);
    const pending = checks.runCheck(SOFTMAX);
    await flush();
    session.kernel.futures[0].display(makeResult(SOFTMAX, 'passed'));
    session.kernel.futures[0].reply('ok');
    await pending;
    expect(recordCheck).toHaveBeenCalledWith(
      expect.objectContaining({ exercise: SOFTMAX })
    );
    expect(recordCheck.mock.calls[0]).toHaveLength(1);
    checks.dispose();
  });
});
