import { InvitationFailure } from '../../workflows/invitations/failures';
import { applicationFailureOf } from '../temporal/failures';
import { Problem } from './problem';

interface ProblemShape {
  status: number;
  slug: string;
  title: string;
}

/** Every business refusal a workflow can answer with, as the problem the API returns. */
const problemByFailureType: Record<string, ProblemShape> = {
  [InvitationFailure.NotActive]: { status: 409, slug: 'invitation-not-active', title: 'Invitation not active' },
};

/** The problem for a business refusal of `type`. */
export function problemFor(type: keyof typeof problemByFailureType | string, detail: string, extra: Record<string, unknown> = {}): Problem {
  const shape = problemByFailureType[type];
  if (!shape) throw new Error(`no problem is defined for failure type ${type}`);
  return new Problem(shape.status, shape.slug, shape.title, detail, extra);
}

/** Translates a workflow's non-retryable ApplicationFailure into its problem. */
export function businessProblem(err: unknown): Problem | undefined {
  const failure = applicationFailureOf(err);
  if (!failure?.type || !problemByFailureType[failure.type]) return undefined;
  const details = failure.details?.[0];
  return problemFor(failure.type, failure.message, typeof details === 'object' && details ? { ...details } : {});
}

export const BUSINESS_PROBLEM_TYPES = Object.values(problemByFailureType);
