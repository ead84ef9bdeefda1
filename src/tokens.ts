/**
 * Interfaces, constants and tokens shared by the models, the views and the plugins.
 *
 * The JSON shapes mirror the Python side: `mlmath_lab/checks/result.py` (`CheckResult.to_json`)
 * for a check result, and the server routes under `/mlmath-lab/` for the roadmap and progress.
 */

import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';

/**
 * The MIME type of a check result, displayed by `mlmath_lab.checks.check(...)` in the kernel.
 */
export const CHECK_MIME_TYPE = 'application/vnd.mlmath-lab.check+json';

/**
 * The version of the check result format this extension understands.
 */
export const CHECK_RESULT_VERSION = 2;

/**
 * Plugin ids. `mlmath-lab:plugin` owns the settings of schema/plugin.json.
 */
export namespace PluginIDs {
  export const roadmap = 'mlmath-lab:plugin';
  export const checkButtons = 'mlmath-lab:check-buttons';
  export const mimeRenderer = 'mlmath-lab:mime-renderer';
}

/**
 * Command ids, all in the command palette.
 */
export namespace CommandIDs {
  export const openRoadmap = 'mlmath-lab:open-roadmap';
  export const refreshRoadmap = 'mlmath-lab:refresh-roadmap';
  export const checkActive = 'mlmath-lab:check-active';
  export const checkAll = 'mlmath-lab:check-all';
}

/**
 * The id of the roadmap side panel (part of the DOM contract of the browser tests).
 */
export const ROADMAP_WIDGET_ID = 'mlmath-lab-roadmap';

// -- the check result (kernel → browser) ----------------------------------------------------

/**
 * The status of a check, as the kernel reports it.
 */
export type CheckStatus = 'passed' | 'failed' | 'not_implemented' | 'error';

/**
 * The status of one case of a check.
 */
export type CaseStatus = 'passed' | 'failed' | 'error' | 'not_run';

/**
 * One case of a check (`CaseOutcome` in result.py).
 */
export interface ICheckCase {
  name: string;
  status: CaseStatus;
  message: string;
  got: string;
  expected: string;
  /**
   * What the student's code raised on this case (result format 2; absent before).
   */
  error?: string;
}

/**
 * A check result (`CheckResult.to_json()` in result.py).
 */
export interface ICheckResult {
  version: number;
  exercise: string;
  title: string;
  status: CheckStatus;
  passed: boolean;
  summary: string;
  cases: ICheckCase[];
  hint: string | null;
  misconception: string | null;
  error: string | null;
  duration_ms: number;
}

/**
 * What the browser shows for one check: a kernel result, or why there is none.
 *
 * The first four are the kernel's statuses; the others are the browser's own:
 * - `timeout`: no result within the `checkTimeoutSeconds` setting (offers to interrupt);
 * - `no-kernel`: the notebook has no kernel (offers to start one);
 * - `busy`: the check is on its way (transient): waiting for the kernel to be idle, or sent
 *   and running (the message says which);
 * - `dead`: the kernel died, restarted or changed during the check;
 * - `not-in-course`: the notebook has no exercise with that id.
 */
export type CheckOutcomeStatus =
  CheckStatus | 'timeout' | 'no-kernel' | 'busy' | 'dead' | 'not-in-course';

/**
 * One check outcome, as shown under an exercise cell.
 */
export interface ICheckOutcome {
  /**
   * The exercise id, `<assignment>/<grade_id>`.
   */
  exercise: string;

  /**
   * What happened.
   */
  status: CheckOutcomeStatus;

  /**
   * The kernel's result, when there is one (the four kernel statuses, and an `error` made
   * from the student's own exception when their cell raised before the check could run).
   */
  result: ICheckResult | null;

  /**
   * A sentence for the student, for the browser's own statuses.
   */
  message: string;

  /**
   * How long the check took in the browser, from sending to the result, in milliseconds.
   */
  elapsedMs: number | null;

  /**
   * Said under a kernel result that was not recorded in the progress (the notebook could
   * not be saved first), or absent.
   */
  notice?: string;

  /**
   * True when the exercise has hidden cases: the check ran the visible ones only, and more
   * run when the work is graded.
   */
  hiddenCases?: boolean;

  /**
   * For a NameError raised before the check could run: the missing name and the cells
   * above the exercise that define it (a setup cell not run since the kernel started).
   */
  missingName?: { name: string; cells: number[] };

  /**
   * For a check on its way: when it was asked for (`Date.now()`), to show how long it has
   * been running.
   */
  startedAt?: number;

  /**
   * When the outcome is the last one recorded in the progress (shown after a reload, before
   * any check of this session): that check's time; absent for a live check.
   */
  recordedAt?: string;
}

/**
 * Whether an outcome is still on its way (the check has not finished).
 */
export function isTransient(status: CheckOutcomeStatus): boolean {
  return status === 'busy';
}

// -- the roadmap and progress (server → browser) --------------------------------------------

/**
 * Where an assignment's notebooks are for this user.
 */
export type AssignmentStatus = 'workspace' | 'fetched' | 'not_fetched';

export interface IReading {
  id: string;
  kind: 'reading' | 'video';
  title: string;
  url: string;
  note?: string | null;
}

export interface ICheckpoint {
  id: string;
  text: string;
}

export interface INotebookRef {
  name: string;
  /**
   * The notebook's path relative to the server root, or null when not available.
   */
  path: string | null;
}

export interface IExerciseInfo {
  id: string;
  title: string;
  grade_id: string;
  /**
   * The path of the notebook holding the exercise, or null when not available.
   */
  notebook: string | null;
}

export interface IAssignmentInfo {
  id: string;
  title: string;
  status: AssignmentStatus;
  notebooks: INotebookRef[];
  exercises: IExerciseInfo[];
}

export interface IModuleInfo {
  id: string;
  title: string;
  summary: string;
  readings: IReading[];
  checkpoints: ICheckpoint[];
  assignments: IAssignmentInfo[];
}

export interface IPhaseInfo {
  id: string;
  title: string;
  summary: string;
  modules: IModuleInfo[];
}

export interface ILearningPath {
  id: string;
  title: string;
  description: string;
  /**
   * Module ids, in the order the path takes them.
   */
  modules: string[];
  /**
   * The exercise ids the path selects from its modules, in course order.
   */
  exercises: string[];
}

/**
 * `GET /mlmath-lab/roadmap`.
 */
export interface IRoadmap {
  title: string;
  manifest: string;
  phases: IPhaseInfo[];
  paths: ILearningPath[];
}

/**
 * One exercise's progress, as the server stores it.
 */
export interface IExerciseProgress {
  /**
   * Whether the last check passed.
   */
  status: 'passed' | 'failed';
  /**
   * The last check's own status (absent in entries recorded before it was kept: then as
   * `status`).
   */
  outcome?: CheckStatus;
  attempts: number;
  last_checked: string | null;
  passed_at: string | null;
  summary: string | null;
  hint: string | null;
  misconception: string | null;
  duration_ms: number | null;
  /**
   * The saved notebook the last check was about (absent when it was recorded without one).
   */
  notebook?: string;
  /**
   * The fingerprint of the exercise's solution code in `notebook` when it was checked.
   */
  code_sha256?: string;
  /**
   * Whether the saved solution code differs from the code the last check was about (computed
   * by the server at each read; absent without a fingerprint).
   */
  edited_since_check?: boolean;
}

/**
 * The saved notebook a check was about.
 */
export interface ICheckedNotebook {
  /**
   * Its path relative to the server root (the document context's `localPath`).
   */
  path: string;
  /**
   * Whether it was saved again after the save the check was about (an autosave while the
   * check ran): then the code on disk is not the code checked.
   */
  savedAgain: boolean;
}

/**
 * One reading's or checkpoint's tick.
 */
export interface IChecklistEntry {
  done: boolean;
  at: string | null;
}

/**
 * `GET /mlmath-lab/progress`.
 */
export interface IProgress {
  version: number;
  exercises: { [id: string]: IExerciseProgress };
  checklist: { [id: string]: IChecklistEntry };
}

/**
 * `POST /mlmath-lab/progress/check`'s reply.
 */
export interface ICheckRecorded {
  exercise: string;
  progress: IExerciseProgress;
}

/**
 * `GET /mlmath-lab/info`.
 */
export interface IServerInfo {
  name: string;
  version: string;
  /**
   * Whether the session keeps nothing when it stops (Binder): the roadmap offers an export.
   */
  temporary?: boolean;
}

/**
 * An export of the progress and notebooks, as the server sent it.
 */
export interface IExportFile {
  blob: Blob;
  filename: string;
}

/**
 * `POST /mlmath-lab/progress/import`'s reply: what the import changed.
 */
export interface IImportReport {
  exercises: number;
  checklist: number;
  restored: string[];
  unchanged: string[];
  /**
   * Notebooks the student had changed in this session → where the imported copy went.
   */
  kept_both: Record<string, string>;
}

/**
 * An exercise's state in the roadmap: never checked; checked, but the stub is still in place;
 * checked and failing (a case failed, or the code raised before the check ran); passed (once:
 * a pass stays earned).
 */
export type ExerciseState =
  'not-tried' | 'not-implemented' | 'failed' | 'passed';

/**
 * Passed and total exercise counts.
 */
export interface IProgressCount {
  passed: number;
  total: number;
}

// -- tokens ---------------------------------------------------------------------------------

/**
 * What the check buttons need from the roadmap: a place to record a check result.
 */
export interface IRoadmapModel {
  /**
   * Emitted whenever the roadmap, the progress or the selected path changes.
   */
  readonly changed: ISignal<IRoadmapModel, void>;

  /**
   * Record a check result on the server, and update the exercise's state. `checked`: the
   * saved notebook the check was about, so the roadmap can tell when its code changes.
   */
  recordCheck(
    result: ICheckResult,
    checked?: ICheckedNotebook | null
  ): Promise<boolean>;

  /**
   * A notebook was saved (its path relative to the server root): an exercise checked in it
   * may now be "edited since" its check, so the progress is read again.
   */
  notebookSaved?(path: string): void;

  /**
   * An exercise's state, by id.
   */
  exerciseState(id: string): ExerciseState;

  /**
   * An exercise's stored progress (its last recorded check), or null.
   */
  exerciseProgress(id: string): IExerciseProgress | null;

  /**
   * Whether the roadmap (once loaded) knows this exercise id.
   */
  hasExercise(id: string): boolean;

  /**
   * An exercise's title in the roadmap, or null when it is not there.
   */
  exerciseTitle(id: string): string | null;
}

/**
 * The roadmap model, provided by the roadmap plugin for the check buttons.
 */
export const IRoadmapModel = new Token<IRoadmapModel>(
  'mlmath-lab:IRoadmapModel',
  'The course roadmap and the student progress: record check results here.'
);
