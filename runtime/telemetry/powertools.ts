import { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";
import { Tracer } from "@aws-lambda-powertools/tracer";
import type { InvocationContext } from "../types";
import type { Logger, LogLevel } from "./log";

/** Telemetry of a deployed function: Powertools Logger and Tracer, and where EMF lines go. */
export interface LambdaTelemetry {
  /** The runtime's `Logger`, writing through Powertools Logger (JSON, one object per line). */
  readonly logger: Logger;
  /** Powertools Tracer: `tracer.captureAWSv3Client(client)` adds X-Ray subsegments per SDK call. */
  readonly tracer: Tracer;
  /** Adds the invocation's request id and cold start to every log line of the invocation. */
  addContext(context: InvocationContext): void;
  /** Writes one Embedded Metric Format line to stdout (not `console.log`, which Lambda prefixes). */
  writeMetrics(line: string): void;
}

const POWERTOOLS_LEVELS = { debug: "DEBUG", info: "INFO", warn: "WARN", error: "ERROR" } as const;

/**
 * Builds the telemetry of one Lambda container with Powertools for AWS Lambda: `serviceName` is
 * the `service` key of every log line and the X-Ray service; `base` is added to every line. Tracing
 * follows Powertools' rules (on in Lambda with active tracing, off elsewhere unless
 * `POWERTOOLS_TRACE_ENABLED` says otherwise). Call once per container, in the factory.
 *
 * @example
 * const t = lambdaTelemetry({ serviceName: "orders-processor", level: "info", base: { dataProduct: "orders" } });
 * const dynamodb = t.tracer.captureAWSv3Client(new DynamoDBClient({}));
 */
export function lambdaTelemetry(options: {
  serviceName: string;
  level: LogLevel;
  base?: Record<string, string>;
}): LambdaTelemetry {
  const logger = new PowertoolsLogger({
    serviceName: options.serviceName,
    logLevel: POWERTOOLS_LEVELS[options.level],
    ...(options.base ? { persistentKeys: options.base } : {}),
  });
  const tracer = new Tracer({ serviceName: options.serviceName });
  return {
    logger: { log: (level, message, fields) => logger[level](message, fields ?? {}) },
    tracer,
    addContext: (context) => logger.addContext(context as Parameters<PowertoolsLogger["addContext"]>[0]),
    writeMetrics: (line) => void process.stdout.write(`${line}\n`),
  };
}
