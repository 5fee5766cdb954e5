/** Log levels, lowest first. */
export const LOG_LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LOG_LEVELS;

/** A structured JSON logger: one JSON object per line. */
export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

/**
 * A logger that writes one JSON line per entry with `level`, `message`, `timestamp` and the
 * fields given at creation (data product, function, request id) plus the entry's own fields.
 * Writes with `process.stdout.write` by default, not `console.log`: Lambda's text log format
 * prefixes `console.log` lines, which stops CloudWatch from parsing JSON and embedded metrics.
 *
 * @example
 * const logger = jsonLogger({ base: { dataProduct: "orders" }, level: "info" });
 * logger.log("warn", "Firehose refused records, retrying", { failedPutCount: 3 });
 */
export function jsonLogger(options: {
  base?: Record<string, unknown>;
  level?: LogLevel;
  write?: (line: string) => void;
  now?: () => number;
}): Logger {
  const min = LOG_LEVELS[options.level ?? "info"];
  const write = options.write ?? ((line: string) => void process.stdout.write(line + "\n"));
  const now = options.now ?? Date.now;
  const base = options.base ?? {};
  return {
    log(level, message, fields) {
      if (LOG_LEVELS[level] < min) return;
      write(JSON.stringify({ level, message, timestamp: new Date(now()).toISOString(), ...base, ...fields }));
    },
  };
}
