/**
 * The Check buttons: a notebook widget extension that puts a Check button on every exercise
 * solution cell (not only the active one), shows each result inline under that cell, and
 * adds "Check all" to the notebook toolbar.
 *
 * Windowed notebooks: a cell outside the viewport may not be rendered yet. The button is
 * a Lumino widget added to the cell's own layout once the cell is ready (rendered for the
 * first time), so it comes and goes with the cell as it scrolls in and out of view.
 */

import { ISessionContext, Notification } from '@jupyterlab/apputils';
import { Cell, CodeCell, ICodeCellModel } from '@jupyterlab/cells';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import {
  INotebookModel,
  Notebook,
  NotebookActions,
  NotebookPanel
} from '@jupyterlab/notebook';
import { checkIcon, ToolbarButton } from '@jupyterlab/ui-components';
import { IDisposable } from '@lumino/disposable';
import { PanelLayout, Widget } from '@lumino/widgets';

import { KernelConnector } from '../checks/kernelconnector';
import { checkAllSummary } from '../checks/messages';
import { outcomeFromProgress } from '../checks/outcome';
import { CheckRunner } from '../checks/runner';
import { resultFromBundle } from '../formats/checkresult';
import { SettingsHolder } from '../settings';
import { ICheckOutcome, IRoadmapModel } from '../tokens';
import { CheckCellWidget } from '../widgets/checkcell';
import { cellsOfModel } from './cells';
import { IExerciseCells } from './exercises';

/**
 * The class of a solution cell that carries a Check button.
 */
const EXERCISE_CELL_CLASS = 'mlmath-lab-exercise-cell';

/**
 * The checks of one notebook panel: its kernel connector and runner, the buttons on its
 * exercise cells, and its "Check all" toolbar button.
 */
export class NotebookChecks implements IDisposable {
  constructor(panel: NotebookPanel, options: NotebookChecks.IOptions) {
    this._panel = panel;
    this._settings = options.settings;
    this._roadmap = options.roadmap ?? null;
    this._connector = new KernelConnector({
      session: panel.sessionContext,
      selectKernel: options.selectKernel
    });
    this.runner = new CheckRunner({
      connector: this._connector,
      cells: () => {
        const model = this._panel.content.model;
        return model ? cellsOfModel(model) : [];
      },
      settings: () => this._settings.current,
      roadmap: this._roadmap,
      save: () => this._saveBeforeCheck(),
      notebook: {
        path: () => this._panel.context.localPath || null,
        saves: () => this._saves
      }
    });

    this._checkAll = new ToolbarButton({
      icon: checkIcon,
      label: 'Check all',
      className: 'mlmath-lab-check-all',
      tooltip: 'Check every exercise of this notebook',
      onClick: () => {
        void this.checkAll();
      }
    });
    this._checkAll.addClass('mlmath-lab-check-all-item');
    this._checkAll.hide();
    if (
      !panel.toolbar.insertBefore(
        'spacer',
        'mlmath-lab-check-all',
        this._checkAll
      )
    ) {
      panel.toolbar.addItem('mlmath-lab-check-all', this._checkAll);
    }

    panel.content.modelChanged.connect(this._onModelChanged, this);
    this._onModelChanged();
    NotebookActions.executed.connect(this._onExecuted, this);
    this._settings.changed.connect(this._refreshAll, this);
    this._roadmap?.changed.connect(this._scheduleSync, this);
    void panel.context.ready.then(() => this._scheduleSync());
    panel.context.saveState.connect(this._onSaveState, this);
    panel.disposed.connect(() => this.dispose());
  }

  /**
   * The runner of this notebook's checks.
   */
  readonly runner: CheckRunner;

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Check every exercise, then say in one line how it went (a notification).
   */
  async checkAll(): Promise<ICheckOutcome[]> {
    const total = this.exercises().length;
    const outcomes = await this.runner.checkAll();
    if (!this._isDisposed && total > 0) {
      const { message, allPassed } = checkAllSummary(outcomes, total);
      if (allPassed) {
        Notification.success(message, { autoClose: 6000 });
      } else {
        Notification.info(message, { autoClose: 8000 });
      }
    }
    return outcomes;
  }

  /**
   * The "Check all" toolbar button (hidden in a notebook without exercises).
   */
  get checkAllButton(): Widget {
    return this._checkAll;
  }

  /**
   * The notebook's exercises.
   */
  exercises(): IExerciseCells[] {
    return this.runner.exercises();
  }

  /**
   * The Check widgets currently placed, by exercise id.
   */
  get decorations(): ReadonlyMap<string, CheckCellWidget> {
    const byId = new Map<string, CheckCellWidget>();
    for (const widget of this._decorations.values()) {
      byId.set(widget.exercise, widget);
    }
    return byId;
  }

  /**
   * Place and remove the Check buttons to match the notebook's exercises now.
   */
  sync(): void {
    if (this._isDisposed) {
      return;
    }
    const notebook = this._panel.content;
    const exercises = this.exercises();
    this._checkAll.setHidden(exercises.length === 0);
    this._panel.toggleClass('mlmath-lab-course-notebook', exercises.length > 0);

    const wanted = new Map<Cell, IExerciseCells>();
    for (const exercise of exercises) {
      const cell = notebook.widgets[exercise.buttonIndex];
      if (cell && !wanted.has(cell)) {
        wanted.set(cell, exercise);
      }
    }
    for (const [cell, widget] of [...this._decorations]) {
      const exercise = wanted.get(cell);
      if (
        !exercise ||
        exercise.id !== widget.exercise ||
        widget.isDisposed ||
        cell.isDisposed
      ) {
        widget.dispose();
        this._decorations.delete(cell);
        if (!cell.isDisposed) {
          cell.removeClass(EXERCISE_CELL_CLASS);
        }
      }
    }
    for (const [cell, exercise] of wanted) {
      const widget = this._decorations.get(cell);
      if (widget) {
        widget.setTitle(this._roadmap?.exerciseTitle(exercise.id) ?? null);
        widget.showRecorded();
      } else {
        this._decorate(cell, exercise);
      }
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    clearTimeout(this._syncTimer);
    NotebookActions.executed.disconnect(this._onExecuted, this);
    this._settings.changed.disconnect(this._refreshAll, this);
    this._roadmap?.changed.disconnect(this._scheduleSync, this);
    this._panel.context.saveState.disconnect(this._onSaveState, this);
    for (const widget of this._decorations.values()) {
      widget.dispose();
    }
    this._decorations.clear();
    this._checkAll.dispose();
    this.runner.dispose();
    this._connector.dispose();
  }

  /**
   * Run cells of this notebook in order, as the student would run them (outputs and
   * execution counts recorded); stops at the first that fails.
   */
  private async _runCells(indices: number[]): Promise<void> {
    const notebook = this._panel.content;
    for (const index of indices) {
      const cell = notebook.widgets[index];
      if (!(cell instanceof CodeCell)) {
        continue;
      }
      const reply = await CodeCell.execute(cell, this._panel.sessionContext);
      if (reply && reply.content.status !== 'ok') {
        return;
      }
    }
  }

  /**
   * Save the notebook before a check (the "Save before checking" setting), so that a result
   * recorded in the progress is about the code on disk, which nbgrader's Validate and the
   * instructor read.
   */
  private async _saveBeforeCheck(): Promise<'saved' | 'unsaved'> {
    const context = this._panel.context;
    if (!context.model.dirty) {
      return 'saved';
    }
    if (!this._settings.current.saveBeforeCheck) {
      return 'unsaved';
    }
    if (context.contentsModel?.writable === false) {
      throw new Error('the file is read-only');
    }
    await context.save();
    if (context.model.dirty) {
      // the save was cancelled (e.g. the file changed on disk and the student kept it)
      throw new Error('the save was cancelled');
    }
    return 'saved';
  }

  private _decorate(cell: Cell, exercise: IExerciseCells): void {
    const widget = new CheckCellWidget({
      exercise: exercise.id,
      title: this._roadmap?.exerciseTitle(exercise.id) ?? null,
      runner: this.runner,
      showHints: () => this._settings.current.showHints,
      runCells: cells => this._runCells(cells),
      lastRecorded: () => {
        const progress = this._roadmap?.exerciseProgress(exercise.id) ?? null;
        if (!progress) {
          return null;
        }
        const title = this._roadmap?.exerciseTitle(exercise.id) ?? null;
        return outcomeFromProgress(
          exercise.id,
          title,
          progress,
          exercise.hiddenCases
        );
      }
    });
    this._decorations.set(cell, widget);
    // A cell outside the viewport of a windowed notebook has no children until it is first
    // rendered: add the button then.
    void cell.ready.then(() => {
      if (widget.isDisposed || cell.isDisposed) {
        return;
      }
      const layout = cell.layout as PanelLayout;
      const widgets = layout.widgets;
      const last = widgets[widgets.length - 1];
      // Under the cell's outputs, above its footer.
      if (last && last.hasClass('jp-CellFooter')) {
        layout.insertWidget(widgets.length - 1, widget);
      } else {
        layout.addWidget(widget);
      }
      cell.addClass(EXERCISE_CELL_CLASS);
    });
  }

  private _onModelChanged(): void {
    const model = this._panel.content.model;
    if (this._model === model) {
      return;
    }
    if (this._model) {
      this._model.cells.changed.disconnect(this._scheduleSync, this);
      this._model.contentChanged.disconnect(this._scheduleSync, this);
    }
    this._model = model;
    if (model) {
      model.cells.changed.connect(this._scheduleSync, this);
      model.contentChanged.connect(this._scheduleSync, this);
    }
    this._scheduleSync();
  }

  private _scheduleSync(): void {
    if (this._isDisposed) {
      return;
    }
    clearTimeout(this._syncTimer);
    // After the notebook made its cell widgets for the change, and once per burst of edits.
    this._syncTimer = setTimeout(() => this.sync(), 50);
  }

  /**
   * The notebook was saved: count it (a save while a check runs means the code on disk is
   * not the code checked), and tell the roadmap, whose "passed" may now be "edited since".
   */
  private _onSaveState(
    _: DocumentRegistry.IContext<INotebookModel>,
    state: DocumentRegistry.SaveState
  ): void {
    if (state !== 'completed') {
      return;
    }
    this._saves++;
    this._roadmap?.notebookSaved?.(this._panel.context.localPath);
  }

  private _refreshAll(): void {
    for (const widget of this._decorations.values()) {
      widget.refresh();
    }
  }

  /**
   * A test cell run by hand: record its result so the roadmap updates.
   */
  private _onExecuted(
    _: unknown,
    args: { notebook: Notebook; cell: Cell; success: boolean }
  ): void {
    if (
      args.notebook !== this._panel.content ||
      args.cell.model.type !== 'code'
    ) {
      return;
    }
    const index = this._panel.content.widgets.indexOf(args.cell);
    const exercise = this.exercises().find(e => e.testIndex === index);
    if (!exercise) {
      return;
    }
    const outputs = (args.cell.model as ICodeCellModel).outputs;
    for (let i = 0; i < outputs.length; i++) {
      const result = resultFromBundle(
        outputs.get(i).data as Record<string, unknown>
      );
      if (result) {
        void this.runner.handRun(result);
        return;
      }
    }
  }

  private _panel: NotebookPanel;
  private _model: INotebookModel | null = null;
  private _connector: KernelConnector;
  private _settings: SettingsHolder;
  private _roadmap: IRoadmapModel | null;
  private _checkAll: ToolbarButton;
  private _decorations = new Map<Cell, CheckCellWidget>();
  private _syncTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private _saves = 0;
  private _isDisposed = false;
}

export namespace NotebookChecks {
  export interface IOptions {
    settings: SettingsHolder;
    roadmap?: IRoadmapModel | null;
    selectKernel?: (session: ISessionContext) => Promise<void>;
  }
}

/**
 * The notebook widget extension: one `NotebookChecks` per notebook panel.
 */
export class CheckButtonExtension implements DocumentRegistry.IWidgetExtension<
  NotebookPanel,
  INotebookModel
> {
  constructor(options: NotebookChecks.IOptions) {
    this._options = options;
  }

  createNew(
    panel: NotebookPanel,
    context: DocumentRegistry.IContext<INotebookModel>
  ): IDisposable {
    const checks = new NotebookChecks(panel, this._options);
    this._checks.set(panel, checks);
    return checks;
  }

  /**
   * The checks of a notebook panel, or null.
   */
  get(panel: NotebookPanel): NotebookChecks | null {
    const checks = this._checks.get(panel);
    return checks && !checks.isDisposed ? checks : null;
  }

  private _options: NotebookChecks.IOptions;
  private _checks = new WeakMap<NotebookPanel, NotebookChecks>();
}
