import { z } from 'zod';
import { Problem } from '../../src/api/problem';
import { parse } from '../../src/api/validate';

describe('parsing a request part', () => {
  const body = z.strictObject({ licenses: z.record(z.string().regex(/^[A-Z-]+$/), z.number()).optional() });

  it('refuses a __proto__ key wherever it is, naming it, instead of dropping it', () => {
    for (const [raw, path] of [
      ['{"licenses":{"__proto__":{"BUS-STD":1}}}', 'licenses.__proto__'],
      ['{"__proto__":{"licenses":{}}}', '__proto__'],
    ] as const) {
      let thrown: unknown;
      try {
        parse(body, JSON.parse(raw), 'body');
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(Problem);
      expect((thrown as Problem).extra).toEqual({ errors: [{ location: 'body', path, message: expect.any(String) }] });
    }
  });

  it('passes what the schema takes', () => {
    expect(parse(body, JSON.parse('{"licenses":{"BUS-STD":2}}'), 'body')).toEqual({ licenses: { 'BUS-STD': 2 } });
  });
});
