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

import {
  buildCheckCode,
  cellsDefining,
  findExercises,
  ICellLike,
  ICheckCode,
  IExerciseCells,
  locateLine
} from './exercises';
import { KernelConnector, KernelEvent } from './kernelconnector';
import { IMlmathLabSettings } from './settings';
import {
  CHECK_MIME_TYPE,
  CHECK_RESULT_VERSION,
  CheckOutcomeStatus,
  ICheckCase,
  ICheckOutcome,
  ICheckResult,
  IExerciseProgress,
  IRoadmapModel
} from './tokens';

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
 * Messages shown for the browser's own statuses.
 */
export namespace CheckMessages {
  export const noKernel = 'Start a kernel to check your work.';
  export const busy =
    'The kernel is busy; the check will run as soon as it is idle.';
  export const queued = 'Waiting for the previous check to finish…';
  export const connecting =
    'Waiting for the kernel to start or reconnect; the check will run once it is ready.';
  export const running = 'Checking…';
  export const dead =
    'The kernel stopped during the check (it died, restarted or was changed). Run the cells above again, then check again.';
  export const deadBefore =
    'The kernel is dead. Restart it, run the cells above, then check again.';
  export const aborted =
    'The kernel skipped the check because an earlier cell failed. Check again.';
  export const noResult =
    'The test cell ran but showed no check result. Is mlmath_lab installed and up to date in this kernel?';
  export const interrupted = 'The check was interrupted.';
  export const missingLibrary =
    "mlmath_lab is not installed in this notebook's kernel. Pick the kernel of the course environment (Kernel → Change Kernel…).";

  export function timeout(seconds: number): string {
    return `No result after ${seconds} s. Your code may be stuck in a loop, or be very slow: interrupt the kernel, fix it, and check again.`;
  }

  export function notInCourse(id: string): string {
    return `This notebook has no exercise "${id}": is it part of the course?`;
  }

  export function notSaved(reason: string): string {
    return `Not recorded in your progress: the notebook could not be saved (${reason}). Save it, then check again.`;
  }

  export const unsaved =
    'Not recorded in your progress: the notebook has unsaved changes. Save it, then check again (or turn on "Save before checking" in the settings).';
}

/**
 * Parse a check result from a MIME bundle's data, or null when it is not one.
 */
export function parseCheckResult(data: unknown): ICheckResult | null {
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return null;
  }
  const value = data as Partial<ICheckResult>;
  const statuses = ['passed', 'failed', 'not_implemented', 'error'];
  if (
    typeof value.exercise !== 'string' ||
    typeof value.status !== 'string' ||
    !statuses.includes(value.status)
  ) {
    return null;
  }
  const cases: ICheckCase[] = Array.isArray(value.cases)
    ? value.cases.map(c => ({
        name: String(c?.name ?? ''),
        status: c?.status ?? 'failed',
        message: String(c?.message ?? ''),
        got: String(c?.got ?? ''),
        expected: String(c?.expected ?? ''),
        ...(typeof c?.error === 'string' ? { error: c.error } : {})
      }))
    : [];
  return {
    version: typeof value.version === 'number' ? value.version : 1,
    exercise: value.exercise,
    title: typeof value.title === 'string' ? value.title : value.exercise,
    status: value.status,
    passed:
      typeof value.passed === 'boolean'
        ? value.passed
        : value.status === 'passed',
    summary: typeof value.summary === 'string' ? value.summary : value.status,
    cases,
    hint: typeof value.hint === 'string' ? value.hint : null,
    misconception:
      typeof value.misconception === 'string' ? value.misconception : null,
    error: typeof value.error === 'string' ? value.error : null,
    duration_ms: typeof value.duration_ms === 'number' ? value.duration_ms : 0
  };
}

/**
 * The check result in an output's MIME bundle, or null.
 */
export function resultFromBundle(
  data: Record<string, unknown> | undefined
): ICheckResult | null {
  return data ? parseCheckResult(data[CHECK_MIME_TYPE]) : null;
}

/**
 * The line that ends "Check all": how many exercises passed, fail, are not implemented yet,
 * and why it stopped early, if it did.
 */
export function checkAllSummary(
  outcomes: ReadonlyArray<ICheckOutcome>,
  exercises: number
): { message: string; allPassed: boolean } {
  const count = (statuses: string[]) =>
    outcomes.filter(o => statuses.includes(o.status)).length;
  const passed = count(['passed']);
  const parts = [`${passed} of ${exercises} passed`];
  const failing = count(['failed', 'error']);
  if (failing) {
    parts.push(`${failing} not passing`);
  }
  const stubs = count(['not_implemented']);
  if (stubs) {
    parts.push(`${stubs} not implemented yet`);
  }
  const other = outcomes.length - passed - failing - stubs;
  if (other) {
    parts.push(`${other} without a result`);
  }
  const last = outcomes[outcomes.length - 1];
  let message = `Check all: ${parts.join(' · ')}`;
  if (outcomes.length < exercises && last) {
    message += `. Stopped after ${outcomes.length}: ${last.message}`;
  }
  return { message, allPassed: passed === exercises && exercises > 0 };
}

/**
 * The last check recorded in the progress, as an outcome to show under the cell after a
 * reload: its status, summary and hint (the cases are not stored: check again to see them).
 * `hiddenCases`: the exercise has hidden ones, so a recorded pass says it was the visible.
 */
export function outcomeFromProgress(
  exercise: string,
  title: string | null,
  progress: IExerciseProgress,
  hiddenCases = false
): ICheckOutcome {
  const status = progress.outcome ?? progress.status;
  return {
    exercise,
    status,
    result: {
      version: CHECK_RESULT_VERSION,
      exercise,
      title: title ?? exercise,
      status,
      passed: status === 'passed',
      summary: progress.summary ?? status,
      cases: [],
      hint: progress.hint,
      misconception: progress.misconception,
      error: null,
      duration_ms: progress.duration_ms ?? 0
    },
    message: '',
    elapsedMs: null,
    recordedAt: progress.last_checked ?? undefined,
    ...(hiddenCases ? { hiddenCases: true } : {})
  };
}

/**
 * An outcome with no kernel result.
 */
export function makeOutcome(
  exercise: string,
  status: CheckOutcomeStatus,
  message: string,
  elapsedMs: number | null = null
): ICheckOutcome {
  return { exercise, status, result: null, message, elapsedMs };
}

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
      this._record(result);
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
      found.hiddenCases
    );
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
    hiddenCases: boolean
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
        this._setOutcome(outcome, fromKernel && notRecorded === null);
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
          finish({ ...Private.fromResult(result), elapsedMs: elapsed() }, true);
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
          const outcome = Private.outcomeOf(
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
    fromKernel: boolean
  ): ICheckOutcome {
    if (this._isDisposed) {
      return outcome;
    }
    this._outcomes.set(outcome.exercise, outcome);
    this._outcomeChanged.emit({ exercise: outcome.exercise, outcome });
    if (fromKernel && outcome.result) {
      this._record(outcome.result);
    }
    return outcome;
  }

  private _record(result: ICheckResult): void {
    if (!this._roadmap) {
      return;
    }
    this._roadmap.recordCheck(result).catch(reason => {
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
  }

  export interface IOutcomeChange {
    exercise: string;
    outcome: ICheckOutcome | null;
  }
}

namespace Private {
  const ANSI = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*[A-Za-z]', 'g');
  const CELL_FRAME =
    /(Cell In\s*\[[^\]]*\]|ipykernel_\d+|<ipython-input-[^>]*>)/;
  const LINE = /line (\d+)/;

  export function fromResult(result: ICheckResult): ICheckOutcome {
    return {
      exercise: result.exercise,
      status: result.status,
      result,
      message: '',
      elapsedMs: null
    };
  }

  /**
   * The outcome of a finished request.
   */
  export function outcomeOf(
    exercise: string,
    result: ICheckResult | null,
    error: KernelMessage.IErrorMsg['content'] | null,
    replyStatus: string | undefined,
    code: ICheckCode,
    elapsedMs: number,
    roadmap: IRoadmapModel | null,
    setup: (name: string) => number[] = () => []
  ): ICheckOutcome {
    if (result) {
      // The outcome belongs to the exercise the button asked for, even if the test cell
      // was edited to check another one.
      const outcome = { ...fromResult(result), exercise, elapsedMs };
      // the student's function raised NameError on its cases: np used, never imported here
      const missing = result.passed ? null : missingNameIn(result);
      const definedIn = missing ? setup(missing) : [];
      return missing && definedIn.length
        ? withSetupOffer(outcome, missing, definedIn)
        : outcome;
    }
    if (error) {
      return errorOutcome(exercise, error, code, elapsedMs, roadmap, setup);
    }
    if (replyStatus === 'aborted') {
      return makeOutcome(exercise, 'error', CheckMessages.aborted, elapsedMs);
    }
    return makeOutcome(exercise, 'error', CheckMessages.noResult, elapsedMs);
  }

  /**
   * The outcome of an error raised before any result: the student's code (a SyntaxError, a
   * NameError at the top of their cell), an interrupt, or a missing library.
   */
  export function errorOutcome(
    exercise: string,
    error: KernelMessage.IErrorMsg['content'],
    code: ICheckCode,
    elapsedMs: number,
    roadmap: IRoadmapModel | null,
    setup: (name: string) => number[] = () => []
  ): ICheckOutcome {
    const { ename, evalue } = error;
    if (ename === 'KeyboardInterrupt') {
      return makeOutcome(
        exercise,
        'error',
        CheckMessages.interrupted,
        elapsedMs
      );
    }
    if (ename === 'UnknownExercise') {
      return makeOutcome(
        exercise,
        'not-in-course',
        `The check library does not know "${exercise}": ${evalue}`,
        elapsedMs
      );
    }
    if (
      (ename === 'ModuleNotFoundError' || ename === 'ImportError') &&
      evalue.includes('mlmath_lab')
    ) {
      return makeOutcome(
        exercise,
        'error',
        CheckMessages.missingLibrary,
        elapsedMs
      );
    }
    const where = locate(error.traceback ?? [], code);
    // Python names the line of the combined code ("(3739314536.py, line 7)"); once the
    // line in the student's cell is known, that would only confuse.
    const value = where
      ? evalue.replace(/\s*\([^()]*, line \d+\)$/, '')
      : evalue;
    const lines = [`Your code raised ${ename}: ${value}`.replace(/: $/, '')];
    if (where) {
      lines.push(where);
    }
    const result: ICheckResult = {
      version: CHECK_RESULT_VERSION,
      exercise,
      title: roadmap?.exerciseTitle(exercise) ?? exercise,
      status: 'error',
      passed: false,
      summary: `your code raised ${ename} before the check could run`,
      cases: [],
      hint: hintFor(ename),
      misconception: null,
      error: lines.join('\n'),
      duration_ms: 0
    };
    const outcome: ICheckOutcome = {
      exercise,
      status: 'error',
      result,
      message: '',
      elapsedMs
    };
    const missing = ename === 'NameError' ? NAME_ERROR.exec(evalue) : null;
    const definedIn = missing ? setup(missing[1]) : [];
    return missing && definedIn.length
      ? withSetupOffer(outcome, missing[1], definedIn)
      : outcome;
  }

  const NAME_ERROR = /name '([A-Za-z_][A-Za-z0-9_]*)' is not defined/;

  /**
   * The one name a check result's errors say is not defined (on its cases, or raised before
   * them), or null.
   */
  export function missingNameIn(result: ICheckResult): string | null {
    const names = new Set<string>();
    const texts: (string | null | undefined)[] = [result.error];
    for (const c of result.cases) {
      texts.push(c.error, c.message);
    }
    for (const text of texts) {
      const match = text ? NAME_ERROR.exec(text) : null;
      if (match) {
        names.add(match[1]);
      }
    }
    return names.size === 1 ? [...names][0] : null;
  }

  /**
   * The outcome, with the offer to run the cells above that define `name` and its hint.
   */
  export function withSetupOffer(
    outcome: ICheckOutcome,
    name: string,
    cells: number[]
  ): ICheckOutcome {
    const hint = `${name} is defined in a cell above that has not run since the kernel started: run it, then check again.`;
    return {
      ...outcome,
      result: outcome.result ? { ...outcome.result, hint } : null,
      missingName: { name, cells }
    };
  }

  /**
   * "in your solution cell, line 3: def f(:" from the traceback of the combined code.
   */
  export function locate(traceback: string[], code: ICheckCode): string | null {
    const text = traceback.join('\n').replace(ANSI, '');
    let lineNo: number | null = null;
    for (const line of text.split('\n')) {
      if (CELL_FRAME.test(line)) {
        const match = LINE.exec(line);
        if (match) {
          lineNo = Number(match[1]);
        }
      }
    }
    if (lineNo === null) {
      // A SyntaxError's evalue-less traceback still names the line.
      const match = LINE.exec(text);
      lineNo = match ? Number(match[1]) : null;
    }
    if (lineNo === null) {
      return null;
    }
    const found = locateLine(code.segments, lineNo);
    if (!found) {
      return null;
    }
    const cell =
      found.segment.kind === 'solution'
        ? 'your solution cell'
        : 'the test cell';
    return `  in ${cell}, line ${found.line}: ${found.text.trim()}`;
  }

  export function hintFor(ename: string): string | null {
    switch (ename) {
      case 'SyntaxError':
      case 'IndentationError':
      case 'TabError':
        return 'Python could not read your cell: look at the line shown (and the one above it) for an unclosed bracket, a missing colon or a wrong indent.';
      case 'NameError':
        return 'If that name is defined in a cell above (an import such as numpy, or a helper), run that cell first: a check runs only your solution cell and the test cell.';
      default:
        return null;
    }
  }
}

/**
 * The cells of a notebook model, as the runner reads them.
 */
export function cellsOfModel(model: {
  cells: {
    length: number;
    get(index: number): {
      type: string;
      sharedModel: { getSource(): string };
      getMetadata(key: string): unknown;
    };
  };
}): ICellLike[] {
  const cells: ICellLike[] = [];
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    const metadata: ICellLike['metadata'] = {};
    for (const key of ['nbgrader', 'mlmath_lab']) {
      const value = cell.getMetadata(key);
      if (value && typeof value === 'object') {
        metadata[key] = value as Record<string, unknown>;
      }
    }
    cells.push({
      cell_type: cell.type,
      source: cell.sharedModel.getSource(),
      metadata
    });
  }
  return cells;
}
