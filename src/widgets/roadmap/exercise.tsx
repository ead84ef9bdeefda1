/**
 * One exercise in the roadmap: its state, and a button that opens its notebook at it.
 */

import * as React from 'react';

import { RoadmapModel } from '../../roadmap/model';
import { exerciseNotebook } from '../../roadmap/notebooks';
import { IAssignmentInfo, IExerciseInfo } from '../../tokens';
import { IRoadmapActions } from './actions';
import {
  EDITED_MARK,
  EDITED_SINCE_BADGE,
  EDITED_SINCE_TEXT,
  LAST_CHECK_TEXT,
  NOT_FETCHED_TEXT,
  STATE_LABEL,
  STATE_MARK
} from './labels';

export function Exercise(props: {
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
  // A ✔ refers to saved code: when that code changed, the pass is earned but not current.
  const edited = state !== 'not-tried' && model.editedSinceCheck(exercise.id);
  const path = exerciseNotebook(exercise, assignment);
  // In a module of the chosen path, an exercise the path leaves out is optional.
  const optional = !model.isExerciseOnPath(exercise.id);
  const passedOn = progress?.passed_at ? progress.passed_at.slice(0, 10) : null;
  const lastOutcome = progress?.outcome ?? progress?.status ?? 'failed';
  const lastText = LAST_CHECK_TEXT[lastOutcome] ?? 'did not pass';
  const checkedText =
    state === 'passed' && passedOn
      ? `passed on ${passedOn}${lastFailed ? `; your last check: ${lastText}` : ''}`
      : state === 'failed' && progress?.outcome === 'error'
        ? `${STATE_LABEL[state]} (your code raised an error)`
        : STATE_LABEL[state];
  const stateText = edited
    ? `${checkedText}; ${EDITED_SINCE_TEXT}: check again`
    : checkedText;
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
      className={
        `mlmath-lab-roadmap-exercise mlmath-lab-mod-${state}` +
        (edited ? ' mlmath-lab-mod-edited-since' : '') +
        (optional ? ' mlmath-lab-mod-optional' : '')
      }
      data-exercise-id={exercise.id}
      data-on-path={!optional}
      data-status={state}
      data-edited-since={edited ? 'true' : undefined}
      data-last-check={
        progress ? (progress.outcome ?? progress.status) : undefined
      }
    >
      <span className="mlmath-lab-state-mark" aria-hidden="true">
        {edited ? EDITED_MARK[state] : STATE_MARK[state]}
      </span>
      <button
        type="button"
        className="mlmath-lab-link-button mlmath-lab-roadmap-exercise-open"
        title={`${details}\n${path ? 'Open the notebook at this exercise' : NOT_FETCHED_TEXT}`}
        aria-label={`${exercise.title}: ${stateText}${optional ? ' (optional on your path)' : ''}`}
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
      {optional ? (
        <span
          className="mlmath-lab-optional"
          title="Your learning path leaves this exercise out: do it if you like; it does not count towards your path"
        >
          optional
        </span>
      ) : null}
      {edited ? (
        <span
          className="mlmath-lab-edited-since"
          title={`${checkedText}; ${EDITED_SINCE_TEXT}. Check it again to see whether it passes now.`}
        >
          {EDITED_SINCE_BADGE[state]}
        </span>
      ) : null}
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
