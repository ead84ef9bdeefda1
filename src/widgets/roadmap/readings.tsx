/**
 * A module's readings and videos, to tick when done.
 */

import * as React from 'react';

import { RoadmapModel } from '../../roadmap/model';
import { IReading } from '../../tokens';
import { ChecklistItem } from './checklistitem';

export function Readings(props: {
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
