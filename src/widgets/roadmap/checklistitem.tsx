/**
 * One reading, video or checkpoint, with the checkbox that ticks it.
 */

import * as React from 'react';

import { RoadmapModel } from '../../roadmap/model';

export function ChecklistItem(props: {
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
