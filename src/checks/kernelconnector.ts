/**
 * A notebook's kernel, as the check runner needs it: wraps the panel's `ISessionContext`,
 * follows kernel changes and restarts, and executes requests.
 */

import { ISessionContext } from '@jupyterlab/apputils';
import { Kernel, KernelMessage } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

/**
 * What the kernel connector says when the kernel changes.
 */
export type KernelEvent = 'changed' | 'restarting' | 'dead';

/**
 * Connector to the kernel of one notebook's session.
 */
export class KernelConnector implements IDisposable {
  constructor(options: KernelConnector.IOptions) {
    this._session = options.session;
    this._selectKernel = options.selectKernel ?? null;
    this._session.statusChanged.connect(this._onStatusChanged, this);
    this._session.kernelChanged.connect(this._onKernelChanged, this);
    this._session.connectionStatusChanged?.connect(
      this._onConnectionStatusChanged,
      this
    );
  }

  /**
   * The session context this connector wraps.
   */
  get session(): ISessionContext {
    return this._session;
  }

  /**
   * The current kernel, or null (no kernel, or the session is not ready).
   */
  get kernel(): Kernel.IKernelConnection | null {
    return this._session.session?.kernel ?? null;
  }

  /**
   * The current kernel status (`unknown` without a kernel).
   */
  get status(): Kernel.Status {
    return this.kernel?.status ?? 'unknown';
  }

  /**
   * The state of the connection to the kernel (`disconnected` without a kernel).
   */
  get connectionStatus(): Kernel.ConnectionStatus {
    return this.kernel?.connectionStatus ?? 'disconnected';
  }

  /**
   * Whether the session has no kernel (the user chose "No Kernel" or shut it down).
   */
  get hasNoKernel(): boolean {
    return this._session.hasNoKernel || this.kernel === null;
  }

  /**
   * A promise resolved when the session is ready.
   */
  get ready(): Promise<void> {
    return this._session.ready;
  }

  /**
   * Emitted on each kernel status change.
   */
  get statusChanged(): ISignal<this, Kernel.Status> {
    return this._statusChanged;
  }

  /**
   * Emitted when the kernel is replaced, restarts or dies: whatever ran in it is gone.
   */
  get kernelEvent(): ISignal<this, KernelEvent> {
    return this._kernelEvent;
  }

  /**
   * Whether the connector is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Send an execute request to the kernel.
   *
   * @throws Error when there is no kernel
   */
  execute(
    content: KernelMessage.IExecuteRequestMsg['content']
  ): Kernel.IShellFuture<
    KernelMessage.IExecuteRequestMsg,
    KernelMessage.IExecuteReplyMsg
  > {
    const kernel = this.kernel;
    if (!kernel) {
      throw new Error('There is no kernel to run the check.');
    }
    return kernel.requestExecute(content, true);
  }

  /**
   * Interrupt the kernel (stops a check that runs too long).
   */
  async interrupt(): Promise<void> {
    await this.kernel?.interrupt();
  }

  /**
   * Start the notebook's preferred kernel, or ask the user to pick one.
   */
  async startKernel(): Promise<void> {
    await this._session.ready;
    const mustSelect = await this._session.startKernel();
    if (mustSelect && this._selectKernel) {
      await this._selectKernel(this._session);
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._session.statusChanged.disconnect(this._onStatusChanged, this);
    this._session.kernelChanged.disconnect(this._onKernelChanged, this);
    this._session.connectionStatusChanged?.disconnect(
      this._onConnectionStatusChanged,
      this
    );
    Signal.clearData(this);
  }

  private _onStatusChanged(_: ISessionContext, status: Kernel.Status): void {
    this._statusChanged.emit(status);
    if (status === 'restarting' || status === 'autorestarting') {
      this._kernelEvent.emit('restarting');
    } else if (status === 'dead') {
      this._kernelEvent.emit('dead');
    }
  }

  private _onConnectionStatusChanged(
    _: ISessionContext,
    status: Kernel.ConnectionStatus
  ): void {
    this._statusChanged.emit(this.status);
    if (status === 'disconnected' && this.kernel) {
      // The reconnection attempts are over: no reply will come.
      this._kernelEvent.emit('dead');
    }
  }

  private _onKernelChanged(): void {
    this._kernelEvent.emit('changed');
    this._statusChanged.emit(this.status);
  }

  private _session: ISessionContext;
  private _selectKernel: ((session: ISessionContext) => Promise<void>) | null;
  private _isDisposed = false;
  private _statusChanged = new Signal<this, Kernel.Status>(this);
  private _kernelEvent = new Signal<this, KernelEvent>(this);
}

export namespace KernelConnector {
  export interface IOptions {
    /**
     * The notebook panel's session context.
     */
    session: ISessionContext;

    /**
     * Ask the user to pick a kernel (the session context dialogs), when the notebook has no
     * preferred one.
     */
    selectKernel?: (session: ISessionContext) => Promise<void>;
  }
}
