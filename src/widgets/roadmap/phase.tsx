/**
 * One phase of the roadmap: its progress and its modules.
 */

import * as React from 'react';

import { RoadmapModel } from '../../roadmap/model';
import { IPhaseInfo } from '../../tokens';
import { IRoadmapActions } from './actions';
import { Module } from './module';
import { ProgressBar } from './progressbar';

export function Phase(props: {
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
