import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';

export interface ChildExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** How a child's output is shown: prefixed on our stderr, appended to a file, or dropped. */
export type OutputSink = { kind: 'console' } | { kind: 'file'; path: string } | { kind: 'ignore' };

/** A long-running child process (a server, the worker, the API) that we own and must stop. */
export class ManagedChild {
  /** Every child still running, so that a process stopped by a signal can stop them too. */
  static readonly running = new Set<ManagedChild>();
  readonly process: ChildProcess;
  readonly exited: Promise<ChildExit>;
  private stopping = false;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: SpawnOptions & { output: OutputSink; ipc?: boolean },
  ) {
    const { output, ipc, ...spawnOptions } = options;
    // An IPC channel lets a Node child notice (on 'disconnect') that its parent is gone.
    this.process = spawn(command, args, { detached: true, ...spawnOptions, stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => resolve({ name, code, signal }));
      this.process.once('error', (err) => {
        process.stderr.write(`[${name}] failed to start ${command}: ${err.message}\n`);
        resolve({ name, code: 127, signal: null });
      });
    });
    pipeOutput(this.process, name, output);
    ManagedChild.running.add(this);
    void this.exited.then(() => ManagedChild.running.delete(this));
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** True once `stop()` was called: an exit after that is expected, not a crash. */
  get isStopping(): boolean {
    return this.stopping;
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 10_000): Promise<ChildExit> {
    this.stopping = true;
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill('SIGTERM');
      const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
      const exit = await this.exited;
      clearTimeout(timer);
      return exit;
    }
    return this.exited;
  }
}

function pipeOutput(child: ChildProcess, name: string, output: OutputSink): void {
  if (output.kind === 'ignore') {
    child.stdout?.resume();
    child.stderr?.resume();
    return;
  }
  if (output.kind === 'file') {
    const file = fs.createWriteStream(output.path, { flags: 'a' });
    child.stdout?.pipe(file, { end: false });
    child.stderr?.pipe(file, { end: false });
    child.once('exit', () => setImmediate(() => file.end()));
    return;
  }
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    readline.createInterface({ input: stream }).on('line', (line) => process.stderr.write(`[${name}] ${line}\n`));
  }
}
