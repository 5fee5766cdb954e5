/** Base class of every error the streaming runtime raises on purpose. */
export class RuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A required environment variable is missing or malformed; names the variable and what it accepts. */
export class RuntimeConfigError extends RuntimeError {
  constructor(
    readonly variable: string,
    readonly value: string | undefined,
    readonly allowed: string,
  ) {
    super(
      `environment variable ${variable} = ${value === undefined ? "(not set)" : JSON.stringify(value)}: ${allowed}`,
    );
  }
}

/** A data product name that is not in the schema registry. */
export class UnknownDataProductError extends RuntimeError {
  constructor(
    readonly dataProduct: string,
    readonly known: readonly string[],
  ) {
    super(`unknown data product "${dataProduct}"; known: ${known.join(", ")}`);
  }
}

/** A KPL aggregated record whose protobuf body cannot be decoded (the checksum matched). */
export class KplDecodeError extends RuntimeError {}

/**
 * Tumbling-window state would exceed Lambda's 1 MB per-shard limit. Thrown before the limit is
 * reached so the invocation fails visibly instead of Lambda dropping the window.
 */
export class WindowStateTooLargeError extends RuntimeError {
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `tumbling-window state is ${bytes} bytes, over the ${limit}-byte safety limit (Lambda refuses 1 MB): ` +
        "reduce the window length or the number of distinct aggregate keys",
    );
  }
}

/** The final window could not be written; thrown so Lambda retries the invoke with the prior state. */
export class WindowFlushError extends RuntimeError {}
