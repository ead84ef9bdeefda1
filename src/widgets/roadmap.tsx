/**
 * The roadmap sidebar: phases → modules → assignments → exercises, with progress, the
 * learning path, and the readings and checkpoints of each module.
 */

import {
  ReactWidget,
  refreshIcon,
  SidePanel,
  ToolbarButton,
  UseSignal
} from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { Panel, Widget } from '@lumino/widgets';
import * as React from 'react';

import { roadmapIcon } from '../icons';
import { RoadmapModel } from '../model';
import {
  AssignmentStatus,
  ExerciseState,
  IAssignmentInfo,
  ICheckpoint,
  IExerciseInfo,
  IModuleInfo,
  IPhaseInfo,
  IProgressCount,
  IReading,
  ROADMAP_WIDGET_ID
} from '../tokens';

/**
 * What the roadmap does when the student clicks an assignment or an exercise.
 */
export interface IRoadmapActions {
  /**
   * Open an assignment's notebook.
   */
  openAssignment(assignment: IAssignmentInfo, path: string): void;

  /**
   * Open an exercise's notebook and scroll to it.
   */
  openExercise(
    exercise: IExerciseInfo,
    assignment: IAssignmentInfo,
    path: string
  ): void;
}

/**
 * The notebook an exercise lives in: its own, else its assignment's first one.
 */
export function exerciseNotebook(
  exercise: IExerciseInfo,
  assignment: IAssignmentInfo
): string | null {
  return exercise.notebook ?? assignmentNotebook(assignment);
}

/**
 * The first notebook of an assignment that exists for this user, or null.
 */
export function assignmentNotebook(assignment: IAssignmentInfo): string | null {
  if (assignment.status === 'not_fetched') {
    return null;
  }
  return assignment.notebooks.find(n => n.path)?.path ?? null;
}

/**
 * "3 / 9 exercises passed".
 */
export function overallText(count: IProgressCount): string {
  return `${count.passed} / ${count.total} exercise${count.total === 1 ? '' : 's'} passed`;
}

const NOT_FETCHED_TEXT = 'not fetched yet — fetch it from the Assignments tab';

const STATUS_LABEL: Record<AssignmentStatus, string> = {
  workspace: 'in your workspace',
  fetched: 'fetched',
  not_fetched: 'not fetched yet'
};

// ◌ as the inline result marks a stub (○ there): checked, but nothing written yet.
const STATE_MARK: Record<ExerciseState, string> = {
  passed: '✔',
  failed: '✘',
  'not-implemented': '◌',
  'not-tried': '○'
};
const STATE_LABEL: Record<ExerciseState, string> = {
  passed: 'passed',
  failed: 'not passed yet',
  'not-implemented': 'not implemented yet',
  'not-tried': 'not tried'
};

/**
 * What the last check of a passed exercise found, when it did not pass.
 */
const LAST_CHECK_TEXT: Record<string, string> = {
  failed: 'failed',
  error: 'your code raised an error',
  not_implemented: 'not implemented'
};

function ProgressBar(props: {
  count: IProgressCount;
  label: string;
}): JSX.Element {
  const { passed, total } = props.count;
  const percent = total ? Math.round((100 * passed) / total) : 0;
  return (
    <div
      className="mlmath-lab-progress"
      data-passed={passed}
      data-total={total}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={passed}
      title={`${passed} of ${total} passed`}
    >
      <div
        className="mlmath-lab-progress-fill"
        style={{ width: `${percent}%` }}
      />
    </div>
  );
}

function ChecklistItem(props: {
  model: RoadmapModel;
  id: string;
  kind: 'reading' | 'video' | 'checkpoint';
  children: React.ReactNode;
}): JSX.Element {
  const { model, id } = props;
  const inputId = `mlmath-lab-item-${props.kind}-${id}`;
  return (
    <li
      className={`mlmath-lab-checklist-row mlmath-lab-mod-${props.kind}`}
      data-done={model.isDone(id)}
    >
      <input
        type="checkbox"
        id={inputId}
        className="mlmath-lab-checklist-item"
        data-item-id={id}
        checked={model.isDone(id)}
        disabled={model.isPending(id)}
        onChange={event => {
          void model.setDone(id, event.currentTarget.checked);
        }}
      />
      <label htmlFor={inputId}>{props.children}</label>
    </li>
  );
}

function Readings(props: {
  model: RoadmapModel;
  readings: IReading[];
}): JSX.Element | null {
  if (!props.readings.length) {
    return null;
  }
  return (
    <div className="mlmath-lab-roadmap-readings">
      <div className="mlmath-lab-roadmap-subtitle">Read and watch</div>
      <ul>
        {props.readings.map(reading => (
          <ChecklistItem
            key={reading.id}
            model={props.model}
            id={reading.id}
            kind={reading.kind === 'video' ? 'video' : 'reading'}
          >
            <span className="mlmath-lab-reading-kind">
              {reading.kind === 'video' ? 'video' : 'reading'}
            </span>{' '}
            <a
              href={reading.url}
              target="_blank"
              rel="noopener noreferrer"
              className="mlmath-lab-reading-link"
            >
              {reading.title}
            </a>
            {reading.note ? (
              <span className="mlmath-lab-reading-note"> — {reading.note}</span>
            ) : null}
          </ChecklistItem>
        ))}
      </ul>
    </div>
  );
}

function Checkpoints(props: {
  model: RoadmapModel;
  checkpoints: ICheckpoint[];
}): JSX.Element | null {
  if (!props.checkpoints.length) {
    return null;
  }
  const done = props.checkpoints.filter(c => props.model.isDone(c.id)).length;
  return (
    <div className="mlmath-lab-roadmap-checkpoints">
      <div className="mlmath-lab-roadmap-subtitle">
        Check your understanding: can you…{' '}
        <span
          className="mlmath-lab-checkpoint-count"
          title={`${done} of ${props.checkpoints.length} checkpoints ticked`}
        >
          {done}/{props.checkpoints.length}
        </span>
      </div>
      <ul>
        {props.checkpoints.map(checkpoint => (
          <ChecklistItem
            key={checkpoint.id}
            model={props.model}
            id={checkpoint.id}
            kind="checkpoint"
          >
            {checkpoint.text}
          </ChecklistItem>
        ))}
      </ul>
    </div>
  );
}

function Exercise(props: {
  model: RoadmapModel;
  exercise: IExerciseInfo;
  assignment: IAssignmentInfo;
  actions: IRoadmapActions;
  onNotFetched: () => void;
}): JSX.Element {
  const { model, exercise, assignment } = props;
  const state = model.exerciseState(exercise.id);
  const progress = model.exerciseProgress(exercise.id);
  const lastFailed = model.lastCheckFailed(exercise.id);
  const path = exerciseNotebook(exercise, assignment);
  const passedOn = progress?.passed_at ? progress.passed_at.slice(0, 10) : null;
  const lastOutcome = progress?.outcome ?? progress?.status ?? 'failed';
  const lastText = LAST_CHECK_TEXT[lastOutcome] ?? 'did not pass';
  const stateText =
    state === 'passed' && passedOn
      ? `passed on ${passedOn}${lastFailed ? `; your last check: ${lastText}` : ''}`
      : state === 'failed' && progress?.outcome === 'error'
        ? `${STATE_LABEL[state]} (your code raised an error)`
        : STATE_LABEL[state];
  const details = progress
    ? [
        stateText,
        progress.summary,
        `${progress.attempts} check${progress.attempts === 1 ? '' : 's'}`
      ]
        .filter(Boolean)
        .join(' · ')
    : stateText;
  return (
    <li
      className={`mlmath-lab-roadmap-exercise mlmath-lab-mod-${state}`}
      data-exercise-id={exercise.id}
      data-status={state}
      data-last-check={
        progress ? (progress.outcome ?? progress.status) : undefined
      }
    >
      <span className="mlmath-lab-state-mark" aria-hidden="true">
        {STATE_MARK[state]}
      </span>
      <button
        type="button"
        className="mlmath-lab-link-button mlmath-lab-roadmap-exercise-open"
        title={`${details}\n${path ? 'Open the notebook at this exercise' : NOT_FETCHED_TEXT}`}
        aria-label={`${exercise.title}: ${stateText}`}
        onClick={() => {
          if (path) {
            props.actions.openExercise(exercise, assignment, path);
          } else {
            props.onNotFetched();
          }
        }}
      >
        {exercise.title}
      </button>
      {lastFailed ? (
        <span
          className="mlmath-lab-last-check"
          title={`You passed this exercise before; your last check: ${lastText}`}
        >
          last check ✘
        </span>
      ) : null}
    </li>
  );
}

function Assignment(props: {
  model: RoadmapModel;
  assignment: IAssignmentInfo;
  actions: IRoadmapActions;
}): JSX.Element {
  const { model, assignment } = props;
  const [flash, setFlash] = React.useState(0);
  const path = assignmentNotebook(assignment);
  const count = model.assignmentCount(assignment);
  const onNotFetched = () => setFlash(n => n + 1);
  return (
    <div
      className="mlmath-lab-roadmap-assignment"
      data-assignment-id={assignment.id}
      data-status={assignment.status}
    >
      <div className="mlmath-lab-roadmap-assignment-header">
        <button
          type="button"
          className="mlmath-lab-link-button mlmath-lab-roadmap-assignment-open"
          title={path ? `Open ${path}` : NOT_FETCHED_TEXT}
          onClick={() => {
            if (path) {
              props.actions.openAssignment(assignment, path);
            } else {
              onNotFetched();
            }
          }}
        >
          {assignment.title}
        </button>
        <span className="mlmath-lab-roadmap-count">
          {count.passed}/{count.total}
        </span>
      </div>
      <div className="mlmath-lab-roadmap-assignment-status">
        {assignment.status === 'not_fetched' ? (
          <span
            key={flash}
            className={
              'mlmath-lab-not-fetched' + (flash ? ' mlmath-lab-mod-flash' : '')
            }
            role={flash ? 'alert' : undefined}
          >
            {NOT_FETCHED_TEXT}
          </span>
        ) : (
          STATUS_LABEL[assignment.status]
        )}
      </div>
      {assignment.exercises.length ? (
        <ul className="mlmath-lab-roadmap-exercises">
          {assignment.exercises.map(exercise => (
            <Exercise
              key={exercise.id}
              model={model}
              exercise={exercise}
              assignment={assignment}
              actions={props.actions}
              onNotFetched={onNotFetched}
            />
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function Module(props: {
  model: RoadmapModel;
  module: IModuleInfo;
  actions: IRoadmapActions;
}): JSX.Element {
  const { model, module } = props;
  const collapsed = !model.isExpanded(module.id);
  const count = model.moduleCount(module);
  const step = model.pathStep(module.id);
  const onPath = model.isOnPath(module.id);
  const bodyId = `mlmath-lab-module-body-${module.id}`;
  return (
    <section
      className={
        'mlmath-lab-roadmap-module' +
        (onPath ? '' : ' mlmath-lab-mod-off-path') +
        (step !== null ? ' mlmath-lab-mod-on-path' : '') +
        (count.total > 0 && count.passed === count.total
          ? ' mlmath-lab-mod-complete'
          : '')
      }
      data-module-id={module.id}
      data-on-path={onPath}
      data-current={module.id === model.currentModuleId}
    >
      <div className="mlmath-lab-roadmap-module-header">
        <button
          type="button"
          className="mlmath-lab-link-button mlmath-lab-roadmap-module-toggle"
          aria-expanded={!collapsed}
          aria-controls={bodyId}
          onClick={() => model.setExpanded(module.id, collapsed)}
        >
          <span className="mlmath-lab-caret" aria-hidden="true">
            {collapsed ? '▸' : '▾'}
          </span>
          {step !== null ? (
            <span className="mlmath-lab-path-step" title="Step on your path">
              {step}
            </span>
          ) : null}
          <span className="mlmath-lab-roadmap-module-title">
            {module.title}
          </span>
        </button>
        <span className="mlmath-lab-roadmap-count">
          {count.passed}/{count.total}
        </span>
      </div>
      <ProgressBar count={count} label={`${module.title}: exercises passed`} />
      {collapsed ? null : (
        <div className="mlmath-lab-roadmap-module-body" id={bodyId}>
          {module.summary ? (
            <p className="mlmath-lab-roadmap-summary">{module.summary}</p>
          ) : null}
          {module.assignments.map(assignment => (
            <Assignment
              key={assignment.id}
              model={model}
              assignment={assignment}
              actions={props.actions}
            />
          ))}
          <Readings model={model} readings={module.readings} />
          <Checkpoints model={model} checkpoints={module.checkpoints} />
        </div>
      )}
    </section>
  );
}

function Phase(props: {
  model: RoadmapModel;
  phase: IPhaseInfo;
  actions: IRoadmapActions;
}): JSX.Element {
  const { model, phase } = props;
  const count = model.phaseCount(phase);
  return (
    <section className="mlmath-lab-roadmap-phase" data-phase-id={phase.id}>
      <div className="mlmath-lab-roadmap-phase-header">
        <h3 className="mlmath-lab-roadmap-phase-title">{phase.title}</h3>
        <span className="mlmath-lab-roadmap-count">
          {count.passed}/{count.total}
        </span>
      </div>
      <ProgressBar count={count} label={`${phase.title}: exercises passed`} />
      {model.modulesOf(phase).map(module => (
        <Module
          key={module.id}
          model={model}
          module={module}
          actions={props.actions}
        />
      ))}
    </section>
  );
}

function PathSelect(props: { model: RoadmapModel }): JSX.Element | null {
  const { model } = props;
  if (!model.paths.length) {
    return null;
  }
  const selected = model.selectedPath;
  return (
    <div className="mlmath-lab-path">
      <label>
        <span className="mlmath-lab-path-label">Learning path</span>
        <select
          className="mlmath-lab-path-select jp-mod-styled"
          value={selected?.id ?? ''}
          onChange={event => {
            void model.selectPath(event.currentTarget.value || null);
          }}
        >
          <option value="">Whole course</option>
          {model.paths.map(path => (
            <option key={path.id} value={path.id}>
              {path.title}
            </option>
          ))}
        </select>
      </label>
      {selected ? (
        <p className="mlmath-lab-path-description">
          {selected.description}
          {model.pathModules.length
            ? ` Your path: ${model.pathModules.map(m => m.title).join(' → ')}.`
            : ''}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The roadmap, rendered from the model.
 */
export function RoadmapView(props: {
  model: RoadmapModel;
  actions: IRoadmapActions;
}): JSX.Element {
  const { model } = props;
  if (model.status === 'loading') {
    return (
      <div className="mlmath-lab-roadmap-body">
        <div className="mlmath-lab-roadmap-loading">Loading the roadmap…</div>
      </div>
    );
  }
  if (model.status === 'error') {
    return (
      <div className="mlmath-lab-roadmap-body">
        <div className="mlmath-lab-roadmap-error" role="alert">
          {model.error}
        </div>
      </div>
    );
  }
  const overall = model.overallCount;
  return (
    <div className="mlmath-lab-roadmap-body">
      <div className="mlmath-lab-roadmap-top">
        <div className="mlmath-lab-roadmap-title">{model.title}</div>
        <div className="mlmath-lab-roadmap-overall" aria-live="polite">
          {overallText(overall)}
        </div>
        <ProgressBar count={overall} label="Exercises passed in the course" />
        <PathSelect model={model} />
      </div>
      {model.warning ? (
        <div className="mlmath-lab-roadmap-warning" role="status">
          {model.warning}
        </div>
      ) : null}
      {model.phases.map(phase => (
        <Phase
          key={phase.id}
          model={model}
          phase={phase}
          actions={props.actions}
        />
      ))}
    </div>
  );
}

/**
 * The roadmap side panel, for the left area.
 */
export class RoadmapPanel extends SidePanel {
  constructor(options: RoadmapPanel.IOptions) {
    super({ content: new Panel() });
    const { model, actions } = options;
    this.id = ROADMAP_WIDGET_ID;
    this.addClass('mlmath-lab-roadmap-panel');
    this.title.icon = roadmapIcon;
    this.title.caption = 'ML Math roadmap';

    const heading = new Widget();
    heading.addClass('mlmath-lab-roadmap-heading');
    heading.node.textContent = 'ML Math roadmap';
    this.header.addWidget(heading);

    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: 'Reload the roadmap and your progress',
        className: 'mlmath-lab-roadmap-refresh',
        onClick: () => {
          void model.refresh();
        }
      })
    );

    const view = ReactWidget.create(
      <UseSignal signal={model.changed}>
        {() => <RoadmapView model={model} actions={actions} />}
      </UseSignal>
    );
    view.addClass('mlmath-lab-roadmap-content');
    this.addWidget(view);
    this._model = model;
  }

  /**
   * Shown again: reload if the roadmap is more than a few seconds old, so an assignment
   * fetched meanwhile shows as fetched.
   */
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this._model.refreshIfStale(RoadmapPanel.STALE_MS);
  }

  private _model: RoadmapModel;
}

export namespace RoadmapPanel {
  /**
   * How old the roadmap may be when the sidebar is shown again.
   */
  export const STALE_MS = 10000;

  export interface IOptions {
    model: RoadmapModel;
    actions: IRoadmapActions;
  }
}
