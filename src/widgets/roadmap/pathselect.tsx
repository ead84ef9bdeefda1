/**
 * The choice of a learning path, and the modules it takes.
 */

import * as React from 'react';

import { RoadmapModel } from '../../roadmap/model';

export function PathSelect(props: { model: RoadmapModel }): JSX.Element | null {
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
