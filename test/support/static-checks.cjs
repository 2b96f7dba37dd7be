// The static checks of test/static/lint-and-types.test.ts, in a process of their own (ESLint
// loads its ESM config with a dynamic import, which jest's module sandbox cannot do).
//
// One TypeScript program of tsconfig.json serves both the type check (what `tsc --noEmit`
// reports) and ESLint's type-aware rules: building it is most of the cost of each.
//
// stdin: the lint cases, [{ code, filePath, typed }]; stdout: JSON { typeErrors, files, problems, texts }.
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');
const { ESLint } = require('eslint');

const root = process.cwd();

function programOf(configFile) {
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, path.dirname(configFile));
  return ts.createProgram({ rootNames: parsed.fileNames, options: { ...parsed.options, noEmit: true } });
}

/** A program of the repo's options plus one file held in memory: a case linted with type information. */
function programWith(base, filePath, code) {
  const host = ts.createCompilerHost(base.getCompilerOptions());
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => (path.resolve(f) === filePath ? code : readFile(f));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => path.resolve(f) === filePath || fileExists(f);
  return ts.createProgram({ rootNames: [filePath], options: base.getCompilerOptions(), host, oldProgram: base });
}

const lines = (results) => results.flatMap((r) => r.messages.map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.ruleId}: ${m.message}`));
const withPrograms = (programs) => ({ files: ['**/*.ts'], languageOptions: { parserOptions: { programs, project: null } } });

(async () => {
  const cases = JSON.parse(fs.readFileSync(0, 'utf8'));
  const program = programOf(path.join(root, 'tsconfig.json'));
  const typeErrors = ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) =>
        (d.file ? `${path.relative(root, d.file.fileName)}(${d.file.getLineAndCharacterOfPosition(d.start).line + 1}): ` : '') +
        ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    );

  const repo = await new ESLint({ cwd: root, overrideConfig: withPrograms([program]) }).lintFiles(['.']);

  const texts = [];
  for (const { code, filePath, typed } of cases) {
    // Rules that need no types run on the text alone; a typed case gets a program holding its text.
    const eslint = typed
      ? new ESLint({ cwd: root, overrideConfig: withPrograms([programWith(program, filePath, code)]) })
      : new ESLint({
          cwd: root,
          overrideConfig: {
            files: ['**/*.ts'],
            languageOptions: { parserOptions: { programs: null, project: null } },
            rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
          },
        });
    const [r] = await eslint.lintText(code, { filePath });
    texts.push(r.messages.map((m) => `${m.ruleId}: ${m.message}`));
  }
  process.stdout.write(JSON.stringify({ typeErrors, files: repo.length, problems: lines(repo), texts }));
})().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
