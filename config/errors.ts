/** One rejected configuration value: the full key, what was given and what is allowed. */
export interface ConfigIssue {
  /** Fully qualified key as `pulumi config set` takes it, e.g. `data-platform:network.azCount`. */
  readonly key: string;
  /** The value received, or undefined when the key is missing. */
  readonly value: unknown;
  /** What the key accepts. */
  readonly allowed: string;
}

/** Thrown when a stack's configuration does not satisfy the schema; the message lists every issue. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      `Invalid configuration for ${source}:\n` +
        issues.map((i) => `  - ${i.key} = ${describeValue(i.value)}: ${i.allowed}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export function describeValue(value: unknown): string {
  if (value === undefined) return "(not set)";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A project or stack file (`Pulumi*.yaml`) that cannot be read: the message names the file and line. */
export class ConfigFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ConfigFileError";
  }
}
