/** Time budget of one invocation: work stops `safetyMarginMs` before Lambda's timeout. */
export interface Budget {
  /** Milliseconds left before the safety margin is reached (negative when past it). */
  remainingMs(): number;
  /** Aborts when the safety margin is reached; passed to every SDK call (`send(command, { abortSignal })`). */
  readonly signal?: AbortSignal;
}

/**
 * A signal that aborts after `ms` (at least 1), and `clear` to drop its timer once the invocation
 * is done. Not `AbortSignal.timeout`: its timer lives until it fires (a minute with 100 batches a
 * second keeps thousands pending), and it measured ~4x the cost per batch.
 */
export function deadlineSignal(ms: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException("invocation deadline", "TimeoutError")),
    Math.max(1, Math.floor(ms)),
  );
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** Randomness and sleeping, injectable so tests run fast and deterministic. */
export interface Timing {
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** Real timers and Math.random. */
export function systemTiming(): Timing {
  return { random: Math.random, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
}

/** Retry policy: full-jitter exponential backoff bounded by the budget. */
export interface RetryPolicy {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * The delay before retry `attempt` (1-based): uniform in [0, min(max, base * 2^(attempt-1))],
 * or undefined when sleeping that long would cross the budget (the caller then gives up and
 * reports what is left as failed).
 */
export function nextDelay(
  attempt: number,
  policy: RetryPolicy,
  budget: Budget,
  timing: Timing,
): number | undefined {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const delay = Math.floor(timing.random() * cap);
  return budget.remainingMs() - delay > 0 ? delay : undefined;
}

/**
 * AWS error names (or codes) worth retrying: throttling, capacity, transient service faults. A plain
 * object, not a Set: inline closures copy a captured Set as a plain object.
 */
const RETRYABLE: Readonly<Record<string, true>> = Object.fromEntries(
  [
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "Throttling",
    "RequestLimitExceeded",
    "ServiceUnavailableException",
    "ServiceUnavailable",
    "InternalServerError",
    "InternalFailure",
    "InternalError",
    "SlowDown",
    "TimeoutError",
    "RequestTimeout",
    "RequestTimeoutException",
    "TransactionConflictException",
    "ECONNRESET",
    "ECONNREFUSED",
    "ETIMEDOUT",
    "EPIPE",
  ].map((name) => [name, true]),
);

/** True when an SDK error is transient (throttling, 5xx, network) rather than a bad request. */
export function isRetryable(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as {
    name?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  if (e.$retryable) return true;
  if ((e.name && RETRYABLE[e.name]) || (e.code && RETRYABLE[e.code])) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && (status >= 500 || status === 429);
}

/** Runs `fn` over `items` with at most `limit` in flight, preserving result order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
