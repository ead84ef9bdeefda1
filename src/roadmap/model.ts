/**
 * The roadmap model: the course roadmap joined with this user's progress. No DOM.
 */

import { ISignal, Signal } from '@lumino/signaling';

import {
  errorMessage,
  errorStatus,
  fetchInfo,
  fetchProgress,
  fetchRoadmap,
  postCheck,
  postChecklist
} from '../api/request';
import {
  ExerciseState,
  IAssignmentInfo,
  ICheckResult,
  ICheckedNotebook,
  IChecklistEntry,
  IExerciseInfo,
  IExerciseProgress,
  ILearningPath,
  IModuleInfo,
  IPhaseInfo,
  IProgress,
  IProgressCount,
  IRoadmap,
  IRoadmapModel
} from '../tokens';

/**
 * Where an exercise sits in the roadmap.
 */
export interface IExerciseLocation {
  phase: IPhaseInfo;
  module: IModuleInfo;
  assignment: IAssignmentInfo;
  exercise: IExerciseInfo;
}

/**
 * The course roadmap and the student's progress, with a `changed` signal.
 */
export class RoadmapModel implements IRoadmapModel {
  constructor(options: RoadmapModel.IOptions = {}) {
    this._persistence = options.persistence ?? null;
    this._layout =
      options.layout === undefined ? Private.localLayout() : options.layout;
    this._expanded = this._layout?.load() ?? {};
    this._sync =
      options.sync === undefined ? Private.broadcastSync() : options.sync;
    this._sync?.listen(message => this._onSyncMessage(message));
  }

  /**
   * Stop listening to the other tabs.
   */
  dispose(): void {
    this._sync?.close();
    this._sync = null;
  }

  /**
   * Emitted whenever the roadmap, the progress, the selected path or the load state changes.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * `loading` until the first load ends, then `ready` or `error`.
   */
  get status(): RoadmapModel.Status {
    return this._status;
  }

  /**
   * Why the roadmap could not be shown (e.g. no course manifest), or null.
   */
  get error(): string | null {
    return this._error;
  }

  /**
   * A problem that leaves the roadmap usable (progress not loaded or not saved), or null.
   */
  get warning(): string | null {
    return this._warning;
  }

  /**
   * The roadmap, once loaded.
   */
  get roadmap(): IRoadmap | null {
    return this._roadmap;
  }

  /**
   * The course title, or an empty string before the roadmap is loaded.
   */
  get title(): string {
    return this._roadmap?.title ?? '';
  }

  /**
   * The phases, in course order.
   */
  get phases(): IPhaseInfo[] {
    return this._roadmap?.phases ?? [];
  }

  /**
   * The learning paths.
   */
  get paths(): ILearningPath[] {
    return this._roadmap?.paths ?? [];
  }

  /**
   * The selected learning path, or null for the whole course in its own order.
   */
  get selectedPath(): ILearningPath | null {
    if (this._selectedPathId === null) {
      return null;
    }
    return this.paths.find(p => p.id === this._selectedPathId) ?? null;
  }

  /**
   * The progress as last loaded or updated.
   */
  get progress(): IProgress {
    return this._progress;
  }

  /**
   * Reload when the last load is older than `maxAgeMs` (e.g. when the sidebar is shown
   * again: an assignment may have been fetched meanwhile).
   */
  async refreshIfStale(maxAgeMs: number): Promise<void> {
    if (this._loading || Date.now() - this._loadedAt < maxAgeMs) {
      return this._loading ?? undefined;
    }
    return this.refresh();
  }

  /**
   * Load (or reload) the roadmap, the progress and the selected path.
   */
  refresh(): Promise<void> {
    if (!this._loading) {
      this._loading = this._load().finally(() => {
        this._loading = null;
        this._loadedAt = Date.now();
      });
    }
    return this._loading;
  }

  private async _load(): Promise<void> {
    const pending = Promise.all([
      fetchRoadmap().then(
        value => ({ ok: true as const, value }),
        error => ({ ok: false as const, error })
      ),
      fetchProgress().then(
        value => ({ ok: true as const, value }),
        error => ({ ok: false as const, error })
      ),
      this._loadSelectedPath()
    ]);
    const [roadmap, progress] = await pending;
    if (roadmap.ok) {
      this._roadmap = roadmap.value;
      this._status = 'ready';
      this._error = null;
    } else {
      this._roadmap = null;
      this._status = 'error';
      this._error = await Private.roadmapError(roadmap.error);
    }
    if (progress.ok) {
      this._progress = Private.normaliseProgress(progress.value);
      this._warning = null;
    } else {
      this._warning = `Your progress could not be loaded: ${errorMessage(progress.error)}`;
    }
    this._changed.emit();
  }

  /**
   * Select a learning path by id (null: the whole course), and remember the choice.
   */
  async selectPath(id: string | null, fromOtherTab = false): Promise<void> {
    const known = id === null || this.paths.some(p => p.id === id);
    const next = known ? id : null;
    if (next === this._selectedPathId) {
      return;
    }
    this._selectedPathId = next;
    this._changed.emit();
    if (!fromOtherTab) {
      this._sync?.post({ kind: 'path', path: next });
    }
    if (this._persistence) {
      try {
        await this._persistence.save(next);
      } catch (reason) {
        console.warn(
          'mlmath-lab: could not remember the learning path.',
          reason
        );
      }
    }
  }

  /**
   * The modules of a phase: those of the selected path first, in the path's order, then the
   * others in course order.
   */
  modulesOf(phase: IPhaseInfo): IModuleInfo[] {
    const path = this.selectedPath;
    if (!path) {
      return phase.modules;
    }
    const step = (m: IModuleInfo) => {
      const index = path.modules.indexOf(m.id);
      return index < 0 ? Number.POSITIVE_INFINITY : index;
    };
    // Array.prototype.sort is stable: off-path modules keep their course order.
    return [...phase.modules].sort((a, b) => step(a) - step(b));
  }

  /**
   * The modules of the selected path, in its order (empty without a path).
   */
  get pathModules(): IModuleInfo[] {
    const path = this.selectedPath;
    if (!path) {
      return [];
    }
    const byId = new Map<string, IModuleInfo>();
    for (const phase of this.phases) {
      for (const module of phase.modules) {
        byId.set(module.id, module);
      }
    }
    return path.modules
      .map(id => byId.get(id))
      .filter((m): m is IModuleInfo => m !== undefined);
  }

  /**
   * The 1-based step of a module in the selected path, or null when it is not on it (or no
   * path is selected).
   */
  pathStep(moduleId: string): number | null {
    const path = this.selectedPath;
    if (!path) {
      return null;
    }
    const index = path.modules.indexOf(moduleId);
    return index < 0 ? null : index + 1;
  }

  /**
   * Whether a module is on the selected path (always true without a path).
   */
  isOnPath(moduleId: string): boolean {
    const path = this.selectedPath;
    return path === null || path.modules.includes(moduleId);
  }

  /**
   * Whether the selected path selects this exercise (always true without a path). An
   * exercise of a path's module that the path leaves out is optional for its learner.
   */
  isExerciseOnPath(exerciseId: string): boolean {
    const path = this.selectedPath;
    return path === null || path.exercises.includes(exerciseId);
  }

  /**
   * An exercise's state: `passed` (passed once: a pass stays earned, even when a later
   * check fails, say after a kernel restart), `not-implemented` (checked, never passed, and
   * the last check found the stub), `failed` (checked, never passed, and the last check
   * failed or the code raised) or `not-tried`. `lastCheckFailed` tells when the last check
   * of a passed exercise did not pass.
   */
  exerciseState(id: string): ExerciseState {
    const entry = this._progress.exercises[id];
    if (!entry) {
      return 'not-tried';
    }
    if (entry.status === 'passed' || entry.passed_at) {
      return 'passed';
    }
    return entry.outcome === 'not_implemented' ? 'not-implemented' : 'failed';
  }

  /**
   * Whether the saved solution code of a checked exercise is no longer the code its last
   * check was about (the server compares fingerprints at each read). A pass stays earned,
   * but the code on disk now was not checked.
   */
  editedSinceCheck(id: string): boolean {
    return this._progress.exercises[id]?.edited_since_check === true;
  }

  /**
   * A notebook was saved (or renamed, or deleted): read the progress again when a check was
   * recorded with that notebook (only those can turn "edited since"), so the roadmap says it
   * without a reload. `path`: relative to the server root, as the check named it.
   */
  notebookSaved(path: string): void {
    const fingerprinted = Object.values(this._progress.exercises).some(
      entry => entry?.notebook === path
    );
    if (!fingerprinted) {
      return;
    }
    void this._reloadProgress().then(() =>
      this._sync?.post({ kind: 'progress' })
    );
  }

  /**
   * Whether an exercise passed once but its last check did not pass.
   */
  lastCheckFailed(id: string): boolean {
    const entry = this._progress.exercises[id];
    return !!entry && !!entry.passed_at && entry.status !== 'passed';
  }

  /**
   * An exercise's stored progress, or null when it was never checked.
   */
  exerciseProgress(id: string): IExerciseProgress | null {
    return this._progress.exercises[id] ?? null;
  }

  /**
   * Whether the loaded roadmap has this exercise.
   */
  hasExercise(id: string): boolean {
    return this.findExercise(id) !== null;
  }

  /**
   * An exercise's title in the roadmap, or null.
   */
  exerciseTitle(id: string): string | null {
    return this.findExercise(id)?.exercise.title ?? null;
  }

  /**
   * Where an exercise is in the roadmap, or null.
   */
  findExercise(id: string): IExerciseLocation | null {
    for (const phase of this.phases) {
      for (const module of phase.modules) {
        for (const assignment of module.assignments) {
          const exercise = assignment.exercises.find(e => e.id === id);
          if (exercise) {
            return { phase, module, assignment, exercise };
          }
        }
      }
    }
    return null;
  }

  /**
   * Passed and total exercises of an assignment.
   * (on a path: of the exercises it selects, when it selects some).
   */
  assignmentCount(assignment: IAssignmentInfo): IProgressCount {
    return this._count(assignment.exercises);
  }

  /**
   * Passed and total exercises of a module.
   * (on a path: of the exercises it selects, when it selects some).
   */
  moduleCount(module: IModuleInfo): IProgressCount {
    return this._count(Private.moduleExercises(module));
  }

  /**
   * Passed and total exercises of a phase.
   * (on a path: of the exercises it selects, when it selects some).
   */
  phaseCount(phase: IPhaseInfo): IProgressCount {
    return this._count(Private.phaseExercises(phase));
  }

  /**
   * Passed and total exercises of the whole course, or of the selected path.
   */
  get overallCount(): IProgressCount {
    const all: IExerciseInfo[] = [];
    for (const phase of this.phases) {
      all.push(...Private.phaseExercises(phase));
    }
    return this._count(all);
  }

  /**
   * The module to go on with: the first one with an exercise not passed yet, on the chosen
   * path (else in the course's order); null when every exercise is passed.
   */
  get currentModuleId(): string | null {
    const candidates: IModuleInfo[] = this.selectedPath
      ? this.pathModules
      : ([] as IModuleInfo[]).concat(...this.phases.map(p => p.modules));
    const current = candidates.find(module => {
      const count = this.moduleCount(module);
      return count.passed < count.total;
    });
    return current?.id ?? null;
  }

  /**
   * Whether a module is shown open: as the student left it, else only the current module.
   */
  isExpanded(moduleId: string): boolean {
    const chosen = this._expanded[moduleId];
    return chosen ?? moduleId === this.currentModuleId;
  }

  /**
   * Open or close a module; remembered in this browser.
   */
  setExpanded(moduleId: string, expanded: boolean): void {
    this._expanded = { ...this._expanded, [moduleId]: expanded };
    try {
      this._layout?.save(this._expanded);
    } catch (reason) {
      console.warn('mlmath-lab: could not remember the open modules.', reason);
    }
    this._changed.emit();
  }

  /**
   * Whether a reading or checkpoint is ticked.
   */
  isDone(itemId: string): boolean {
    return this._progress.checklist[itemId]?.done ?? false;
  }

  /**
   * Whether a tick of this item is being saved.
   */
  isPending(itemId: string): boolean {
    return this._pending.has(itemId);
  }

  /**
   * Tick or untick a reading or checkpoint: shown at once, rolled back if the server refuses.
   *
   * @returns whether the server recorded it
   */
  async setDone(itemId: string, done: boolean): Promise<boolean> {
    const previous = this._progress.checklist[itemId];
    const optimistic: IChecklistEntry = {
      done,
      at: done ? new Date().toISOString() : null
    };
    this._setChecklist(itemId, optimistic);
    const token = {};
    this._pending.set(itemId, token);
    this._changed.emit();
    try {
      const saved = await postChecklist(itemId, done);
      if (this._pending.get(itemId) === token) {
        this._pending.delete(itemId);
        this._setChecklist(itemId, Private.normaliseChecklist(saved, done));
        this._changed.emit();
      }
      this._sync?.post({ kind: 'progress' });
      return true;
    } catch (reason) {
      // Only the latest tick of an item may roll it back: an older failure must not undo a
      // newer choice.
      if (this._pending.get(itemId) === token) {
        this._pending.delete(itemId);
        this._setChecklist(itemId, previous);
        this._warning = `Could not save your tick: ${errorMessage(reason)}`;
        this._changed.emit();
      }
      return false;
    }
  }

  /**
   * Record a check result on the server, then show the exercise's new state.
   *
   * The state changes only when the server stored it, so the sidebar never shows progress
   * that would be gone on reload. A failure is kept in `warning`; this never throws.
   *
   * @returns whether the server recorded it
   */
  async recordCheck(
    result: ICheckResult,
    checked?: ICheckedNotebook | null
  ): Promise<boolean> {
    try {
      const recorded = await (checked
        ? postCheck(result, checked)
        : postCheck(result));
      this._recorded++;
      const id = recorded?.exercise ?? result.exercise;
      if (recorded?.progress) {
        this._progress = {
          ...this._progress,
          exercises: { ...this._progress.exercises, [id]: recorded.progress }
        };
      }
      if (this._warning?.startsWith(Private.SAVE_WARNING)) {
        this._warning = null;
      }
      this._changed.emit();
      this._sync?.post({ kind: 'progress' });
      return true;
    } catch (reason) {
      const status = errorStatus(reason);
      if (status === 400 || status === 404) {
        // An exercise this course does not know (a copy of a notebook, another course):
        // nothing to save, and nothing the student can fix from the sidebar.
        console.warn(
          `mlmath-lab: check of ${result.exercise} not recorded: ${errorMessage(reason)}`
        );
        return false;
      }
      this._warning = `${Private.SAVE_WARNING} ${errorMessage(reason)}`;
      this._changed.emit();
      return false;
    }
  }

  /**
   * Passed and total of the exercises that count: on a path, those it selects (the others
   * are optional), unless the group has none of them (a module off the path counts as is).
   */
  private _count(exercises: IExerciseInfo[]): IProgressCount {
    const selected = exercises.filter(e => this.isExerciseOnPath(e.id));
    const counted = selected.length > 0 ? selected : exercises;
    const passed = counted.filter(
      e => this.exerciseState(e.id) === 'passed'
    ).length;
    return { passed, total: counted.length };
  }

  private _setChecklist(itemId: string, entry: IChecklistEntry | undefined) {
    const checklist = { ...this._progress.checklist };
    if (entry === undefined) {
      delete checklist[itemId];
    } else {
      checklist[itemId] = entry;
    }
    this._progress = { ...this._progress, checklist };
  }

  private async _loadSelectedPath(): Promise<void> {
    if (!this._persistence || this._pathLoaded) {
      return;
    }
    this._pathLoaded = true;
    try {
      const id = await this._persistence.load();
      this._selectedPathId = typeof id === 'string' ? id : null;
    } catch (reason) {
      console.warn('mlmath-lab: could not restore the learning path.', reason);
    }
  }

  /**
   * Load the roadmap and progress again after they changed on the server by other means
   * (an import), here and in the other tabs.
   */
  async reloadEverywhere(): Promise<void> {
    await this.refresh();
    this._sync?.post({ kind: 'progress' });
  }

  /**
   * Another tab (JupyterLab or Notebook 7, same server) recorded progress or chose a path.
   */
  private _onSyncMessage(message: RoadmapModel.ISyncMessage): void {
    if (message.kind === 'progress') {
      void this._reloadProgress();
    } else if (message.kind === 'path') {
      void this.selectPath(message.path ?? null, true);
    }
  }

  /**
   * Load the progress again (not the roadmap): what another tab recorded, or what a save
   * changed. Calls during a load ask for one more load after it. A load that a check's
   * recording overtook is not shown (the recording's reply is newer): it is made again.
   */
  private _reloadProgress(): Promise<void> {
    if (this._reloading) {
      this._reloadAgain = true;
      return this._reloading;
    }
    this._reloading = (async () => {
      for (let round = 0; round < Private.MAX_RELOADS; round++) {
        this._reloadAgain = false;
        const recorded = this._recorded;
        try {
          const progress = Private.normaliseProgress(await fetchProgress());
          if (recorded === this._recorded) {
            this._progress = progress;
            this._changed.emit();
          } else {
            this._reloadAgain = true;
          }
        } catch (reason) {
          console.warn(
            'mlmath-lab: could not load the progress again.',
            reason
          );
        }
        if (!this._reloadAgain) {
          break;
        }
      }
    })().finally(() => {
      this._reloading = null;
    });
    return this._reloading;
  }

  private _changed = new Signal<this, void>(this);
  private _loading: Promise<void> | null = null;
  private _loadedAt = 0;
  private _status: RoadmapModel.Status = 'loading';
  private _error: string | null = null;
  private _warning: string | null = null;
  private _roadmap: IRoadmap | null = null;
  private _progress: IProgress = Private.emptyProgress();
  private _selectedPathId: string | null = null;
  private _pathLoaded = false;
  private _pending = new Map<string, object>();
  private _recorded = 0;
  private _reloading: Promise<void> | null = null;
  private _reloadAgain = false;
  private _persistence: RoadmapModel.IPersistence | null;
  private _layout: RoadmapModel.ILayoutStore | null;
  private _expanded: Record<string, boolean>;
  private _sync: RoadmapModel.ISync | null;
}

export namespace RoadmapModel {
  export type Status = 'loading' | 'ready' | 'error';

  /**
   * Where the selected learning path is remembered (the state database in JupyterLab).
   */
  export interface IPersistence {
    load(): Promise<string | null>;
    save(pathId: string | null): Promise<void>;
  }

  /**
   * What one tab tells the others: progress was recorded (reload it), or a learning path
   * was chosen.
   */
  export interface ISyncMessage {
    kind: 'progress' | 'path';
    path?: string | null;
  }

  /**
   * The channel between the tabs of one server (a BroadcastChannel in the browser).
   */
  export interface ISync {
    post(message: ISyncMessage): void;
    listen(handler: (message: ISyncMessage) => void): void;
    close(): void;
  }

  /**
   * Where the open and closed modules are remembered (this browser's local storage).
   */
  export interface ILayoutStore {
    load(): Record<string, boolean>;
    save(expanded: Record<string, boolean>): void;
  }

  export interface IOptions {
    persistence?: IPersistence;
    /**
     * Where the open modules are remembered; default: local storage, null: nowhere.
     */
    layout?: ILayoutStore | null;
    /**
     * The channel to the other tabs; default: a BroadcastChannel where the browser has one,
     * null: none.
     */
    sync?: ISync | null;
  }
}

namespace Private {
  const LAYOUT_KEY = 'mlmath-lab:roadmap-open-modules';

  /**
   * The open modules, in this browser's local storage (none where it cannot be used).
   */
  export function localLayout(): RoadmapModel.ILayoutStore | null {
    let storage: Storage;
    try {
      storage = window.localStorage;
    } catch {
      return null;
    }
    return {
      load() {
        try {
          const value: unknown = JSON.parse(
            storage.getItem(LAYOUT_KEY) ?? '{}'
          );
          if (!value || typeof value !== 'object' || Array.isArray(value)) {
            return {};
          }
          const open: Record<string, boolean> = {};
          for (const [id, expanded] of Object.entries(value)) {
            if (typeof expanded === 'boolean') {
              open[id] = expanded;
            }
          }
          return open;
        } catch {
          return {}; // unreadable: every module as the defaults say
        }
      },
      save(expanded) {
        storage.setItem(LAYOUT_KEY, JSON.stringify(expanded));
      }
    };
  }

  /**
   * The name of the channel: per origin, so per Jupyter server (its tabs, Lab and Notebook 7).
   */
  const CHANNEL = 'mlmath-lab:progress';

  export function broadcastSync(): RoadmapModel.ISync | null {
    if (typeof BroadcastChannel === 'undefined') {
      return null;
    }
    const channel = new BroadcastChannel(CHANNEL);
    return {
      post: message => channel.postMessage(message),
      listen: handler => {
        channel.onmessage = event => {
          const data = event.data as RoadmapModel.ISyncMessage | null;
          if (data && (data.kind === 'progress' || data.kind === 'path')) {
            handler(data);
          }
        };
      },
      close: () => channel.close()
    };
  }

  export function moduleExercises(module: IModuleInfo): IExerciseInfo[] {
    const all: IExerciseInfo[] = [];
    for (const assignment of module.assignments) {
      all.push(...assignment.exercises);
    }
    return all;
  }

  export function phaseExercises(phase: IPhaseInfo): IExerciseInfo[] {
    const all: IExerciseInfo[] = [];
    for (const module of phase.modules) {
      all.push(...moduleExercises(module));
    }
    return all;
  }

  export const SAVE_WARNING = 'Your check result was not saved:';

  /**
   * At most this many progress loads in a row, when checks keep overtaking them.
   */
  export const MAX_RELOADS = 4;

  export function emptyProgress(): IProgress {
    return { version: 1, exercises: {}, checklist: {} };
  }

  export function normaliseProgress(progress: Partial<IProgress>): IProgress {
    return {
      version: progress?.version ?? 1,
      exercises: { ...(progress?.exercises ?? {}) },
      checklist: { ...(progress?.checklist ?? {}) }
    };
  }

  export function normaliseChecklist(
    entry: Partial<IChecklistEntry> | null | undefined,
    done: boolean
  ): IChecklistEntry {
    return {
      done: typeof entry?.done === 'boolean' ? entry.done : done,
      at: entry?.at ?? null
    };
  }

  /**
   * Why the roadmap is missing, in words the student can act on.
   */
  export async function roadmapError(error: unknown): Promise<string> {
    const status = errorStatus(error);
    const message = errorMessage(error);
    if (status !== 404) {
      return `The roadmap could not be loaded: ${message}`;
    }
    // A 404 is either "no course manifest" (the server extension says so) or "no server
    // extension at all": the info route tells them apart.
    try {
      await fetchInfo();
    } catch {
      return (
        'The mlmath_lab server extension is not running, so there is no roadmap. ' +
        'Check `jupyter server extension list`, or start JupyterLab with `mlmath-lab lab`.'
      );
    }
    return (
      `No course roadmap here: ${message} ` +
      'Start JupyterLab with `mlmath-lab lab`, which prepares the course workspace.'
    );
  }
}
