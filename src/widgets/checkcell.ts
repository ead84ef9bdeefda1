/**
 * The Check button and the result of one exercise, inside its solution cell.
 */

import { Widget } from '@lumino/widgets';

import { CheckRunner } from '../checks/runner';
import { ICheckOutcome, isTransient } from '../tokens';
import { CheckResultView } from './checkresult';

/**
 * The Check button and the result of one exercise, inside its solution cell.
 */
export class CheckCellWidget extends Widget {
  constructor(options: CheckCellWidget.IOptions) {
    super();
    this.addClass('mlmath-lab-check-cell');
    // Keys pressed on these buttons (Enter, Space) are theirs, not notebook shortcuts.
    this.node.setAttribute('data-lm-suppress-shortcuts', 'true');
    this._exercise = options.exercise;
    this._runner = options.runner;
    this._title = options.title;

    const bar = document.createElement('div');
    bar.className = 'mlmath-lab-check-bar';
    const button = (this._button = document.createElement('button'));
    button.type = 'button';
    button.className =
      'jp-Button jp-mod-styled jp-mod-accept mlmath-lab-check-button';
    button.dataset.exerciseId = this._exercise;
    button.textContent = 'Check';
    button.addEventListener('click', this._onClick);
    const label = (this._label = document.createElement('span'));
    label.className = 'mlmath-lab-check-label';
    bar.append(button, label);
    this.setTitle(this._title);
    this.node.appendChild(bar);

    this._result = new CheckResultView({
      showHints: options.showHints,
      showTitle: false, // the bar above names the exercise
      actions: {
        interrupt: () => {
          void this._runner.interrupt();
        },
        startKernel: () => {
          void this._runner.startKernel().then(() => this.check());
        },
        runCells: options.runCells
          ? cells => {
              void options.runCells!(cells).then(() => this.check());
            }
          : undefined
      }
    });
    // The result view is a child node managed by hand: this widget is a leaf for Lumino.
    this.node.appendChild(this._result.node);

    this._lastRecorded = options.lastRecorded ?? (() => null);
    this._runner.outcomeChanged.connect(this._onOutcome, this);
    this._show(this._runner.outcome(this._exercise));
  }

  /**
   * Show the last recorded check again when this session has not checked yet (the progress
   * may load after the button is placed).
   */
  showRecorded(): void {
    if (this._runner.outcome(this._exercise) === null) {
      this._show(null);
    }
  }

  /**
   * The exercise id.
   */
  get exercise(): string {
    return this._exercise;
  }

  /**
   * The result view.
   */
  get result(): CheckResultView {
    return this._result;
  }

  /**
   * Show the exercise's title from the roadmap (null: its id).
   */
  setTitle(title: string | null): void {
    this._title = title;
    const name = title ?? this._exercise;
    this._label.textContent = name;
    this._button.title = `Check your solution to "${name}": runs this cell and its test cell, without changing their outputs`;
  }

  /**
   * Run the check.
   */
  check(): Promise<ICheckOutcome> {
    return this._runner.runCheck(this._exercise);
  }

  /**
   * Render the result again (the settings changed).
   */
  refresh(): void {
    this._result.refresh();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._button.removeEventListener('click', this._onClick);
    this._result.dispose();
    super.dispose();
  }

  private _onClick = (event: MouseEvent): void => {
    // The cell must not take the click as "select me and enter edit mode".
    event.stopPropagation();
    void this.check();
  };

  private _onOutcome(_: CheckRunner, change: CheckRunner.IOutcomeChange): void {
    if (change.exercise === this._exercise) {
      this._show(change.outcome);
    }
  }

  private _show(outcome: ICheckOutcome | null): void {
    outcome = outcome ?? this._lastRecorded();
    const working = outcome !== null && isTransient(outcome.status);
    this._button.disabled = working;
    this._button.textContent = working ? 'Checking…' : 'Check';
    this._button.setAttribute('aria-busy', working ? 'true' : 'false');
    this._result.setOutcome(outcome);
  }

  private _exercise: string;
  private _title: string | null;
  private _runner: CheckRunner;
  private _button: HTMLButtonElement;
  private _label: HTMLSpanElement;
  private _result: CheckResultView;
  private _lastRecorded: () => ICheckOutcome | null;
}

export namespace CheckCellWidget {
  export interface IOptions {
    exercise: string;
    title: string | null;
    runner: CheckRunner;
    showHints: () => boolean;
    /**
     * The last check recorded in the progress, shown until this session checks (null:
     * none).
     */
    lastRecorded?: () => ICheckOutcome | null;

    /**
     * Run these cells of the notebook, as the student would (offered when the check misses
     * a name they define).
     */
    runCells?: (cells: number[]) => Promise<void>;
  }
}
