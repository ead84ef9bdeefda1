/**
 * The plugins, the settings, and the package wiring of the mime renderer.
 */

import * as fs from 'fs';
import * as path from 'path';

import { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';

import plugins, { checkButtonsPlugin, roadmapPlugin } from '../index';
import * as request from '../api/request';
import {
  connectSettings,
  DEFAULT_SETTINGS,
  readSettings,
  SettingsHolder
} from '../settings';
import { CommandIDs, IRoadmapModel } from '../tokens';
import schema from '../../schema/plugin.json';
import { makeProgress, makeRoadmap } from './fixtures';

jest.mock('../api/request', () => ({
  ...jest.requireActual('../api/request'),
  fetchInfo: jest.fn(),
  fetchRoadmap: jest.fn(),
  fetchProgress: jest.fn(),
  postCheck: jest.fn(),
  postChecklist: jest.fn()
}));

const mocked = request as jest.Mocked<typeof request>;

/**
 * A settings object exposing what the plugins read.
 */
function fakeSettings(
  composite: Record<string, unknown>
): ISettingRegistry.ISettings {
  return {
    composite,
    changed: new Signal<any, void>({})
  } as unknown as ISettingRegistry.ISettings;
}

async function flushPromises(): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, 0));
}

function fakeApp() {
  const commands = new CommandRegistry();
  return {
    commands,
    restored: Promise.resolve(),
    shell: { add: jest.fn(), activateById: jest.fn(), currentWidget: null },
    docRegistry: { addWidgetExtension: jest.fn() },
    serviceManager: { contents: { fileChanged: new Signal<any, any>({}) } }
  };
}

describe('the plugins', () => {
  beforeEach(() => {
    jest.resetAllMocks();
    mocked.fetchRoadmap.mockResolvedValue(makeRoadmap());
    mocked.fetchProgress.mockResolvedValue(makeProgress());
  });

  it('are the roadmap and the check buttons, both auto-started', () => {
    expect(plugins.map(p => p.id)).toEqual([
      'mlmath-lab:plugin',
      'mlmath-lab:check-buttons'
    ]);
    expect(plugins.every(p => p.autoStart)).toBe(true);
    expect(roadmapPlugin.provides).toBe(IRoadmapModel);
    expect(roadmapPlugin.requires ?? []).toEqual([]);
    expect(checkButtonsPlugin.requires).toEqual([INotebookTracker]);
    expect(checkButtonsPlugin.optional).toContain(IRoadmapModel);
  });

  it('adds the roadmap to the left area, restores it and opens it on start', async () => {
    const app = fakeApp();
    const restorer = { add: jest.fn() } as unknown as ILayoutRestorer;
    const palette = { addItem: jest.fn() } as unknown as ICommandPalette;
    const registry = {
      load: jest
        .fn()
        .mockResolvedValue(fakeSettings({ openRoadmapOnStart: true }))
    } as unknown as ISettingRegistry;

    const model = roadmapPlugin.activate(
      app as unknown as JupyterFrontEnd,
      registry,
      restorer,
      null,
      null,
      palette
    ) as IRoadmapModel;
    await flushPromises();

    const [panel, area] = app.shell.add.mock.calls[0];
    expect(panel.id).toBe('mlmath-lab-roadmap');
    expect(area).toBe('left');
    expect(restorer.add).toHaveBeenCalledWith(panel, 'mlmath-lab-roadmap');
    expect(registry.load).toHaveBeenCalledWith('mlmath-lab:plugin');
    expect(app.shell.activateById).toHaveBeenCalledWith('mlmath-lab-roadmap');
    expect(mocked.fetchRoadmap).toHaveBeenCalled();
    expect(model.hasExercise('01-linear-algebra/softmax')).toBe(true);

    expect(app.commands.hasCommand(CommandIDs.openRoadmap)).toBe(true);
    expect(palette.addItem).toHaveBeenCalledWith(
      expect.objectContaining({ command: CommandIDs.openRoadmap })
    );
    app.shell.activateById.mockClear();
    await app.commands.execute(CommandIDs.openRoadmap);
    expect(app.shell.activateById).toHaveBeenCalledWith('mlmath-lab-roadmap');
    panel.dispose();
  });

  it('reads the progress again when a checked notebook is renamed or deleted', async () => {
    const app = fakeApp();
    const progress = makeProgress();
    progress.exercises['01-linear-algebra/dot_loop'] = {
      ...progress.exercises['01-linear-algebra/dot_loop'],
      notebook: '01-linear-algebra/linear_algebra.ipynb',
      code_sha256: 'a'.repeat(64),
      edited_since_check: false
    };
    mocked.fetchProgress.mockResolvedValue(progress);
    const model = roadmapPlugin.activate(
      app as unknown as JupyterFrontEnd,
      null,
      null,
      null,
      null,
      null
    ) as IRoadmapModel;
    await flushPromises();
    await flushPromises();
    const loads = mocked.fetchProgress.mock.calls.length;
    const fileChanged = app.serviceManager.contents.fileChanged;
    fileChanged.emit({
      type: 'save',
      oldValue: null,
      newValue: { path: '01-linear-algebra/linear_algebra.ipynb' }
    });
    await flushPromises();
    // saves come from the document context (the Check buttons), not from here
    expect(mocked.fetchProgress).toHaveBeenCalledTimes(loads);
    fileChanged.emit({
      type: 'delete',
      oldValue: { path: '01-linear-algebra/linear_algebra.ipynb' },
      newValue: null
    });
    await flushPromises();
    expect(mocked.fetchProgress).toHaveBeenCalledTimes(loads + 1);
    (model as any).dispose?.();
    app.shell.add.mock.calls[0][0].dispose();
  });

  it('leaves the roadmap closed when openRoadmapOnStart is off', async () => {
    const app = fakeApp();
    const registry = {
      load: jest
        .fn()
        .mockResolvedValue(fakeSettings({ openRoadmapOnStart: false }))
    } as unknown as ISettingRegistry;
    roadmapPlugin.activate(
      app as unknown as JupyterFrontEnd,
      registry,
      null,
      null,
      null,
      null
    );
    await flushPromises();
    expect(app.shell.activateById).not.toHaveBeenCalled();
    app.shell.add.mock.calls[0][0].dispose();
  });

  it('registers the notebook extension and the check commands', () => {
    const app = fakeApp();
    const tracker = { currentWidget: null } as unknown as INotebookTracker;
    const palette = { addItem: jest.fn() } as unknown as ICommandPalette;
    checkButtonsPlugin.activate(
      app as unknown as JupyterFrontEnd,
      tracker,
      null,
      null,
      null,
      palette
    );
    expect(app.docRegistry.addWidgetExtension).toHaveBeenCalledWith(
      'Notebook',
      expect.anything()
    );
    for (const id of [CommandIDs.checkAll, CommandIDs.checkActive]) {
      expect(app.commands.hasCommand(id)).toBe(true);
      // No notebook: nothing to check.
      expect(app.commands.isEnabled(id)).toBe(false);
      expect(palette.addItem).toHaveBeenCalledWith(
        expect.objectContaining({ command: id })
      );
    }
  });
});

describe('settings', () => {
  it('returns valid user values unchanged', () => {
    const values = {
      checkTimeoutSeconds: 5,
      showHints: false,
      saveBeforeCheck: false,
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
    expect(DEFAULT_SETTINGS).toEqual({
      checkTimeoutSeconds: 30,
      showHints: true,
      saveBeforeCheck: true,
      openRoadmapOnStart: true
    });
  });

  it('loads the settings into a holder and follows their changes', async () => {
    const holder = new SettingsHolder();
    const settings = fakeSettings({
      checkTimeoutSeconds: 12,
      showHints: false
    });
    const registry = {
      load: jest.fn().mockResolvedValue(settings)
    } as unknown as ISettingRegistry;
    const changed = jest.fn();
    holder.changed.connect(changed);

    await connectSettings(registry, holder);
    expect(holder.current).toEqual({
      checkTimeoutSeconds: 12,
      showHints: false,
      saveBeforeCheck: true,
      openRoadmapOnStart: true
    });
    (settings.composite as any).showHints = true;
    (settings.changed as Signal<any, void>).emit();
    expect(holder.current.showHints).toBe(true);
    expect(changed).toHaveBeenCalledTimes(2);
  });

  it('reports a settings load failure instead of throwing', async () => {
    const error = jest
      .spyOn(console, 'error')
      .mockImplementation(() => undefined);
    const reason = new Error('no schema');
    const registry = {
      load: jest.fn().mockRejectedValue(reason)
    } as unknown as ISettingRegistry;
    expect(await connectSettings(registry, new SettingsHolder())).toBeNull();
    expect(error).toHaveBeenCalledWith(
      'Failed to load settings for mlmath-lab.',
      reason
    );
    error.mockRestore();
  });

  it('declares keyboard shortcuts that Lumino accepts', () => {
    const shortcuts = schema['jupyter.lab.shortcuts'] as {
      command: string;
      keys: string[];
      selector: string;
    }[];
    expect(shortcuts.map(s => s.command)).toContain(CommandIDs.checkActive);
    const commands = new CommandRegistry();
    for (const shortcut of shortcuts) {
      // Lumino refuses selectors with commas; JupyterLab would drop the shortcut.
      expect(() => commands.addKeyBinding(shortcut)).not.toThrow();
    }
  });
});

describe('package.json', () => {
  const pkg = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8')
  );

  it('declares the plugins and the mime renderer as separate entry points', () => {
    expect(pkg.jupyterlab.extension).toBe(true);
    expect(pkg.main).toBe('lib/index.js');
    expect(pkg.jupyterlab.mimeExtension).toBe('lib/mimerenderer.js');
    expect(fs.existsSync(path.join(__dirname, '..', 'mimerenderer.ts'))).toBe(
      true
    );
    expect(pkg.jupyterlab.schemaDir).toBe('schema');
  });
});
