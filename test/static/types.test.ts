import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '../..');
const run = promisify(execFile);

// tsconfig.build.json (what `npm run build` compiles) is built for real by the npm-start test.
it('tsc --noEmit -p tsconfig.json (strict) compiles everything', async () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const output = await run(process.execPath, [tsc, '--noEmit', '-p', path.join(root, 'tsconfig.json')], { cwd: root }).then(
    () => '',
    (err: { stdout?: string; message: string }) => err.stdout || err.message,
  );
  expect(output).toBe('');
}, 120_000);
