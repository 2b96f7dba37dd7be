/**
 * The workflow's notion of "now". Inside Temporal's workflow sandbox `Date` is
 * replaced by the time of the current workflow task, so this is deterministic on
 * replay; lint forbids `Date.now()` everywhere else in workflows/ so that every
 * read of the clock goes through here.
 */
export function workflowNow(): Date {
  return new Date();
}

export function isoNow(): string {
  return workflowNow().toISOString();
}
