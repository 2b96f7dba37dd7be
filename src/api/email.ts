import { z } from 'zod';

/**
 * The one e-mail rule, for every input and every output: a dot-atom local part of letters,
 * digits and _ ' + - (at most 64 characters), then a host name of labels of at most 63
 * characters (letters, digits, inner hyphens), the last one of at least two starting with a letter
 * (at most 253 characters), 254 in all (RFC 5321's limits). Its pattern is in the OpenAPI document beside
 * `format: email`, so a JSON-schema validator holds an answer to the same rule the input was held
 * to; everything it accepts is also a `format: email` of ajv-formats (test/unit/email.test.ts).
 */
const ATOM = "[A-Za-z0-9_'+-]+";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
export const EMAIL_PATTERN = new RegExp(
  `^(?=.{1,254}$)(?=[^@]{1,64}@)${ATOM}(?:\\.${ATOM})*@(?=.{1,253}$)(?:${LABEL}\\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]$`,
);

const AT_MOST = { address: 254, local: 64, domain: 253, label: 63 };

/** Why `input` is not an e-mail address, in words a caller can act on. */
export function emailProblem(input: unknown): string {
  const s = typeof input === 'string' ? input : '';
  const at = s.lastIndexOf('@');
  const [local, domain] = at < 0 ? [s, ''] : [s.slice(0, at), s.slice(at + 1)];
  if (s.length > AT_MOST.address) return `must be an e-mail address of at most ${AT_MOST.address} characters`;
  if (local.length > AT_MOST.local) return `must be an e-mail address whose part before the @ has at most ${AT_MOST.local} characters`;
  if (domain.length > AT_MOST.domain) return `must be an e-mail address whose domain has at most ${AT_MOST.domain} characters`;
  if (domain.split('.').some((label) => label.length > AT_MOST.label))
    return `must be an e-mail address whose domain labels have at most ${AT_MOST.label} characters`;
  return 'must be an e-mail address such as someone@contoso.example';
}

const error = (issue: { input?: unknown }) => emailProblem(issue.input);

export const email = z.email({ pattern: EMAIL_PATTERN, error, abort: true }).max(AT_MOST.address, { error });
