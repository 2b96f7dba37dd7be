import fs from 'node:fs';
import path from 'node:path';
import { ManagedChild } from '../../src/local/child';
import { testEnv } from './servers';
import { SECRET_KEY, type TestStack } from './stack';

/** Every live descendant of `pid` (read from /proc), with its command line. */
export function descendants(pid: number): Array<{ pid: number; ppid: number; cmd: string }> {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // the command name is in parentheses and may contain spaces
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // exited meanwhile
    }
  }
  const result: Array<{ pid: number; ppid: number; cmd: string }> = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent !== p) continue;
      let cmd: string;
      try {
        cmd = fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      } catch {
        continue;
      }
      result.push({ pid: child, ppid: p, cmd });
      walk(child);
    }
  };
  walk(pid);
  return result;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // a zombie is dead for our purposes
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * The worker as a process of its own (as in production) for a test stack started without one: on
 * the stack's database and task queue, with the run's workflow bundle (a start in seconds), and
 * `env` on top (webhook settings, say).
 */
export function startWorkerProcess(stack: Pick<TestStack, 'dbName' | 'taskQueue'>, env: Record<string, string> = {}): ManagedChild {
  return new ManagedChild('worker', process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../../src/worker/main.ts')], {
    env: {
      ...process.env,
      MONGODB_URI: `${testEnv('mongodbUri')}${stack.dbName}`,
      TEMPORAL_ADDRESS: testEnv('temporalAddress'),
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      LOG_LEVEL: 'warn',
      OFFERFLOW_SECRET_KEY: SECRET_KEY,
      WORKFLOW_BUNDLE: testEnv('workflowBundle'),
      ...env,
    },
    output: { kind: 'ignore' },
  });
}
