/**
 * The check runner: one silent request per check, and what the IOPub messages mean.
 */

import { KernelConnector } from '../checks/kernelconnector';
import { checkAllSummary, CheckMessages } from '../checks/messages';
import { CheckRunner, STOP_ON_ERROR } from '../checks/runner';
import { parseCheckResult } from '../formats/checkresult';
import { findExercises } from '../notebook/exercises';
import { DEFAULT_SETTINGS, IMlmathLabSettings } from '../settings';
import { ICheckOutcome, IRoadmapModel } from '../tokens';
import {
  FakeSessionContext,
  flush,
  INotebookJSON,
  loadNotebook,
  makeResult,
  releaseVersion
} from './utils';

const SOFTMAX = '01-linear-algebra/softmax';

function fakeRoadmap(): IRoadmapModel & { recordCheck: jest.Mock } {
  return {
    changed: null as any,
    recordCheck: jest.fn().mockResolvedValue(true),
    exerciseState: () => 'not-tried',
    exerciseProgress: () => null,
    hasExercise: () => true,
    exerciseTitle: (id: string) =>
      id === SOFTMAX ? 'Numerically stable softmax' : null
  };
}

describe('CheckRunner', () => {
  let session: FakeSessionContext;
  let connector: KernelConnector;
  let runner: CheckRunner;
  let roadmap: ReturnType<typeof fakeRoadmap>;
  let nb: INotebookJSON;
  let settings: IMlmathLabSettings;
  let outcomes: ICheckOutcome[];

  beforeEach(() => {
    nb = releaseVersion(loadNotebook());
    session = new FakeSessionContext();
    connector = new KernelConnector({ session: session.asSessionContext() });
    roadmap = fakeRoadmap();
    settings = { ...DEFAULT_SETTINGS, checkTimeoutSeconds: 5 };
    runner = new CheckRunner({
      connector,
      cells: () => nb.cells,
      settings: () => settings,
      roadmap
    });
    outcomes = [];
    runner.outcomeChanged.connect((_, change) => {
      if (change.outcome) {
        outcomes.push(change.outcome);
      }
    });
  });

  afterEach(() => {
    runner.dispose();
    connector.dispose();
    jest.useRealTimers();
  });

  it('sends the solution and test cells in one request that leaves the notebook alone', async () => {
    const pending = runner.runCheck(SOFTMAX);
    await flush();

    const futures = session.kernel.futures;
    expect(futures).toHaveLength(1);
    const content = futures[0].content;
    expect(content.silent).toBe(false);
    expect(content.store_history).toBe(false);
    expect(content.stop_on_error).toBe(STOP_ON_ERROR);
    expect(content.allow_stdin).toBe(false);

    const softmax = findExercises(nb.cells).find(e => e.id === SOFTMAX)!;
    const solution = nb.cells[softmax.solutionIndices[0]].source as string;
    const test = nb.cells[softmax.testIndex].source as string;
    expect(content.code).toBe(`${solution}\n${test}`);
    expect(content.code).toContain('raise NotImplementedError()');
    expect(content.code).not.toContain('HIDDEN TESTS');

    futures[0].display(makeResult(SOFTMAX, 'passed'));
    futures[0].reply('ok');
    const outcome = await pending;

    expect(outcome.status).toBe('passed');
    expect(outcome.result?.summary).toBe('passed all 7 cases');
    expect(outcomes.map(o => o.status)).toEqual(['busy', 'passed']);
    expect(outcomes[0].message).toBe(CheckMessages.running);
    expect(roadmap.recordCheck).toHaveBeenCalledTimes(1);
    expect(roadmap.recordCheck).toHaveBeenCalledWith(
      expect.objectContaining({ exercise: SOFTMAX, status: 'passed' })
    );
  });

  it('tells the view when the exercise has hidden cases (marked by the release)', async () => {
    const softmax = findExercises(nb.cells).find(e => e.id === SOFTMAX)!;
    const testCell = nb.cells[softmax.testIndex];
    testCell.metadata = {
      ...testCell.metadata,
      mlmath_lab: { hidden_cases: true }
    };
    const pending = runner.runCheck(SOFTMAX);
    await flush();
    session.kernel.lastFuture.display(makeResult(SOFTMAX, 'passed'));
    session.kernel.lastFuture.reply('ok');
    expect((await pending).hiddenCases).toBe(true);
  });

  it('reports a failed check, ignoring the CheckFailed error that follows it', async () => {
    const pending = runner.runCheck(SOFTMAX);
    await flush();
    const future = session.kernel.lastFuture;
    future.iopub('stream', { name: 'stdout', text: 'debug print\n' });
    future.display(makeResult(SOFTMAX, 'failed'));
    future.error(
      'CheckFailed',
      'Numerically stable softmax: failed 2 of 7 cases',
      ['CheckFailed: Numerically stable softmax: failed 2 of 7 cases']
    );
    future.reply('error');
    const outcome = await pending;

    expect(outcome.status).toBe('failed');
    expect(outcome.result?.cases[1].name).toBe(
      'huge logits [1000, 1001, 1002]'
    );
    expect(outcome.result?.error).toBeNull();
    expect(roadmap.recordCheck).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'failed' })
    );
  });

  it('reports an error in the student cell before any result as theirs', async () => {
    nb.cells[
      findExercises(nb.cells).find(e => e.id === SOFTMAX)!.solutionIndices[0]
    ].source = 'def softmax(z, axis=-1):\n    return np.exp(z) / (\n';
    const pending = runner.runCheck(SOFTMAX);
    await flush();
    const future = session.kernel.lastFuture;
    future.error(
      'SyntaxError',
      "'(' was never closed (3739314536.py, line 2)",
      [
        '\u001b[36m  Cell \u001b[39m\u001b[32mIn[3]\u001b[39m\u001b[32m, line 2\u001b[39m',
        '    return np.exp(z) / (',
        '                       ^',
        "SyntaxError: '(' was never closed"
      ]
    );
    future.reply('error');
    const outcome = await pending;

    expect(outcome.status).toBe('error');
    expect(outcome.result?.status).toBe('error');
    expect(outcome.result?.title).toBe('Numerically stable softmax');
    expect(outcome.result?.error).toBe(
      "Your code raised SyntaxError: '(' was never closed\n" +
        '  in your solution cell, line 2: return np.exp(z) / ('
    );
    expect(outcome.result?.hint).toMatch(/unclosed bracket/);
    // An attempt that did not pass: recorded, as an error of the student's code.
    expect(roadmap.recordCheck).toHaveBeenCalledTimes(1);
    expect(roadmap.recordCheck).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'error', passed: false })
    );
  });

  it('offers to run the setup cell that defines a missing name (np after a restart)', async () => {
    const pending = runner.runCheck(SOFTMAX);
    await flush();
    session.kernel.lastFuture.error('NameError', "name 'np' is not defined", [
      "NameError: name 'np' is not defined"
    ]);
    session.kernel.lastFuture.reply('error');
    const outcome = await pending;
    expect(outcome.status).toBe('error');
    const imports = nb.cells.findIndex(c =>
      String(Array.isArray(c.source) ? c.source.join('') : c.source).includes(
        'import numpy as np'
      )
    );
    expect(outcome.missingName).toEqual({ name: 'np', cells: [imports] });
    expect(outcome.result?.hint).toBe(
      'np is defined in a cell above that has not run since the kernel started: run it, then check again.'
    );
  });

  it('offers the same when the function raised NameError on every case', async () => {
    const pending = runner.runCheck(SOFTMAX);
    await flush();
    const raising = {
      name: 'small logits',
      status: 'error' as const,
      message: "Your code raised NameError: name 'np' is not defined",
      got: '',
      expected: '',
      error: "Your code raised NameError: name 'np' is not defined"
    };
    session.kernel.lastFuture.display(
      makeResult(SOFTMAX, 'error', {
        summary: 'your code raised an error on 2 of 2 cases',
        cases: [raising, { ...raising, name: 'huge logits' }]
      })
    );
    session.kernel.lastFuture.reply('error');
    const outcome = await pending;
    expect(outcome.status).toBe('error');
    expect(outcome.missingName?.name).toBe('np');
    expect(outcome.missingName?.cells).toHaveLength(1);
    expect(outcome.result?.hint).toMatch(/^np is defined in a cell above/);
    // a failure that is not about a missing name gets no offer
    const failing = runner.runCheck(SOFTMAX);
    await flush();
    session.kernel.lastFuture.display(makeResult(SOFTMAX, 'failed'));
    session.kernel.lastFuture.reply('error');
    expect((await failing).missingName).toBeUndefined();
  });

  it('turns KeyboardInterrupt, a missing library and UnknownExercise into plain messages', async () => {
    const cases: [string, string, string, string][] = [
      ['KeyboardInterrupt', '', 'error', CheckMessages.interrupted],
      [
        'ModuleNotFoundError',
        "No module named 'mlmath_lab'",
        'error',
        CheckMessages.missingLibrary
      ],
      ['UnknownExercise', "'01-linear-algebra/softmax'", 'not-in-course', '']
    ];
    for (const [ename, evalue, status, message] of cases) {
      const pending = runner.runCheck(SOFTMAX);
      await flush();
      session.kernel.lastFuture.error(ename, evalue);
      session.kernel.lastFuture.reply('error');
      const outcome = await pending;
      expect(outcome.status).toBe(status);
      expect(outcome.result).toBeNull();
      // Not about the student's code: nothing recorded.
      expect(roadmap.recordCheck).not.toHaveBeenCalled();
      if (message) {
        expect(outcome.message).toBe(message);
      } else {
        expect(outcome.message).toContain(SOFTMAX);
      }
    }
  });

  it('says so when the reply has no result or was aborted', async () => {
    let pending = runner.runCheck(SOFTMAX);
    await flush();
    session.kernel.lastFuture.reply('ok');
    expect((await pending).message).toBe(CheckMessages.noResult);

    pending = runner.runCheck(SOFTMAX);
    await flush();
    session.kernel.lastFuture.reply('aborted');
    expect((await pending).message).toBe(CheckMessages.aborted);
  });

  it('offers to start a kernel when there is none, and sends nothing', async () => {
    session.session = { kernel: null };
    const outcome = await runner.runCheck(SOFTMAX);
    expect(outcome.status).toBe('no-kernel');
    expect(outcome.message).toBe('Start a kernel to check your work.');

    await runner.startKernel();
    expect(session.startKernel).toHaveBeenCalled();
    expect(session.kernel.futures).toHaveLength(0);
  });

  it('waits for a busy kernel, saying so, then runs', async () => {
    session.setStatus('busy');
    const pending = runner.runCheck(SOFTMAX);
    await flush();
    expect(session.kernel.futures).toHaveLength(0);
    expect(runner.outcome(SOFTMAX)?.status).toBe('busy');
    expect(runner.outcome(SOFTMAX)?.message).toBe(CheckMessages.busy);

    session.setStatus('idle');
    await flush();
    expect(session.kernel.futures).toHaveLength(1);
    session.kernel.lastFuture.display(makeResult(SOFTMAX));
    session.kernel.lastFuture.reply();
    expect((await pending).status).toBe('passed');
  });

  it('waits while the kernel reconnects, and reports it dead when that fails', async () => {
    session.setConnectionStatus('connecting');
    session.kernel.status = 'unknown';
    const pending = runner.runCheck(SOFTMAX);
    await flush();
    expect(runner.outcome(SOFTMAX)?.status).toBe('busy');
    expect(runner.outcome(SOFTMAX)?.message).toBe(CheckMessages.connecting);
    expect(session.kernel.futures).toHaveLength(0);

    session.setConnectionStatus('disconnected');
    const outcome = await pending;
    expect(outcome.status).toBe('dead');
    expect(session.kernel.futures).toHaveLength(0);
  });

  it('reports a lost connection during the check', async () => {
    const pending = runner.runCheck(SOFTMAX);
    await flush();
    session.setConnectionStatus('connecting');
    await flush();
    expect(runner.outcome(SOFTMAX)?.status).toBe('busy');
    session.setConnectionStatus('disconnected');
    expect((await pending).status).toBe('dead');
  });

  it('reports a dead kernel without sending', async () => {
    session.setStatus('dead');
    const outcome = await runner.runCheck(SOFTMAX);
    expect(outcome.status).toBe('dead');
    expect(session.kernel.futures).toHaveLength(0);
  });

  it('reports a kernel restart during the check', async () => {
    const pending = runner.runCheck(SOFTMAX);
    await flush();
    session.setStatus('restarting');
    const outcome = await pending;
    expect(outcome.status).toBe('dead');
    expect(outcome.message).toBe(CheckMessages.dead);
    expect(session.kernel.lastFuture.dispose).toHaveBeenCalled();
  });

  it('reports a cancelled future (kernel gone) as dead', async () => {
    const pending = runner.runCheck(SOFTMAX);
    await flush();
    session.kernel.lastFuture.cancel();
    expect((await pending).status).toBe('dead');
  });

  it('times out, offers to interrupt, and still shows a late result', async () => {
    jest.useFakeTimers();
    const pending = runner.runCheck(SOFTMAX);
    await flush();
    const future = session.kernel.lastFuture;

    jest.advanceTimersByTime(4999);
    await flush();
    expect(runner.outcome(SOFTMAX)?.status).toBe('busy');

    jest.advanceTimersByTime(1);
    const outcome = await pending;
    expect(outcome.status).toBe('timeout');
    expect(outcome.message).toBe(CheckMessages.timeout(5));

    await runner.interrupt();
    expect(session.kernel.interrupt).toHaveBeenCalledTimes(1);

    future.display(makeResult(SOFTMAX, 'failed'));
    future.reply('error');
    await flush();
    expect(runner.outcome(SOFTMAX)?.status).toBe('failed');
    expect(outcomes.map(o => o.status)).toEqual(['busy', 'timeout', 'failed']);
    expect(roadmap.recordCheck).toHaveBeenCalledTimes(1);
  });

  it('says when the notebook has no such exercise', async () => {
    const outcome = await runner.runCheck('99-other/thing');
    expect(outcome.status).toBe('not-in-course');
    expect(outcome.message).toBe(CheckMessages.notInCourse('99-other/thing'));
    expect(session.kernel.futures).toHaveLength(0);
  });

  it('runs a second click of the same check as the same check', async () => {
    const first = runner.runCheck(SOFTMAX);
    const second = runner.runCheck(SOFTMAX);
    expect(second).toBe(first);
    await flush();
    expect(session.kernel.futures).toHaveLength(1);
    session.kernel.lastFuture.display(makeResult(SOFTMAX));
    session.kernel.lastFuture.reply();
    await first;
  });

  it('checks all exercises one after the other', async () => {
    const all = runner.checkAll();
    const ids = findExercises(nb.cells).map(e => e.id);
    for (let i = 0; i < ids.length; i++) {
      await flush();
      // One request at a time.
      expect(session.kernel.futures).toHaveLength(i + 1);
      const future = session.kernel.lastFuture;
      expect(future.content.code).toContain(`check("${ids[i]}"`);
      future.display(makeResult(ids[i], i % 2 ? 'failed' : 'passed'));
      future.reply();
    }
    const outcomes = await all;
    expect(outcomes.map(o => o.exercise)).toEqual(ids);
    expect(outcomes.map(o => o.status)).toEqual(
      ids.map((_, i) => (i % 2 ? 'failed' : 'passed'))
    );
    expect(roadmap.recordCheck).toHaveBeenCalledTimes(ids.length);
  });

  it('records a test cell run by hand and drops the older inline outcome', async () => {
    const pending = runner.runCheck(SOFTMAX);
    await flush();
    session.kernel.lastFuture.display(makeResult(SOFTMAX, 'failed'));
    session.kernel.lastFuture.reply();
    await pending;
    roadmap.recordCheck.mockClear();

    await runner.handRun(makeResult(SOFTMAX, 'passed'));
    expect(runner.outcome(SOFTMAX)).toBeNull();
    expect(roadmap.recordCheck).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'passed' })
    );
  });
});

describe('CheckRunner saving before a check', () => {
  let session: FakeSessionContext;
  let connector: KernelConnector;
  let roadmap: ReturnType<typeof fakeRoadmap>;
  let nb: INotebookJSON;
  let events: string[];

  function runnerSaving(save: () => Promise<'saved' | 'unsaved'>) {
    return new CheckRunner({
      connector,
      cells: () => {
        events.push('cells read');
        return nb.cells;
      },
      settings: () => ({ ...DEFAULT_SETTINGS, checkTimeoutSeconds: 5 }),
      roadmap,
      save
    });
  }

  async function check(runner: CheckRunner): Promise<ICheckOutcome> {
    const pending = runner.runCheck(SOFTMAX);
    await flush();
    session.kernel.lastFuture.display(makeResult(SOFTMAX, 'passed'));
    session.kernel.lastFuture.reply('ok');
    return pending;
  }

  beforeEach(() => {
    nb = releaseVersion(loadNotebook());
    session = new FakeSessionContext();
    connector = new KernelConnector({ session: session.asSessionContext() });
    roadmap = fakeRoadmap();
    events = [];
  });

  afterEach(() => connector.dispose());

  it('saves before the cells are read and sent, and records the result', async () => {
    const runner = runnerSaving(async () => {
      events.push('saved');
      return 'saved';
    });
    const outcome = await check(runner);
    expect(events.indexOf('saved')).toBeGreaterThanOrEqual(0);
    expect(events.indexOf('saved')).toBeLessThan(
      events.lastIndexOf('cells read')
    );
    expect(outcome.status).toBe('passed');
    expect(outcome.notice).toBeUndefined();
    expect(roadmap.recordCheck).toHaveBeenCalledTimes(1);
    runner.dispose();
  });

  it('shows but does not record a check of unsaved code', async () => {
    const runner = runnerSaving(async () => 'unsaved');
    const outcome = await check(runner);
    expect(outcome.status).toBe('passed');
    expect(outcome.notice).toBe(CheckMessages.unsaved);
    expect(roadmap.recordCheck).not.toHaveBeenCalled();
    // a test cell run by hand on unsaved code is not recorded either
    await runner.handRun(makeResult(SOFTMAX, 'passed'));
    expect(roadmap.recordCheck).not.toHaveBeenCalled();
    runner.dispose();
  });

  it('says why when saving failed, and does not record', async () => {
    const runner = runnerSaving(async () => {
      throw new Error('the file is read-only');
    });
    const outcome = await check(runner);
    expect(outcome.notice).toBe(
      CheckMessages.notSaved('the file is read-only')
    );
    expect(roadmap.recordCheck).not.toHaveBeenCalled();
    runner.dispose();
  });
});

describe('checkAllSummary', () => {
  const outcome = (status: ICheckOutcome['status'], message = '') => ({
    exercise: 'x/y',
    status,
    result: null,
    message,
    elapsedMs: null
  });

  it('counts passed, not passing and stubs over all the exercises', () => {
    const outcomes = [
      outcome('passed'),
      outcome('failed'),
      outcome('error'),
      outcome('not_implemented'),
      outcome('not_implemented')
    ];
    expect(checkAllSummary(outcomes, 5)).toEqual({
      message:
        'Check all: 1 of 5 passed · 2 not passing · 2 not implemented yet',
      allPassed: false
    });
    expect(checkAllSummary([outcome('passed'), outcome('passed')], 2)).toEqual({
      message: 'Check all: 2 of 2 passed',
      allPassed: true
    });
  });

  it('says why it stopped early', () => {
    const outcomes = [outcome('passed'), outcome('dead', CheckMessages.dead)];
    expect(checkAllSummary(outcomes, 9).message).toBe(
      `Check all: 1 of 9 passed · 1 without a result. Stopped after 2: ${CheckMessages.dead}`
    );
  });
});

describe('parseCheckResult', () => {
  it('accepts what result.py writes and fills what is missing', () => {
    expect(parseCheckResult(makeResult(SOFTMAX, 'failed'))).toEqual(
      makeResult(SOFTMAX, 'failed')
    );
    const partial = parseCheckResult({ exercise: 'a/b', status: 'passed' });
    expect(partial).toMatchObject({
      exercise: 'a/b',
      title: 'a/b',
      passed: true,
      cases: [],
      hint: null
    });
  });

  it('rejects what is not a check result', () => {
    expect(parseCheckResult(null)).toBeNull();
    expect(parseCheckResult('passed')).toBeNull();
    expect(parseCheckResult([])).toBeNull();
    expect(parseCheckResult({ exercise: 'a/b', status: 'great' })).toBeNull();
  });
});
