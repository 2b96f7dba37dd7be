import { cursorKeyFor } from '../../src/api/cursor-key';
import { cursorBinding, openCursor, sealCursor } from '../../src/api/cursors';
import { Problem } from '../../src/api/problem';

const TOKEN = 'ofo.unit-test-operator-token-0123456789abcdef';
const partner = (id: string) => ({ kind: 'partner-user', partner: { _id: id }, user: { _id: 'usr_1' }, tokenId: 'tok_1' }) as never;

describe('list cursors', () => {
  it('every API process derives the same key from the operator token, another token another key', () => {
    expect(cursorKeyFor(TOKEN).equals(cursorKeyFor(TOKEN))).toBe(true);
    expect(cursorKeyFor(TOKEN).equals(cursorKeyFor(`${TOKEN}x`))).toBe(false);
    expect(cursorKeyFor(TOKEN).toString('utf8')).not.toContain(TOKEN);
    expect(cursorKeyFor(undefined).equals(cursorKeyFor(undefined))).toBe(false); // random: this process only
  });

  it('open only for the key, list, caller and filters they were sealed for; limit may change', () => {
    const key = cursorKeyFor(TOKEN);
    const binding = cursorBinding('listUsers', partner('ptn_a'), {}, { limit: 1, active: 'true' });
    const cursor = sealCursor(key, binding, '{"p":"usr_2"}');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(openCursor(key, cursorBinding('listUsers', partner('ptn_a'), {}, { active: 'true', limit: 50, cursor }), cursor)).toBe('{"p":"usr_2"}');
    const refused = [
      [cursorKeyFor(`${TOKEN}x`), binding],
      [key, cursorBinding('listAuditEvents', partner('ptn_a'), {}, { active: 'true' })],
      [key, cursorBinding('listUsers', partner('ptn_b'), {}, { active: 'true' })],
      [key, cursorBinding('listUsers', partner('ptn_a'), {}, {})],
      [key, cursorBinding('listUsers', undefined, {}, { active: 'true' })],
    ] as const;
    for (const [k, b] of refused) expect(() => openCursor(k, b, cursor)).toThrow(Problem);
    expect(() => openCursor(key, binding, cursor.slice(0, 40))).toThrow(Problem);
    expect(() => openCursor(key, binding, '')).toThrow(Problem);
  });

  it('path parameters are part of the binding', () => {
    const key = cursorKeyFor(TOKEN);
    const a = cursorBinding('listRedemptions', partner('ptn_a'), { invitationId: 'inv_1' }, {});
    const b = cursorBinding('listRedemptions', partner('ptn_a'), { invitationId: 'inv_2' }, {});
    expect(() => openCursor(key, b, sealCursor(key, a, '{"p":"x"}'))).toThrow(Problem);
  });
});
