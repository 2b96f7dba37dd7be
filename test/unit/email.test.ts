import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import { buildOpenApi } from '../../src/api/openapi';
import { allRoutes } from '../../src/api/routes';
import { email } from '../../src/api/schemas';
import type { Services } from '../../src/services';

/** The e-mail rule the API takes input with is the one its answers document (src/api/email.ts). */
const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
const documented = ajv.compile(z.toJSONSchema(email, { io: 'output' }));
const formatEmail = ajv.compile({ type: 'string', format: 'email' });

const TRICKY = [
  'someone@contoso.example',
  'Ana@Contoso.example',
  "o'brien+tag@contoso.example",
  'first.last@sub.contoso.example',
  'a@b.co',
  'a@b.c',
  'a@b-.com',
  'a@-b.com',
  'a@b--c.com',
  'a@b.c0m',
  'a@b.123',
  'a@xn--p1ai.xn--p1ai',
  'a@[127.0.0.1]',
  'a@localhost',
  'a.@contoso.example',
  '.a@contoso.example',
  'a..b@contoso.example',
  "a'@contoso.example",
  '-a@contoso.example',
  '_@contoso.example',
  '"quoted"@contoso.example',
  'a b@contoso.example',
  'a@b@contoso.example',
  'é@contoso.example',
  'a@ü.example',
  'a!#$%&*/=?^`{|}~@contoso.example',
  `${'a'.repeat(64)}@contoso.example`,
  `${'a'.repeat(65)}@contoso.example`,
  `${'a'.repeat(103)}@example.com`,
  `a@${'b'.repeat(63)}.example`,
  `a@${'b'.repeat(64)}.example`,
  `a@${Array.from({ length: 4 }, () => 'b'.repeat(61)).join('.')}.example`, // 256-character domain
  `${'a'.repeat(64)}@${Array.from({ length: 3 }, () => 'b'.repeat(61)).join('.')}.${'c'.repeat(2)}`, // 254 in all
  `${'a'.repeat(64)}@${Array.from({ length: 3 }, () => 'b'.repeat(61)).join('.')}.${'c'.repeat(3)}`, // 255
  'a@contoso.example\n',
  ' a@contoso.example',
];

/** A seeded generator of addresses near every edge: lengths, characters, dots and hyphens. */
function* generated(count: number): Generator<string> {
  let seed = 0x5eed;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const LOCAL = 'abcXYZ019_\'+-.!#~ é"';
  const HOST = 'abcxyz019-._';
  const run = (alphabet: string, max: number) => Array.from({ length: 1 + Math.floor(random() * max) }, () => pick([...alphabet])).join('');
  for (let i = 0; i < count; i++) {
    const local = run(LOCAL, pick([4, 20, 70]));
    const labels = Array.from({ length: 1 + Math.floor(random() * 4) }, () => run(HOST, pick([3, 10, 66])));
    yield `${local}@${labels.join('.')}.${pick(['example', 'co', 'c', 'x-y', 'c0m', '1', 'a'.repeat(63), 'a'.repeat(64)])}`;
  }
}

const candidates = [...TRICKY, ...generated(5000)];

describe('e-mail addresses', () => {
  it('are taken only when the documented schema and an ajv-formats `format: email` accept them, and the other way round', () => {
    const disagreements = candidates.filter((a) => email.safeParse(a).success !== (documented(a) && formatEmail(a)));
    expect(disagreements).toEqual([]);
    expect(candidates.filter((a) => email.safeParse(a).success).length).toBeGreaterThan(100); // the generator reaches both sides
  });

  it('keep the limits of RFC 5321: 64 before the @, labels of 63, a domain of 253, 254 in all', () => {
    for (const a of candidates.filter((c) => email.safeParse(c).success)) {
      const [local, domain] = [a.slice(0, a.lastIndexOf('@')), a.slice(a.lastIndexOf('@') + 1)];
      expect({ a, ok: local.length <= 64 && domain.length <= 253 && a.length <= 254 && domain.split('.').every((l) => l.length <= 63) }).toEqual({
        a,
        ok: true,
      });
    }
    expect(email.safeParse(`${'a'.repeat(103)}@example.com`).error?.issues[0]?.message).toMatch(/before the @ has at most 64 characters/);
  });

  it('have one schema wherever the OpenAPI document has one, in requests and in answers', () => {
    const doc = buildOpenApi(allRoutes({} as Services), '1');
    const found: Array<{ where: string; schema: unknown }> = [];
    const walk = (node: unknown, where: string) => {
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'email' && where.endsWith('/properties')) found.push({ where: `${where}/${key}`, schema: value });
        walk(value, `${where}/${key}`);
      }
    };
    walk(doc.paths, '');
    const { $schema: _ignored, ...expected } = z.toJSONSchema(email, { io: 'output' });
    expect(found.length).toBeGreaterThan(10);
    expect(found.filter((f) => JSON.stringify(f.schema) !== JSON.stringify(expected)).map((f) => f.where)).toEqual([]);
  });
});
