/**
 * Decodes Lambda's base64 record data once. Node's decoder skips characters outside the alphabet
 * instead of failing, so the decoded length is checked against the length the text implies: any
 * skipped character or bad padding makes them differ, in O(1) and without re-encoding.
 * Returns undefined for data that is not base64.
 */
export function decodeBase64(data: string): Buffer | undefined {
  const len = data.length;
  if (len % 4 !== 0) return undefined;
  const buf = Buffer.from(data, "base64");
  const padding =
    len === 0 ? 0 : data.charCodeAt(len - 1) === 61 ? (data.charCodeAt(len - 2) === 61 ? 2 : 1) : 0;
  return buf.length === (len / 4) * 3 - padding ? buf : undefined;
}

/**
 * Compares two Kinesis sequence numbers (decimal strings of up to ~56 digits) numerically: as
 * BigInt, except that digit strings of equal length compare the same as text (the common case
 * within a shard), which skips two BigInt parses per comparison.
 */
export function compareSequenceNumbers(a: string, b: string): number {
  if (a.length === b.length) return a < b ? -1 : a > b ? 1 : 0;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The shard id in a Kinesis record's `eventID` (`shardId-000000000000:<sequence number>`). */
export function shardIdOf(eventID: string): string {
  const colon = eventID.indexOf(":");
  return colon < 0 ? eventID : eventID.slice(0, colon);
}
