/**
 * The user settings of schema/plugin.json, read into a typed object.
 */

import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ISignal, Signal } from '@lumino/signaling';

import { PluginIDs } from './tokens';

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
   * Whether to save the notebook before each check (so a recorded pass is on disk).
   */
  saveBeforeCheck: boolean;

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
  saveBeforeCheck: true,
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
  const saveBeforeCheck = composite.saveBeforeCheck;
  return {
    checkTimeoutSeconds:
      typeof timeout === 'number' && timeout > 0
        ? timeout
        : DEFAULT_SETTINGS.checkTimeoutSeconds,
    showHints:
      typeof showHints === 'boolean' ? showHints : DEFAULT_SETTINGS.showHints,
    saveBeforeCheck:
      typeof saveBeforeCheck === 'boolean'
        ? saveBeforeCheck
        : DEFAULT_SETTINGS.saveBeforeCheck,
    openRoadmapOnStart:
      typeof openRoadmap === 'boolean'
        ? openRoadmap
        : DEFAULT_SETTINGS.openRoadmapOnStart
  };
}

/**
 * The current settings, and a signal when they change.
 */
export class SettingsHolder {
  constructor(initial: IMlmathLabSettings = DEFAULT_SETTINGS) {
    this._current = { ...initial };
  }

  /**
   * The current settings.
   */
  get current(): IMlmathLabSettings {
    return this._current;
  }

  /**
   * Emitted after the settings changed.
   */
  get changed(): ISignal<this, IMlmathLabSettings> {
    return this._changed;
  }

  /**
   * Replace the settings and tell the listeners.
   */
  update(settings: IMlmathLabSettings): void {
    this._current = { ...settings };
    this._changed.emit(this._current);
  }

  private _current: IMlmathLabSettings;
  private _changed = new Signal<this, IMlmathLabSettings>(this);
}

/**
 * The settings shared by the plugins and the mime renderer.
 *
 * A mime renderer extension is not a plugin: it cannot ask for the setting registry. The
 * roadmap plugin loads the settings and writes them here; the renderer reads them when it
 * renders. Both entry points (`./extension` and `./mimeExtension`) are exposed by the same
 * prebuilt bundle, so they share this module instance.
 */
export const sharedSettings = new SettingsHolder();

/**
 * Load the extension's settings into `sharedSettings` and follow their changes.
 *
 * Both plugins call it (either may be disabled); the setting registry loads a plugin's
 * settings once.
 */
export async function connectSettings(
  registry: ISettingRegistry | null,
  holder: SettingsHolder = sharedSettings
): Promise<ISettingRegistry.ISettings | null> {
  if (!registry) {
    return null;
  }
  try {
    const settings = await registry.load(PluginIDs.roadmap);
    holder.update(readSettings(settings));
    settings.changed.connect(() => holder.update(readSettings(settings)));
    return settings;
  } catch (reason) {
    console.error('Failed to load settings for mlmath-lab.', reason);
    return null;
  }
}
