import { createHash } from "crypto";
import { KPL } from "../constants";
import { KplDecodeError } from "../errors";

/** One user record inside a KPL aggregated record. */
export interface UserRecord {
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
  readonly data: Buffer;
}

/**
 * True when `buf` starts with the KPL magic bytes and its MD5 trailer matches the body, i.e. it is
 * a KPL aggregated record. Plain records (JSON starts with `{`) fail at the first byte, so the
 * checksum is computed only for records that really carry the framing.
 */
export function isAggregated(buf: Buffer): boolean {
  const m = KPL.magic;
  if (buf.length <= m.length + KPL.digestBytes) return false;
  if (buf[0] !== m[0] || buf[1] !== m[1] || buf[2] !== m[2] || buf[3] !== m[3]) return false;
  const body = buf.subarray(m.length, buf.length - KPL.digestBytes);
  const digest = createHash("md5").update(body).digest();
  return digest.equals(buf.subarray(buf.length - KPL.digestBytes));
}

/**
 * True when a decoded record (a binary string, one character per byte) starts with the KPL magic
 * bytes: only then is it worth a Buffer and the checksum of `isAggregated`.
 */
export function hasAggregateMagic(binary: string): boolean {
  const m = KPL.magic;
  return (
    binary.length > m.length + KPL.digestBytes &&
    binary.charCodeAt(0) === m[0] &&
    binary.charCodeAt(1) === m[1] &&
    binary.charCodeAt(2) === m[2] &&
    binary.charCodeAt(3) === m[3]
  );
}

/**
 * Decodes the protobuf body of a KPL aggregated record (`isAggregated` must be true):
 *
 * ```proto
 * message AggregatedRecord { repeated string partition_key_table = 1;
 *   repeated string explicit_hash_key_table = 2; repeated Record records = 3; }
 * message Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2;
 *   required bytes data = 3; repeated Tag tags = 4; }
 * ```
 *
 * The array index of each user record is its sub-sequence number.
 *
 * @example
 * if (isAggregated(buf)) for (const [i, r] of deaggregate(buf).entries()) use(`${seq}:${i}`, r.data);
 */
export function deaggregate(buf: Buffer): UserRecord[] {
  const body = buf.subarray(KPL.magic.length, buf.length - KPL.digestBytes);
  const partitionKeys: string[] = [];
  const hashKeys: string[] = [];
  const raw: { pk: number; ehk?: number; data: Buffer }[] = [];
  const top = new Reader(body);
  while (!top.done()) {
    const [field, wire] = top.tag();
    if (field === 1 && wire === 2) partitionKeys.push(top.bytes().toString("utf8"));
    else if (field === 2 && wire === 2) hashKeys.push(top.bytes().toString("utf8"));
    else if (field === 3 && wire === 2) raw.push(decodeRecord(top.bytes()));
    else top.skip(wire);
  }
  return raw.map((r, i) => {
    const partitionKey = partitionKeys[r.pk];
    if (partitionKey === undefined) {
      throw new KplDecodeError(`user record ${i} refers to partition key ${r.pk} of ${partitionKeys.length}`);
    }
    const explicitHashKey = r.ehk === undefined ? undefined : hashKeys[r.ehk];
    return explicitHashKey === undefined
      ? { partitionKey, data: r.data }
      : { partitionKey, explicitHashKey, data: r.data };
  });
}

function decodeRecord(buf: Buffer): { pk: number; ehk?: number; data: Buffer } {
  const r = new Reader(buf);
  let pk: number | undefined;
  let ehk: number | undefined;
  let data: Buffer | undefined;
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === 0) pk = r.varint();
    else if (field === 2 && wire === 0) ehk = r.varint();
    else if (field === 3 && wire === 2) data = r.bytes();
    else r.skip(wire);
  }
  if (pk === undefined || data === undefined) {
    throw new KplDecodeError("user record without partition_key_index or data");
  }
  return ehk === undefined ? { pk, data } : { pk, ehk, data };
}

/** Minimal protobuf wire-format reader (varint, 64-bit, length-delimited, 32-bit). */
class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  done(): boolean {
    return this.pos >= this.buf.length;
  }

  tag(): [number, number] {
    const t = this.varint();
    return [Math.floor(t / 8), t & 7];
  }

  /** Unsigned varint; indexes and lengths stay far below 2^53. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new KplDecodeError("truncated varint");
      const byte = this.buf[this.pos++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw new KplDecodeError("varint longer than 10 bytes");
  }

  bytes(): Buffer {
    const len = this.varint();
    const end = this.pos + len;
    if (end > this.buf.length) throw new KplDecodeError(`field of ${len} bytes runs past the record`);
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.advance(8);
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.advance(4);
    else throw new KplDecodeError(`unsupported protobuf wire type ${wire}`);
  }

  private advance(n: number): void {
    if (this.pos + n > this.buf.length) throw new KplDecodeError("truncated fixed-width field");
    this.pos += n;
  }
}
