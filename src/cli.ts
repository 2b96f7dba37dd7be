import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from './config';
import { OPERATOR_TOKEN_FILE, readOperatorTokenFile } from './auth/operator-token';

/**
 * `npm run cli -- <command>`: the platform operator's chores over the API.
 *
 *   partner create --name N --email E --phone P --website W --line1 L --city C --postal-code Z --country CC
 *                  --admin-email A --admin-name D [--cloud global|sovereign] [--authorisation X]...
 *   partner list
 *   partner show <partnerId>
 *   partner grant <partnerId> <authorisation>
 *   partner withdraw <partnerId> <authorisation>
 *
 * The API is OFFERFLOW_API_URL (default http://HOST:PORT); the operator token is
 * OFFERFLOW_OPERATOR_TOKEN, or the one `npm start` keeps in the data directory.
 */
const USAGE = `usage: npm run cli -- partner <create|list|show|grant|withdraw> …  (see src/cli.ts)`;

async function main(argv: string[]): Promise<number> {
  const config = loadConfig();
  const api = (process.env.OFFERFLOW_API_URL ?? `http://${config.host}:${config.port}`).replace(/\/+$/, '');
  const token = config.operatorToken ?? readTokenFile(config.dataDir);
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${api}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).catch((err: Error) => {
      throw new Error(`cannot reach the API at ${api} (${err.message}); is it running (npm start)? OFFERFLOW_API_URL changes where to look`);
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new Error(`${res.status} ${json?.title ?? ''}: ${json?.detail ?? text}`);
    return json;
  };

  const [noun, verb, ...rest] = argv;
  if (noun !== 'partner' || !verb) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const print = (x: unknown) => process.stdout.write(`${JSON.stringify(x, null, 2)}\n`);
  switch (verb) {
    case 'create': {
      const { values } = parseArgs({
        args: rest,
        options: {
          name: { type: 'string' },
          email: { type: 'string' },
          phone: { type: 'string' },
          website: { type: 'string' },
          line1: { type: 'string' },
          city: { type: 'string' },
          region: { type: 'string' },
          'postal-code': { type: 'string' },
          country: { type: 'string' },
          cloud: { type: 'string', default: 'global' },
          authorisation: { type: 'string', multiple: true, default: [] },
          'admin-email': { type: 'string' },
          'admin-name': { type: 'string' },
        },
        strict: true,
      });
      const created = await call('POST', '/v1/operator/partners', {
        cloud: values.cloud,
        profile: {
          name: values.name,
          phone: values.phone,
          email: values.email,
          website: values.website,
          address: { line1: values.line1, city: values.city, region: values.region, postalCode: values['postal-code'], country: values.country },
        },
        authorisations: values.authorisation,
        admin: { email: values['admin-email'], displayName: values['admin-name'] },
      });
      print(created.partner);
      process.stdout.write(
        `\nfirst global admin: ${created.admin.user.email} (${created.admin.user.id})\nits API token (shown once): ${created.admin.token.token}\n`,
      );
      return 0;
    }
    case 'list':
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const page = await call('GET', `/v1/operator/partners?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
        for (const p of page.items) process.stdout.write(`${p.id}\t${p.cloud}\t${p.profile.name}\t${p.authorisations.join(',') || '-'}\n`);
        cursor = page.nextCursor;
      }
      return 0;
    case 'show':
      print(await call('GET', `/v1/operator/partners/${encodeURIComponent(rest[0] ?? '')}`));
      return 0;
    case 'grant':
    case 'withdraw':
      if (rest.length !== 2) throw new Error(`usage: npm run cli -- partner ${verb} <partnerId> <authorisation>`);
      print(
        await call(verb === 'grant' ? 'PUT' : 'DELETE', `/v1/operator/partners/${encodeURIComponent(rest[0]!)}/authorisations/${encodeURIComponent(rest[1]!)}`),
      );
      return 0;
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

function readTokenFile(dataDir: string): string {
  const file = path.join(dataDir, OPERATOR_TOKEN_FILE);
  const token = readOperatorTokenFile(file);
  if (!token) throw new Error(`no operator token: set OFFERFLOW_OPERATOR_TOKEN, or start the embedded default once (npm start writes ${file})`);
  return token;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(1);
  },
);
