/**
 * The roadmap sidebar: the DOM contract of the browser tests, rendered from the model.
 */

import { Widget } from '@lumino/widgets';

import * as request from '../api/request';
import { RoadmapModel } from '../roadmap/model';
import { assignmentNotebook, exerciseNotebook } from '../roadmap/notebooks';
import { IRoadmapActions } from '../widgets/roadmap/actions';
import { overallText } from '../widgets/roadmap/labels';
import { RoadmapPanel } from '../widgets/roadmap/roadmappanel';
import { makeResult, settle } from './utils';
import { entry, makeProgress, makeRoadmap, responseError } from './fixtures';

jest.mock('../api/request', () => ({
  ...jest.requireActual('../api/request'),
  fetchInfo: jest.fn(),
  fetchRoadmap: jest.fn(),
  fetchProgress: jest.fn(),
  postCheck: jest.fn(),
  postChecklist: jest.fn()
}));

const mocked = request as jest.Mocked<typeof request>;

const ALL_OPEN = { 'linear-algebra': true, calculus: true, probability: true };

function layoutStore(initial: Record<string, boolean> = {}) {
  let stored = { ...initial };
  return {
    load: () => ({ ...stored }),
    save: (expanded: Record<string, boolean>) => {
      stored = { ...expanded };
    },
    get stored() {
      return stored;
    }
  };
}

describe('RoadmapPanel open modules', () => {
  it('opens only the module to go on with, and keeps what the student opens or closes', async () => {
    jest.resetAllMocks();
    mocked.fetchRoadmap.mockResolvedValue(makeRoadmap());
    mocked.fetchProgress.mockResolvedValue(makeProgress());
    const store = layoutStore();
    const actions = { openAssignment: jest.fn(), openExercise: jest.fn() };
    const open = async () => {
      const model = new RoadmapModel({ layout: store, sync: null });
      const panel = new RoadmapPanel({ model, actions });
      Widget.attach(panel, document.body);
      await model.refresh();
      await settle();
      return panel;
    };
    const expanded = (panel: RoadmapPanel) =>
      Array.from(
        panel.node.querySelectorAll<HTMLElement>('.mlmath-lab-roadmap-module')
      )
        .filter(m => m.querySelector('.mlmath-lab-roadmap-module-body'))
        .map(m => m.dataset.moduleId);
    const toggle = (panel: RoadmapPanel, id: string) =>
      panel.node.querySelector<HTMLButtonElement>(
        `.mlmath-lab-roadmap-module[data-module-id="${id}"] .mlmath-lab-roadmap-module-toggle`
      )!;

    let panel = await open();
    expect(expanded(panel)).toEqual(['linear-algebra']);
    expect(
      panel.node.querySelector<HTMLElement>(
        '[data-module-id="linear-algebra"]'
      )!.dataset.current
    ).toBe('true');
    expect(toggle(panel, 'calculus').getAttribute('aria-expanded')).toBe(
      'false'
    );
    toggle(panel, 'calculus').click();
    toggle(panel, 'linear-algebra').click();
    await settle();
    expect(expanded(panel)).toEqual(['calculus']);
    panel.dispose();

    panel = await open(); // a reload
    expect(expanded(panel)).toEqual(['calculus']);
    panel.dispose();
  });
});

describe('RoadmapPanel', () => {
  let model: RoadmapModel;
  let actions: jest.Mocked<IRoadmapActions>;
  let panel: RoadmapPanel;
  let node: HTMLElement;

  beforeEach(async () => {
    jest.resetAllMocks();
    mocked.fetchRoadmap.mockResolvedValue(makeRoadmap());
    mocked.fetchProgress.mockResolvedValue(makeProgress());
    // every module open: these tests read what the modules hold
    model = new RoadmapModel({ layout: layoutStore(ALL_OPEN), sync: null });
    actions = { openAssignment: jest.fn(), openExercise: jest.fn() };
    panel = new RoadmapPanel({ model, actions });
    Widget.attach(panel, document.body);
    node = panel.node;
    await model.refresh();
    await settle();
  });

  afterEach(() => {
    panel.dispose();
  });

  it('is the left panel with its id, icon and caption', () => {
    expect(panel.id).toBe('mlmath-lab-roadmap');
    expect(panel.title.caption).toBe('ML Math roadmap');
    expect(panel.title.icon).toBeDefined();
  });

  it('shows the overall count and per-module progress', () => {
    expect(node.querySelector('.mlmath-lab-roadmap-overall')?.textContent).toBe(
      '2 / 6 exercises passed'
    );
    const linalg = node.querySelector(
      '.mlmath-lab-roadmap-module[data-module-id="linear-algebra"]'
    )!;
    const progress = linalg.querySelector(
      '.mlmath-lab-progress'
    ) as HTMLElement;
    expect(progress.dataset.passed).toBe('1');
    expect(progress.dataset.total).toBe('3');
    expect(
      node.querySelectorAll('.mlmath-lab-roadmap-module[data-module-id]')
    ).toHaveLength(3);
  });

  it('marks assignments and exercises with their status', () => {
    const statuses = Array.from(
      node.querySelectorAll<HTMLElement>('.mlmath-lab-roadmap-assignment')
    ).map(a => [a.dataset.assignmentId, a.dataset.status]);
    expect(statuses).toEqual([
      ['01-linear-algebra', 'workspace'],
      ['02-calculus', 'fetched'],
      ['03-probability', 'not_fetched']
    ]);
    const exercise = (id: string) =>
      node.querySelector<HTMLElement>(
        `.mlmath-lab-roadmap-exercise[data-exercise-id="${id}"]`
      )!;
    expect(exercise('01-linear-algebra/dot_loop').dataset.status).toBe(
      'passed'
    );
    expect(exercise('01-linear-algebra/softmax').dataset.status).toBe('failed');
    expect(exercise('01-linear-algebra/kl_divergence').dataset.status).toBe(
      'not-tried'
    );
  });

  it('marks a stub not implemented, not failed, and names what the last check found', async () => {
    const notImplemented = {
      ...entry('failed'),
      outcome: 'not_implemented' as const
    };
    mocked.postCheck.mockResolvedValue({
      exercise: '01-linear-algebra/kl_divergence',
      progress: notImplemented
    });
    await model.recordCheck(
      makeResult('01-linear-algebra/kl_divergence', 'failed')
    );
    mocked.postCheck.mockResolvedValue({
      exercise: '01-linear-algebra/dot_loop',
      progress: { ...entry('passed'), status: 'failed', outcome: 'error' }
    });
    await model.recordCheck(makeResult('01-linear-algebra/dot_loop', 'failed'));
    await settle();
    const row = (id: string) =>
      node.querySelector<HTMLElement>(
        `.mlmath-lab-roadmap-exercise[data-exercise-id="${id}"]`
      )!;
    const stub = row('01-linear-algebra/kl_divergence');
    expect(stub.dataset.status).toBe('not-implemented');
    expect(stub.dataset.lastCheck).toBe('not_implemented');
    expect(stub.querySelector('.mlmath-lab-state-mark')?.textContent).toBe('◌');
    expect(stub.querySelector('button')?.getAttribute('aria-label')).toMatch(
      /not implemented yet$/
    );
    const passed = row('01-linear-algebra/dot_loop');
    expect(passed.dataset.status).toBe('passed');
    expect(
      passed.querySelector('.mlmath-lab-last-check')?.getAttribute('title')
    ).toBe(
      'You passed this exercise before; your last check: your code raised an error'
    );
  });

  it('updates live when a check is recorded', async () => {
    mocked.postCheck.mockResolvedValue({
      exercise: '01-linear-algebra/kl_divergence',
      progress: entry('passed')
    });
    await model.recordCheck({
      version: 1,
      exercise: '01-linear-algebra/kl_divergence',
      title: 'KL divergence',
      status: 'passed',
      passed: true,
      summary: 'passed all 6 cases',
      cases: [],
      hint: null,
      misconception: null,
      error: null,
      duration_ms: 2
    });
    await settle();
    expect(
      node.querySelector<HTMLElement>(
        '.mlmath-lab-roadmap-exercise[data-exercise-id="01-linear-algebra/kl_divergence"]'
      )?.dataset.status
    ).toBe('passed');
    expect(node.querySelector('.mlmath-lab-roadmap-overall')?.textContent).toBe(
      '3 / 6 exercises passed'
    );
  });

  it('keeps a pass earned and shows that the last check did not pass', async () => {
    mocked.postCheck.mockResolvedValue({
      exercise: '01-linear-algebra/dot_loop',
      progress: {
        ...entry('failed', 2),
        passed_at: '2025-01-01T10:00:00+00:00'
      }
    });
    await model.recordCheck({
      version: 1,
      exercise: '01-linear-algebra/dot_loop',
      title: 'Dot product with a loop',
      status: 'error',
      passed: false,
      summary: 'your code raised NameError before the check could run',
      cases: [],
      hint: null,
      misconception: null,
      error: "Your code raised NameError: name 'np' is not defined",
      duration_ms: 2
    });
    await settle();
    const row = node.querySelector<HTMLElement>(
      '.mlmath-lab-roadmap-exercise[data-exercise-id="01-linear-algebra/dot_loop"]'
    )!;
    expect(row.dataset.status).toBe('passed');
    expect(row.dataset.lastCheck).toBe('failed');
    expect(row.querySelector('.mlmath-lab-state-mark')?.textContent).toBe('✔');
    expect(row.querySelector('.mlmath-lab-last-check')?.textContent).toBe(
      'last check ✘'
    );
    expect(row.querySelector('button')?.getAttribute('aria-label')).toContain(
      'passed on 2025-01-01; your last check: failed'
    );
    expect(node.querySelector('.mlmath-lab-roadmap-overall')?.textContent).toBe(
      '2 / 6 exercises passed'
    );
  });

  it('opens an assignment, and an exercise at its cell', () => {
    node
      .querySelector<HTMLButtonElement>(
        '[data-assignment-id="01-linear-algebra"] .mlmath-lab-roadmap-assignment-open'
      )!
      .click();
    expect(actions.openAssignment).toHaveBeenCalledWith(
      expect.objectContaining({ id: '01-linear-algebra' }),
      '01-linear-algebra/linear_algebra.ipynb'
    );
    node
      .querySelector<HTMLButtonElement>(
        '[data-exercise-id="01-linear-algebra/softmax"] button'
      )!
      .click();
    expect(actions.openExercise).toHaveBeenCalledWith(
      expect.objectContaining({ id: '01-linear-algebra/softmax' }),
      expect.objectContaining({ id: '01-linear-algebra' }),
      '01-linear-algebra/notebook.ipynb'
    );
  });

  it('says where to fetch an assignment that is not fetched, and opens nothing', async () => {
    const assignment = node.querySelector(
      '[data-assignment-id="03-probability"]'
    )!;
    expect(
      assignment.querySelector('.mlmath-lab-not-fetched')?.textContent
    ).toBe('not fetched yet — fetch it from the Assignments tab');
    assignment
      .querySelector<HTMLButtonElement>('.mlmath-lab-roadmap-assignment-open')!
      .click();
    assignment
      .querySelector<HTMLButtonElement>('.mlmath-lab-roadmap-exercise button')!
      .click();
    await settle();
    expect(actions.openAssignment).not.toHaveBeenCalled();
    expect(actions.openExercise).not.toHaveBeenCalled();
    expect(
      node
        .querySelector(
          '[data-assignment-id="03-probability"] .mlmath-lab-not-fetched'
        )
        ?.classList.contains('mlmath-lab-mod-flash')
    ).toBe(true);
  });

  it('ticks readings and checkpoints through the model', async () => {
    mocked.postChecklist.mockResolvedValue({ done: true, at: 'now' });
    const boxes = Array.from(
      node.querySelectorAll<HTMLInputElement>('input.mlmath-lab-checklist-item')
    );
    expect(boxes.map(b => b.dataset.itemId)).toEqual([
      'mml-ch2',
      '3b1b',
      'dot-geometry',
      'bayes'
    ]);
    expect(boxes.map(b => b.checked)).toEqual([true, false, false, false]);

    const counted = () =>
      node.querySelector(
        '[data-module-id="linear-algebra"] .mlmath-lab-checkpoint-count'
      )?.textContent;
    expect(counted()).toBe('0/1');
    boxes[2].click();
    await settle();
    expect(mocked.postChecklist).toHaveBeenCalledWith('dot-geometry', true);
    expect(
      node.querySelector<HTMLInputElement>(
        'input.mlmath-lab-checklist-item[data-item-id="dot-geometry"]'
      )?.checked
    ).toBe(true);
    expect(counted()).toBe('1/1'); // checkpoints ticked are counted (readings are not)
  });

  it('orders modules by the selected learning path', async () => {
    const select = node.querySelector<HTMLSelectElement>(
      'select.mlmath-lab-path-select'
    )!;
    expect(Array.from(select.options).map(o => o.value)).toEqual([
      '',
      'beginner',
      'researcher'
    ]);
    select.value = 'researcher';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect(model.selectedPath?.id).toBe('researcher');
    const order = Array.from(
      node.querySelectorAll<HTMLElement>('.mlmath-lab-roadmap-module')
    ).map(m => [m.dataset.moduleId, m.dataset.onPath]);
    expect(order).toEqual([
      ['calculus', 'true'],
      ['linear-algebra', 'true'],
      ['probability', 'false']
    ]);
    // the exercises the path leaves out are marked optional and not counted
    expect(node.querySelector('.mlmath-lab-roadmap-overall')?.textContent).toBe(
      '1 / 3 exercises of your path passed'
    );
    model.setExpanded('linear-algebra', true);
    await settle();
    const open = node.querySelector<HTMLElement>(
      '[data-exercise-id="01-linear-algebra/dot_loop"]'
    )!;
    expect(open.dataset.onPath).toBe('false');
    expect(open.querySelector('.mlmath-lab-optional')?.textContent).toBe(
      'optional'
    );
    expect(open.querySelector('button')?.getAttribute('aria-label')).toBe(
      'Dot product by loop: passed on 2025-01-01 (optional on your path)'
    );
    const softmax = node.querySelector<HTMLElement>(
      '[data-exercise-id="01-linear-algebra/softmax"]'
    )!;
    expect(softmax.dataset.onPath).toBe('true');
    expect(softmax.querySelector('.mlmath-lab-optional')).toBeNull();
  });

  it('shows why there is no roadmap', async () => {
    mocked.fetchRoadmap.mockRejectedValue(
      responseError(500, 'manifest: bad YAML')
    );
    await model.refresh();
    await settle();
    expect(node.querySelector('.mlmath-lab-roadmap-error')?.textContent).toBe(
      'The roadmap could not be loaded: manifest: bad YAML'
    );
    expect(node.querySelector('.mlmath-lab-roadmap-overall')).toBeNull();
  });
});

describe('roadmap helpers', () => {
  it('finds the notebook to open', () => {
    const [linalg] = makeRoadmap().phases[0].modules;
    const assignment = linalg.assignments[0];
    expect(assignmentNotebook(assignment)).toBe(
      '01-linear-algebra/linear_algebra.ipynb'
    );
    expect(
      exerciseNotebook(
        { ...assignment.exercises[0], notebook: null },
        assignment
      )
    ).toBe('01-linear-algebra/linear_algebra.ipynb');
    expect(
      assignmentNotebook({ ...assignment, status: 'not_fetched' })
    ).toBeNull();
  });

  it('words the overall count', () => {
    expect(overallText({ passed: 3, total: 9 })).toBe('3 / 9 exercises passed');
    expect(overallText({ passed: 0, total: 1 })).toBe('0 / 1 exercise passed');
    expect(overallText({ passed: 2, total: 26 }, true)).toBe(
      '2 / 26 exercises of your path passed'
    );
  });
});
