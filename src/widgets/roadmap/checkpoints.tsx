/**
 * A module's checkpoints ("can you…"), to tick, and how many are ticked.
 */

import * as React from 'react';

import { RoadmapModel } from '../../roadmap/model';
import { ICheckpoint } from '../../tokens';
import { ChecklistItem } from './checklistitem';

export function Checkpoints(props: {
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
