import sjson from "secure-json-parse";

/** A request body (or NDJSON line) that cannot be taken: `message` says what is wrong with it. */
export class BodyError extends Error {
  /** Fastify answers errors thrown by body parsers with this status. */
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = "BodyError";
  }
}

const BOM = 0xfeff;

/** Drops one leading UTF-8 byte order mark (U+FEFF), which some Windows tools write. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === BOM ? text.slice(1) : text;
}

/**
 * Parses JSON text the same way for a JSON body and for each NDJSON line: a leading byte order
 * mark is ignored, and an object with a `__proto__` key or a `constructor.prototype` (valid JSON,
 * but a prototype-pollution vector) is refused with a message that says so, instead of being
 * called malformed.
 *
 * @example
 * parseJsonText('{"orderId":"o-1"}'); // { orderId: "o-1" }
 * parseJsonText('{"__proto__":{}}'); // throws BodyError: ... "__proto__" key ...
 */
export function parseJsonText(text: string): unknown {
  const body = stripBom(text);
  try {
    return sjson.parse(body, undefined, { protoAction: "error", constructorAction: "error" });
  } catch (err) {
    try {
      JSON.parse(body);
    } catch (syntax) {
      throw new BodyError(`not valid JSON: ${(syntax as Error).message}`);
    }
    // Valid JSON that secure-json-parse refused: a `__proto__` key or a `constructor.prototype`.
    void err;
    const what = /"__proto__"\s*:/.test(body)
      ? 'a "__proto__" key'
      : /"constructor"\s*:/.test(body)
        ? 'a "constructor" key holding a "prototype"'
        : 'a "__proto__" key or a "constructor.prototype" (written with escapes)';
    throw new BodyError(
      `valid JSON, but an object has ${what}, which the API refuses (prototype pollution guard); rename or remove that key`,
    );
  }
}
