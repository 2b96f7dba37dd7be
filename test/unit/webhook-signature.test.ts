import { Webhook } from 'standardwebhooks';
import { SecretBox } from '../../src/webhooks/secret-box';
import { newWebhookSecret, signWebhook, verifyWebhook, webhookHeaders, WebhookVerificationError } from '../../src/webhooks/signature';

const secret = newWebhookSecret();
const body = JSON.stringify({ id: 'evt_1', type: 'trial.started', data: { licenses: 5 } });
const now = 1_800_000_000;

describe('webhook signatures (Standard Webhooks)', () => {
  it('are what the Standard Webhooks reference library signs and verifies', () => {
    const reference = new Webhook(secret);
    const headers = webhookHeaders(secret, 'evt_1', now, body);
    expect(headers['webhook-signature']).toBe(reference.sign('evt_1', new Date(now * 1000), body));
    // the library checks the timestamp against the real clock: sign one for now
    const fresh = webhookHeaders(secret, 'evt_1', Math.floor(Date.now() / 1000), body);
    expect(reference.verify(body, fresh)).toEqual(JSON.parse(body));
  });

  it('verify with the helper, headers in any case', () => {
    const headers = Object.fromEntries(Object.entries(webhookHeaders(secret, 'evt_1', now, body)).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhook(secret, headers, body, { nowSeconds: now + 10 })).toEqual(JSON.parse(body));
  });

  it('refuse a forged signature, another secret, a changed body or id', () => {
    const headers = webhookHeaders(secret, 'evt_1', now, body);
    const at = { nowSeconds: now };
    expect(() => verifyWebhook(newWebhookSecret(), headers, body, at)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(secret, headers, body.replace('5', '6'), at)).toThrow('no matching signature');
    expect(() => verifyWebhook(secret, { ...headers, 'webhook-id': 'evt_2' }, body, at)).toThrow('no matching signature');
    const forged = `v1,${Buffer.from('x'.repeat(32)).toString('base64')}`;
    expect(() => verifyWebhook(secret, { ...headers, 'webhook-signature': forged }, body, at)).toThrow('no matching signature');
    expect(() => verifyWebhook(secret, { ...headers, 'webhook-signature': signWebhook(secret, 'evt_1', now, body).replace('v1,', 'v2,') }, body, at)).toThrow(
      'no matching signature',
    );
  });

  it('refuse a replayed delivery (its timestamp older than the tolerance) and one from the future, re-signed or not', () => {
    const headers = webhookHeaders(secret, 'evt_1', now, body);
    expect(() => verifyWebhook(secret, headers, body, { nowSeconds: now + 301 })).toThrow('too old or too new');
    expect(() => verifyWebhook(secret, headers, body, { nowSeconds: now - 301 })).toThrow('too old or too new');
    // a replayer who moves the timestamp forward cannot sign it
    expect(() => verifyWebhook(secret, { ...headers, 'webhook-timestamp': String(now + 600) }, body, { nowSeconds: now + 600 })).toThrow(
      'no matching signature',
    );
    expect(() => verifyWebhook(secret, { ...headers, 'webhook-timestamp': 'soon' }, body, { nowSeconds: now })).toThrow('not a number');
  });

  it('accept any one of several signatures (a rotation), and refuse missing headers', () => {
    const headers = webhookHeaders(secret, 'evt_1', now, body);
    const both = `${signWebhook(newWebhookSecret(), 'evt_1', now, body)} ${headers['webhook-signature']}`;
    expect(verifyWebhook(secret, { ...headers, 'webhook-signature': both }, body, { nowSeconds: now })).toEqual(JSON.parse(body));
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      expect(() => verifyWebhook(secret, { ...headers, [name]: undefined }, body, { nowSeconds: now })).toThrow(`missing ${name}`);
    }
  });
});

describe('SecretBox', () => {
  it('seals a secret so that only the same key opens it, never the same text twice', () => {
    const box = new SecretBox('k'.repeat(32));
    const sealed = box.seal(secret);
    expect(sealed).not.toContain(secret.slice(6, 20));
    expect(box.seal(secret)).not.toBe(sealed);
    expect(box.open(sealed)).toBe(secret);
    expect(() => new SecretBox('j'.repeat(32)).open(sealed)).toThrow();
    expect(() => box.open(sealed.slice(0, -2))).toThrow();
  });
});
