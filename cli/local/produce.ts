import { createHash } from "node:crypto";
import { type KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { LIMITS } from "../../config/limits";

/*
 * Input records → Kinesis with the real client (PutRecords, 500 per call, retrying records the
 * stream refuses), after the checks Kinesis itself makes: a record must be 1 byte to 1 MiB
 * (data + partition key). Lines that cannot be records are reported, one by one, not sent.
 */

export interface InputRecord {
  /** 1-based line number (files) or position (generated samples). */
  readonly line: number;
  readonly data: Buffer;
  /** What the sample generator meant it to be (`valid`, `not-json`, ...); files: undefined. */
  readonly kind?: string;
}

export interface SentRecord extends InputRecord {
  readonly sequenceNumber: string;
  readonly shardId: string;
}

export interface RefusedRecord extends InputRecord {
  readonly reason: string;
}

/** Splits a file's bytes into lines exactly as given (the `\n` separator removed, nothing else). */
export function splitLines(bytes: Buffer): InputRecord[] {
  const out: InputRecord[] = [];
  let start = 0;
  let line = 1;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      if (i === bytes.length && start === bytes.length) break; // final newline: no extra line
      out.push({ line, data: bytes.subarray(start, i) });
      line++;
      start = i + 1;
    }
  }
  return out;
}

/** Why Kinesis would refuse this record, or undefined. */
export function refusal(data: Buffer, partitionKey: string): string | undefined {
  if (data.length === 0) return "empty line: Kinesis records need at least 1 byte";
  const total = data.length + Buffer.byteLength(partitionKey);
  if (total > LIMITS.kinesisMaxRecordBytes) {
    return `${data.length.toLocaleString("en-US")} bytes: over the 1 MiB Kinesis record limit (${LIMITS.kinesisMaxRecordBytes.toLocaleString("en-US")} bytes with the partition key)`;
  }
  return undefined;
}

/** A partition key spreading records over shards deterministically. */
export function partitionKeyOf(r: InputRecord): string {
  return createHash("md5").update(r.data).update(String(r.line)).digest("hex");
}

/**
 * Puts `records` on `stream`. `progress(done, total)` after each call. Returns what was sent (with
 * sequence numbers and shards) and what was refused before sending.
 */
export async function produce(
  kinesis: KinesisClient,
  stream: string,
  records: readonly InputRecord[],
  progress: (done: number, total: number) => void = () => undefined,
): Promise<{ sent: SentRecord[]; refused: RefusedRecord[] }> {
  const sent: SentRecord[] = [];
  const refused: RefusedRecord[] = [];
  const ok: { r: InputRecord; pk: string }[] = [];
  for (const r of records) {
    const pk = partitionKeyOf(r);
    const why = refusal(r.data, pk);
    if (why) refused.push({ ...r, reason: why });
    else ok.push({ r, pk });
  }
  let done = refused.length;
  progress(done, records.length);
  // Chunks of at most 500 records and 5 MiB per call.
  let i = 0;
  while (i < ok.length) {
    let bytes = 0;
    let j = i;
    while (j < ok.length && j - i < 500 && bytes + ok[j].r.data.length <= 5 * 1024 * 1024)
      bytes += ok[j++].r.data.length;
    let pending = ok.slice(i, j);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 10) throw new Error(`Kinesis kept refusing ${pending.length} records on ${stream}`);
      const res = await kinesis.send(
        new PutRecordsCommand({
          StreamName: stream,
          Records: pending.map((p) => ({ Data: p.r.data, PartitionKey: p.pk })),
        }),
      );
      const again: typeof pending = [];
      (res.Records ?? []).forEach((out, k) => {
        if (out.ErrorCode) again.push(pending[k]);
        else sent.push({ ...pending[k].r, sequenceNumber: out.SequenceNumber!, shardId: out.ShardId! });
      });
      pending = again;
      if (again.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
    done += j - i;
    progress(done, records.length);
    i = j;
  }
  return { sent, refused };
}
