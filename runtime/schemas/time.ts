/**
 * One text per instant: `YYYY-MM-DDTHH:mm:ss.sssZ` (UTC, milliseconds), whatever offset or
 * precision the producer wrote (`…14:00:00.685Z`, `…14:00:00.685+00:00` and `…15:00:00.685+01:00`
 * are the same instant, so the same text). Digits below the millisecond are dropped. Text already in
 * that form (what `Date.prototype.toISOString` writes, the common case) is returned as is.
 * The input must be a valid ISO-8601 date-time (the product schemas check it first).
 *
 * @example
 * canonicalTime("2026-11-27T14:00:00.685+00:00"); // "2026-11-27T14:00:00.685Z"
 */
export function canonicalTime(iso: string): string {
  if (iso.length === 24 && iso.charCodeAt(23) === 90 /* Z */ && iso.charCodeAt(19) === 46 /* . */) return iso;
  return new Date(Date.parse(iso)).toISOString();
}
