/**
 * The mlmath-lab JupyterLab plugins: the roadmap sidebar and the Check buttons.
 *
 * The mime renderer of check results is a separate mime extension (lib/mimerenderer.js,
 * declared as `jupyterlab.mimeExtension` in package.json).
 */

import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  ISessionContext,
  ISessionContextDialogs,
  Notification
} from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStateDB } from '@jupyterlab/statedb';

import { CheckButtonExtension } from './notebook/checkbuttons';
import { exerciseAt } from './notebook/exercises';
import { openExercise } from './notebook/navigation';
import { RoadmapModel } from './roadmap/model';
import { connectSettings, sharedSettings } from './settings';
import {
  CommandIDs,
  IRoadmapModel,
  PluginIDs,
  ROADMAP_WIDGET_ID
} from './tokens';
import { IRoadmapActions } from './widgets/roadmap/actions';
import { RoadmapPanel } from './widgets/roadmap/roadmappanel';
import { ProgressTransfer } from './roadmap/transfer';

const PALETTE_CATEGORY = 'ML Math';
const STATE_KEY = `${PluginIDs.roadmap}:learning-path`;

/**
 * The roadmap sidebar, its model (provided for the Check buttons) and its commands.
 */
export const roadmapPlugin: JupyterFrontEndPlugin<IRoadmapModel> = {
  id: PluginIDs.roadmap,
  description:
    'The course roadmap in the left sidebar: phases, modules, assignments and exercises, with your progress.',
  autoStart: true,
  provides: IRoadmapModel,
  optional: [
    ISettingRegistry,
    ILayoutRestorer,
    IStateDB,
    IDocumentManager,
    ICommandPalette
  ],
  activate: (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null,
    state: IStateDB | null,
    docManager: IDocumentManager | null,
    palette: ICommandPalette | null
  ): IRoadmapModel => {
    const model = new RoadmapModel({
      persistence: state
        ? {
            load: async () => {
              const value = await state.fetch(STATE_KEY);
              return typeof value === 'string' ? value : null;
            },
            save: async pathId => {
              if (pathId === null) {
                await state.remove(STATE_KEY);
              } else {
                await state.save(STATE_KEY, pathId);
              }
            }
          }
        : undefined
    });

    const open = (path: string) => {
      if (docManager) {
        return docManager.openOrReveal(path);
      }
      return app.commands.execute('docmanager:open', { path });
    };
    const actions: IRoadmapActions = {
      openAssignment: (_, path) => {
        void open(path);
      },
      openExercise: (exercise, _, path) => {
        if (!docManager) {
          void open(path);
          return;
        }
        openExercise(docManager, path, exercise).catch(reason =>
          console.error(`mlmath-lab: could not open ${path}.`, reason)
        );
      }
    };

    const transfer = new ProgressTransfer({ roadmap: model });
    void transfer.load();
    const panel = new RoadmapPanel({ model, actions, transfer });
    app.shell.add(panel, 'left', { rank: 350 });
    if (restorer) {
      restorer.add(panel, ROADMAP_WIDGET_ID);
    }

    app.commands.addCommand(CommandIDs.openRoadmap, {
      label: 'Open the ML Math roadmap',
      caption: 'Show the course roadmap and your progress in the left sidebar',
      execute: () => {
        app.shell.activateById(panel.id);
      }
    });
    app.commands.addCommand(CommandIDs.refreshRoadmap, {
      label: 'Reload the ML Math roadmap',
      execute: () => model.refresh()
    });
    if (palette) {
      for (const command of [
        CommandIDs.openRoadmap,
        CommandIDs.refreshRoadmap
      ]) {
        palette.addItem({ command, category: PALETTE_CATEGORY });
      }
    }

    // A checked notebook renamed or deleted: the code its checks were about is gone from
    // where they saw it (saves are told by the Check buttons, through the document context).
    app.serviceManager.contents.fileChanged.connect((_, change) => {
      if (change.type === 'rename' || change.type === 'delete') {
        const path = change.oldValue?.path;
        if (path) {
          model.notebookSaved(path);
        }
      }
    });

    // The roadmap is fetched once the layout is restored: its two requests (and the server's
    // reading of the manifest and notebooks) then do not compete with JupyterLab's start-up.
    void app.restored.then(() => model.refresh());
    void Promise.all([connectSettings(settingRegistry), app.restored]).then(
      () => {
        if (sharedSettings.current.openRoadmapOnStart) {
          app.shell.activateById(panel.id);
        }
      }
    );

    console.log('mlmath-lab extension is activated');
    return model;
  }
};

/**
 * The Check buttons on exercise cells, "Check all", and the check commands.
 */
export const checkButtonsPlugin: JupyterFrontEndPlugin<void> = {
  id: PluginIDs.checkButtons,
  description:
    'A Check button on every exercise of a course notebook, with the result shown under the cell.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [
    IRoadmapModel,
    ISettingRegistry,
    ISessionContextDialogs,
    ICommandPalette
  ],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    roadmap: IRoadmapModel | null,
    settingRegistry: ISettingRegistry | null,
    dialogs: ISessionContextDialogs | null,
    palette: ICommandPalette | null
  ): void => {
    void connectSettings(settingRegistry);
    const extension = new CheckButtonExtension({
      settings: sharedSettings,
      roadmap,
      selectKernel: dialogs
        ? async (session: ISessionContext) => {
            await dialogs.selectKernel(session);
          }
        : undefined
    });
    app.docRegistry.addWidgetExtension('Notebook', extension);

    const current = (): NotebookPanel | null => tracker.currentWidget;
    const checksOf = (panel: NotebookPanel | null) =>
      panel ? extension.get(panel) : null;
    const hasExercises = () =>
      (checksOf(current())?.exercises().length ?? 0) > 0;

    app.commands.addCommand(CommandIDs.checkAll, {
      label: 'Check all exercises',
      caption: 'Check every exercise of the current notebook',
      isEnabled: hasExercises,
      execute: async () => {
        const checks = checksOf(current());
        return checks ? checks.checkAll() : [];
      }
    });
    app.commands.addCommand(CommandIDs.checkActive, {
      label: 'Check this exercise',
      caption: 'Check the exercise of the active cell',
      isEnabled: hasExercises,
      execute: async () => {
        const panel = current();
        const checks = checksOf(panel);
        if (!panel || !checks) {
          return null;
        }
        const exercise = exerciseAt(
          checks.exercises(),
          panel.content.activeCellIndex
        );
        if (!exercise) {
          Notification.info(
            'The active cell is not part of an exercise: select a solution cell or a test cell.',
            { autoClose: 4000 }
          );
          return null;
        }
        return checks.runner.runCheck(exercise.id);
      }
    });
    if (palette) {
      for (const command of [CommandIDs.checkActive, CommandIDs.checkAll]) {
        palette.addItem({ command, category: PALETTE_CATEGORY });
      }
    }
  }
};

const plugins: JupyterFrontEndPlugin<any>[] = [
  roadmapPlugin,
  checkButtonsPlugin
];

export default plugins;
