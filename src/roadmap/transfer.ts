/**
 * Export and import of the progress and notebooks (Binder keeps nothing): the state behind
 * the roadmap's "Export progress" and "Import progress…" buttons. No DOM but the download.
 */

import { ISignal, Signal } from '@lumino/signaling';

import {
  errorMessage,
  errorStatus,
  fetchExport,
  fetchInfo,
  postImport
} from '../api/request';
import { IExportFile, IImportReport } from '../tokens';
import { RoadmapModel } from './model';

/**
 * What an import did, in one line: "Imported 12 exercises and 3 ticks; restored
 * 01-linear-algebra/linear_algebra.ipynb."
 */
export function importSummary(report: IImportReport): string {
  const plural = (n: number, word: string) =>
    `${n} ${word}${n === 1 ? '' : 's'}`;
  const parts = [
    `Imported ${plural(report.exercises, 'exercise')} and ${plural(report.checklist, 'tick')}`
  ];
  if (report.restored.length > 0) {
    parts.push(`restored ${report.restored.join(', ')}`);
  }
  const kept = Object.keys(report.kept_both);
  if (kept.length > 0) {
    parts.push(
      kept
        .map(
          yours =>
            `kept your ${yours} (changed here) and saved the imported one as ${report.kept_both[yours]}`
        )
        .join('; ')
    );
  }
  if (
    report.exercises +
      report.checklist +
      report.restored.length +
      kept.length ===
    0
  ) {
    return 'Nothing new in that file: your progress and notebooks already hold it.';
  }
  return `${parts.join('; ')}.`;
}

/**
 * Save a file in the browser's downloads.
 */
export function downloadFile(file: IExportFile): void {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // after the click has handed the file to the browser
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

export class ProgressTransfer {
  constructor(options: ProgressTransfer.IOptions) {
    this._roadmap = options.roadmap;
    this._download = options.download ?? downloadFile;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Whether the session keeps nothing when it stops (Binder), as the server says.
   */
  get temporary(): boolean {
    return this._temporary;
  }

  /**
   * The operation under way, or null.
   */
  get busy(): 'export' | 'import' | null {
    return this._busy;
  }

  /**
   * The outcome of the last export or import, or null.
   */
  get message(): ProgressTransfer.IMessage | null {
    return this._message;
  }

  /**
   * Ask the server whether the session is temporary (an old server: not said, so not).
   */
  async load(): Promise<void> {
    try {
      this._temporary = (await fetchInfo()).temporary === true;
    } catch (reason) {
      console.warn(
        'mlmath-lab: could not ask the server about the session.',
        reason
      );
      this._temporary = false;
    }
    this._changed.emit();
  }

  /**
   * Download the progress and notebooks as one file.
   */
  async exportFile(): Promise<void> {
    await this._run('export', async () => {
      const file = await fetchExport();
      this._download(file);
      return {
        kind: 'ok',
        text: `Saved ${file.filename} in your downloads: import it in your next session to go on where you left off.`
      };
    });
  }

  /**
   * Send a file that an export saved; the server checks it whole before changing anything.
   */
  async importFile(file: Blob): Promise<void> {
    await this._run('import', async () => {
      const report = await postImport(file);
      await this._roadmap.reloadEverywhere();
      return { kind: 'ok', text: importSummary(report) };
    });
  }

  private async _run(
    what: 'export' | 'import',
    work: () => Promise<ProgressTransfer.IMessage>
  ): Promise<void> {
    if (this._busy) {
      return;
    }
    this._busy = what;
    this._message = null;
    this._changed.emit();
    try {
      this._message = await work();
    } catch (reason) {
      const message = errorMessage(reason);
      this._message = {
        kind: 'error',
        // a refusal says "not imported: <why>" itself
        text:
          errorStatus(reason) === 400
            ? message.charAt(0).toUpperCase() + message.slice(1)
            : `Could not ${what}: ${message}`
      };
    }
    this._busy = null;
    this._changed.emit();
  }

  private _roadmap: RoadmapModel;
  private _download: (file: IExportFile) => void;
  private _temporary = false;
  private _busy: 'export' | 'import' | null = null;
  private _message: ProgressTransfer.IMessage | null = null;
  private _changed = new Signal<this, void>(this);
}

export namespace ProgressTransfer {
  export interface IOptions {
    roadmap: RoadmapModel;
    /**
     * How a file is saved (default: the browser's downloads).
     */
    download?: (file: IExportFile) => void;
  }

  export interface IMessage {
    kind: 'ok' | 'error';
    text: string;
  }
}
