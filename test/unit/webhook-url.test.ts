import { isInternalAddress, webhookUrlProblem } from '../../src/webhooks/url';

describe('webhook URLs', () => {
  const strict = { allowPrivate: false };
  it.each([
    ['https://hooks.example.com/offerflow', undefined],
    ['http://hooks.example.com:8080/x?y=1', undefined],
    ['https://93.184.216.34/hook', undefined],
    ['ftp://hooks.example.com/x', 'must be http or https'],
    ['javascript:alert(1)', 'must be http or https'],
    ['https://user:pass@hooks.example.com/x', 'must not carry credentials'],
    ['https://token@hooks.example.com/x', 'must not carry credentials'],
    ['https://hooks.example.com/x#frag', 'must not have a fragment'],
    ['not a url', 'is not a URL'],
    ['http://localhost:3000/x', 'localhost'],
    ['http://api.localhost/x', 'localhost'],
    ['http://127.0.0.1/x', 'loopback, private or link-local'],
    ['http://10.1.2.3/x', 'loopback, private or link-local'],
    ['http://172.20.0.1/x', 'loopback, private or link-local'],
    ['http://192.168.1.1/x', 'loopback, private or link-local'],
    ['http://169.254.169.254/latest/meta-data', 'loopback, private or link-local'],
    ['http://0.0.0.0/x', 'loopback, private or link-local'],
    ['http://[::1]/x', 'loopback, private or link-local'],
    ['http://[fd00::1]/x', 'loopback, private or link-local'],
    ['http://[fe80::1]/x', 'loopback, private or link-local'],
    ['http://[::ffff:127.0.0.1]/x', 'loopback, private or link-local'],
    ['http://2130706433/x', 'loopback, private or link-local'], // 127.0.0.1 as one number: the URL parser normalises it
  ])('%s', (url, problem) => {
    const found = webhookUrlProblem(url, strict);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  it('allows private addresses only when told to, and never other schemes or credentials', () => {
    expect(webhookUrlProblem('http://127.0.0.1:4000/x', { allowPrivate: true })).toBeUndefined();
    expect(webhookUrlProblem('file:///etc/passwd', { allowPrivate: true })).toContain('http or https');
    expect(webhookUrlProblem('http://a:b@127.0.0.1/', { allowPrivate: true })).toContain('credentials');
  });

  it('tells internal addresses from public ones', () => {
    expect(['127.0.0.1', '10.0.0.1', '100.64.0.1', '::1', 'fc00::1', '::ffff:192.168.0.1'].map(isInternalAddress)).toEqual(Array(6).fill(true));
    expect(['64:ff9b::7f00:1', '2002:7f00:1::1', '::127.0.0.1'].map(isInternalAddress)).toEqual([true, true, true]); // NAT64, 6to4, IPv4-compatible
    expect(['8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'].map(isInternalAddress)).toEqual([false, false, false]);
  });
});
