/** Durations are data: these defaults apply only where the catalog, offer or request gives none. */
export const DAY_S = 86_400;
export const DAY_MS = DAY_S * 1000;

export const DEFAULT_REMINDER_OFFSETS_MS = [7 * DAY_MS, 1 * DAY_MS];
export const DEFAULT_GRACE_PERIOD_MS = 30 * DAY_MS;

/** A service request that needs attention this long reminds the partner (SERVICE_REQUEST_REMINDER_MS). */
export const DEFAULT_ATTENTION_REMINDER_MS = 2 * DAY_MS;

/** A change of a subscription's partner of record the asked partner has not answered lapses after this long. */
export const DEFAULT_PARTNER_OF_RECORD_ANSWER_MS = 30 * DAY_MS;
