/**
 * One module in the roadmap, collapsible: its progress, assignments, readings and checkpoints.
 */

import * as React from 'react';

import { RoadmapModel } from '../../roadmap/model';
import { IModuleInfo } from '../../tokens';
import { IRoadmapActions } from './actions';
import { Assignment } from './assignment';
import { Checkpoints } from './checkpoints';
import { ProgressBar } from './progressbar';
import { Readings } from './readings';

export function Module(props: {
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
