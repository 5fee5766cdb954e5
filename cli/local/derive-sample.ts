import RandExp from "randexp";
import { z } from "zod";

/*
 * A sample generator derived from a data product's zod schema, for domains that ship no
 * hand-written `sample.ts`. It walks the schema's JSON Schema (`z.toJSONSchema`, the form zod
 * documents for tools) and draws every value from the caller's seeded PRNG, so a seed gives the
 * same records. Constraints it honours: types, required/optional properties, enums and constants,
 * string lengths, `pattern` (through randexp), the formats zod emits (date-time, date, time,
 * email, uuid, uri, ipv4, ipv6), number bounds and `multipleOf`, array lengths, records and unions.
 * Refinements and transforms have no JSON Schema form: `validSamples` checks each record against the
 * real schema and says when a domain needs its own generator.
 */

/** A JSON Schema node as `z.toJSONSchema` writes it (the subset walked here). */
interface Node {
  type?: string | string[];
  properties?: Record<string, Node>;
  required?: string[];
  additionalProperties?: Node | boolean;
  propertyNames?: Node;
  items?: Node | Node[];
  prefixItems?: Node[];
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Node[];
  oneOf?: Node[];
  allOf?: Node[];
  $ref?: string;
  $defs?: Record<string, Node>;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  default?: unknown;
}

/** Draws one record: `i` is the record's index (it makes ids distinct), `random` the seeded PRNG. */
export type SampleGenerator = (i: number, random: () => number) => unknown;

const DEPTH_LIMIT = 8;

/**
 * A generator for records of `schema`. Identifiers and other free strings embed the record index,
 * so records are distinct (a `latest` product keeps one item per key); event times fall in the last
 * minute, so lake partitions and windows are current.
 *
 * @example
 * const gen = deriveGenerator(buildDataProduct("payments").schema);
 * gen(0, seededRandom(1)); // { paymentId: "a0-k3l9", amount: 412.5, occurredAt: "2026-…Z", … }
 */
export function deriveGenerator(schema: z.ZodType): SampleGenerator {
  const root = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Node;
  return (i, random) => new Drawer(root, i, random).value(root, "value", 0);
}

class Drawer {
  private readonly root: Node;
  private readonly i: number;
  private readonly random: () => number;

  constructor(root: Node, i: number, random: () => number) {
    this.root = root;
    this.i = i;
    this.random = random;
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)];
  }

  private resolve(node: Node): Node {
    if (!node.$ref) return node;
    const m = /^#\/\$defs\/(.+)$/.exec(node.$ref);
    const target = m ? this.root.$defs?.[m[1]] : node.$ref === "#" ? this.root : undefined;
    if (!target) throw new Error(`sample generator: unsupported $ref ${node.$ref}`);
    return target;
  }

  value(raw: Node, key: string, depth: number): unknown {
    const node = this.resolve(raw);
    if (node.const !== undefined) return node.const;
    if (node.enum) return this.pick(node.enum);
    const branches = node.anyOf ?? node.oneOf;
    if (branches) {
      // Past the depth limit prefer a branch that ends the recursion (null, a scalar).
      const shallow = branches.filter(
        (b) => this.resolve(b).type !== "object" && this.resolve(b).type !== "array",
      );
      return this.value(
        depth >= DEPTH_LIMIT && shallow.length ? shallow[0] : this.pick(branches),
        key,
        depth + 1,
      );
    }
    if (node.allOf?.length)
      return this.value(Object.assign({}, ...node.allOf.map((n) => this.resolve(n))), key, depth);
    const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
    // Nullable fields are mostly filled: a sample should exercise the data, not the nulls.
    const type =
      types.length > 1 ? (this.random() < 0.8 ? types.find((t) => t !== "null") : "null") : types[0];
    switch (type) {
      case "object":
        return this.object(node, depth);
      case "array":
        return this.array(node, key, depth);
      case "string":
        return this.string(node, key);
      case "integer":
      case "number":
        return this.number(node, type === "integer");
      case "boolean":
        return this.random() < 0.5;
      case "null":
        return null;
      default:
        // `{}` (anything): a string is the most common JSON value; the schema check says if not.
        return node.default !== undefined ? node.default : this.string({}, key);
    }
  }

  private object(node: Node, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const required = new Set(node.required ?? []);
    for (const [k, child] of Object.entries(node.properties ?? {})) {
      // Optional properties appear in about two records of three, never past the depth limit.
      if (required.has(k) || (depth < DEPTH_LIMIT && this.random() < 0.67)) {
        out[k] = this.value(child, k, depth + 1);
      }
    }
    if (node.additionalProperties && typeof node.additionalProperties === "object" && depth < DEPTH_LIMIT) {
      const n = this.int(0, 2);
      for (let j = 0; j < n; j++) {
        const k = node.propertyNames ? String(this.string(node.propertyNames, "key")) : `attr${j}`;
        out[k] = this.value(node.additionalProperties, k, depth + 1);
      }
    }
    return out;
  }

  private array(node: Node, key: string, depth: number): unknown[] {
    const prefix = node.prefixItems ?? (Array.isArray(node.items) ? node.items : []);
    const min = Math.max(node.minItems ?? 0, prefix.length);
    const max = Math.max(min, Math.min(node.maxItems ?? min + 3, min + 3));
    const n = depth >= DEPTH_LIMIT ? min : this.int(min, max);
    const item = Array.isArray(node.items) ? undefined : node.items;
    return Array.from({ length: n }, (_, j) =>
      j < prefix.length ? this.value(prefix[j], key, depth + 1) : this.value(item ?? {}, key, depth + 1),
    );
  }

  private string(node: Node, key: string): string {
    const min = node.minLength ?? 0;
    const max = node.maxLength ?? Math.max(min, 64);
    const formatted = this.format(node.format);
    if (formatted !== undefined) return formatted;
    if (node.pattern) return this.fromPattern(node.pattern, min, max);
    // A readable, distinct value: the field name, the record index and a random tail.
    const tail = Math.floor(this.random() * 36 ** 6)
      .toString(36)
      .padStart(6, "0");
    let s = `${key.replace(/[^A-Za-z0-9]/g, "").slice(0, 12) || "v"}-${this.i.toString(36)}-${tail}`;
    if (s.length > max) s = `${this.i.toString(36)}${tail}`.slice(-max);
    while (s.length < min) s += tail;
    return s.slice(0, Math.max(min, Math.min(max, s.length)));
  }

  private format(format: string | undefined): string | undefined {
    const now = Date.now();
    switch (format) {
      case "date-time":
        // Within the last minute, one millisecond apart per record: current partitions and windows.
        return new Date(now - 60_000 + this.i).toISOString();
      case "date":
        return new Date(now).toISOString().slice(0, 10);
      case "time":
        return new Date(now - this.int(0, 3_600_000)).toISOString().slice(11, 23);
      case "email":
        return `user${this.i}.${this.int(0, 9999)}@example.com`;
      case "uuid": {
        const hex = () => this.int(0, 15).toString(16);
        const h = (n: number) => Array.from({ length: n }, hex).join("");
        return `${h(8)}-${h(4)}-4${h(3)}-${this.pick(["8", "9", "a", "b"])}${h(3)}-${h(12)}`;
      }
      case "uri":
      case "url":
        return `https://example.com/${this.i}/${this.int(0, 9999)}`;
      case "ipv4":
        return `10.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(1, 254)}`;
      case "ipv6":
        return `fd00::${this.int(1, 0xffff).toString(16)}`;
      default:
        return undefined;
    }
  }

  private fromPattern(pattern: string, min: number, max: number): string {
    const gen = new RandExp(pattern);
    gen.randInt = (a: number, b: number) => this.int(a, b);
    gen.max = Math.min(max, 16); // how far `*` and `+` repeat
    let s = gen.gen();
    for (let attempt = 0; attempt < 20 && (s.length < min || s.length > max); attempt++) s = gen.gen();
    return s;
  }

  private number(node: Node, integer: boolean): number {
    const lo = node.minimum ?? node.exclusiveMinimum ?? 0;
    const hi = Math.max(lo, node.maximum ?? node.exclusiveMaximum ?? Math.max(lo, 0) + 1000);
    // Values are multiples of a step (integers: 1; else cents unless the schema says otherwise).
    const step = node.multipleOf ?? (integer ? 1 : 0.01);
    const first = Math.ceil(lo / step);
    const last = Math.floor(hi / step);
    let k = last >= first ? this.int(first, last) : first;
    if (node.exclusiveMinimum !== undefined && k * step <= node.exclusiveMinimum && k + 1 <= last) k += 1;
    if (node.exclusiveMaximum !== undefined && k * step >= node.exclusiveMaximum && k - 1 >= first) k -= 1;
    // Round away binary noise of the step (0.01 * 4133 = 41.330000000000005).
    const decimals = Math.min(10, Math.max(0, -Math.floor(Math.log10(step))));
    return Number((k * step).toFixed(decimals));
  }
}
