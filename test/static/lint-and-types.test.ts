import { execFile } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

const workflowFile = path.join(root, 'workflows/invitations/workflow.ts');
const refused: Array<[string, string]> = [
  ["import fs from 'node:fs'; fs.readFileSync('x');", '@typescript-eslint/no-restricted-imports'],
  ["import { randomUUID } from 'crypto'; randomUUID();", '@typescript-eslint/no-restricted-imports'],
  ["import mongoose from 'mongoose'; mongoose.connect('x');", '@typescript-eslint/no-restricted-imports'],
  ["import { Client } from '@temporalio/client'; new Client();", '@typescript-eslint/no-restricted-imports'],
  ["import { createActivities } from '../../activities'; createActivities({} as never);", '@typescript-eslint/no-restricted-imports'],
  ["import { createApp } from '../../src/api/app'; createApp({} as never);", '@typescript-eslint/no-restricted-imports'],
  ['export const t = Date.now();', 'no-restricted-properties'],
  ['export const r = Math.random();', 'no-restricted-properties'],
  ['export const e = process.env.X;', 'no-restricted-globals'],
];
const routeFile = path.join(root, 'src/invitations/routes.ts');
const refusedInRoutes: Array<[string, string]> = [
  ["import { Client } from '@temporalio/client'; export const c = Client;", '@typescript-eslint/no-restricted-imports'],
  ["import { trialInvitationWorkflow } from '../../workflows'; export const w = trialInvitationWorkflow;", '@typescript-eslint/no-restricted-imports'],
  [
    "import { invitationWorkflowId } from '../../workflows/invitations/start'; export const i = invitationWorkflowId;",
    '@typescript-eslint/no-restricted-imports',
  ],
  ["import type { InvitationDoc } from './model'; export type D = InvitationDoc;", '@typescript-eslint/no-restricted-imports'],
  ["import { findOwned } from '../db/owned'; export const f = findOwned;", '@typescript-eslint/no-restricted-imports'],
  ['export const f = (deps: { models: { Invitation: unknown } }) => deps.models.Invitation;', 'no-restricted-syntax'],
  ['export const f = (deps: { temporal: unknown }) => deps.temporal;', 'no-restricted-syntax'],
];
const allowedInRoutes =
  "import { defineRoute } from '../api/route';\nimport type { Services } from '../services';\nexport const r = (s: Services) => [defineRoute, s.invitations];";
const refusedAnywhere: Array<[string, string]> = [
  ['export async function f(start: () => Promise<void>) { start(); }', '@typescript-eslint/no-floating-promises'],
  ['export function f(items: string[], save: (s: string) => Promise<void>) { items.forEach(async (s) => save(s)); }', '@typescript-eslint/no-misused-promises'],
];
const allowed = [
  "import type { Activities } from '../../activities';",
  "import { proxyActivities, sleep } from '@temporalio/workflow';",
  'const acts = proxyActivities<Activities>({ startToCloseTimeout: 1000 });',
  'export async function wf(): Promise<void> { await sleep(1); void acts; }',
].join('\n');

let checks: { typeErrors: string[]; files: number; problems: string[]; texts: string[][] };

beforeAll(async () => {
  const cases = [
    ...[...refused.map(([code]) => code), allowed].map((code) => ({ code, filePath: workflowFile, typed: false })),
    ...[...refusedInRoutes.map(([code]) => code), allowedInRoutes].map((code) => ({ code, filePath: routeFile, typed: false })),
    // a file of its own each, held in memory with the program's types
    ...refusedAnywhere.map(([code], i) => ({ code, filePath: path.join(root, `src/invitations/lint-case-${i}.ts`), typed: true })),
  ];
  const child = execFile(process.execPath, [path.join(__dirname, '../support/static-checks.cjs')], { cwd: root, maxBuffer: 16 << 20 });
  child.stdin!.end(JSON.stringify(cases));
  const out = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`the static checks failed: ${stderr}`))));
  });
  checks = JSON.parse(out);
}, 420_000); // type-aware eslint and tsc over the whole tree: minutes on two busy cores

describe('static checks', () => {
  // the same as `tsc --noEmit -p tsconfig.json`; tsconfig.build.json (what `npm run build` compiles) is built for real by the npm-start test
  it('the type check (strict) finds nothing', () => {
    expect(checks.typeErrors).toEqual([]);
  });

  it('eslint (type-aware) reports nothing anywhere in the repository', () => {
    expect(checks.problems).toEqual([]);
    expect(checks.files).toBeGreaterThan(20);
  });

  describe('the workflow determinism rule', () => {
    it.each(refused.map(([code, rule], i) => [code, rule, i] as const))('refuses %s', (_code, rule, i) => {
      expect(checks.texts[i]!.map((m) => m.split(':')[0])).toContain(rule);
    });

    it('allows type-only imports of activities and the Temporal workflow API', () => {
      expect(checks.texts[refused.length]).toEqual([]);
    });
  });

  describe('the route layering rule (src/**/routes.ts speak HTTP and call services)', () => {
    const offset = refused.length + 1;
    it.each(refusedInRoutes.map(([code, rule], i) => [code, rule, i] as const))('refuses %s', (_code, rule, i) => {
      expect(checks.texts[offset + i]!.map((m) => m.split(':')[0])).toContain(rule);
    });

    it('allows the route framework and the services', () => {
      expect(checks.texts[offset + refusedInRoutes.length]).toEqual([]);
    });
  });

  describe('type-aware rules (a promise nobody waits for)', () => {
    const offset = refused.length + 1 + refusedInRoutes.length + 1;
    it.each(refusedAnywhere.map(([code, rule], i) => [code, rule, i] as const))('refuses %s', (_code, rule, i) => {
      expect(checks.texts[offset + i]!.map((m) => m.split(':')[0])).toContain(rule);
    });
  });
});
