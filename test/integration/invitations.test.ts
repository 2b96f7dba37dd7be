import { startTestStack, eventually, type TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const create = (partnerId: string, body: unknown) => stack.http('POST', `/v1/partners/${partnerId}/invitations`, body);

describe('trial invitation: HTTP → workflow → activity → MongoDB', () => {
  it('creates the invitation workflow, stores the invitation and answers with it', async () => {
    const res = await create('partner-a', { sku: 'O365-E3' });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const inv = res.body;
    expect(inv).toMatchObject({ partnerId: 'partner-a', sku: 'O365-E3', status: 'active', createdBy: 'api' });
    expect(inv.id).toMatch(/^inv_[A-Za-z0-9_-]{16}$/);
    expect(inv.workflowId).toBe(`invitation:${inv.id}`);
    expect(res.headers.get('location')).toBe(`/v1/partners/partner-a/invitations/${inv.id}`);
    // the link's code: 192 random bits, base64url
    expect(inv.url).toMatch(/^http:\/\/offers\.test\/i\/[A-Za-z0-9_-]{32}$/);
    // default lifetime is 30 days
    expect(Date.parse(inv.expiresAt) - Date.parse(inv.createdAt)).toBe(30 * 86_400_000);

    // The 201 came after the activity stored it: the document is there already.
    const doc = await stack.models.Invitation.findById(inv.id).lean();
    expect(doc).toMatchObject({
      _id: inv.id,
      partnerId: 'partner-a',
      sku: 'O365-E3',
      status: 'active',
      code: inv.url.split('/').pop(),
      workflowId: inv.workflowId,
      revision: 1,
    });
    expect(doc!.createdAt.toISOString()).toBe(inv.createdAt);

    const read = await stack.http('GET', `/v1/partners/partner-a/invitations/${inv.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(inv);

    const wf = await stack.http('GET', `/v1/partners/partner-a/invitations/${inv.id}/workflow`);
    expect(wf.status).toBe(200);
    expect(wf.body).toMatchObject({ workflowId: inv.workflowId, status: 'RUNNING', state: inv });
  });

  it('sets the operators search attributes on the workflow', async () => {
    const { body: inv } = await create('partner-sa', { sku: 'O365-E3' });
    const description = await stack.client.workflow.getHandle(inv.workflowId).describe();
    expect(description.searchAttributes).toMatchObject({
      PartnerId: ['partner-sa'],
      OfferId: [inv.id],
      LifecycleStage: ['invitation-active'],
    });
    // and the Temporal UI's filter finds it (visibility is eventually consistent)
    const found = await eventually(async () => {
      const ids: string[] = [];
      for await (const w of stack.client.workflow.list({ query: `PartnerId = "partner-sa" AND LifecycleStage = "invitation-active"` })) ids.push(w.workflowId);
      return ids.includes(inv.workflowId) && ids;
    }, 20_000, 'the workflow to be visible by search attribute');
    expect(found).toEqual([inv.workflowId]);
  });

  it('revokes an active invitation once; a second revoke is a 409 problem', async () => {
    const { body: inv } = await create('partner-a', { sku: 'O365-E3' });
    const revoked = await stack.http('POST', `/v1/partners/partner-a/invitations/${inv.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: inv.id, status: 'revoked', revokedBy: 'api' });
    expect(Date.parse(revoked.body.revokedAt)).toBeGreaterThanOrEqual(Date.parse(inv.createdAt));

    const doc = await stack.models.Invitation.findById(inv.id).lean();
    expect(doc).toMatchObject({ status: 'revoked', revokedBy: 'api', revision: 2 });

    const again = await stack.http('POST', `/v1/partners/partner-a/invitations/${inv.id}/revoke`);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(again.body).toMatchObject({ type: '/problems/invitation-not-active', status: 409, detail: `invitation ${inv.id} is revoked`, invitationStatus: 'revoked' });

    // The workflow ends with the revocation, its search attribute says so.
    const handle = stack.client.workflow.getHandle(inv.workflowId);
    await expect(handle.result()).resolves.toMatchObject({ status: 'revoked' });
    expect((await handle.describe()).searchAttributes.LifecycleStage).toEqual(['invitation-revoked']);
  });

  it('expires after the lifetime the request gave (durations are data)', async () => {
    const { body: inv } = await create('partner-a', { sku: 'O365-E3', expiresInSeconds: 1 });
    const result = await stack.client.workflow.getHandle(inv.workflowId).result();
    expect(result).toMatchObject({ status: 'expired' });
    const doc = await stack.models.Invitation.findById(inv.id).lean();
    expect(doc).toMatchObject({ status: 'expired', revision: 2 });
    expect(doc!.expiredAt!.getTime()).toBeGreaterThanOrEqual(Date.parse(inv.expiresAt));

    const revoke = await stack.http('POST', `/v1/partners/partner-a/invitations/${inv.id}/revoke`);
    expect(revoke.status).toBe(409);
    expect(revoke.body).toMatchObject({ type: '/problems/invitation-not-active', detail: `invitation ${inv.id} is expired` });
  });

  it("keeps partners apart: another partner's invitation is a 404", async () => {
    const { body: inv } = await create('partner-a', { sku: 'O365-E3' });
    for (const path of [`/v1/partners/partner-b/invitations/${inv.id}`, `/v1/partners/partner-b/invitations/${inv.id}/workflow`]) {
      const res = await stack.http('GET', path);
      expect(res.status).toBe(404);
      expect(res.body.type).toBe('/problems/not-found');
    }
    const revoke = await stack.http('POST', `/v1/partners/partner-b/invitations/${inv.id}/revoke`);
    expect(revoke.status).toBe(404);
    expect((await stack.models.Invitation.findById(inv.id).lean())!.status).toBe('active');
  });

  it('refuses bad input with a 400 naming each field, and writes nothing', async () => {
    const before = await stack.models.Invitation.countDocuments();
    const cases: Array<[unknown, string]> = [
      [{}, 'sku'],
      [{ sku: 'o365 e3' }, 'sku'],
      [{ sku: { $gt: '' } }, 'sku'],
      [{ sku: 'O365-E3', expiresInSeconds: 0 }, 'expiresInSeconds'],
      [{ sku: 'O365-E3', expiresInSeconds: 1.5 }, 'expiresInSeconds'],
      [{ sku: 'O365-E3', expiresInSeconds: '60' }, 'expiresInSeconds'],
      [{ sku: 'O365-E3', $where: 'sleep(1000)' }, ''],
      [{ sku: 'A'.repeat(1000) }, 'sku'],
      [{ sku: 'O365-E3\u0000' }, 'sku'],
      [{ sku: 'Ｏ３６５' }, 'sku'],
    ];
    for (const [body, field] of cases) {
      const res = await create('partner-a', body);
      const label = JSON.stringify(body).slice(0, 80);
      expect({ label, status: res.status }).toEqual({ label, status: 400 });
      expect(res.body.type).toBe('/problems/validation');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
    const badPartner = await create('partner a', { sku: 'O365-E3' });
    expect(badPartner.status).toBe(400);
    expect(badPartner.body.errors[0]).toMatchObject({ location: 'path', path: 'partnerId' });
    expect(await stack.models.Invitation.countDocuments()).toBe(before);
  });
});
