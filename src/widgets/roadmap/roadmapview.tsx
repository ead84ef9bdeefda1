/**
 * The roadmap, rendered from the model: the course's progress, the learning path, the phases.
 */

import { UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { RoadmapModel } from '../../roadmap/model';
import { ProgressTransfer } from '../../roadmap/transfer';
import { IRoadmapActions } from './actions';
import { overallText } from './labels';
import { PathSelect } from './pathselect';
import { Phase } from './phase';
import { ProgressBar } from './progressbar';
import { ProgressTransferView } from './transfer';

/**
 * The roadmap, rendered from the model.
 */
export function RoadmapView(props: {
  model: RoadmapModel;
  actions: IRoadmapActions;
  transfer?: ProgressTransfer;
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
          {overallText(overall, model.selectedPath !== null)}
        </div>
        <ProgressBar
          count={overall}
          label={
            model.selectedPath
              ? 'Exercises of your path passed'
              : 'Exercises passed in the course'
          }
        />
        <PathSelect model={model} />
      </div>
      {/* a temporary session says so first; otherwise the buttons wait at the end */}
      {props.transfer?.temporary ? (
        <Transfer transfer={props.transfer} />
      ) : null}
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
      {props.transfer && !props.transfer.temporary ? (
        <Transfer transfer={props.transfer} />
      ) : null}
    </div>
  );
}

function Transfer(props: { transfer: ProgressTransfer }): JSX.Element {
  return (
    <UseSignal signal={props.transfer.changed}>
      {() => <ProgressTransferView transfer={props.transfer} />}
    </UseSignal>
  );
}
