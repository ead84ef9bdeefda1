/**
 * A JupyterLab server that a test starts, stops and restarts itself (the Playwright
 * `webServer` of playwright.config.js cannot be restarted from inside a test).
 *
 * It is started exactly as `jlpm start` starts the main one, through prepare_workspace.py,
 * on another loopback port and in its own folder.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { test } from '@jupyterlab/galata';

import { MOCK_SETTINGS } from './utils';

const UI_TESTS = path.resolve(__dirname, '..');

export interface ITestServerOptions {
  /** Loopback port; must differ from the main server's 8888. */
  port: number;
  /** Folder for the workspace, data, settings and server.log (emptied at the first start). */
  dir: string;
  /** How long to wait for the server to answer, in ms. */
  startTimeout?: number;
  /** Variables for the server's environment (e.g. Binder's, for a temporary session). */
  env?: Record<string, string>;
}

export class TestServer {
  readonly port: number;
  readonly dir: string;
  readonly baseURL: string;
  private readonly startTimeout: number;
  private readonly env: Record<string, string>;
  private process: ChildProcess | null = null;
  private output = '';

  constructor(options: ITestServerOptions) {
    this.port = options.port;
    this.dir = options.dir;
    this.baseURL = `http://127.0.0.1:${options.port}`;
    this.startTimeout = options.startTimeout ?? 120_000;
    this.env = options.env ?? {};
  }

  static defaultDir(name: string): string {
    return path.join(os.tmpdir(), `mlmath-lab-ui-tests-${name}`);
  }

  get logFile(): string {
    return path.join(this.dir, 'server.log');
  }

  /** Start the server; `reuse` keeps the folder (workspace, progress) of the previous run. */
  async start(reuse = false): Promise<void> {
    if (this.process) {
      throw new Error(`the server on port ${this.port} is already running`);
    }
    if (await isListening(this.port)) {
      throw new Error(`port ${this.port} is already in use`);
    }
    const python = process.env.PYTHON || 'python';
    const args = [
      'prepare_workspace.py',
      `--dir=${this.dir}`,
      ...(reuse ? ['--reuse'] : []),
      '--',
      'jupyter',
      'lab',
      '--config',
      'jupyter_server_test_config.py',
      `--port=${this.port}`
    ];
    this.output = '';
    const child = spawn(python, args, {
      cwd: UI_TESTS,
      // Its own process group, so that stop() reaches every process it started.
      detached: true,
      env: {
        ...process.env,
        ...this.env,
        MLMATH_LAB_UI_SERVER_LOG: 'server.log'
      },
      stdio: ['ignore', 'pipe', 'pipe']
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.process = child;

    const deadline = Date.now() + this.startTimeout;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        this.process = null;
        throw new Error(
          `the server on port ${this.port} exited (${child.exitCode ?? child.signalCode}) ` +
            `before answering.\n${this.output}\n${this.logTail()}`
        );
      }
      try {
        const response = await fetch(`${this.baseURL}/api/status`);
        if (response.ok) {
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(500);
    }
    await this.stop();
    throw new Error(
      `the server on port ${this.port} did not answer within ${this.startTimeout} ms.\n` +
        `${this.output}\n${this.logTail()}`
    );
  }

  /** Stop the server (SIGTERM to its process group, SIGKILL after 15 s). */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.pid === undefined) {
      return;
    }
    this.process = null;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>(resolve =>
        child.once('exit', () => resolve())
      );
      killGroup(child.pid, 'SIGTERM');
      const stopped = await Promise.race([
        exited.then(() => true),
        sleep(15_000).then(() => false)
      ]);
      if (!stopped) {
        killGroup(child.pid, 'SIGKILL');
        await exited;
      }
    }
    // Nothing of the group may outlive the server. (Kernels run in their own sessions; the
    // server shuts them down on SIGTERM.)
    killGroup(child.pid, 'SIGKILL');
    const deadline = Date.now() + 15_000;
    while ((await isListening(this.port)) && Date.now() < deadline) {
      await sleep(200);
    }
  }

  /** Stop, then start again on the same folder: the same workspace and progress store. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start(true);
  }

  private logTail(): string {
    try {
      const text = fs.readFileSync(this.logFile, 'utf-8');
      return `--- ${this.logFile} (end) ---\n${text.slice(-5_000)}`;
    } catch {
      return `(no ${this.logFile})`;
    }
  }
}

/**
 * Run the tests of this file against `server`: started before them, stopped after.
 */
export function useTestServer(server: TestServer): void {
  test.use({ baseURL: server.baseURL, mockSettings: MOCK_SETTINGS });

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    await server.start();
  });

  test.afterAll(async () => {
    test.setTimeout(60_000);
    await server.stop();
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function isListening(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
