/**
 * Keep your progress: export it (with the notebooks) as one file, import it in a new session.
 * In a temporary session (Binder) it says so at the top of the roadmap.
 */

import * as React from 'react';

import { ProgressTransfer } from '../../roadmap/transfer';

export const TEMPORARY_TEXT =
  'This session is temporary: Binder deletes it, with your notebooks and progress, after ' +
  'about ten minutes idle. Export your progress to keep it, and import the file in your ' +
  'next session.';

export function ProgressTransferView(props: {
  transfer: ProgressTransfer;
}): JSX.Element {
  const { transfer } = props;
  const input = React.useRef<HTMLInputElement>(null);
  const message = transfer.message;
  return (
    <section
      className={
        'mlmath-lab-transfer' +
        (transfer.temporary ? ' mlmath-lab-transfer-temporary' : '')
      }
      aria-label="Keep your progress"
    >
      {transfer.temporary ? (
        <p className="mlmath-lab-transfer-note">{TEMPORARY_TEXT}</p>
      ) : (
        <div className="mlmath-lab-transfer-heading">Keep your progress</div>
      )}
      <div className="mlmath-lab-transfer-buttons">
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-accept mlmath-lab-export"
          disabled={transfer.busy !== null}
          title="Save your progress and notebooks as one .zip file"
          onClick={() => void transfer.exportFile()}
        >
          {transfer.busy === 'export' ? 'Exporting…' : 'Export progress'}
        </button>
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-reject mlmath-lab-import"
          disabled={transfer.busy !== null}
          title="Load a .zip that 'Export progress' saved; a file from another course is refused"
          onClick={() => input.current?.click()}
        >
          {transfer.busy === 'import' ? 'Importing…' : 'Import progress…'}
        </button>
        <input
          ref={input}
          type="file"
          accept=".zip,application/zip"
          className="mlmath-lab-import-file"
          aria-label="Progress file to import"
          hidden
          onChange={event => {
            const file = event.currentTarget.files?.[0];
            event.currentTarget.value = ''; // the same file may be chosen again
            if (file) {
              void transfer.importFile(file);
            }
          }}
        />
      </div>
      {message ? (
        <div
          className={`mlmath-lab-transfer-message mlmath-lab-mod-${message.kind}`}
          role={message.kind === 'error' ? 'alert' : 'status'}
        >
          {message.text}
        </div>
      ) : null}
    </section>
  );
}
