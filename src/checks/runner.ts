/**
 * Runs a notebook's checks in its kernel, without touching the notebook. No DOM.
 *
 * One check is one execute request: the exercise's solution cells as they are in the editor,
 * then its test cell. It is sent with `store_history: false`, so the notebook's outputs and
 * execution counts stay as the student left them, and its result is read from IOPub: the
 * `application/vnd.mlmath-lab.check+json` display that `check(...)` shows.
 */

import { KernelMessage } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { resultFromBundle } from '../formats/checkresult';
import {
  buildCheckCode,
  cellsDefining,
  findExercises,
  ICellLike,
  ICheckCode,
  IExerciseCells
} from '../notebook/exercises';
import { IMlmathLabSettings } from '../settings';
import {
  ICheckOutcome,
  ICheckResult,
  ICheckedNotebook,
  IRoadmapModel
} from '../tokens';
import { KernelConnector, KernelEvent } from './kernelconnector';
import { CheckMessages } from './messages';
import { makeOutcome, outcomeFromResult } from './outcome';
import { outcomeOf } from './reply';

/**
 * Whether a failed check stops the kernel's queue.
 *
 * False on purpose: a failed check raises `CheckFailed` (that is how nbgrader scores it 0),
 * and with `stop_on_error: true` the kernel would then abort whatever cells the student
 * queued while the check ran. Inside the one request, Python stops at the first exception
 * anyway.
 */
export const STOP_ON_ERROR = false;

/**
 * Runs the checks of one notebook.
 */
export class CheckRunner implements IDisposable {
  constructor(options: CheckRunner.IOptions) {
    this._connector = options.connector;
    this._cells = options.cells;
    this._settings = options.settings;
    this._roadmap = options.roadmap ?? null;
    this._save = options.save ?? null;
    this._notebook = options.notebook ?? null;
    this._connector.kernelEvent.connect(this._onKernelEvent, this);
  }

  /**
   * Emitted when an exercise's outcome changes (null: cleared).
   */
  get outcomeChanged(): ISignal<this, CheckRunner.IOutcomeChange> {
    return this._outcomeChanged;
  }

  /**
   * The kernel connector.
   */
  get connector(): KernelConnector {
    return this._connector;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The notebook's exercises, as its cells are now.
   */
  exercises(): IExerciseCells[] {
    return findExercises(this._cells());
  }

  /**
   * The last outcome of an exercise's check, or null.
   */
  outcome(exercise: string): ICheckOutcome | null {
    return this._outcomes.get(exercise) ?? null;
  }

  /**
   * Whether a check of this exercise is on its way.
   */
  isRunning(exercise: string): boolean {
    return this._running.has(exercise);
  }

  /**
   * Forget an exercise's outcome (e.g. after its test cell ran by hand).
   */
  clear(exercise: string): void {
    if (this._outcomes.delete(exercise)) {
      this._outcomeChanged.emit({ exercise, outcome: null });
    }
  }

  /**
   * Check one exercise.
   *
   * Resolves with the first final outcome: the kernel's result, or why there is none. A
   * timed-out check keeps listening, and a late result is emitted by `outcomeChanged`.
   */
  runCheck(exercise: string): Promise<ICheckOutcome> {
    const running = this._running.get(exercise);
    if (running) {
      return running;
    }
    // Said at once (saving the notebook and waiting for the kernel come first).
    this._setOutcome(
      {
        ...makeOutcome(
          exercise,
          'busy',
          this._queueLength > 0 ? CheckMessages.queued : CheckMessages.running
        ),
        startedAt: Date.now()
      },
      false
    );
    this._queueLength++;
    const promise = this._queue
      .then(() => this._run(exercise))
      .catch(reason => {
        console.error('mlmath-lab: the check failed to run.', reason);
        return this._setOutcome(
          makeOutcome(exercise, 'error', String(reason?.message ?? reason)),
          false
        );
      })
      .finally(() => {
        this._queueLength--;
        this._running.delete(exercise);
      });
    this._running.set(exercise, promise);
    this._queue = promise.then(() => undefined);
    return promise;
  }

  /**
   * Check every exercise of the notebook, one after the other.
   *
   * Stops early when there is no kernel or it died.
   */
  async checkAll(): Promise<ICheckOutcome[]> {
    const outcomes: ICheckOutcome[] = [];
    for (const exercise of this.exercises()) {
      const outcome = await this.runCheck(exercise.id);
      outcomes.push(outcome);
      if (outcome.status === 'no-kernel' || outcome.status === 'dead') {
        break;
      }
    }
    return outcomes;
  }

  /**
   * Interrupt the kernel (offered when a check times out).
   */
  async interrupt(): Promise<void> {
    await this._connector.interrupt();
  }

  /**
   * Start a kernel (offered when there is none).
   */
  async startKernel(): Promise<void> {
    await this._connector.startKernel();
  }

  /**
   * Handle a test cell the student ran by hand: record its result, and drop the button's
   * older outcome (the test cell's own output now shows the result).
   */
  async handRun(result: ICheckResult): Promise<void> {
    this.clear(result.exercise);
    if ((await this._saveFirst()) === null) {
      this._record(result, this._savesNow());
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._connector.kernelEvent.disconnect(this._onKernelEvent, this);
    this._disposed.emit();
    Signal.clearData(this);
  }

  /**
   * The outcome for an exercise this notebook does not hold (checked before and after
   * waiting for the kernel, since the cells may change meanwhile).
   */
  private _notInCourse(exercise: string): ICheckOutcome {
    return this._setOutcome(
      makeOutcome(
        exercise,
        'not-in-course',
        CheckMessages.notInCourse(exercise)
      ),
      false
    );
  }

  private async _run(exercise: string): Promise<ICheckOutcome> {
    if (this._isDisposed) {
      return makeOutcome(exercise, 'dead', CheckMessages.dead);
    }
    if (!this._find(exercise)) {
      return this._notInCourse(exercise);
    }
    await this._connector.ready;
    const kernelState = await this._waitForIdle(exercise);
    if (kernelState === 'no-kernel') {
      return this._setOutcome(
        makeOutcome(exercise, 'no-kernel', CheckMessages.noKernel),
        false
      );
    }
    if (kernelState === 'dead') {
      return this._setOutcome(
        makeOutcome(exercise, 'dead', CheckMessages.deadBefore),
        false
      );
    }
    // A recorded result is about the code on disk: save first (the cells are read after).
    const notRecorded = await this._saveFirst();
    const saves = this._savesNow();
    // The cells may have changed while waiting: read them now.
    const cells = this._cells();
    const found = findExercises(cells).find(e => e.id === exercise);
    if (!found) {
      return this._notInCourse(exercise);
    }
    return this._execute(
      exercise,
      buildCheckCode(cells, found),
      notRecorded,
      found.hiddenCases,
      saves
    );
  }

  /**
   * How many times the notebook was saved so far (null: not known).
   */
  private _savesNow(): number | null {
    return this._notebook ? this._notebook.saves() : null;
  }

  /**
   * Save the notebook before its code is checked. Null when the code on disk is the code
   * checked; else why the result will not be recorded (said under the result).
   */
  private async _saveFirst(): Promise<string | null> {
    if (!this._save) {
      return null;
    }
    try {
      return (await this._save()) === 'saved' ? null : CheckMessages.unsaved;
    } catch (reason) {
      return CheckMessages.notSaved(
        String((reason as Error)?.message ?? reason)
      );
    }
  }

  /**
   * The cells above an exercise that define `name` (run them, and the check finds it).
   */
  private _setupCells(exercise: string, name: string): number[] {
    const cells = this._cells();
    const found = findExercises(cells).find(e => e.id === exercise);
    if (!found) {
      return [];
    }
    const first = found.solutionIndices.length
      ? found.solutionIndices[0]
      : found.testIndex;
    return cellsDefining(cells, name, first);
  }

  private _find(exercise: string): IExerciseCells | undefined {
    return this.exercises().find(e => e.id === exercise);
  }

  /**
   * Wait until the kernel is idle; say so while it is busy.
   */
  private _waitForIdle(
    exercise: string
  ): Promise<'idle' | 'no-kernel' | 'dead'> {
    return new Promise(resolve => {
      let said = '';
      const done = (state: 'idle' | 'no-kernel' | 'dead') => {
        this._connector.statusChanged.disconnect(evaluate);
        this._disposed.disconnect(onDisposed);
        resolve(state);
      };
      const onDisposed = () => done('dead');
      const evaluate = () => {
        if (this._connector.hasNoKernel) {
          return done('no-kernel');
        }
        const status = this._connector.status;
        const connection = this._connector.connectionStatus;
        if (status === 'dead' || connection === 'disconnected') {
          return done('dead');
        }
        if (status === 'idle' && connection === 'connected') {
          return done('idle');
        }
        const message =
          status === 'busy' ? CheckMessages.busy : CheckMessages.connecting;
        if (message !== said) {
          said = message;
          this._setOutcome(makeOutcome(exercise, 'busy', message), false);
        }
      };
      this._connector.statusChanged.connect(evaluate);
      this._disposed.connect(onDisposed);
      evaluate();
    });
  }

  /**
   * Send the check and follow it to its end.
   */
  private _execute(
    exercise: string,
    code: ICheckCode,
    notRecorded: string | null,
    hiddenCases: boolean,
    saves: number | null
  ): Promise<ICheckOutcome> {
    const started = Date.now();
    const timeoutSeconds = this._settings().checkTimeoutSeconds;
    const future = this._connector.execute({
      code: code.code,
      silent: false,
      store_history: false,
      stop_on_error: STOP_ON_ERROR,
      allow_stdin: false
    });
    if (this._outcomes.get(exercise)?.message !== CheckMessages.running) {
      this._setOutcome(
        {
          ...makeOutcome(exercise, 'busy', CheckMessages.running),
          startedAt: started
        },
        false
      );
    }

    return new Promise<ICheckOutcome>(resolve => {
      let result: ICheckResult | null = null;
      let studentError: KernelMessage.IErrorMsg['content'] | null = null;
      let settled = false;
      let finished = false;

      const settle = (outcome: ICheckOutcome, fromKernel: boolean) => {
        if (notRecorded !== null && outcome.result) {
          outcome = { ...outcome, notice: notRecorded };
        }
        if (hiddenCases && outcome.result) {
          outcome = { ...outcome, hiddenCases: true };
        }
        this._setOutcome(outcome, fromKernel && notRecorded === null, saves);
        if (!settled) {
          settled = true;
          resolve(outcome);
        }
      };

      const finish = (outcome: ICheckOutcome, fromKernel: boolean) => {
        if (finished) {
          return;
        }
        finished = true;
        clearTimeout(timer);
        this._kernelStops.delete(onStop);
        settle(outcome, fromKernel);
      };

      const elapsed = () => Date.now() - started;

      const timer = setTimeout(() => {
        if (!finished && !settled) {
          settle(
            makeOutcome(
              exercise,
              'timeout',
              CheckMessages.timeout(timeoutSeconds),
              elapsed()
            ),
            false
          );
        }
      }, timeoutSeconds * 1000);

      const onStop = (event: KernelEvent | 'disposed') => {
        if (result) {
          finish({ ...outcomeFromResult(result), elapsedMs: elapsed() }, true);
          return;
        }
        finish(
          makeOutcome(exercise, 'dead', CheckMessages.dead, elapsed()),
          false
        );
        future.dispose();
      };
      this._kernelStops.add(onStop);

      future.onIOPub = (msg: KernelMessage.IIOPubMessage) => {
        const type = msg.header.msg_type;
        if (
          type === 'display_data' ||
          type === 'execute_result' ||
          type === 'update_display_data'
        ) {
          const content =
            msg.content as KernelMessage.IDisplayDataMsg['content'];
          const parsed = resultFromBundle(
            content.data as Record<string, unknown>
          );
          if (parsed && result === null) {
            result = parsed;
          }
        } else if (type === 'error') {
          // The error after a result is the CheckFailed that scores the cell 0 in nbgrader:
          // the result already says it all. Only an error before any result is news.
          if (result === null && studentError === null) {
            studentError = msg.content as KernelMessage.IErrorMsg['content'];
          }
        }
      };

      future.done.then(
        reply => {
          const outcome = outcomeOf(
            exercise,
            result,
            studentError,
            reply?.content?.status,
            code,
            elapsed(),
            this._roadmap,
            name => this._setupCells(exercise, name)
          );
          // Recorded: the kernel's result, and the student's own exception raised before
          // the check could run (a SyntaxError is an attempt that did not pass too).
          finish(outcome, outcome.result !== null);
        },
        () => {
          // The future is cancelled when the kernel restarts or goes away.
          onStop('disposed');
        }
      );
    });
  }

  private _setOutcome(
    outcome: ICheckOutcome,
    fromKernel: boolean,
    saves: number | null = null
  ): ICheckOutcome {
    if (this._isDisposed) {
      return outcome;
    }
    this._outcomes.set(outcome.exercise, outcome);
    this._outcomeChanged.emit({ exercise: outcome.exercise, outcome });
    if (fromKernel && outcome.result) {
      this._record(outcome.result, saves);
    }
    return outcome;
  }

  /**
   * Record a result, with the notebook it was about. `saves`: the notebook's save count
   * when the checked code was saved; a save since (an autosave while the check ran) means
   * the code on disk is not the code checked, and the server is told so.
   */
  private _record(result: ICheckResult, saves: number | null): void {
    if (!this._roadmap) {
      return;
    }
    const path = this._notebook?.path() ?? null;
    const checked: ICheckedNotebook | null = path
      ? {
          path,
          savedAgain: saves !== null && this._savesNow() !== saves
        }
      : null;
    const recording = checked
      ? this._roadmap.recordCheck(result, checked)
      : this._roadmap.recordCheck(result);
    recording.catch(reason => {
      console.warn('mlmath-lab: the check result was not recorded.', reason);
    });
  }

  private _onKernelEvent(_: KernelConnector, event: KernelEvent): void {
    for (const stop of [...this._kernelStops]) {
      stop(event);
    }
  }

  private _connector: KernelConnector;
  private _cells: () => ReadonlyArray<ICellLike>;
  private _settings: () => IMlmathLabSettings;
  private _roadmap: IRoadmapModel | null;
  private _save: (() => Promise<'saved' | 'unsaved'>) | null;
  private _notebook: CheckRunner.INotebookFile | null;
  private _isDisposed = false;
  private _queue: Promise<void> = Promise.resolve();
  private _queueLength = 0;
  private _running = new Map<string, Promise<ICheckOutcome>>();
  private _outcomes = new Map<string, ICheckOutcome>();
  private _kernelStops = new Set<(event: KernelEvent | 'disposed') => void>();
  private _outcomeChanged = new Signal<this, CheckRunner.IOutcomeChange>(this);
  private _disposed = new Signal<this, void>(this);
}

export namespace CheckRunner {
  export interface IOptions {
    /**
     * The notebook's kernel.
     */
    connector: KernelConnector;

    /**
     * The notebook's cells as they are now (sources from the editor).
     */
    cells: () => ReadonlyArray<ICellLike>;

    /**
     * The current settings (for the timeout).
     */
    settings: () => IMlmathLabSettings;

    /**
     * Where results are recorded, so the roadmap updates.
     */
    roadmap?: IRoadmapModel | null;

    /**
     * Save the notebook before a check: `saved` when the code on disk is the code about to
     * be checked, `unsaved` when it differs and was not saved (then the result is shown
     * but not recorded); a rejection says why saving failed (not recorded either).
     */
    save?: () => Promise<'saved' | 'unsaved'>;

    /**
     * The notebook's file, so that a recorded result names the saved code it was about.
     */
    notebook?: INotebookFile | null;
  }

  /**
   * The file of the notebook whose checks run.
   */
  export interface INotebookFile {
    /**
     * Its path relative to the server root (null: not known, e.g. not saved yet).
     */
    path(): string | null;
    /**
     * How many times it was saved so far, counted from any start.
     */
    saves(): number;
  }

  export interface IOutcomeChange {
    exercise: string;
    outcome: ICheckOutcome | null;
  }
}
