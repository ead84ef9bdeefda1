/**
 * Test helpers: the real 01 notebook, and a fake kernel whose IOPub messages a test drives.
 */

import * as fs from 'fs';
import * as path from 'path';

import { ISessionContext } from '@jupyterlab/apputils';
import { Kernel, KernelMessage } from '@jupyterlab/services';
import { PromiseDelegate } from '@lumino/coreutils';
import { MessageLoop } from '@lumino/messaging';
import { Signal } from '@lumino/signaling';

import { ICellLike } from '../notebook/exercises';
import { CHECK_MIME_TYPE, ICheckResult } from '../tokens';

/**
 * The source notebook of assignment 01, as committed.
 */
export const NOTEBOOK_PATH = path.join(
  __dirname,
  '..',
  '..',
  'assignments',
  'source',
  '01-linear-algebra',
  'linear_algebra.ipynb'
);

export interface INotebookJSON {
  cells: (ICellLike & {
    outputs?: unknown[];
    execution_count?: number | null;
  })[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/**
 * The 01 notebook, parsed.
 */
export function loadNotebook(): INotebookJSON {
  return JSON.parse(fs.readFileSync(NOTEBOOK_PATH, 'utf-8'));
}

/**
 * The notebook as a student gets it: what nbgrader's generate_assignment does to the cells
 * that matter here (solution regions become a stub, hidden tests are dropped).
 */
export function releaseVersion(nb: INotebookJSON): INotebookJSON {
  const strip = (source: string, begin: string, end: string, stub: string) => {
    const out: string[] = [];
    let inside = false;
    for (const line of source.split('\n')) {
      if (line.includes(begin)) {
        inside = true;
        const indent = line.slice(0, line.indexOf('#'));
        if (stub) {
          out.push(...stub.split('\n').map(s => `${indent}${s}`));
        }
        continue;
      }
      if (line.includes(end)) {
        inside = false;
        continue;
      }
      if (!inside) {
        out.push(line);
      }
    }
    return out.join('\n');
  };
  return {
    ...nb,
    cells: nb.cells.map(cell => {
      const source = Array.isArray(cell.source)
        ? cell.source.join('')
        : cell.source;
      let next = strip(
        source,
        '### BEGIN SOLUTION',
        '### END SOLUTION',
        '# YOUR CODE HERE\nraise NotImplementedError()'
      );
      next = strip(next, '### BEGIN HIDDEN TESTS', '### END HIDDEN TESTS', '');
      return { ...cell, source: next };
    })
  };
}

/**
 * A check result as `CheckResult.to_json()` makes it.
 */
export function makeResult(
  exercise: string,
  status: ICheckResult['status'] = 'passed',
  extra: Partial<ICheckResult> = {}
): ICheckResult {
  const failed = status !== 'passed';
  return {
    version: 1,
    exercise,
    title: 'Numerically stable softmax',
    status,
    passed: !failed,
    summary: failed ? 'failed 2 of 7 cases' : 'passed all 7 cases',
    cases: failed
      ? [
          {
            name: 'small logits',
            status: 'passed',
            message: '',
            got: '',
            expected: ''
          },
          {
            name: 'huge logits [1000, 1001, 1002]',
            status: 'failed',
            message:
              'yours has 3 inf/nan value(s) where the expected values are finite',
            got: 'array shape (3,) float64: [nan, nan, nan]',
            expected: 'array shape (3,) float64: [0.09  , 0.2447, 0.6652]'
          }
        ]
      : [],
    hint: failed ? 'exp overflows for large logits.' : null,
    misconception: failed ? 'softmax without max-subtraction' : null,
    error: null,
    duration_ms: 3.2,
    ...extra
  };
}

/**
 * A kernel future whose IOPub messages and reply the test sends.
 */
export class FakeFuture {
  constructor(readonly content: KernelMessage.IExecuteRequestMsg['content']) {}

  onIOPub: (msg: KernelMessage.IIOPubMessage) => void = () => undefined;
  readonly dispose = jest.fn();
  readonly msg = { header: { msg_id: `msg-${++FakeFuture.count}` } };

  get done(): Promise<KernelMessage.IExecuteReplyMsg> {
    return this._done.promise;
  }

  iopub(msgType: string, content: Record<string, unknown>): void {
    this.onIOPub({
      header: { msg_type: msgType, msg_id: 'iopub' },
      parent_header: this.msg.header,
      metadata: {},
      content,
      channel: 'iopub'
    } as unknown as KernelMessage.IIOPubMessage);
  }

  display(result: ICheckResult): void {
    this.iopub('display_data', {
      data: {
        [CHECK_MIME_TYPE]: result,
        'text/plain': `${result.title}: ${result.summary}`
      },
      metadata: {}
    });
  }

  error(ename: string, evalue: string, traceback: string[] = []): void {
    this.iopub('error', { ename, evalue, traceback });
  }

  reply(status: 'ok' | 'error' | 'aborted' = 'ok'): void {
    this._done.resolve({
      content: { status }
    } as unknown as KernelMessage.IExecuteReplyMsg);
  }

  cancel(): void {
    this._done.reject(
      new Error(
        'Canceled future for execute_request message before replies were done'
      )
    );
  }

  static count = 0;
  private _done = new PromiseDelegate<KernelMessage.IExecuteReplyMsg>();
}

/**
 * A kernel that records its execute requests.
 */
export class FakeKernel {
  status: Kernel.Status = 'idle';
  connectionStatus: Kernel.ConnectionStatus = 'connected';
  readonly futures: FakeFuture[] = [];
  readonly interrupt = jest.fn(() => Promise.resolve());

  requestExecute(
    content: KernelMessage.IExecuteRequestMsg['content']
  ): FakeFuture {
    const future = new FakeFuture(content);
    this.futures.push(future);
    return future;
  }

  get lastFuture(): FakeFuture {
    return this.futures[this.futures.length - 1];
  }
}

/**
 * A session context with a fake kernel, enough for the kernel connector.
 */
export class FakeSessionContext {
  constructor(kernel: FakeKernel | null = new FakeKernel()) {
    this.session = { kernel };
  }

  session: { kernel: FakeKernel | null } | null;
  readonly statusChanged = new Signal<this, Kernel.Status>(this);
  readonly kernelChanged = new Signal<this, unknown>(this);
  readonly connectionStatusChanged = new Signal<this, Kernel.ConnectionStatus>(
    this
  );
  readonly ready = Promise.resolve();
  readonly startKernel = jest.fn(async () => {
    this.session = { kernel: new FakeKernel() };
    this.kernelChanged.emit({});
    return false;
  });

  get hasNoKernel(): boolean {
    return !this.session?.kernel;
  }

  get kernel(): FakeKernel {
    const kernel = this.session?.kernel;
    if (!kernel) {
      throw new Error('no kernel');
    }
    return kernel;
  }

  setStatus(status: Kernel.Status): void {
    this.kernel.status = status;
    this.statusChanged.emit(status);
  }

  setConnectionStatus(status: Kernel.ConnectionStatus): void {
    this.kernel.connectionStatus = status;
    this.connectionStatusChanged.emit(status);
  }

  asSessionContext(): ISessionContext {
    return this as unknown as ISessionContext;
  }
}

/**
 * Wait until pending promise callbacks have run.
 */
export async function flush(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await Promise.resolve();
  }
}

/**
 * Wait until a condition holds (rendering a whole notebook in jsdom takes a while).
 */
export async function waitFor(
  condition: () => boolean,
  timeout = 5000
): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeout) {
      throw new Error(`condition not met within ${timeout} ms`);
    }
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

/**
 * Let pending promises, timers and Lumino messages run (a render after a model change).
 */
export async function settle(): Promise<void> {
  MessageLoop.flush();
  for (let i = 0; i < 3; i++) {
    await new Promise(resolve => setTimeout(resolve, 10));
    MessageLoop.flush();
  }
}
