import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { PROBLEM_TYPES, type ProblemSlug } from '../../src/api/problem-types';

/**
 * Every answer the tests get is checked against the OpenAPI document the API serves: its status
 * must be documented for the operation, its content type too, and its body must match the
 * documented schema (problems: the Problem schema, a registered type of that status, named in the
 * status's description). httpCall throws a ResponseContractError at the request that broke it.
 */
export class ResponseContractError extends Error {
  override name = 'ResponseContractError';
}

export interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
  text: string;
}

type Json = Record<string, any>;

interface Operation {
  re: RegExp;
  templates: number;
  methods: Record<string, Json>;
}

interface Contract {
  operations: Operation[];
  validator(pointer: string, schema: Json): ValidateFunction;
  problem: ValidateFunction;
}

const contracts = new Map<string, Promise<Contract>>();

async function loadContract(baseUrl: string): Promise<Contract> {
  const res = await fetch(`${baseUrl}/openapi.json`);
  if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
  const doc = (await res.json()) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const compiled = new Map<string, ValidateFunction>();
  // each schema compiled as a root beside the document's components, so #/components/… refs resolve
  const validator = (pointer: string, schema: Json) => {
    let v = compiled.get(pointer);
    if (!v) compiled.set(pointer, (v = ajv.compile({ ...schema, components: doc.components })));
    return v;
  };
  const operations = Object.entries(doc.paths as Record<string, Record<string, Json>>).map(([path, methods]) => ({
    re: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}/?$`),
    templates: path.split('{').length - 1,
    methods,
  }));
  return { operations, validator, problem: validator('#/components/schemas/Problem', { $ref: '#/components/schemas/Problem' }) };
}

const mediaType = (contentType: string | null) => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

const describe = (v: ValidateFunction) => (v.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}`).join('; ');

/** What in `answer` breaks the API's documented contract for `method path` (empty: nothing). */
export async function contractViolations(baseUrl: string, method: string, path: string, answer: Answer): Promise<string[]> {
  let pending = contracts.get(baseUrl);
  if (!pending) {
    pending = loadContract(baseUrl);
    contracts.set(baseUrl, pending);
    pending.catch(() => contracts.delete(baseUrl));
  }
  const contract = await pending;
  const pathname = new URL(path, 'http://x').pathname;
  const type = mediaType(answer.contentType);
  const violations: string[] = [];
  const slug = type === 'application/problem+json' ? String((answer.body as Json | undefined)?.type ?? '').replace(/^\/problems\//, '') : undefined;

  if (slug !== undefined) {
    if (!contract.problem(answer.body)) violations.push(`the problem does not match the Problem schema: ${describe(contract.problem)}`);
    if (!Object.hasOwn(PROBLEM_TYPES, slug)) violations.push(`problem type /problems/${slug} is not registered`);
    else if (PROBLEM_TYPES[slug as ProblemSlug].status !== answer.status)
      violations.push(`problem type /problems/${slug} is registered with ${PROBLEM_TYPES[slug as ProblemSlug].status}`);
  }

  // a literal path wins over a template that also matches it
  const operation = contract.operations.filter((o) => o.re.test(pathname)).sort((a, b) => a.templates - b.templates)[0]?.methods[method.toLowerCase()];
  // outside the document (health, docs, an unknown path or method): only a problem's shape is promised
  if (!operation) return violations;
  const operationId = String(operation.operationId);

  const documented = (operation.responses as Record<string, Json>)[String(answer.status)];
  if (!documented) return [...violations, `status ${answer.status} is not documented for ${operationId}`];
  // openapi.ts lists each problem type a status may carry in its description
  if (slug !== undefined && !String(documented.description).includes(`\`/problems/${slug}\``))
    violations.push(`problem type /problems/${slug} is not documented for ${operationId} ${answer.status}`);
  const content = documented.content as Record<string, { schema: Json }> | undefined;
  if (!content) {
    if (answer.text !== '') violations.push(`status ${answer.status} of ${operationId} is documented without a body, got ${type}`);
    return violations;
  }
  const media = content[type];
  if (!media) return [...violations, `${type || 'no content type'} is not documented for ${operationId} ${answer.status}`];
  const validate = contract.validator(`${operationId} ${answer.status} ${type}`, media.schema);
  if (!validate(answer.body)) violations.push(`the body does not match the documented schema: ${describe(validate)}`);
  return violations;
}
