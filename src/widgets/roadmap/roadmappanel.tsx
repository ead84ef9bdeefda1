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

import { roadmapIcon } from '../../icons';
import { RoadmapModel } from '../../roadmap/model';
import { ProgressTransfer } from '../../roadmap/transfer';
import { ROADMAP_WIDGET_ID } from '../../tokens';
import { IRoadmapActions } from './actions';
import { RoadmapView } from './roadmapview';

/**
 * The roadmap side panel, for the left area.
 */
export class RoadmapPanel extends SidePanel {
  constructor(options: RoadmapPanel.IOptions) {
    super({ content: new Panel() });
    const { model, actions, transfer } = options;
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
        {() => (
          <RoadmapView model={model} actions={actions} transfer={transfer} />
        )}
      </UseSignal>
    );
    view.addClass('mlmath-lab-roadmap-content');
    this.addWidget(view);
    this._model = model;
    if (transfer) {
      // the top of the roadmap depends on it: shown again when it is known
      transfer.changed.connect(() => view.update());
    }
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
    /**
     * Export and import of the progress; without it the roadmap offers neither.
     */
    transfer?: ProgressTransfer;
  }
}
