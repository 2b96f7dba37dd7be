import type { Principal, TokenKind } from './world';

/**
 * What every run checks. Left out: positive_data_acceptance. It expects every request the schema
 * allows to succeed (2xx, or 401/403/404/409), but the API refuses some schema-valid data by
 * design, with rules JSON Schema (as zod renders it) cannot state: text is trimmed before its
 * length counts and may hold no control or format character; arrays must not repeat a customer,
 * SKU or authorisation; a PATCH names at least one field; a cursor must be one the API issued; a
 * search needs 2 characters once normalised; a website's host is a domain (labels of at most 63
 * characters); `licenses` is only for purchase offers — those are 400s. And a reference to a SKU or a customer
 * that does not exist, or is not the partner's, is 422. Every one would be reported as a failure.
 */
export const CHECKS = ['not_a_server_error', 'response_schema_conformance', 'status_code_conformance', 'content_type_conformance', 'negative_data_rejection'];

/**
 * Schemathesis warnings shown. Left out: missing_auth ("only 401/403"), which is the expected answer
 * without a token or for a user without the role; a token that stops working is a failing test instead.
 */
const WARNINGS = [
  'missing_test_data',
  'validation_mismatch',
  'base_url_mismatch',
  'missing_deserializer',
  'unsupported_regex',
  'unresolvable_reference',
  'rate_limited',
];

/** The security scheme (components.securitySchemes) a token kind is: it is fuzzed on the operations that accept that scheme. */
const SCHEME: Record<TokenKind, string | undefined> = {
  none: undefined,
  customer: 'customerToken',
  'limited-user': 'partnerToken',
  'partner-admin': 'partnerToken',
  operator: 'operatorToken',
};

export interface OpenApiOperation {
  operationId: string;
  security?: Array<Record<string, string[]>>;
}

const operationsOf = (paths: Record<string, Record<string, OpenApiOperation>>) => Object.values(paths).flatMap((methods) => Object.values(methods));

/**
 * The operations a token kind is fuzzed on: those its scheme may call. Without a token, every
 * operation (what is not public must answer 401, whatever the request). A token is not sent
 * where another scheme is needed: that is a 401 too, and the run is better spent elsewhere.
 */
export function operationsFor(kind: TokenKind, paths: Record<string, Record<string, OpenApiOperation>>): string[] {
  const scheme = SCHEME[kind];
  return operationsOf(paths)
    .filter((op) => scheme === undefined || (op.security ?? []).some((s) => scheme in s))
    .map((op) => op.operationId);
}

const toml = (value: unknown) => JSON.stringify(value); // TOML basic strings and arrays of them are JSON's

/**
 * The schemathesis.toml of one run: the API, the token, and the real ids the principal can reach,
 * which path parameters take with this probability (otherwise what schemathesis generates).
 */
export function configFor(baseUrl: string, principal: Principal, realValueProbability: number, withoutCoverage: string[] = []): string {
  const lines = [`base-url = ${toml(baseUrl)}`, `warnings = ${toml(WARNINGS)}`];
  if (principal.token) lines.push(`headers = { Authorization = ${toml(`Bearer ${principal.token}`)} }`);
  const names = Object.keys(principal.pathValues);
  if (names.length) {
    lines.push('', '[parameters]');
    for (const name of names) lines.push(`${toml(`path.${name}`)} = { dictionary = ${toml(name)}, probability = ${realValueProbability} }`);
    for (const name of names) lines.push('', `[dictionaries.${toml(name)}]`, `values = ${toml(principal.pathValues[name])}`);
  }
  if (withoutCoverage.length) {
    lines.push('', '[[operations]]', `include-operation-id-regex = ${toml(`^(${withoutCoverage.join('|')})$`)}`, 'phases = { coverage = { enabled = false } }');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Without a token, the operations that need one answer 401 before they look at anything else:
 * the coverage phase's hundreds of field-by-field variants would all test the same thing there.
 */
export function needingAToken(paths: Record<string, Record<string, OpenApiOperation>>): string[] {
  return operationsOf(paths)
    .filter((op) => !(op.security ?? []).some((s) => Object.keys(s).length === 0))
    .map((op) => op.operationId);
}
