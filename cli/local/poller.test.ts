import {
  type Clock,
  type FailureRecord,
  type InvokeResult,
  judgeResponse,
  laneOf,
  type PollerConfig,
  ShardConsumer,
  ShardPoller,
  type ShardRecord,
} from "./poller";

const BASE = BigInt("49590338271490256608559692538361571095921575989136588802");
/** 56-digit sequence numbers whose string order differs from their numeric order past 10. */
const seq = (n: number) => (BASE + BigInt(n) * 7n).toString();
const T0 = Date.UTC(2026, 10, 27, 15, 0, 0);

function records(n: number, arrival = (i: number) => T0 + i): ShardRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    sequenceNumber: seq(i),
    partitionKey: `pk-${i}`,
    data: Buffer.from(JSON.stringify({ i })),
    arrivalMs: arrival(i),
  }));
}

function fakeClock(start = T0 + 1_000): Clock & { t: number } {
  const c = {
    t: start,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += ms;
    },
  };
  return c;
}

/** A source that hands out `all` in order, `limit` at a time. */
function source(all: ShardRecord[]) {
  let at = 0;
  return {
    next: async (limit: number) => {
      const out = all.slice(at, at + limit);
      at += out.length;
      return out;
    },
  };
}

type Ev = { Records: { kinesis: { sequenceNumber: string; data: string } }[]; [k: string]: unknown };
/** A fake function: records every event it gets and answers with `answer(event)`. */
function fakeFunction(answer: (e: Ev, call: number) => InvokeResult) {
  const calls: Ev[] = [];
  return {
    calls,
    invoke: async (event: unknown) => {
      calls.push(event as Ev);
      return answer(event as Ev, calls.length);
    },
    /** Payload indexes (`i`) of each call. */
    batches: () =>
      calls.map((c) => c.Records.map((r) => JSON.parse(Buffer.from(r.kinesis.data, "base64").toString()).i)),
  };
}

const ok = (payload: unknown = { batchItemFailures: [] }): InvokeResult => ({ ok: true, payload });
const fail = (payload: unknown) => ok({ batchItemFailures: payload });

function config(over: Partial<PollerConfig> = {}): PollerConfig {
  return {
    shardId: "shardId-000000000000",
    eventSourceArn: "arn:aws:kinesis:us-east-1:123456789012:stream/s",
    functionArn: "arn:aws:lambda:us-east-1:123456789012:function:f",
    region: "us-east-1",
    batchSize: 10,
    batchingWindowMs: 0,
    reportBatchItemFailures: true,
    bisectOnError: true,
    maximumRetryAttempts: 2,
    maximumRecordAgeSeconds: -1,
    ...over,
  };
}

async function drain(p: ShardPoller, clock?: Clock, maxSteps = 500) {
  for (let i = 0; i < maxSteps; i++) {
    const worked = await p.step();
    if (!worked && p.idle) return;
    if (!worked) await clock?.sleep(250); // as run() does between idle reads
  }
  throw new Error("poller did not drain");
}

function sink() {
  const sent: FailureRecord[] = [];
  return { sent, send: async (f: FailureRecord) => void sent.push(f) };
}

describe("local Kinesis event source poller", () => {
  it("delivers every record once, in order, in batches of batchSize", async () => {
    const fn = fakeFunction(() => ok());
    const p = new ShardPoller(config(), source(records(25)), fn, undefined, fakeClock());
    await drain(p);
    expect(fn.batches()).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
      [20, 21, 22, 23, 24],
    ]);
    expect(p.checkpoint).toBe(seq(24));
  });

  it("checkpoints at the lowest reported failure (BigInt order) and redelivers everything after it", async () => {
    // seq(9) > seq(12) as strings would be false for some bases; pick two identifiers whose string
    // order disagrees with their numeric order to prove the comparison is numeric.
    const all = records(10);
    const low = all[3].sequenceNumber;
    const high = all[7].sequenceNumber;
    const fn = fakeFunction((_e, call) =>
      call === 1 ? fail([{ itemIdentifier: high }, { itemIdentifier: low }]) : ok(),
    );
    const p = new ShardPoller(config(), source(all), fn, undefined, fakeClock());
    await drain(p);
    expect(fn.batches()).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [3, 4, 5, 6, 7, 8, 9],
    ]);
    expect(p.stats.partialFailures).toBe(1);
    expect(p.stats.delivered).toBe(10);
  });

  it("compares sequence numbers of different lengths numerically", () => {
    const rs: ShardRecord[] = [
      { sequenceNumber: "9", partitionKey: "a", data: Buffer.from("x"), arrivalMs: 0 },
      { sequenceNumber: "10", partitionKey: "a", data: Buffer.from("x"), arrivalMs: 0 },
    ];
    expect(
      judgeResponse(
        { batchItemFailures: [{ itemIdentifier: "10" }, { itemIdentifier: "9" }] },
        rs,
        true,
        false,
      ),
    ).toEqual({
      kind: "partial",
      lowestFailed: 0,
    });
  });

  it("treats an empty failure list as success and a malformed identifier as a whole-batch failure", () => {
    const rs = records(3);
    expect(judgeResponse({ batchItemFailures: [] }, rs, true, false)).toEqual({ kind: "success" });
    expect(judgeResponse({ batchItemFailures: [{ itemIdentifier: "" }] }, rs, true, false).kind).toBe(
      "error",
    );
    expect(judgeResponse({ batchItemFailures: [{ itemIdentifier: "abc" }] }, rs, true, false).kind).toBe(
      "error",
    );
    expect(judgeResponse({ batchItemFailures: [{}] }, rs, true, false).kind).toBe("error");
    expect(judgeResponse({ batchItemFailures: [{ itemIdentifier: seq(99) }] }, rs, true, false).kind).toBe(
      "error",
    );
    // Without ReportBatchItemFailures the response is ignored.
    expect(judgeResponse({ batchItemFailures: [{ itemIdentifier: "abc" }] }, rs, false, false).kind).toBe(
      "success",
    );
  });

  it("bisects a failing batch down to the poison record, then discards it after the retries to the on-failure destination", async () => {
    // Record 5 makes the function throw; every other record is fine.
    const fn = fakeFunction((e) =>
      e.Records.some((r) => JSON.parse(Buffer.from(r.kinesis.data, "base64").toString()).i === 5)
        ? { ok: false, error: "Error: poison" }
        : ok(),
    );
    const dest = sink();
    const p = new ShardPoller(
      config({ maximumRetryAttempts: 2 }),
      source(records(10)),
      fn,
      dest,
      fakeClock(),
    );
    await drain(p);
    const batches = fn.batches();
    expect(batches.slice(0, 4)).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
      [5, 6, 7],
    ]);
    // [5] is invoked once plus two retries, then discarded; the rest of the shard continues.
    expect(batches.filter((b) => b.length === 1 && b[0] === 5)).toHaveLength(3);
    expect(dest.sent).toHaveLength(1);
    expect(dest.sent[0].condition).toBe("RetryAttemptsExhausted");
    expect(dest.sent[0].records.map((r) => r.sequenceNumber)).toEqual([seq(5)]);
    expect(dest.sent[0].error).toBe("Error: poison");
    expect(p.stats.delivered).toBe(9);
    expect(p.stats.discarded).toBe(1);
    expect(p.checkpoint).toBe(seq(9));
  });

  it("retries a failing batch as a whole without bisection", async () => {
    const fn = fakeFunction((_e, call) => (call <= 2 ? { ok: false, error: "Task timed out" } : ok()));
    const p = new ShardPoller(
      config({ bisectOnError: false }),
      source(records(4)),
      fn,
      undefined,
      fakeClock(),
    );
    await drain(p);
    expect(fn.batches()).toEqual([
      [0, 1, 2, 3],
      [0, 1, 2, 3],
      [0, 1, 2, 3],
    ]);
    expect(p.stats.retries).toBe(2);
  });

  it("discards records older than maximumRecordAgeSeconds without invoking", async () => {
    const clock = fakeClock(T0 + 120_000);
    const all = records(4, (i) => (i < 2 ? T0 : T0 + 119_000)); // two are 120 s old
    const fn = fakeFunction(() => ok());
    const dest = sink();
    const p = new ShardPoller(config({ maximumRecordAgeSeconds: 60 }), source(all), fn, dest, clock);
    await drain(p);
    expect(fn.batches()).toEqual([[2, 3]]);
    expect(dest.sent.map((s) => [s.condition, s.records.length])).toEqual([["RecordAgeExceeded", 2]]);
  });

  it("waits up to the batching window for a batch to fill", async () => {
    const clock = fakeClock();
    const all = records(3);
    let offered = 1;
    const src = {
      at: 0,
      next: async (limit: number) => {
        const out = all.slice(src.at, Math.min(offered, src.at + limit));
        src.at += out.length;
        return out;
      },
    };
    const fn = fakeFunction(() => ok());
    const p = new ShardPoller(config({ batchingWindowMs: 1_000, batchSize: 3 }), src, fn, undefined, clock);
    expect(await p.step()).toBe(false); // one record, window not elapsed
    offered = 3;
    clock.t += 100;
    expect(await p.step()).toBe(true); // full batch: invoked at once
    expect(fn.batches()).toEqual([[0, 1, 2]]);
  });

  describe("tumbling windows", () => {
    const windowed = config({ tumblingWindowSeconds: 10, batchSize: 100 });
    type WEv = Ev & {
      state: { n?: number };
      window: { start: string; end: string };
      isFinalInvokeForWindow: boolean;
    };
    const counting = () =>
      fakeFunction((e) => {
        const w = e as WEv;
        return ok({ state: { n: (w.state.n ?? 0) + w.Records.length }, batchItemFailures: [] });
      });

    it("carries state between invokes of a window and ends it with a final invoke once it is over", async () => {
      const clock = fakeClock(T0 + 25_000);
      // 3 records in [T0, T0+10s), 2 in [T0+10s, T0+20s)
      const all = records(5, (i) => (i < 3 ? T0 + i * 1000 : T0 + 10_000 + i * 1000));
      const fn = counting();
      const p = new ShardPoller({ ...windowed, batchSize: 2 }, source(all), fn, undefined, clock);
      await drain(p);
      const events = fn.calls as unknown as WEv[];
      expect(events.map((e) => [e.Records.length, e.state, e.isFinalInvokeForWindow])).toEqual([
        [2, {}, false],
        [1, { n: 2 }, false],
        [0, { n: 3 }, true],
        [2, {}, false],
        [0, { n: 2 }, true],
      ]);
      expect(events[0].window).toEqual({
        start: new Date(T0).toISOString(),
        end: new Date(T0 + 10_000).toISOString(),
      });
      expect(events[0]).toMatchObject({
        shardId: windowed.shardId,
        eventSourceARN: windowed.eventSourceArn,
        isWindowTerminatedEarly: false,
      });
      expect(p.stats.windowsClosed).toBe(2);
    });

    it("does not end a window while records that arrived within it are still waiting to be read", async () => {
      // The window [T0, T0+10s) is over, but the poller lags: its records come in two reads.
      const clock = fakeClock(T0 + 30_000);
      const all = records(4, (i) => T0 + i * 1000);
      let offered = 2;
      const src = {
        at: 0,
        next: async (limit: number) => {
          const out = all.slice(src.at, Math.min(offered, src.at + limit));
          src.at += out.length;
          return out;
        },
      };
      const fn = counting();
      // A batching window keeps records the poller has read waiting before an invoke.
      const p = new ShardPoller({ ...windowed, batchingWindowMs: 1_000 }, src, fn, undefined, clock);
      while (fn.calls.length === 0) if (!(await p.step())) await clock.sleep(250); // 2 records invoked
      offered = 4;
      await p.step(); // reads the other 2, which wait for the batching window
      await drain(p, clock);
      const events = fn.calls as unknown as WEv[];
      expect(events.map((e) => [e.Records.length, e.isFinalInvokeForWindow])).toEqual([
        [2, false],
        [2, false],
        [0, true],
      ]);
      expect(events[2].state).toEqual({ n: 4 });
    });

    it("counts a response without state as a failure and retries with the previous state", async () => {
      const clock = fakeClock(T0 + 5_000);
      let call = 0;
      const fn = fakeFunction((e) => {
        call++;
        if (call === 1) return ok({ batchItemFailures: [] }); // no state
        return ok({ state: { n: ((e as WEv).state.n ?? 0) + e.Records.length } });
      });
      const p = new ShardPoller(
        { ...windowed, bisectOnError: false },
        source(records(3)),
        fn,
        undefined,
        clock,
      );
      await drain(p);
      const events = fn.calls as unknown as WEv[];
      expect(events.map((e) => [e.Records.length, e.state])).toEqual([
        [3, {}],
        [3, {}],
      ]);
      expect(p.stats.functionErrors).toBe(1);
      expect(p.windowOpen).toBe(true);
      p.stop();
      await p.run(); // stopping ends the open window early
      const last = fn.calls[fn.calls.length - 1] as unknown as WEv & { isWindowTerminatedEarly: boolean };
      expect([last.isFinalInvokeForWindow, last.isWindowTerminatedEarly, last.state]).toEqual([
        true,
        true,
        { n: 3 },
      ]);
    });
  });

  describe("parallelization factor", () => {
    /** 240 records over 13 partition keys, interleaved as producers write them. */
    const keyed = () =>
      Array.from({ length: 240 }, (_, i) => ({
        sequenceNumber: seq(i),
        partitionKey: `customer-${(i * 7) % 13}`,
        data: Buffer.from(JSON.stringify({ i })),
        arrivalMs: T0 + i,
      }));
    const index = (r: { kinesis: { data: string } }) =>
      JSON.parse(Buffer.from(r.kinesis.data, "base64").toString()).i as number;
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 5_000 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
      if (!cond()) throw new Error("condition not reached");
    };

    it("runs up to N batches of a shard at once, keeps each partition key in order and delivers every record once", async () => {
      // Arrange: a function that takes a little while (varying) per batch and records what it sees.
      const all = keyed();
      const seen: number[] = [];
      let inFlight = 0;
      let maxInFlight = 0;
      let call = 0;
      const fn = {
        invoke: async (event: unknown) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((r) => setTimeout(r, (call++ * 7) % 5));
          for (const r of (event as Ev).Records) seen.push(index(r));
          inFlight--;
          return ok();
        },
      };
      const shard = new ShardConsumer(
        config({ batchSize: 5, parallelizationFactor: 4, idleMs: 1 }),
        source(all),
        fn,
        undefined,
      );

      // Act
      const running = shard.run();
      await until(() => shard.idle);
      shard.stop();
      await running;

      // Assert
      expect(maxInFlight).toBeGreaterThan(1);
      expect(maxInFlight).toBeLessThanOrEqual(4);
      expect([...seen].sort((a, b) => a - b)).toEqual(all.map((_, i) => i));
      for (const key of new Set(all.map((r) => r.partitionKey))) {
        const order = seen.filter((i) => all[i].partitionKey === key);
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
      expect(shard.stats.delivered).toBe(240);
      expect(shard.checkpoint).toBe(seq(239));
    });

    it("holds the shard's checkpoint at the lowest unfinished record while the other lanes move on", async () => {
      const all = keyed();
      const stuck = 100;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const delivered = new Set<number>();
      const fn = {
        invoke: async (event: unknown) => {
          const batch = (event as Ev).Records.map(index);
          if (batch.includes(stuck)) await gate;
          for (const i of batch) delivered.add(i);
          return ok();
        },
      };
      const shard = new ShardConsumer(
        config({ batchSize: 1, parallelizationFactor: 3, idleMs: 1 }),
        source(all),
        fn,
        undefined,
      );
      const running = shard.run();
      const stuckLane = laneOf(all[stuck].partitionKey, 3);
      // Every record outside the stuck record's lane gets processed meanwhile.
      await until(() => all.every((r, i) => laneOf(r.partitionKey, 3) === stuckLane || delivered.has(i)));
      expect(all.some((r, i) => i > stuck && laneOf(r.partitionKey, 3) !== stuckLane)).toBe(true);
      expect(delivered.has(stuck)).toBe(false);
      expect(shard.checkpoint).toBe(seq(stuck - 1));

      release();
      await until(() => shard.idle);
      shard.stop();
      await running;
      expect(delivered.size).toBe(240);
      expect(shard.checkpoint).toBe(seq(239));
    });

    it("spreads partition keys over the lanes and always maps a key to the same lane", () => {
      const lanes = Array.from({ length: 100 }, (_, i) => laneOf(`device-${i}`, 4));
      expect(new Set(lanes)).toEqual(new Set([0, 1, 2, 3]));
      expect(Array.from({ length: 100 }, (_, i) => laneOf(`device-${i}`, 4))).toEqual(lanes);
      expect(laneOf("anything", 1)).toBe(0);
    });

    it("refuses a factor outside 1-10 and a factor above 1 with a tumbling window", () => {
      const fn = fakeFunction(() => ok());
      expect(
        () => new ShardConsumer(config({ parallelizationFactor: 11 }), source([]), fn, undefined),
      ).toThrow("parallelizationFactor = 11: an integer from 1 to 10 (concurrent batches per shard)");
      expect(
        () =>
          new ShardConsumer(
            config({ parallelizationFactor: 2, tumblingWindowSeconds: 60 }),
            source([]),
            fn,
            undefined,
          ),
      ).toThrow(/tumbling window: window state is per shard, use 1/);
    });

    it("splits a batch that would exceed Lambda's 6 MB invocation payload", async () => {
      const big = Array.from({ length: 10 }, (_, i) => ({
        sequenceNumber: seq(i),
        partitionKey: "k",
        data: Buffer.alloc(1024 * 1024, i),
        arrivalMs: T0,
      }));
      const fn = fakeFunction(() => ok());
      const p = new ShardPoller(config({ batchSize: 10 }), source(big), fn, undefined, fakeClock());
      await drain(p);
      // 1 MiB of data is ~1.33 MiB of base64: four records per invocation.
      expect(fn.calls.map((c) => c.Records.length)).toEqual([4, 4, 2]);
    });
  });
});
