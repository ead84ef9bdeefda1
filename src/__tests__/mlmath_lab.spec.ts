/**
 * Unit tests of the mlmath-lab frontend plugin.
 */

import { JupyterFrontEnd } from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import plugin, { DEFAULT_SETTINGS, readSettings } from '../index';
import schema from '../../schema/plugin.json';

/**
 * A settings object exposing only the composite the plugin reads.
 */
function fakeSettings(
  composite: Record<string, unknown>
): ISettingRegistry.ISettings {
  return { composite } as unknown as ISettingRegistry.ISettings;
}

/**
 * Wait until pending promise callbacks have run.
 */
function flushPromises(): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, 0));
}

describe('mlmath-lab:plugin', () => {
  const app = {} as JupyterFrontEnd;
  let log: jest.SpyInstance;
  let error: jest.SpyInstance;

  beforeEach(() => {
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('is an auto-started plugin with an optional setting registry', () => {
    expect(plugin.id).toBe('mlmath-lab:plugin');
    expect(plugin.autoStart).toBe(true);
    expect(plugin.requires ?? []).toEqual([]);
    expect(plugin.optional).toEqual([ISettingRegistry]);
  });

  it('activates without a setting registry', () => {
    plugin.activate(app, null);

    expect(log).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith('mlmath-lab extension is activated');
  });

  it('loads its own settings and logs the composite values', async () => {
    const load = jest.fn().mockResolvedValue(
      // openRoadmapOnStart is missing: its schema default must be used.
      fakeSettings({ checkTimeoutSeconds: 12, showHints: false })
    );
    const registry = { load } as unknown as ISettingRegistry;

    plugin.activate(app, registry);
    await flushPromises();

    expect(load).toHaveBeenCalledWith('mlmath-lab:plugin');
    expect(log).toHaveBeenNthCalledWith(1, 'mlmath-lab extension is activated');
    expect(log).toHaveBeenNthCalledWith(2, 'mlmath-lab settings loaded:', {
      checkTimeoutSeconds: 12,
      showHints: false,
      openRoadmapOnStart: true
    });
    expect(error).not.toHaveBeenCalled();
  });

  it('reports a settings load failure instead of throwing', async () => {
    const reason = new Error('no schema');
    const registry = {
      load: jest.fn().mockRejectedValue(reason)
    } as unknown as ISettingRegistry;

    plugin.activate(app, registry);
    await flushPromises();

    expect(error).toHaveBeenCalledWith(
      'Failed to load settings for mlmath-lab.',
      reason
    );
  });
});

describe('readSettings', () => {
  it('returns valid user values unchanged', () => {
    const values = {
      checkTimeoutSeconds: 5,
      showHints: false,
      openRoadmapOnStart: false
    };
    expect(readSettings(fakeSettings(values))).toEqual(values);
  });

  it('falls back to the schema defaults for missing or invalid values', () => {
    expect(
      readSettings(fakeSettings({ checkTimeoutSeconds: -5, showHints: 'yes' }))
    ).toEqual(DEFAULT_SETTINGS);
  });

  it('matches the defaults declared in schema/plugin.json', () => {
    const properties = schema.properties as Record<
      string,
      { default: unknown }
    >;
    const defaults: Record<string, unknown> = {};
    for (const key of Object.keys(properties)) {
      defaults[key] = properties[key].default;
    }
    expect(defaults).toEqual(DEFAULT_SETTINGS);
  });
});
