/**
 * The result view (under a cell) and the mime renderer (a test cell run by hand): the DOM
 * contract of the browser tests.
 */

import { IRenderMime } from '@jupyterlab/rendermime-interfaces';

import { makeOutcome, outcomeFromProgress } from '../checks/outcome';
import extension, {
  CheckResultRenderer,
  rendererFactory
} from '../mimerenderer';
import { DEFAULT_SETTINGS, SettingsHolder } from '../settings';
import {
  CHECK_MIME_TYPE,
  ICheckOutcome,
  ICheckResult,
  IExerciseProgress
} from '../tokens';
import {
  CheckResultView,
  formatDuration,
  renderCheckOutcome
} from '../widgets/checkresult';
import { makeResult } from './utils';

const SOFTMAX = '01-linear-algebra/softmax';

function fromResult(result: ICheckResult): ICheckOutcome {
  return {
    exercise: result.exercise,
    status: result.status,
    result,
    message: '',
    elapsedMs: 12
  };
}

function render(outcome: ICheckOutcome, showHints = true, actions = {}) {
  const node = document.createElement('div');
  renderCheckOutcome(node, outcome, { showHints, actions });
  return node;
}

describe('renderCheckOutcome', () => {
  it('shows a failed check: summary, failing case, yours vs expected, hint, time', () => {
    const node = render(fromResult(makeResult(SOFTMAX, 'failed')));
    expect(node.classList.contains('mlmath-lab-check-result')).toBe(true);
    expect(node.dataset.exerciseId).toBe(SOFTMAX);
    expect(node.dataset.status).toBe('failed');
    expect(node.querySelector('.mlmath-lab-check-summary')?.textContent).toBe(
      'failed 2 of 7 cases'
    );
    const cases = node.querySelectorAll('.mlmath-lab-check-case');
    expect(cases).toHaveLength(1);
    expect(cases[0].textContent).toContain('huge logits [1000, 1001, 1002]');
    expect(cases[0].textContent).toContain('yours has 3 inf/nan value(s)');
    expect(node.querySelector('.mlmath-lab-check-got')?.textContent).toBe(
      'yoursarray shape (3,) float64: [nan, nan, nan]'
    );
    expect(
      node.querySelector('.mlmath-lab-check-expected')?.textContent
    ).toContain('0.6652');
    expect(node.querySelector('.mlmath-lab-check-hint')?.textContent).toBe(
      'Hint: exp overflows for large logits.'
    );
    expect(node.querySelector('.mlmath-lab-check-time')?.textContent).toBe(
      '(3 ms)'
    );
  });

  it('leaves the hint out when showHints is off', () => {
    const node = render(fromResult(makeResult(SOFTMAX, 'failed')), false);
    expect(node.querySelector('.mlmath-lab-check-hint')).toBeNull();
  });

  it('shows the title once: under a Check button the bar names the exercise', () => {
    const result = makeResult(SOFTMAX, 'failed');
    const inCell = render(fromResult(result));
    expect(inCell.querySelectorAll('.mlmath-lab-check-title')).toHaveLength(1);
    expect(inCell.getAttribute('aria-label')).toBeNull();

    const underButton = document.createElement('div');
    renderCheckOutcome(underButton, fromResult(result), {
      showHints: true,
      showTitle: false
    });
    expect(underButton.querySelector('.mlmath-lab-check-title')).toBeNull();
    expect(underButton.getAttribute('aria-label')).toBe(result.title);
    expect(
      underButton.querySelector('.mlmath-lab-check-exercise')?.textContent
    ).toBe(SOFTMAX);
  });

  it('shows a passed check without a case', () => {
    const node = render(fromResult(makeResult(SOFTMAX, 'passed')));
    expect(node.dataset.status).toBe('passed');
    expect(node.querySelector('.mlmath-lab-check-summary')?.textContent).toBe(
      'passed all 7 cases'
    );
    expect(node.querySelector('.mlmath-lab-check-case')).toBeNull();
    expect(node.querySelector('.mlmath-lab-check-hint')).toBeNull();
  });

  it('says a pass covers only the visible cases where the exercise has hidden ones', () => {
    const summary = (node: HTMLElement) =>
      node.querySelector('.mlmath-lab-check-summary')?.textContent;
    const cases = ['small', 'huge', 'batched'].map(name => ({
      name,
      status: 'passed' as const,
      message: '',
      got: '',
      expected: ''
    }));
    const passed = makeResult(SOFTMAX, 'passed', { cases });
    expect(summary(render({ ...fromResult(passed), hiddenCases: true }))).toBe(
      '3 visible cases passed · more cases run when your work is graded'
    );
    // without hidden cases, or when it fails, the kernel's summary is the whole truth
    expect(summary(render(fromResult(passed)))).toBe('passed all 7 cases');
    const failed = makeResult(SOFTMAX, 'failed');
    expect(summary(render({ ...fromResult(failed), hiddenCases: true }))).toBe(
      'failed 2 of 7 cases'
    );
  });

  it('says a recorded pass covered the visible cases where there are hidden ones', () => {
    const progress: IExerciseProgress = {
      status: 'passed',
      outcome: 'passed',
      attempts: 1,
      last_checked: '2026-12-01T09:30:00.000Z',
      passed_at: '2026-12-01T09:30:00.000Z',
      summary: 'passed all 7 cases',
      hint: null,
      misconception: null,
      duration_ms: 3
    };
    const summary = (outcome: ICheckOutcome) =>
      render(outcome).querySelector('.mlmath-lab-check-summary')?.textContent;
    expect(summary(outcomeFromProgress(SOFTMAX, null, progress, true))).toBe(
      'the visible cases passed · more cases run when your work is graded'
    );
    expect(summary(outcomeFromProgress(SOFTMAX, null, progress))).toBe(
      'passed all 7 cases'
    );
  });

  it('tells a stub to replace NotImplementedError, without a case', () => {
    const result = makeResult(SOFTMAX, 'not_implemented', {
      summary: 'not implemented yet',
      cases: [
        {
          name: 'a',
          status: 'error',
          message: 'NotImplementedError',
          got: '',
          expected: ''
        }
      ]
    });
    const node = render(fromResult(result));
    expect(node.dataset.status).toBe('not_implemented');
    expect(node.querySelector('.mlmath-lab-check-case')).toBeNull();
    expect(node.textContent).toContain('raise NotImplementedError()');
  });

  it("shows the student's error", () => {
    const result = makeResult(SOFTMAX, 'error', {
      error:
        'Your code raised ZeroDivisionError: division by zero\n  in softmax, your cell, line 3',
      cases: [
        {
          name: 'small logits',
          status: 'error',
          message: 'x',
          got: '',
          expected: ''
        }
      ]
    });
    const node = render(fromResult(result));
    expect(
      node.querySelector('.mlmath-lab-check-error')?.textContent
    ).toContain('ZeroDivisionError');
    // With an error, the case names where it happened but does not repeat the message.
    expect(node.querySelector('.mlmath-lab-check-case-message')).toBeNull();
  });

  it('shows every failing case with its own values and its own error (format 2)', () => {
    const failing = (name: string, error = '') => ({
      name,
      status: (error ? 'error' : 'failed') as 'error' | 'failed',
      message: error ? error.split('\n')[0] : `values differ in ${name}`,
      got: error ? '' : `yours in ${name}`,
      expected: error ? '' : `expected in ${name}`,
      error
    });
    const result = makeResult(SOFTMAX, 'error', {
      version: 2,
      summary: 'your code raised an error on 1 of 5 cases',
      cases: [
        failing('first'),
        failing(
          'second',
          'Your code raised IndexError: boom\n  in softmax, your cell, line 2'
        ),
        failing('third'),
        failing('fourth'),
        { name: 'fifth', status: 'passed', message: '', got: '', expected: '' }
      ]
    });
    const node = render(fromResult(result));
    const cases = node.querySelectorAll('.mlmath-lab-check-case');
    expect(cases).toHaveLength(3);
    expect(cases[0].textContent).toContain('yours in first');
    expect(cases[0].textContent).not.toContain('IndexError');
    expect(cases[1].textContent).toContain('IndexError: boom');
    expect(cases[1].querySelector('.mlmath-lab-check-compare')).toBeNull();
    expect(cases[2].textContent).toContain('expected in third');
    expect(node.querySelector('.mlmath-lab-check-more')?.textContent).toBe(
      '... and 1 more failing case(s)'
    );
  });

  it('offers to interrupt on a timeout, and to start a kernel when there is none', () => {
    const interrupt = jest.fn();
    const startKernel = jest.fn();
    const timeout = render(
      makeOutcome(SOFTMAX, 'timeout', 'No result after 30 s.', 30000),
      true,
      { interrupt, startKernel }
    );
    expect(timeout.dataset.status).toBe('timeout');
    expect(
      timeout.querySelector('.mlmath-lab-check-summary')?.textContent
    ).toBe('No result after 30 s.');
    const button = timeout.querySelector<HTMLButtonElement>(
      'button.mlmath-lab-interrupt'
    )!;
    button.click();
    expect(interrupt).toHaveBeenCalledTimes(1);
    expect(timeout.querySelector('.mlmath-lab-start-kernel')).toBeNull();

    const noKernel = render(
      makeOutcome(SOFTMAX, 'no-kernel', 'Start a kernel to check your work.'),
      true,
      { interrupt, startKernel }
    );
    expect(noKernel.dataset.status).toBe('no-kernel');
    noKernel
      .querySelector<HTMLButtonElement>('.mlmath-lab-start-kernel')!
      .click();
    expect(startKernel).toHaveBeenCalledTimes(1);
    expect(noKernel.querySelector('.mlmath-lab-interrupt')).toBeNull();
  });

  it('renders text, never HTML from the kernel', () => {
    const node = render(
      fromResult(
        makeResult(SOFTMAX, 'failed', {
          summary: '<img src=x onerror=alert(1)>'
        })
      )
    );
    expect(node.querySelector('img')).toBeNull();
    expect(node.querySelector('.mlmath-lab-check-summary')?.textContent).toBe(
      '<img src=x onerror=alert(1)>'
    );
  });

  it('offers to run the cell that defines a missing name, then check again', () => {
    const runCells = jest.fn();
    const outcome: ICheckOutcome = {
      ...fromResult(makeResult(SOFTMAX, 'error')),
      missingName: { name: 'np', cells: [1] }
    };
    const node = render(outcome, true, { runCells });
    const button = node.querySelector<HTMLButtonElement>(
      'button.mlmath-lab-run-setup'
    );
    expect(button?.textContent).toBe(
      'Run cell 2 (defines np), then check again'
    );
    button!.click();
    expect(runCells).toHaveBeenCalledWith([1]);
  });

  it('shows the elapsed time and a Stop button once a check runs past 2 s', () => {
    jest.useFakeTimers();
    try {
      const interrupt = jest.fn();
      const view = new CheckResultView({
        showHints: () => true,
        actions: { interrupt }
      });
      view.setOutcome({
        ...makeOutcome(SOFTMAX, 'busy', 'Checking…'),
        startedAt: Date.now()
      });
      expect(view.node.querySelector('.mlmath-lab-stop')).toBeNull();
      jest.advanceTimersByTime(1000);
      expect(view.node.querySelector('.mlmath-lab-check-elapsed')).toBeNull();
      jest.advanceTimersByTime(2000);
      expect(
        view.node.querySelector('.mlmath-lab-check-elapsed')?.textContent
      ).toBe('3 s');
      view.node.querySelector<HTMLButtonElement>('.mlmath-lab-stop')!.click();
      expect(interrupt).toHaveBeenCalledTimes(1);
      // the result replaces them, and the counter stops
      view.setOutcome(fromResult(makeResult(SOFTMAX, 'passed')));
      jest.advanceTimersByTime(2000);
      expect(view.node.querySelector('.mlmath-lab-stop')).toBeNull();
      expect(view.node.querySelector('.mlmath-lab-check-elapsed')).toBeNull();
      view.dispose();
    } finally {
      jest.useRealTimers();
    }
  });

  it('replaces the previous status when rendered again', () => {
    const node = render(fromResult(makeResult(SOFTMAX, 'failed')));
    renderCheckOutcome(node, makeOutcome(SOFTMAX, 'busy', 'Checking…'), {
      showHints: true
    });
    expect(node.dataset.status).toBe('busy');
    expect(node.classList.contains('mlmath-lab-mod-failed')).toBe(false);
    expect(node.querySelector('.mlmath-lab-check-case')).toBeNull();
  });

  it('formats durations', () => {
    expect(formatDuration(3.4)).toBe('3 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(31000)).toBe('31 s');
  });
});

describe('CheckResultView', () => {
  it('is hidden without an outcome and follows the showHints setting', () => {
    let showHints = true;
    const view = new CheckResultView({ showHints: () => showHints });
    expect(view.isHidden).toBe(true);

    view.setOutcome(fromResult(makeResult(SOFTMAX, 'failed')));
    expect(view.isHidden).toBe(false);
    expect(view.node.querySelector('.mlmath-lab-check-hint')).not.toBeNull();

    showHints = false;
    view.refresh();
    expect(view.node.querySelector('.mlmath-lab-check-hint')).toBeNull();

    view.setOutcome(null);
    expect(view.isHidden).toBe(true);
    expect(view.node.dataset.status).toBeUndefined();
    view.dispose();
  });
});

describe('the mime renderer', () => {
  function model(data: unknown): IRenderMime.IMimeModel {
    return {
      trusted: false,
      data: { [CHECK_MIME_TYPE]: data } as any,
      metadata: {},
      setData: () => undefined
    };
  }

  it('is a rank-0, safe renderer of the check MIME type', () => {
    expect(extension.id).toBe('mlmath-lab:mime-renderer');
    expect(extension.rendererFactory).toBe(rendererFactory);
    expect(rendererFactory.mimeTypes).toEqual([
      'application/vnd.mlmath-lab.check+json'
    ]);
    expect(rendererFactory.defaultRank).toBe(0);
    expect(rendererFactory.safe).toBe(true);
  });

  it('renders the same view, with the result class on its root', async () => {
    const renderer = rendererFactory.createRenderer({
      mimeType: CHECK_MIME_TYPE,
      sanitizer: {} as any,
      resolver: null,
      linkHandler: null,
      latexTypesetter: null
    }) as CheckResultRenderer;
    await renderer.renderModel(model(makeResult(SOFTMAX, 'failed')));
    const node = renderer.node;
    expect(node.classList.contains('mlmath-lab-check-result')).toBe(true);
    expect(node.dataset.status).toBe('failed');
    expect(node.dataset.exerciseId).toBe(SOFTMAX);
    expect(node.querySelector('.mlmath-lab-check-summary')).not.toBeNull();
    expect(node.querySelector('.mlmath-lab-check-case')).not.toBeNull();
    expect(node.querySelector('.mlmath-lab-check-hint')).not.toBeNull();
    renderer.dispose();
  });

  it('follows the showHints setting, and says when the data is not a result', async () => {
    const settings = new SettingsHolder();
    const renderer = new CheckResultRenderer(
      {
        mimeType: CHECK_MIME_TYPE,
        sanitizer: {} as any,
        resolver: null,
        linkHandler: null,
        latexTypesetter: null
      },
      settings
    );
    await renderer.renderModel(model(makeResult(SOFTMAX, 'failed')));
    expect(
      renderer.node.querySelector('.mlmath-lab-check-hint')
    ).not.toBeNull();
    settings.update({ ...DEFAULT_SETTINGS, showHints: false });
    expect(renderer.node.querySelector('.mlmath-lab-check-hint')).toBeNull();

    await renderer.renderModel(model({ nonsense: true }));
    expect(renderer.node.textContent).toMatch(/cannot be shown/);
    renderer.dispose();
  });
});
