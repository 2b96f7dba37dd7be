import { createHash } from 'node:crypto';
import { addUser, bearer, createPartner, operator, type TestPartner } from '../support/partners';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import * as flows from '../support/flows';

/**
 * nextCursor is signed by the API and bound to the list that issued it, the
 * caller's partner and the filters: any other use is a 400 invalid-cursor.
 */
let stack: TestStack;
let p: TestPartner;
let invitation: flows.TestInvitation;
beforeAll(async () => {
  stack = await startTestStack();
  p = await createPartner(stack);
  await createPartner(stack); // two partners: the operator's list has a second page
  await addUser(stack, p);
  await addUser(stack, p);
  invitation = await flows.invite(stack, p);
  await flows.invite(stack, p);
  const first = await flows.acceptInvitation(stack, invitation.code);
  await flows.acceptInvitation(stack, invitation.code);
  await eventually(async () => (await stack.directory.get(p.id, first.id))?.status === 'trial', 20_000, 'the customer in the directory');
  await flows.sendOffer(stack, p, [first.id]);
  await flows.sendOffer(stack, p, [first.id]);
  await eventually(async () => (await get('/v1/outbox?limit=1')).body.nextCursor, 20_000, 'two e-mails in the outbox');
  await eventually(async () => (await get('/v1/customers?limit=1')).body.nextCursor, 20_000, 'two customers in the directory');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const get = (path: string, auth = bearer(p.admin.token)) => stack.http('GET', path, undefined, auth);
const withCursor = (path: string, cursor: string) => `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;

const expectInvalidCursor = (res: { status: number; body: any }, what: string) => {
  expect({ what, status: res.status, type: res.body?.type }).toEqual({ what, status: 400, type: '/problems/invalid-cursor' });
};

const LISTS = ['/v1/users', '/v1/audit-events', '/v1/outbox', '/v1/offers', '/v1/invitations', '/v1/customers'];
const redemptions = () => `/v1/invitations/${invitation.id}/redemptions`;

async function firstCursor(path: string, auth = bearer(p.admin.token)): Promise<string> {
  const res = await get(withLimit(path, 1), auth);
  expect({ path, status: res.status }).toEqual({ path, status: 200 });
  expect(typeof res.body.nextCursor).toBe('string');
  return res.body.nextCursor as string;
}
const withLimit = (path: string, limit: number) => `${path}${path.includes('?') ? '&' : '?'}limit=${limit}`;

describe('cursors are signed and bound to their list, its caller and its filters', () => {
  it('a cursor from one list is refused by every other list', async () => {
    const lists = [...LISTS, redemptions()];
    for (const from of lists) {
      const cursor = await firstCursor(from);
      expect((await get(withCursor(withLimit(from, 1), cursor))).status).toBe(200);
      for (const to of lists.filter((l) => l !== from)) expectInvalidCursor(await get(withCursor(to, cursor)), `${from} → ${to}`);
    }
    const partners = await firstCursor('/v1/operator/partners', operator);
    for (const to of lists) expectInvalidCursor(await get(withCursor(to, partners)), `/v1/operator/partners → ${to}`);
  });

  it('a cursor of another query is refused: other filter, other invitation, other partner', async () => {
    expectInvalidCursor(await get(withCursor('/v1/users?active=true', await firstCursor('/v1/users'))), 'users: another filter');
    expectInvalidCursor(await get(withCursor('/v1/invitations?status=active', await firstCursor('/v1/invitations'))), 'invitations: another filter');
    expectInvalidCursor(await get(withCursor('/v1/audit-events', await firstCursor('/v1/audit-events?action=user.created'))), 'audit: filter dropped');
    const other = await flows.invite(stack, p);
    expectInvalidCursor(await get(withCursor(`/v1/invitations/${other.id}/redemptions`, await firstCursor(redemptions()))), 'another invitation');
    const q = await createPartner(stack);
    await addUser(stack, q);
    expectInvalidCursor(await get(withCursor('/v1/users', await firstCursor('/v1/users')), bearer(q.admin.token)), 'another partner');
  });

  it('a tampered cursor (one byte of its position flipped, re-encoded) is refused', async () => {
    for (const list of LISTS) {
      const cursor = await firstCursor(list);
      expectInvalidCursor(await get(withCursor(list, flipPositionByte(cursor))), list);
    }
  });

  it('a forged cursor, made as the API used to make them (unsigned), is refused', async () => {
    const users = (await get('/v1/users?limit=100')).body.items as Array<{ id: string }>;
    expect(users.length).toBe(3);
    // base64url JSON: the position and a fingerprint of the query, nothing secret
    const forged = Buffer.from(JSON.stringify({ p: users[0]!.id, q: fingerprint({ partnerId: p.id }) })).toString('base64url');
    expectInvalidCursor(await get(withCursor('/v1/users', forged)), 'forged');
    expectInvalidCursor(await get(withCursor('/v1/users', 'AAAA')), 'garbage');
  });

  it('paging by nextCursor still walks each list to its end, every item once', async () => {
    for (const list of [...LISTS, redemptions(), '/v1/invitations?status=active']) {
      const all = (await get(withLimit(list, 100))).body.items.map((i: { id?: string; customerId?: string }) => i.id ?? i.customerId);
      expect(all.length).toBeGreaterThanOrEqual(2);
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await get(cursor ? withCursor(withLimit(list, 1), cursor) : withLimit(list, 1));
        expect({ list, status: res.status }).toEqual({ list, status: 200 });
        paged.push(...res.body.items.map((i: { id?: string; customerId?: string }) => i.id ?? i.customerId));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect({ list, paged }).toEqual({ list, paged: all });
    }
    // the page size may change between pages
    const first = await get('/v1/users?limit=1');
    const rest = await get(withCursor('/v1/users?limit=50', first.body.nextCursor));
    expect(rest.body.items).toHaveLength(2);
  });
});

function fingerprint(query: unknown): string {
  return createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 16);
}

/** Flips the last byte of the position (`"p":…`, an id or a number) inside the cursor and encodes it again. */
function flipPositionByte(cursor: string): string {
  const bytes = Buffer.from(cursor, 'base64url');
  const at = bytes.indexOf('"p":');
  if (at < 0) throw new Error(`no position in the cursor ${cursor}`);
  const quoted = bytes[at + 4] === 0x22;
  const end = quoted ? bytes.indexOf('"', at + 5) : bytes.indexOf(',', at + 4);
  const last = end - 1;
  bytes[last] = bytes[last] === 0x30 ? 0x31 : 0x30; // '0' ↔ '1': still an id or a number
  return bytes.toString('base64url');
}
