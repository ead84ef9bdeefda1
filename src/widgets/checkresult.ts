/**
 * The view of one check outcome: used under an exercise's solution cell (the Check button)
 * and by the mime renderer (a test cell run by hand).
 */

import { Widget } from '@lumino/widgets';

import {
  CheckOutcomeStatus,
  ICheckCase,
  ICheckOutcome,
  ICheckResult,
  isTransient
} from '../tokens';
import { inlineMarkdown } from '../inlinemarkdown';

/**
 * The class of the root node of a result (part of the DOM contract).
 */
export const CHECK_RESULT_CLASS = 'mlmath-lab-check-result';

/**
 * What a result view can offer besides showing the result.
 */
export interface ICheckResultActions {
  /**
   * Interrupt the kernel (offered on a timeout).
   */
  interrupt?: () => void;

  /**
   * Start a kernel (offered when there is none).
   */
  startKernel?: () => void;

  /**
   * Run these cells, then check again (offered when a name they define is missing).
   */
  runCells?: (cells: number[]) => void;
}

/**
 * How a result is rendered.
 */
export interface IRenderOptions {
  /**
   * Show the hint of a failed check (the `showHints` setting).
   */
  showHints: boolean;

  /**
   * Show the exercise's title in the result's header (default). Off under a Check button,
   * whose bar already names the exercise: the title is then the result's accessible name.
   */
  showTitle?: boolean;

  /**
   * Buttons for the browser's own statuses; left out when not given.
   */
  actions?: ICheckResultActions;
}

const MARKS: Record<CheckOutcomeStatus, string> = {
  passed: '✔',
  failed: '✘',
  not_implemented: '○',
  error: '✘',
  timeout: '⏱',
  'no-kernel': '⚠',
  busy: '…',
  dead: '⚠',
  'not-in-course': '?'
};

/**
 * How many failing cases a result shows (as `MAX_SHOWN_FAILURES` in result.py).
 */
export const MAX_SHOWN_FAILURES = 3;

/**
 * The failing cases worth showing, each with its own values and error: none for a stub
 * or a pass; at most `MAX_SHOWN_FAILURES`. (As `CheckResult.shown_failures` in result.py.)
 */
export function shownFailures(result: ICheckResult): ICheckCase[] {
  if (result.status === 'not_implemented' || result.status === 'passed') {
    return [];
  }
  return result.cases
    .filter(c => c.status === 'failed' || c.status === 'error')
    .slice(0, MAX_SHOWN_FAILURES);
}

/**
 * A duration for people: "3 ms", "1.2 s".
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  return `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

/**
 * How long a check runs before its elapsed time and a Stop button are shown.
 */
export const STOP_AFTER_MS = 2000;

/**
 * A recorded check's time, in the student's own time zone: "2026-12-03 07:40".
 */
export function formatWhen(iso: string): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) {
    return iso;
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())} ` +
    `${pad(when.getHours())}:${pad(when.getMinutes())}`
  );
}

/**
 * The summary of a pass on the visible cases of an exercise that has hidden ones: the check
 * cannot say more than that.
 */
export function visiblePassed(result: ICheckResult): string {
  const n = result.cases.length;
  const cases =
    n === 0
      ? 'the visible cases'
      : n === 1
        ? '1 visible case'
        : `${n} visible cases`;
  return `${cases} passed · more cases run when your work is graded`;
}

/**
 * Render an outcome into `node` (which becomes the `.mlmath-lab-check-result` root).
 *
 * Everything is text (`textContent`), never HTML: the result comes from the kernel.
 */
export function renderCheckOutcome(
  node: HTMLElement,
  outcome: ICheckOutcome,
  options: IRenderOptions
): void {
  node.replaceChildren();
  node.classList.add(CHECK_RESULT_CLASS);
  for (const cls of Array.from(node.classList)) {
    if (cls.startsWith('mlmath-lab-mod-')) {
      node.classList.remove(cls);
    }
  }
  node.classList.add(`mlmath-lab-mod-${outcome.status}`);
  node.dataset.exerciseId = outcome.exercise;
  node.dataset.status = outcome.status;
  if (outcome.recordedAt) {
    node.dataset.recorded = 'true';
  } else {
    delete node.dataset.recorded;
  }
  node.setAttribute('role', isTransient(outcome.status) ? 'status' : 'group');
  node.setAttribute('aria-live', 'polite');

  const result = outcome.result;
  const header = el('div', 'mlmath-lab-check-header');
  header.appendChild(
    el('span', 'mlmath-lab-check-mark', MARKS[outcome.status])
  );
  if (result && options.showTitle === false) {
    node.setAttribute('aria-label', result.title);
  } else {
    node.removeAttribute('aria-label');
  }
  if (result) {
    if (options.showTitle !== false) {
      header.appendChild(el('span', 'mlmath-lab-check-title', result.title));
    }
    header.appendChild(
      el('code', 'mlmath-lab-check-exercise', result.exercise)
    );
  }
  const summary = !result
    ? outcome.message
    : result.passed && outcome.hiddenCases
      ? visiblePassed(result)
      : result.summary;
  header.appendChild(el('span', 'mlmath-lab-check-summary', summary));
  const duration = result?.duration_ms || outcome.elapsedMs;
  if (duration && !isTransient(outcome.status)) {
    header.appendChild(
      el('span', 'mlmath-lab-check-time', `(${formatDuration(duration)})`)
    );
  }
  node.appendChild(header);
  if (outcome.recordedAt) {
    node.appendChild(
      el(
        'div',
        'mlmath-lab-check-recorded',
        `Your last check, on ${formatWhen(outcome.recordedAt)}. Check again to see each case.`
      )
    );
  }

  if (result) {
    if (result.status === 'not_implemented') {
      node.appendChild(
        el(
          'div',
          'mlmath-lab-check-message',
          'Replace `raise NotImplementedError()` with your solution, then check again.'
        )
      );
    }
    const failing = result.cases.filter(
      c => c.status === 'failed' || c.status === 'error'
    ).length;
    const shown = shownFailures(result);
    for (const failure of shown) {
      const block = el('div', 'mlmath-lab-check-case');
      block.dataset.case = failure.name;
      const name = el('div', 'mlmath-lab-check-case-name');
      name.append('case: ', el('em', '', failure.name));
      block.appendChild(name);
      // a case's own error (format 2); format 1 put the one error on the result
      const detail = failure.error || (result.error ? '' : failure.message);
      if (detail) {
        block.appendChild(el('pre', 'mlmath-lab-check-case-message', detail));
      }
      if (failure.got || failure.expected) {
        const table = el('table', 'mlmath-lab-check-compare');
        for (const [label, value, cls] of [
          ['yours', failure.got, 'mlmath-lab-check-got'],
          ['expected', failure.expected, 'mlmath-lab-check-expected']
        ]) {
          const row = el('tr', cls);
          row.appendChild(el('th', '', label));
          const cell = el('td', '');
          cell.appendChild(el('code', '', value));
          row.appendChild(cell);
          table.appendChild(row);
        }
        block.appendChild(table);
      }
      node.appendChild(block);
    }
    if (shown.length && failing > shown.length) {
      node.appendChild(
        el(
          'div',
          'mlmath-lab-check-more',
          `... and ${failing - shown.length} more failing case(s)`
        )
      );
    }
    if (result.error) {
      node.appendChild(el('pre', 'mlmath-lab-check-error', result.error));
    }
    if (result.hint && options.showHints && !result.passed) {
      const hint = el('div', 'mlmath-lab-check-hint');
      hint.append(el('strong', '', 'Hint: '), ...inlineMarkdown(result.hint));
      node.appendChild(hint);
    }
  }

  if (outcome.notice) {
    node.appendChild(el('div', 'mlmath-lab-check-notice', outcome.notice));
  }

  const actions = options.actions ?? {};
  const buttons: HTMLButtonElement[] = [];
  if (outcome.status === 'timeout' && actions.interrupt) {
    const interrupt = actions.interrupt;
    const button = el(
      'button',
      'jp-Button jp-mod-styled jp-mod-warn mlmath-lab-interrupt',
      'Interrupt the kernel'
    );
    button.type = 'button';
    button.addEventListener('click', () => interrupt());
    buttons.push(button);
  }
  if (outcome.missingName && actions.runCells) {
    const run = actions.runCells;
    const { name, cells } = outcome.missingName;
    const which =
      cells.length === 1
        ? `cell ${cells[0] + 1}`
        : `cells ${cells.map(i => i + 1).join(', ')}`;
    const button = el(
      'button',
      'jp-Button jp-mod-styled jp-mod-accept mlmath-lab-run-setup',
      `Run ${which} (defines ${name}), then check again`
    );
    button.type = 'button';
    button.addEventListener('click', () => run(cells));
    buttons.push(button);
  }
  if (outcome.status === 'no-kernel' && actions.startKernel) {
    const start = actions.startKernel;
    const button = el(
      'button',
      'jp-Button jp-mod-styled jp-mod-accept mlmath-lab-start-kernel',
      'Start a kernel'
    );
    button.type = 'button';
    button.addEventListener('click', () => start());
    buttons.push(button);
  }
  if (buttons.length) {
    const row = el('div', 'mlmath-lab-check-actions');
    row.append(...buttons);
    node.appendChild(row);
  }
}

/**
 * A widget showing one outcome (hidden while there is none).
 */
export class CheckResultView extends Widget {
  constructor(options: CheckResultView.IOptions) {
    super();
    this.addClass(CHECK_RESULT_CLASS);
    this._options = options;
    this.hide();
  }

  /**
   * The outcome shown, or null.
   */
  get outcome(): ICheckOutcome | null {
    return this._outcome;
  }

  /**
   * Show an outcome (null: hide).
   */
  setOutcome(outcome: ICheckOutcome | null): void {
    this._outcome = outcome;
    this.refresh();
  }

  /**
   * Render again (e.g. after the settings changed).
   */
  refresh(): void {
    if (!this._outcome) {
      clearInterval(this._ticker);
      this.node.replaceChildren();
      delete this.node.dataset.status;
      this.hide();
      return;
    }
    renderCheckOutcome(this.node, this._outcome, {
      showHints: this._options.showHints(),
      showTitle: this._options.showTitle,
      actions: this._options.actions
    });
    this.show();
    this._followElapsed();
  }

  /**
   * While a check runs: its elapsed time, every second, and after `STOP_AFTER_MS` a Stop
   * button that interrupts the kernel (a quick check shows neither).
   */
  private _followElapsed(): void {
    clearInterval(this._ticker);
    const outcome = this._outcome;
    if (!outcome || outcome.status !== 'busy' || !outcome.startedAt) {
      return;
    }
    const startedAt = outcome.startedAt;
    const tick = () => {
      if (this.isDisposed || this._outcome !== outcome) {
        clearInterval(this._ticker);
        return;
      }
      const elapsed = Date.now() - startedAt;
      if (elapsed < STOP_AFTER_MS) {
        return;
      }
      let counter = this.node.querySelector<HTMLElement>(
        '.mlmath-lab-check-elapsed'
      );
      if (!counter) {
        counter = el('span', 'mlmath-lab-check-elapsed', '');
        this.node
          .querySelector('.mlmath-lab-check-header')
          ?.appendChild(counter);
        const interrupt = this._options.actions?.interrupt;
        if (interrupt) {
          const stop = el(
            'button',
            'jp-Button jp-mod-styled jp-mod-warn mlmath-lab-stop',
            'Stop'
          );
          stop.type = 'button';
          stop.title = 'Interrupt the kernel: stops this check';
          stop.addEventListener('click', () => interrupt());
          const row = el('div', 'mlmath-lab-check-actions');
          row.appendChild(stop);
          this.node.appendChild(row);
        }
      }
      counter.textContent = `${Math.floor(elapsed / 1000)} s`;
    };
    this._ticker = setInterval(tick, 1000);
    tick();
  }

  dispose(): void {
    clearInterval(this._ticker);
    super.dispose();
  }

  private _outcome: ICheckOutcome | null = null;
  private _options: CheckResultView.IOptions;
  private _ticker: ReturnType<typeof setInterval> | undefined = undefined;
}

export namespace CheckResultView {
  export interface IOptions {
    /**
     * Whether hints are shown (read at each render).
     */
    showHints: () => boolean;

    /**
     * Whether the result's header shows the exercise's title (default: yes).
     */
    showTitle?: boolean;

    /**
     * The actions offered for the browser's own statuses.
     */
    actions?: ICheckResultActions;
  }
}
