import { linkCode } from '../support/flows';
import { addUser, bearer, createPartner, type TestPartner } from '../support/partners';
import { startTestStack, eventually, type TestStack } from '../support/stack';

let stack: TestStack;
let a: TestPartner;
let b: TestPartner;
let sales: { id: string; token: string };
beforeAll(async () => {
  stack = await startTestStack();
  [a, b] = await Promise.all([createPartner(stack), createPartner(stack)]);
  sales = await addUser(stack, a, { customerRole: 'limited' });
});
afterAll(async () => {
  await stack?.stop();
});

const as = (p: TestPartner) => bearer(p.admin.token);
const create = (p: TestPartner, body: unknown) => stack.http('POST', '/v1/invitations', body, as(p));
const get = (p: TestPartner, path: string) => stack.http('GET', path, undefined, as(p));
const revoke = (p: TestPartner, id: string) => stack.http('POST', `/v1/invitations/${id}/revoke`, undefined, as(p));

describe('trial invitation: HTTP → workflow → activity → MongoDB', () => {
  it('creates the invitation workflow, stores the invitation and answers with it', async () => {
    const res = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, bearer(sales.token));
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const inv = res.body;
    expect(inv).toMatchObject({ partnerId: a.id, sku: 'BUS-STD', status: 'active', createdBy: sales.id });
    expect(inv.id).toMatch(/^inv_[0-9a-z]{9}_[A-Za-z0-9_-]{11}$/);
    expect(inv.workflowId).toBe(`invitation:${inv.id}`);
    expect(res.headers.get('location')).toBe(`/v1/invitations/${inv.id}`);
    // the link's code: 192 random bits, base64url
    expect(inv.url).toMatch(new RegExp(`^${stack.baseUrl}/i/[A-Za-z0-9_-]{32}$`));
    // default lifetime is 30 days
    expect(Date.parse(inv.expiresAt) - Date.parse(inv.createdAt)).toBe(30 * 86_400_000);

    // The 201 came after the activity stored it: the document is there already.
    const doc = await stack.models.Invitation.findById(inv.id).lean();
    expect(doc).toMatchObject({
      _id: inv.id,
      partnerId: a.id,
      sku: 'BUS-STD',
      status: 'active',
      code: linkCode(inv.url),
      workflowId: inv.workflowId,
      revision: 1,
    });
    expect(doc!.createdAt.toISOString()).toBe(inv.createdAt);

    const read = await get(a, `/v1/invitations/${inv.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(inv);

    const wf = await get(a, `/v1/invitations/${inv.id}/workflow`);
    expect(wf.status).toBe(200);
    expect(wf.body).toMatchObject({ workflowId: inv.workflowId, status: 'RUNNING', state: inv });
  });

  it("registers the link's code, and still opens a link made before codes were registered", async () => {
    const { body: inv } = await create(a, { sku: 'BUS-STD' });
    const code = linkCode(inv.url);
    expect(await stack.models.LinkCode.findById(code).lean()).toMatchObject({ kind: 'invitation', targetId: inv.id });
    await stack.models.LinkCode.deleteOne({ _id: code }); // as if made by an older version
    const opened = await stack.http('GET', `/v1/links/${code}`);
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ kind: 'trial-invitation' });
    expect(opened.body.partner.name).toBeTruthy();
    expect(await stack.models.LinkCode.findById(code).lean()).toMatchObject({ kind: 'invitation', targetId: inv.id });
    expect((await stack.http('GET', `/v1/links/${'x'.repeat(32)}`)).status).toBe(404);
  });

  it('sets the operators search attributes on the workflow', async () => {
    const { body: inv } = await create(b, { sku: 'BUS-STD' });
    const description = await stack.client.workflow.getHandle(inv.workflowId).describe();
    expect(description.searchAttributes).toMatchObject({ PartnerId: [b.id], LifecycleStage: ['invitation-active'] });
    expect(description.searchAttributes.OfferId).toBeUndefined(); // it holds offer ids only
    // and the Temporal UI's filter finds it (visibility is eventually consistent)
    const found = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const w of stack.client.workflow.list({ query: `PartnerId = "${b.id}" AND LifecycleStage = "invitation-active"` })) ids.push(w.workflowId);
        return ids.includes(inv.workflowId) && ids;
      },
      20_000,
      'the workflow to be visible by search attribute',
    );
    expect(found).toEqual([inv.workflowId]);
  });

  it('revokes an active invitation once; a second revoke is a 409 problem', async () => {
    const { body: inv } = await create(a, { sku: 'BUS-STD' });
    const revoked = await revoke(a, inv.id);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: inv.id, status: 'revoked', revokedBy: a.admin.id });
    expect(Date.parse(revoked.body.revokedAt)).toBeGreaterThanOrEqual(Date.parse(inv.createdAt));

    const doc = await stack.models.Invitation.findById(inv.id).lean();
    expect(doc).toMatchObject({ status: 'revoked', revokedBy: a.admin.id, revision: 2 });

    const again = await revoke(a, inv.id);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(again.body).toMatchObject({
      type: '/problems/invitation-not-active',
      status: 409,
      detail: `invitation ${inv.id} is revoked`,
      invitationStatus: 'revoked',
    });

    // The workflow ends with the revocation, its search attribute says so.
    const handle = stack.client.workflow.getHandle(inv.workflowId);
    await expect(handle.result()).resolves.toMatchObject({ status: 'revoked' });
    expect((await handle.describe()).searchAttributes.LifecycleStage).toEqual(['invitation-revoked']);
  });

  it('expires after the lifetime the request gave (durations are data)', async () => {
    const { body: inv } = await create(a, { sku: 'BUS-STD', expiresInSeconds: 1 });
    const result = await stack.client.workflow.getHandle(inv.workflowId).result();
    expect(result).toMatchObject({ status: 'expired' });
    const doc = await stack.models.Invitation.findById(inv.id).lean();
    expect(doc).toMatchObject({ status: 'expired', revision: 2 });
    expect(doc!.expiredAt!.getTime()).toBeGreaterThanOrEqual(Date.parse(inv.expiresAt));

    const late = await revoke(a, inv.id);
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ type: '/problems/invitation-not-active', detail: `invitation ${inv.id} is expired` });
  });

  it("keeps partners apart: another partner's invitation is a 404", async () => {
    const { body: inv } = await create(a, { sku: 'BUS-STD' });
    for (const path of [`/v1/invitations/${inv.id}`, `/v1/invitations/${inv.id}/workflow`]) {
      const res = await get(b, path);
      expect(res.status).toBe(404);
      expect(res.body.type).toBe('/problems/not-found');
    }
    expect((await get(b, '/v1/invitations')).body.items.map((i: { id: string }) => i.id)).not.toContain(inv.id);
    const foreign = await revoke(b, inv.id);
    expect(foreign.status).toBe(404);
    expect((await stack.models.Invitation.findById(inv.id).lean())!.status).toBe('active');
  });

  it('refuses bad input with a 400 naming each field, and writes nothing', async () => {
    const before = await stack.models.Invitation.countDocuments();
    const cases: Array<[unknown, string]> = [
      [{}, 'sku'],
      [{ sku: 'o365 e3' }, 'sku'],
      [{ sku: { $gt: '' } }, 'sku'],
      [{ sku: 'BUS-STD', expiresInSeconds: 0 }, 'expiresInSeconds'],
      [{ sku: 'BUS-STD', expiresInSeconds: 1.5 }, 'expiresInSeconds'],
      [{ sku: 'BUS-STD', expiresInSeconds: '60' }, 'expiresInSeconds'],
      [{ sku: 'BUS-STD', $where: 'sleep(1000)' }, '$where'],
      [{ sku: 'A'.repeat(1000) }, 'sku'],
      [{ sku: 'BUS-STD\u0000' }, 'sku'],
      [{ sku: 'Ｏ３６５' }, 'sku'],
    ];
    for (const [body, field] of cases) {
      const res = await create(a, body);
      const label = JSON.stringify(body).slice(0, 80);
      expect({ label, status: res.status }).toEqual({ label, status: 400 });
      expect(res.body.type).toBe('/problems/validation');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
    const badId = await get(a, '/v1/invitations/inv%20x');
    expect(badId.status).toBe(400);
    expect(badId.body.errors[0]).toMatchObject({ location: 'path', path: 'invitationId' });
    expect(await stack.models.Invitation.countDocuments()).toBe(before);
  });

  it('lists the partner’s invitations newest first, by status, page by page', async () => {
    const q = await createPartner(stack);
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push((await create(q, { sku: 'BUS-STD' })).body.id);
    await revoke(q, made[1]!);
    const first = await get(q, '/v1/invitations?limit=2');
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([made[2], made[1]]);
    const second = await get(q, `/v1/invitations?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((i: { id: string }) => i.id)).toEqual([made[0]]);
    expect(second.body.nextCursor).toBeUndefined();
    const revoked = await get(q, '/v1/invitations?status=revoked');
    expect(revoked.body.items.map((i: { id: string }) => i.id)).toEqual([made[1]]);
  });

  it('refuses a SKU not sold in the partner cloud, or without a trial, as 422', async () => {
    const sovereign = await createPartner(stack, { cloud: 'sovereign' });
    const notThere = await create(sovereign, { sku: 'BUS-PREM' }); // global only
    expect(notThere.status).toBe(422);
    expect(notThere.body).toMatchObject({ type: '/problems/sku-not-available', detail: 'BUS-PREM is not sold in the sovereign cloud' });
    const noTrial = await create(a, { sku: 'ENT-F3' });
    expect(noTrial.status).toBe(422);
    expect(noTrial.body.detail).toBe('ENT-F3 offers no trial');
    expect((await create(sovereign, { sku: 'SEC-DEFEND' })).status).toBe(201);
  });
});
