/**
 * Keep your progress: the export and import behind the roadmap's buttons, and where the
 * roadmap shows them (first, with a warning, in a temporary session; else at the end).
 */

import { Widget } from '@lumino/widgets';

import * as request from '../api/request';
import { RoadmapModel } from '../roadmap/model';
import { importSummary, ProgressTransfer } from '../roadmap/transfer';
import { IImportReport } from '../tokens';
import { RoadmapPanel } from '../widgets/roadmap/roadmappanel';
import { TEMPORARY_TEXT } from '../widgets/roadmap/transfer';
import { makeProgress, makeRoadmap, responseError } from './fixtures';
import { settle } from './utils';

jest.mock('../api/request', () => ({
  ...jest.requireActual('../api/request'),
  fetchInfo: jest.fn(),
  fetchRoadmap: jest.fn(),
  fetchProgress: jest.fn(),
  fetchExport: jest.fn(),
  postImport: jest.fn()
}));

const mocked = request as jest.Mocked<typeof request>;

function report(changes: Partial<IImportReport> = {}): IImportReport {
  return {
    exercises: 0,
    checklist: 0,
    restored: [],
    unchanged: [],
    kept_both: {},
    ...changes
  };
}

describe('importSummary', () => {
  it('says what the import changed', () => {
    expect(
      importSummary(
        report({
          exercises: 2,
          checklist: 1,
          restored: ['01-linear-algebra/linear_algebra.ipynb']
        })
      )
    ).toBe(
      'Imported 2 exercises and 1 tick; restored 01-linear-algebra/linear_algebra.ipynb.'
    );
    expect(
      importSummary(
        report({
          exercises: 1,
          kept_both: { 'a/n.ipynb': 'a/n.imported-20260101-000000.ipynb' }
        })
      )
    ).toBe(
      'Imported 1 exercise and 0 ticks; kept your a/n.ipynb (changed here) and saved the imported one as a/n.imported-20260101-000000.ipynb.'
    );
    expect(importSummary(report({ unchanged: ['a/n.ipynb'] }))).toBe(
      'Nothing new in that file: your progress and notebooks already hold it.'
    );
  });
});

describe('ProgressTransfer', () => {
  let model: RoadmapModel;
  let download: jest.Mock;
  let transfer: ProgressTransfer;

  beforeEach(() => {
    jest.resetAllMocks();
    mocked.fetchRoadmap.mockResolvedValue(makeRoadmap());
    mocked.fetchProgress.mockResolvedValue(makeProgress());
    model = new RoadmapModel({ layout: null, sync: null });
    download = jest.fn();
    transfer = new ProgressTransfer({ roadmap: model, download });
  });

  it('knows a temporary session from the server, and an old server as not', async () => {
    mocked.fetchInfo.mockResolvedValue({
      name: 'mlmath_lab',
      version: '1',
      temporary: true
    });
    await transfer.load();
    expect(transfer.temporary).toBe(true);
    mocked.fetchInfo.mockResolvedValue({ name: 'mlmath_lab', version: '0' });
    await transfer.load();
    expect(transfer.temporary).toBe(false);
  });

  it('downloads the export and says where it went', async () => {
    const file = {
      blob: new Blob(['zip']),
      filename: 'mlmath-lab-progress-x.zip'
    };
    mocked.fetchExport.mockResolvedValue(file);
    await transfer.exportFile();
    expect(download).toHaveBeenCalledWith(file);
    expect(transfer.message?.kind).toBe('ok');
    expect(transfer.message?.text).toContain(
      'Saved mlmath-lab-progress-x.zip in your downloads'
    );
    expect(transfer.busy).toBeNull();
  });

  it('imports, reloads the roadmap and progress, and says what changed', async () => {
    const reload = jest.spyOn(model, 'reloadEverywhere');
    mocked.postImport.mockResolvedValue(report({ exercises: 3 }));
    const file = new Blob(['zip']);
    await transfer.importFile(file);
    expect(mocked.postImport).toHaveBeenCalledWith(file);
    expect(reload).toHaveBeenCalledTimes(1);
    expect(mocked.fetchProgress).toHaveBeenCalled();
    expect(transfer.message).toEqual({
      kind: 'ok',
      text: 'Imported 3 exercises and 0 ticks.'
    });
  });

  it('shows a refusal as the server gave it, and reloads nothing', async () => {
    const reload = jest.spyOn(model, 'reloadEverywhere');
    mocked.postImport.mockRejectedValue(
      responseError(400, 'not imported: this export is from the course X')
    );
    await transfer.importFile(new Blob(['zip']));
    expect(reload).not.toHaveBeenCalled();
    expect(transfer.message).toEqual({
      kind: 'error',
      text: 'Not imported: this export is from the course X'
    });
    mocked.fetchExport.mockRejectedValue(responseError(500, 'disk full'));
    await transfer.exportFile();
    expect(transfer.message).toEqual({
      kind: 'error',
      text: 'Could not export: disk full'
    });
  });

  it('runs one operation at a time', async () => {
    let finish: (value: IImportReport) => void = () => undefined;
    mocked.postImport.mockReturnValue(
      new Promise(resolve => {
        finish = resolve;
      })
    );
    const first = transfer.importFile(new Blob(['a']));
    expect(transfer.busy).toBe('import');
    await transfer.exportFile();
    expect(mocked.fetchExport).not.toHaveBeenCalled();
    finish(report());
    await first;
    expect(transfer.busy).toBeNull();
  });
});

describe('the roadmap offers the export', () => {
  const open = async (temporary: boolean) => {
    jest.resetAllMocks();
    mocked.fetchRoadmap.mockResolvedValue(makeRoadmap());
    mocked.fetchProgress.mockResolvedValue(makeProgress());
    mocked.fetchInfo.mockResolvedValue({
      name: 'mlmath_lab',
      version: '1',
      temporary
    });
    const model = new RoadmapModel({ layout: null, sync: null });
    const transfer = new ProgressTransfer({
      roadmap: model,
      download: jest.fn()
    });
    const actions = { openAssignment: jest.fn(), openExercise: jest.fn() };
    const panel = new RoadmapPanel({ model, actions, transfer });
    Widget.attach(panel, document.body);
    await Promise.all([model.refresh(), transfer.load()]);
    await settle();
    return { panel, transfer };
  };
  const order = (panel: RoadmapPanel) =>
    Array.from(
      panel.node.querySelectorAll(
        '.mlmath-lab-roadmap-body > .mlmath-lab-transfer, .mlmath-lab-roadmap-body > .mlmath-lab-roadmap-phase'
      )
    ).map(n =>
      n.classList.contains('mlmath-lab-transfer') ? 'transfer' : 'phase'
    );

  it('first, with the warning, in a temporary session', async () => {
    const { panel } = await open(true);
    expect(order(panel)).toEqual(['transfer', 'phase', 'phase']);
    expect(
      panel.node.querySelector('.mlmath-lab-transfer-note')?.textContent
    ).toBe(TEMPORARY_TEXT);
    panel.dispose();
  });

  it('at the end otherwise; a click exports', async () => {
    const { panel, transfer } = await open(false);
    expect(order(panel)).toEqual(['phase', 'phase', 'transfer']);
    expect(panel.node.querySelector('.mlmath-lab-transfer-note')).toBeNull();
    mocked.fetchExport.mockResolvedValue({
      blob: new Blob(['zip']),
      filename: 'p.zip'
    });
    const exportFile = jest.spyOn(transfer, 'exportFile');
    panel.node.querySelector<HTMLButtonElement>('.mlmath-lab-export')!.click();
    await settle();
    expect(exportFile).toHaveBeenCalledTimes(1);
    expect(
      panel.node.querySelector('.mlmath-lab-transfer-message[role="status"]')
        ?.textContent
    ).toContain('Saved p.zip');
    panel.dispose();
  });
});
