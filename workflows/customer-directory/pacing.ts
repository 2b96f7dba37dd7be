/** Under load the writer spends at most about this share of its time writing… */
const WRITE_SHARE = 0.1;
/** …and gathers at most this many refresh intervals. */
const MAX_REFRESH_INTERVALS = 10;

/**
 * How long the writer gathers changes before its next batch: the refresh interval,
 * or longer when its last batch took long (a loaded database). Customers arriving
 * together share most index pages, so a longer gathering writes each page once for
 * many of them; an idle directory stays as fresh as the refresh interval.
 */
export function gatheringMs(refreshMs: number, lastWriteMs: number): number {
  return Math.min(Math.max(refreshMs, lastWriteMs / WRITE_SHARE), MAX_REFRESH_INTERVALS * refreshMs);
}
