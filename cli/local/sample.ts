import { LIMITS } from "../../config/limits";
import { buildDataProduct, dataProductNames, discoverDomains } from "../../runtime/schemas";
import { seededRandom } from "../../runtime/testing/events";
import { deriveGenerator, type SampleGenerator } from "./derive-sample";
import { knownDomain } from "../args";
import { UsageError } from "./errors";

/*
 * Sample records per data product, one per domain folder under `stacks/`: valid ones from the
 * domain's own generator (`stacks/<domain>/sample.ts`, exporting `sample(i, random)`) or, without
 * one, a generator derived from its zod schema (`derive-sample.ts`); varied by a seeded PRNG (the
 * same seed gives the same records); and a few malformed ones the platform must dead-letter or
 * refuse. Nothing here evaluates a plan: the domains are found on disk.
 */

/** What a domain's `sample.ts` exports. */
interface SampleModule {
  readonly sample?: unknown;
}

/** The generator of `product`: the domain's own, or one derived from its schema. */
export function sampleGenerator(product: string): SampleGenerator {
  const domain = discoverDomains().find((d) => d.name === product);
  if (domain?.sampleFile) {
    const mod = require(domain.sampleFile) as SampleModule;
    if (typeof mod.sample !== "function")
      throw new Error(`${domain.sampleFile}: exports no function sample(i: number, random: () => number)`);
    return mod.sample as SampleGenerator;
  }
  return deriveGenerator(buildDataProduct(product).schema);
}

/**
 * The data product `npm run sample -- --domain <d> [--product <p>]` draws from: a domain folder
 * declares one product, named after it. An unknown name is a usage error (exit 2) listing the
 * domains.
 */
export function sampleProduct(domain: string | undefined, product?: string): string {
  const known = dataProductNames();
  if (!domain) throw new UsageError(`--domain <name> is required: one of ${known.join(", ")}`);
  knownDomain("domain", domain, known);
  if (product !== undefined && product !== domain)
    throw new UsageError(`--product ${product}: ${domain} has one data product, ${domain}`);
  return domain;
}

/**
 * `count` valid records of `product`, deterministic for a seed (event times are relative to now so
 * the lake partitions and windows are current). Each one is checked against the product's schema.
 */
export function validSamples(product: string, count: number, seed = 1): string[] {
  const schema = buildDataProduct(product).schema;
  const gen = sampleGenerator(product);
  const random = seededRandom(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const value = gen(i, random);
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = discoverDomains().find((d) => d.name === product)?.sampleFile
        ? `fix stacks/${product}/sample.ts`
        : `the schema has a rule its JSON Schema cannot express: add stacks/${product}/sample.ts exporting sample(i, random)`;
      throw new Error(
        `sample generator of "${product}" produced an invalid record (${issue?.path.join(".") || "record"}: ${issue?.message}); ${where}`,
      );
    }
    out.push(JSON.stringify(value));
  }
  return out;
}

/** A malformed record and what the platform should do with it. */
export interface MalformedSample {
  readonly data: Buffer;
  readonly kind: "not-json" | "binary" | "schema-violation" | "oversized";
}

/**
 * Malformed records: text that is not JSON, binary garbage, JSON that violates the schema (a valid
 * record with a required field removed), and one record over the 1 MiB Kinesis limit (the producer
 * must refuse it).
 */
export function malformedSamples(product: string, seed = 1): MalformedSample[] {
  const random = seededRandom(seed + 7);
  const valid = JSON.parse(validSamples(product, 1, seed)[0]) as Record<string, unknown>;
  const firstKey = Object.keys(valid)[0];
  const { [firstKey]: _dropped, ...violating } = valid;
  const garbage = Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256)));
  garbage[0] = 0xff; // never valid UTF-8 JSON
  return [
    { kind: "not-json", data: Buffer.from(`{"${firstKey}": unterminated`) },
    { kind: "binary", data: garbage },
    { kind: "schema-violation", data: Buffer.from(JSON.stringify(violating)) },
    { kind: "oversized", data: Buffer.alloc(LIMITS.kinesisMaxRecordBytes + 1, "x") },
  ];
}
