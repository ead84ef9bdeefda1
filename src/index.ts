import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';

import { ISettingRegistry } from '@jupyterlab/settingregistry';

/**
 * The user settings of the mlmath-lab extension (see schema/plugin.json).
 */
export interface IMlmathLabSettings {
  /**
   * How long an inline check may run, in seconds.
   */
  checkTimeoutSeconds: number;

  /**
   * Whether to show hints next to a failed check.
   */
  showHints: boolean;

  /**
   * Whether to open the roadmap sidebar when JupyterLab starts.
   */
  openRoadmapOnStart: boolean;
}

/**
 * The defaults of schema/plugin.json, used when no setting registry is available.
 */
export const DEFAULT_SETTINGS: IMlmathLabSettings = {
  checkTimeoutSeconds: 30,
  showHints: true,
  openRoadmapOnStart: true
};

/**
 * Read the extension settings from their composite (defaults merged with user values).
 */
export function readSettings(
  settings: ISettingRegistry.ISettings
): IMlmathLabSettings {
  const composite = settings.composite;
  const timeout = composite.checkTimeoutSeconds;
  const showHints = composite.showHints;
  const openRoadmap = composite.openRoadmapOnStart;
  return {
    checkTimeoutSeconds:
      typeof timeout === 'number' && timeout > 0
        ? timeout
        : DEFAULT_SETTINGS.checkTimeoutSeconds,
    showHints:
      typeof showHints === 'boolean' ? showHints : DEFAULT_SETTINGS.showHints,
    openRoadmapOnStart:
      typeof openRoadmap === 'boolean'
        ? openRoadmap
        : DEFAULT_SETTINGS.openRoadmapOnStart
  };
}

/**
 * Initialization data for the mlmath-lab extension.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: 'mlmath-lab:plugin',
  description:
    'Learn and teach the mathematics of machine learning in Jupyter: an nbgrader course, inline checks and a roadmap sidebar.',
  autoStart: true,
  optional: [ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry | null
  ) => {
    console.log('mlmath-lab extension is activated');

    if (settingRegistry) {
      settingRegistry
        .load(plugin.id)
        .then(settings => {
          console.log('mlmath-lab settings loaded:', readSettings(settings));
        })
        .catch(reason => {
          console.error('Failed to load settings for mlmath-lab.', reason);
        });
    }
  }
};

export default plugin;
