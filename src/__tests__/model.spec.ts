/**
 * The roadmap model, with the server calls mocked (as jupyterlab-git mocks its service).
 */

import * as request from '../api/request';
import { RoadmapModel } from '../roadmap/model';
import { entry, makeProgress, makeRoadmap, responseError } from './fixtures';
import { makeResult } from './utils';

jest.mock('../api/request', () => ({
  ...jest.requireActual('../api/request'),
  fetchInfo: jest.fn(),
  fetchRoadmap: jest.fn(),
  fetchProgress: jest.fn(),
  postCheck: jest.fn(),
  postChecklist: jest.fn()
}));

const mocked = request as jest.Mocked<typeof request>;

function persistence(initial: string | null = null) {
  let stored = initial;
  return {
    load: jest.fn(async () => stored),
    save: jest.fn(async (id: string | null) => {
      stored = id;
    }),
    get stored() {
      return stored;
    }
  };
}

describe('RoadmapModel', () => {
  let model: RoadmapModel;
  let changed: jest.Mock;

  beforeEach(() => {
    jest.resetAllMocks();
    mocked.fetchRoadmap.mockResolvedValue(makeRoadmap());
    mocked.fetchProgress.mockResolvedValue(makeProgress());
    mocked.fetchInfo.mockResolvedValue({
      name: 'mlmath_lab',
      version: '0.1.0'
    });
    model = new RoadmapModel();
    changed = jest.fn();
    model.changed.connect(changed);
  });

  describe('#refresh', () => {
    it('loads the roadmap and the progress', async () => {
      expect(model.status).toBe('loading');
      await model.refresh();
      expect(model.status).toBe('ready');
      expect(model.error).toBeNull();
      expect(model.title).toBe('Mathematics of Machine Learning');
      expect(model.phases.map(p => p.id)).toEqual(['foundations', 'models']);
      expect(changed).toHaveBeenCalledTimes(1);
    });

    it('gives exercise states from the progress', async () => {
      await model.refresh();
      expect(model.exerciseState('01-linear-algebra/dot_loop')).toBe('passed');
      expect(model.exerciseState('01-linear-algebra/softmax')).toBe('failed');
      expect(model.exerciseState('01-linear-algebra/kl_divergence')).toBe(
        'not-tried'
      );
      expect(
        model.exerciseProgress('01-linear-algebra/softmax')?.attempts
      ).toBe(3);
      expect(
        model.exerciseProgress('01-linear-algebra/kl_divergence')
      ).toBeNull();
    });

    it('tells a stub and a failing or raising check apart, and a pass stays earned', async () => {
      const progress = makeProgress();
      progress.exercises['01-linear-algebra/kl_divergence'] = {
        ...entry('failed'),
        outcome: 'not_implemented'
      };
      progress.exercises['02-calculus/jacobian'] = {
        ...entry('failed'),
        outcome: 'error'
      };
      progress.exercises['01-linear-algebra/dot_loop'] = {
        ...entry('passed'),
        status: 'failed',
        outcome: 'not_implemented'
      };
      mocked.fetchProgress.mockResolvedValue(progress);
      await model.refresh();
      expect(model.exerciseState('01-linear-algebra/kl_divergence')).toBe(
        'not-implemented'
      );
      expect(model.exerciseState('02-calculus/jacobian')).toBe('failed');
      // entries written before the outcome was kept: as their status
      expect(model.exerciseState('01-linear-algebra/softmax')).toBe('failed');
      // passed once, then the stub was put back: still passed, the last check says so
      expect(model.exerciseState('01-linear-algebra/dot_loop')).toBe('passed');
      expect(model.lastCheckFailed('01-linear-algebra/dot_loop')).toBe(true);
      expect(
        model.assignmentCount(model.phases[0].modules[0].assignments[0])
      ).toEqual({ passed: 1, total: 3 });
    });

    it('counts passed exercises per assignment, module, phase and course', async () => {
      await model.refresh();
      const [foundations, models] = model.phases;
      const [linalg, calculus] = foundations.modules;
      expect(model.assignmentCount(linalg.assignments[0])).toEqual({
        passed: 1,
        total: 3
      });
      expect(model.moduleCount(linalg)).toEqual({ passed: 1, total: 3 });
      expect(model.moduleCount(calculus)).toEqual({ passed: 1, total: 2 });
      expect(model.phaseCount(foundations)).toEqual({ passed: 2, total: 5 });
      expect(model.phaseCount(models)).toEqual({ passed: 0, total: 1 });
      expect(model.overallCount).toEqual({ passed: 2, total: 6 });
    });

    it('finds exercises and their titles', async () => {
      await model.refresh();
      expect(model.hasExercise('02-calculus/jacobian')).toBe(true);
      expect(model.hasExercise('99-x/y')).toBe(false);
      expect(model.exerciseTitle('01-linear-algebra/softmax')).toBe(
        'Stable softmax'
      );
      const where = model.findExercise('03-probability/gaussian');
      expect(where?.phase.id).toBe('models');
      expect(where?.assignment.status).toBe('not_fetched');
    });

    it('loads once for overlapping refreshes, and again only when stale', async () => {
      await Promise.all([model.refresh(), model.refresh()]);
      expect(mocked.fetchRoadmap).toHaveBeenCalledTimes(1);

      await model.refreshIfStale(60000);
      expect(mocked.fetchRoadmap).toHaveBeenCalledTimes(1);
      await model.refreshIfStale(0);
      expect(mocked.fetchRoadmap).toHaveBeenCalledTimes(2);
    });

    it('explains a missing course manifest', async () => {
      mocked.fetchRoadmap.mockRejectedValue(
        responseError(
          404,
          'No course manifest at /home/me/.mlmath-lab/course.yaml.'
        )
      );
      await model.refresh();
      expect(model.status).toBe('error');
      expect(model.phases).toEqual([]);
      expect(model.error).toContain(
        'No course manifest at /home/me/.mlmath-lab/course.yaml.'
      );
      expect(model.error).toContain('mlmath-lab lab');
      expect(changed).toHaveBeenCalledTimes(1);
    });

    it('tells a missing server extension apart from a missing manifest', async () => {
      mocked.fetchRoadmap.mockRejectedValue(responseError(404, 'Not Found'));
      mocked.fetchInfo.mockRejectedValue(responseError(404, 'Not Found'));
      await model.refresh();
      expect(model.error).toMatch(/server extension is not running/);
    });

    it('shows the roadmap without progress when only the progress fails', async () => {
      mocked.fetchProgress.mockRejectedValue(responseError(500, 'disk full'));
      await model.refresh();
      expect(model.status).toBe('ready');
      expect(model.warning).toBe(
        'Your progress could not be loaded: disk full'
      );
      expect(model.overallCount).toEqual({ passed: 0, total: 6 });
    });
  });

  describe('learning paths', () => {
    it('keeps course order without a path', async () => {
      await model.refresh();
      const [foundations] = model.phases;
      expect(model.selectedPath).toBeNull();
      expect(model.modulesOf(foundations).map(m => m.id)).toEqual([
        'linear-algebra',
        'calculus'
      ]);
      expect(model.pathStep('calculus')).toBeNull();
      expect(model.isOnPath('probability')).toBe(true);
      expect(model.pathModules).toEqual([]);
    });

    it('orders and marks the modules of the selected path, and remembers it', async () => {
      const store = persistence();
      model = new RoadmapModel({ persistence: store });
      model.changed.connect(changed);
      await model.refresh();
      changed.mockClear();

      await model.selectPath('researcher');
      expect(changed).toHaveBeenCalledTimes(1);
      expect(store.save).toHaveBeenCalledWith('researcher');
      const [foundations, models] = model.phases;
      expect(model.modulesOf(foundations).map(m => m.id)).toEqual([
        'calculus',
        'linear-algebra'
      ]);
      expect(model.pathModules.map(m => m.id)).toEqual([
        'calculus',
        'linear-algebra'
      ]);
      expect(model.pathStep('calculus')).toBe(1);
      expect(model.pathStep('linear-algebra')).toBe(2);
      expect(model.pathStep('probability')).toBeNull();
      expect(model.isOnPath('probability')).toBe(false);
      expect(model.modulesOf(models).map(m => m.id)).toEqual(['probability']);

      await model.selectPath(null);
      expect(model.selectedPath).toBeNull();
      expect(store.stored).toBeNull();
    });

    it('counts the exercises the path selects; the others are optional', async () => {
      await model.refresh();
      const [foundations, models] = model.phases;
      const [linear, calculus] = foundations.modules;
      // passed: the loop and the gradient check
      expect(model.overallCount).toEqual({ passed: 2, total: 6 });
      expect(model.moduleCount(linear)).toEqual({ passed: 1, total: 3 });

      await model.selectPath('researcher');
      expect(model.isExerciseOnPath('01-linear-algebra/softmax')).toBe(true);
      expect(model.isExerciseOnPath('01-linear-algebra/dot_loop')).toBe(false);
      // the loop's pass does not count on a path that leaves it out
      expect(model.overallCount).toEqual({ passed: 1, total: 3 });
      expect(model.moduleCount(linear)).toEqual({ passed: 0, total: 1 });
      expect(model.moduleCount(calculus)).toEqual({ passed: 1, total: 2 });
      expect(model.phaseCount(foundations)).toEqual({ passed: 1, total: 3 });
      // a module off the path counts as it is
      expect(model.moduleCount(models.modules[0])).toEqual({
        passed: 0,
        total: 1
      });
      expect(model.currentModuleId).toBe('calculus');

      await model.selectPath(null);
      expect(model.isExerciseOnPath('01-linear-algebra/dot_loop')).toBe(true);
      expect(model.overallCount.total).toBe(6);
    });

    it('restores the remembered path and ignores an unknown one', async () => {
      model = new RoadmapModel({ persistence: persistence('researcher') });
      await model.refresh();
      expect(model.selectedPath?.id).toBe('researcher');

      await model.selectPath('no-such-path');
      expect(model.selectedPath).toBeNull();

      const stale = new RoadmapModel({ persistence: persistence('gone') });
      await stale.refresh();
      expect(stale.selectedPath).toBeNull();
    });
  });

  describe('#setDone', () => {
    it('ticks at once and keeps what the server saved', async () => {
      await model.refresh();
      let resolve: (value: { done: boolean; at: string }) => void = () =>
        undefined;
      mocked.postChecklist.mockReturnValue(
        new Promise(r => {
          resolve = r;
        })
      );
      changed.mockClear();

      const pending = model.setDone('3b1b', true);
      // Optimistic: shown before the server answers.
      expect(model.isDone('3b1b')).toBe(true);
      expect(model.isPending('3b1b')).toBe(true);
      expect(changed).toHaveBeenCalledTimes(1);
      expect(mocked.postChecklist).toHaveBeenCalledWith('3b1b', true);

      resolve({ done: true, at: '2025-02-02T00:00:00+00:00' });
      expect(await pending).toBe(true);
      expect(model.isPending('3b1b')).toBe(false);
      expect(model.progress.checklist['3b1b']).toEqual({
        done: true,
        at: '2025-02-02T00:00:00+00:00'
      });
      expect(changed).toHaveBeenCalledTimes(2);
    });

    it('rolls back when the server refuses', async () => {
      await model.refresh();
      mocked.postChecklist.mockRejectedValue(
        responseError(400, 'unknown item')
      );

      const pending = model.setDone('mml-ch2', false);
      expect(model.isDone('mml-ch2')).toBe(false);
      expect(await pending).toBe(false);
      expect(model.isDone('mml-ch2')).toBe(true);
      expect(model.progress.checklist['mml-ch2'].at).toBe(
        '2025-01-01T09:00:00+00:00'
      );
      expect(model.warning).toBe('Could not save your tick: unknown item');

      mocked.postChecklist.mockRejectedValue(responseError(500, 'boom'));
      await model.setDone('never-ticked', true);
      expect(model.isDone('never-ticked')).toBe(false);
      expect('never-ticked' in model.progress.checklist).toBe(false);
    });

    it('does not let an older failure undo a newer tick', async () => {
      await model.refresh();
      let rejectFirst: (reason: unknown) => void = () => undefined;
      mocked.postChecklist
        .mockReturnValueOnce(
          new Promise((_, reject) => {
            rejectFirst = reject;
          })
        )
        .mockResolvedValueOnce({ done: false, at: null });

      const first = model.setDone('bayes', true);
      const second = model.setDone('bayes', false);
      expect(await second).toBe(true);
      rejectFirst(responseError(500, 'late failure'));
      expect(await first).toBe(false);
      expect(model.isDone('bayes')).toBe(false);
      expect(model.warning).toBeNull();
    });
  });

  describe('#recordCheck', () => {
    it('posts the result and shows the state the server recorded', async () => {
      await model.refresh();
      const result = makeResult('01-linear-algebra/softmax', 'passed');
      mocked.postCheck.mockResolvedValue({
        exercise: result.exercise,
        progress: entry('passed', 4)
      });
      changed.mockClear();

      expect(await model.recordCheck(result)).toBe(true);
      expect(mocked.postCheck).toHaveBeenCalledWith(result);
      expect(model.exerciseState('01-linear-algebra/softmax')).toBe('passed');
      expect(
        model.exerciseProgress('01-linear-algebra/softmax')?.attempts
      ).toBe(4);
      expect(model.overallCount).toEqual({ passed: 3, total: 6 });
      expect(changed).toHaveBeenCalledTimes(1);
    });

    it('keeps a pass earned when a later check fails, and says so', async () => {
      await model.refresh();
      expect(model.exerciseState('01-linear-algebra/dot_loop')).toBe('passed');
      const before = model.overallCount;
      // after a kernel restart, the check raises NameError: it is recorded as not passed
      const result = makeResult('01-linear-algebra/dot_loop', 'failed');
      mocked.postCheck.mockResolvedValue({
        exercise: result.exercise,
        progress: {
          ...entry('failed', 2),
          passed_at: '2025-01-01T10:00:00+00:00'
        }
      });

      expect(await model.recordCheck(result)).toBe(true);
      expect(model.exerciseState('01-linear-algebra/dot_loop')).toBe('passed');
      expect(model.lastCheckFailed('01-linear-algebra/dot_loop')).toBe(true);
      expect(model.overallCount).toEqual(before);
      // never passed: failed, and no "last check" note
      expect(model.exerciseState('01-linear-algebra/softmax')).toBe('failed');
      expect(model.lastCheckFailed('01-linear-algebra/softmax')).toBe(false);
    });

    it('keeps the state and warns when the result cannot be saved', async () => {
      await model.refresh();
      mocked.postCheck.mockRejectedValue(responseError(500, 'disk full'));
      const result = makeResult('01-linear-algebra/kl_divergence', 'passed');

      expect(await model.recordCheck(result)).toBe(false);
      expect(model.exerciseState('01-linear-algebra/kl_divergence')).toBe(
        'not-tried'
      );
      expect(model.warning).toBe('Your check result was not saved: disk full');

      // The next saved check clears the warning.
      mocked.postCheck.mockResolvedValue({
        exercise: result.exercise,
        progress: entry('passed')
      });
      await model.recordCheck(result);
      expect(model.warning).toBeNull();
      expect(model.exerciseState('01-linear-algebra/kl_divergence')).toBe(
        'passed'
      );
    });

    it('quietly skips an exercise the course does not know', async () => {
      await model.refresh();
      const warn = jest
        .spyOn(console, 'warn')
        .mockImplementation(() => undefined);
      mocked.postCheck.mockRejectedValue(
        responseError(400, 'unknown exercise')
      );
      changed.mockClear();

      expect(await model.recordCheck(makeResult('99-x/y', 'passed'))).toBe(
        false
      );
      expect(model.warning).toBeNull();
      expect(changed).not.toHaveBeenCalled();
      expect(warn).toHaveBeenCalled();
      warn.mockRestore();
    });
  });
});

function layoutStore(initial: Record<string, boolean> = {}) {
  let stored = { ...initial };
  return {
    load: jest.fn(() => ({ ...stored })),
    save: jest.fn((expanded: Record<string, boolean>) => {
      stored = { ...expanded };
    }),
    get stored() {
      return stored;
    }
  };
}

describe('RoadmapModel open modules', () => {
  beforeEach(() => {
    jest.resetAllMocks();
    mocked.fetchRoadmap.mockResolvedValue(makeRoadmap());
    mocked.fetchProgress.mockResolvedValue(makeProgress());
  });

  it('opens only the module to go on with, and remembers what the student opens or closes', async () => {
    const store = layoutStore();
    const model = new RoadmapModel({ layout: store, sync: null });
    await model.refresh();
    expect(model.currentModuleId).toBe('linear-algebra');
    expect(model.isExpanded('linear-algebra')).toBe(true);
    expect(model.isExpanded('calculus')).toBe(false);
    expect(model.isExpanded('probability')).toBe(false);

    const changed = jest.fn();
    model.changed.connect(changed);
    model.setExpanded('probability', true);
    model.setExpanded('linear-algebra', false);
    expect(changed).toHaveBeenCalledTimes(2);
    expect(store.stored).toEqual({
      probability: true,
      'linear-algebra': false
    });

    // a reload: the student's choice, not the default
    const again = new RoadmapModel({ layout: store, sync: null });
    await again.refresh();
    expect(again.isExpanded('probability')).toBe(true);
    expect(again.isExpanded('linear-algebra')).toBe(false);
    expect(again.isExpanded('calculus')).toBe(false);
  });

  it('goes on with the first module not finished, on the chosen path', async () => {
    const progress = makeProgress();
    for (const id of [
      '01-linear-algebra/softmax',
      '01-linear-algebra/kl_divergence'
    ]) {
      progress.exercises[id] = {
        ...progress.exercises['01-linear-algebra/dot_loop']
      };
    }
    mocked.fetchProgress.mockResolvedValue(progress);
    const model = new RoadmapModel({ layout: null, sync: null });
    await model.refresh();
    const unfinished = model.phases
      .flatMap(phase => phase.modules)
      .filter(m => model.moduleCount(m).passed < model.moduleCount(m).total)
      .map(m => m.id);
    expect(model.currentModuleId).toBe(unfinished[0]);
    await model.selectPath('researcher'); // calculus first
    expect(model.currentModuleId).toBe('calculus');
    expect(model.isExpanded('calculus')).toBe(true);
  });

  it('opens the defaults when the stored layout is unreadable', async () => {
    window.localStorage.setItem('mlmath-lab:roadmap-open-modules', '{not json');
    const model = new RoadmapModel({ sync: null });
    await model.refresh();
    expect(model.isExpanded('linear-algebra')).toBe(true);
    model.setExpanded('calculus', true);
    expect(
      JSON.parse(
        window.localStorage.getItem('mlmath-lab:roadmap-open-modules') ?? ''
      )
    ).toEqual({ calculus: true });
    window.localStorage.removeItem('mlmath-lab:roadmap-open-modules');
  });
});

describe('RoadmapModel across tabs', () => {
  /** Two tabs' channels: what one posts, the other hears (never itself). */
  function linkedTabs(): [RoadmapModel.ISync, RoadmapModel.ISync] {
    const listeners = new Map<
      RoadmapModel.ISync,
      (m: RoadmapModel.ISyncMessage) => void
    >();
    const posted: RoadmapModel.ISyncMessage[] = [];
    const make = (): RoadmapModel.ISync => {
      const sync: RoadmapModel.ISync = {
        post: message => {
          posted.push(message);
          for (const [other, listen] of listeners) {
            if (other !== sync) {
              listen(message);
            }
          }
        },
        listen: handler => {
          listeners.set(sync, handler);
        },
        close: () => listeners.delete(sync)
      };
      return sync;
    };
    return [make(), make()];
  }

  beforeEach(() => {
    jest.resetAllMocks();
    mocked.fetchRoadmap.mockResolvedValue(makeRoadmap());
    mocked.fetchProgress.mockResolvedValue(makeProgress());
  });

  it('a check recorded in one tab reaches the other without a refresh', async () => {
    const [left, right] = linkedTabs();
    const lab = new RoadmapModel({ sync: left });
    const notebook7 = new RoadmapModel({ sync: right });
    await Promise.all([lab.refresh(), notebook7.refresh()]);
    expect(notebook7.exerciseState('01-linear-algebra/kl_divergence')).toBe(
      'not-tried'
    );

    const recorded = entry('passed');
    mocked.postCheck.mockResolvedValue({
      exercise: '01-linear-algebra/kl_divergence',
      progress: recorded
    });
    const progress = makeProgress();
    progress.exercises['01-linear-algebra/kl_divergence'] = recorded;
    mocked.fetchProgress.mockResolvedValue(progress);
    const changed = jest.fn();
    notebook7.changed.connect(changed);

    await lab.recordCheck(makeResult('01-linear-algebra/kl_divergence'));
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(changed).toHaveBeenCalled();
    expect(notebook7.exerciseState('01-linear-algebra/kl_divergence')).toBe(
      'passed'
    );
    lab.dispose();
    notebook7.dispose();
  });

  it('the learning path chosen in one tab is chosen in the other, once', async () => {
    const [left, right] = linkedTabs();
    const postLeft = jest.spyOn(left, 'post');
    const postRight = jest.spyOn(right, 'post');
    const lab = new RoadmapModel({ sync: left });
    const notebook7 = new RoadmapModel({ sync: right });
    await Promise.all([lab.refresh(), notebook7.refresh()]);

    await lab.selectPath('researcher');
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(notebook7.selectedPath?.id).toBe('researcher');
    // the other tab follows without telling back: no echo, no loop
    expect(postLeft).toHaveBeenCalledTimes(1);
    expect(postRight).not.toHaveBeenCalled();
    lab.dispose();
    notebook7.dispose();
  });
});
