import { isUtf8 } from "node:buffer";

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
 * Decodes Lambda's base64 record data once, to a binary string (one character per byte), with the
 * same strictness as `decodeBase64`: `atob` throws on characters outside the standard alphabet
 * and drops ASCII whitespace, which the length check then refuses. Returns undefined for data
 * that is not base64. `atob` (a WHATWG API, native in Node ≥ 20) decodes several times faster than
 * `Buffer.from(data, "base64")` followed by `toString()`, and skips the Buffer altogether.
 */
export function decodeBinary(data: string): string | undefined {
  const len = data.length;
  if (len % 4 !== 0) return undefined;
  let binary: string;
  try {
    binary = atob(data);
  } catch {
    return undefined;
  }
  const padding =
    len === 0 ? 0 : data.charCodeAt(len - 1) === 61 ? (data.charCodeAt(len - 2) === 61 ? 2 : 1) : 0;
  return binary.length === (len / 4) * 3 - padding ? binary : undefined;
}

/**
 * The text of a decoded record: the binary string itself when every byte is ASCII (then bytes and
 * UTF-8 characters coincide; `Buffer.byteLength` tells in one native call), otherwise its bytes
 * decoded as UTF-8. Returns undefined when the bytes are not valid UTF-8 (JSON text must be): decoding
 * them would replace each bad sequence with U+FFFD and store altered data as if it were valid.
 */
export function textOf(binary: string): string | undefined {
  return Buffer.byteLength(binary, "utf8") === binary.length
    ? binary
    : utf8Text(Buffer.from(binary, "latin1"));
}

/** The bytes as UTF-8 text, or undefined when they are not valid UTF-8 (checked natively, `isUtf8`). */
export function utf8Text(bytes: Buffer): string | undefined {
  return isUtf8(bytes) ? bytes.toString("utf8") : undefined;
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
