/**
 * One assignment in the roadmap: where it is, its count, and its exercises.
 */

import * as React from 'react';

import { RoadmapModel } from '../../roadmap/model';
import { assignmentNotebook } from '../../roadmap/notebooks';
import { IAssignmentInfo } from '../../tokens';
import { IRoadmapActions } from './actions';
import { Exercise } from './exercise';
import { NOT_FETCHED_TEXT, STATUS_LABEL } from './labels';

export function Assignment(props: {
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
