/**
 * Calls to the server extension's routes under `/mlmath-lab/`.
 */

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import {
  ICheckRecorded,
  ICheckResult,
  ICheckedNotebook,
  IChecklistEntry,
  IExportFile,
  IImportReport,
  IProgress,
  IRoadmap,
  IServerInfo
} from '../tokens';

/**
 * The URL namespace of the server extension.
 */
export const API_NAMESPACE = 'mlmath-lab';

/**
 * Call the API extension.
 *
 * @param endPoint API REST end point for the extension, e.g. `progress/check`
 * @param init Initial values for the request (method, body, ...)
 * @returns The response body interpreted as JSON
 * @throws ServerConnection.NetworkError when the server cannot be reached, and
 *   ServerConnection.ResponseError (its `message` taken from the body's `message`) on a
 *   4xx/5xx reply
 */
export async function requestAPI<T>(
  endPoint = '',
  init: RequestInit = {}
): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const requestUrl = URLExt.join(settings.baseUrl, API_NAMESPACE, endPoint);

  let response: Response;
  try {
    response = await ServerConnection.makeRequest(requestUrl, init, settings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }

  let data: any = await response.text();
  if (data.length > 0) {
    try {
      data = JSON.parse(data);
    } catch (error) {
      console.error('mlmath-lab: not a JSON response body.', response);
    }
  }

  if (!response.ok) {
    const message =
      data && typeof data === 'object' && typeof data.message === 'string'
        ? data.message
        : typeof data === 'string' && data
          ? data
          : `${response.status} ${response.statusText}`;
    throw new ServerConnection.ResponseError(response, message);
  }

  return data as T;
}

/**
 * `GET /mlmath-lab/info`: which version of the server extension runs (404: none), and
 * whether the session keeps nothing when it stops (Binder).
 */
export function fetchInfo(): Promise<IServerInfo> {
  return requestAPI<IServerInfo>('info');
}

/**
 * `GET /mlmath-lab/progress/export`: the progress and notebooks as one zip file.
 */
export async function fetchExport(): Promise<IExportFile> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, API_NAMESPACE, 'progress/export');
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, {}, settings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      message = JSON.parse(await response.text()).message ?? message;
    } catch {
      // not a JSON error body: the status says it
    }
    throw new ServerConnection.ResponseError(response, message);
  }
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const named = /filename="([^"]+)"/.exec(disposition);
  return {
    blob: await response.blob(),
    filename: named ? named[1] : 'mlmath-lab-progress.zip'
  };
}

/**
 * `POST /mlmath-lab/progress/import`: a file that `fetchExport` saved, checked whole by the
 * server, then merged (a 400 says why it was refused; nothing changed then).
 */
export function postImport(file: Blob): Promise<IImportReport> {
  return requestAPI<IImportReport>('progress/import', {
    method: 'POST',
    body: file,
    headers: { 'Content-Type': 'application/zip' }
  });
}

/**
 * `GET /mlmath-lab/roadmap`: the course manifest joined with where each assignment is.
 */
export function fetchRoadmap(): Promise<IRoadmap> {
  return requestAPI<IRoadmap>('roadmap');
}

/**
 * `GET /mlmath-lab/progress`: this user's progress.
 */
export function fetchProgress(): Promise<IProgress> {
  return requestAPI<IProgress>('progress');
}

/**
 * `POST /mlmath-lab/progress/check`: record a check result.
 *
 * @param checked the saved notebook the check was about, as query arguments (`notebook`,
 *   `saved_again`): the server keeps a fingerprint of the exercise's solution code in it, and
 *   later says when that code was edited since. The body stays the kernel's result.
 */
export function postCheck(
  result: ICheckResult,
  checked?: ICheckedNotebook | null
): Promise<ICheckRecorded> {
  const query = checked
    ? URLExt.objectToQueryString({
        notebook: checked.path,
        ...(checked.savedAgain ? { saved_again: '1' } : {})
      })
    : '';
  return requestAPI<ICheckRecorded>(`progress/check${query}`, {
    method: 'POST',
    body: JSON.stringify(result)
  });
}

/**
 * `POST /mlmath-lab/progress/checklist`: tick or untick a reading or a checkpoint.
 */
export function postChecklist(
  id: string,
  done: boolean
): Promise<IChecklistEntry> {
  return requestAPI<IChecklistEntry>('progress/checklist', {
    method: 'POST',
    body: JSON.stringify({ id, done })
  });
}

/**
 * The message of a failed request, for the student.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ServerConnection.ResponseError) {
    return error.message;
  }
  if (error instanceof ServerConnection.NetworkError) {
    return `The Jupyter server cannot be reached: ${error.message}`;
  }
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}

/**
 * The HTTP status of a failed request, or null when it never got a reply.
 */
export function errorStatus(error: unknown): number | null {
  if (error instanceof ServerConnection.ResponseError) {
    return error.response.status;
  }
  return null;
}
