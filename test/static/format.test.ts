import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '../..');
const run = promisify(execFile);

it('prettier finds every file formatted (npm run format rewrites them)', async () => {
  const prettier = require.resolve('prettier/bin/prettier.cjs');
  const unformatted = await run(process.execPath, [prettier, '--list-different', '.'], { cwd: root, maxBuffer: 16 << 20 }).then(
    () => [],
    (err: { stdout?: string; message: string }) => (err.stdout ?? err.message).split('\n').filter(Boolean),
  );
  expect(unformatted).toEqual([]);
}, 120_000);
