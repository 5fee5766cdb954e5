import { z } from "zod";
import { deepMerge, parseConfig } from "../../config/load";
import { ENVIRONMENTS, type Environment } from "../../config/schema";
import { WEIGHT_TOTAL } from "./inferenceEndpoint";

/** Instance types the endpoint and jobs may use (ml.* families whose volumes accept a KMS key). */
const INSTANCE_TYPE = z.string().regex(/^ml\.(m5|m6i|m7i|c5|c6i|c7i|r5|r6i)\.(large|[0-9]*xlarge)$/, {
  error: "an ml.<m5|m6i|m7i|c5|c6i|c7i|r5|r6i>.<size> instance type (EBS volumes, which take the ML key)",
});

const VariantSchema = z.strictObject({
  /** Variant name, sent back by the endpoint (`X-Model-Variant`). */
  name: z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, { error: "letters, digits and hyphens" }),
  /** Percent of traffic; all weights sum to 100. */
  weight: z.number().min(0).max(100, { error: "a percentage from 0 to 100" }),
  /**
   * Approved version of the model package group this variant serves. Unset until an approved
   * version exists (a fresh account has none: the first training run registers version 1, an
   * approver approves it, then this is set). A variant without a version is not deployed; the
   * endpoint exists once at least one variant has one (docs/ml.md, "First run").
   */
  modelVersion: z.number().int().positive({ error: "a model package version (1, 2, ...)" }).optional(),
  instanceType: INSTANCE_TYPE.default("ml.m5.large"),
  minInstances: z.number().int().min(1).max(100),
  maxInstances: z.number().int().min(1).max(100),
});

/**
 * A domain's ML settings (`<domain>:ml`): the A/B variants of the endpoint, data capture, autoscaling,
 * training and the Studio switch. Every key is optional in the stack config; the environment's
 * defaults (`ML_DEFAULTS`) fill the rest.
 */
export function mlSettingsSchema(env: Environment) {
  const minPerVariant = env === "prod" ? 2 : 1;
  return z
    .strictObject({
      /** Deploy the ML layer (feature store, training, registry, endpoint). Off on `local` (no emulator). */
      enabled: z.boolean(),
      /** Production variants of the endpoint (the A/B split). */
      variants: z.array(VariantSchema).min(1).max(10, { error: "1 to 10 production variants" }),
      /** Percent of requests and responses captured into the lake (0 switches capture off). */
      dataCapturePercent: z.number().int().min(0).max(100, { error: "an integer percentage from 0 to 100" }),
      /** Autoscaling target: invocations per instance per minute. */
      invocationsPerInstance: z.number().int().min(1).max(100_000),
      /** Register a trained model only when its test AUC is at least this. */
      minAuc: z.number().min(0.5).max(1, { error: "an AUC from 0.5 (chance) to 1" }),
      /** EventBridge schedule of the training pipeline. */
      trainingSchedule: z
        .string()
        .regex(/^(cron|rate)\(.+\)$/, { error: "an EventBridge cron(...) or rate(...)" }),
      trainingInstanceType: INSTANCE_TYPE,
      /** Average model latency that raises the alarm, ms. */
      latencyAlarmMs: z.number().int().min(1).max(60_000),
      /** SageMaker Studio domain (VPC-only) for the domain's data scientists. */
      studio: z.boolean(),
      /**
       * Batch inference over the curated zone (components/ml/batchTransform.ts). `modelVersion`
       * names an approved version, like a variant's; unset (a fresh account), the pipeline exists
       * without a default model and without a schedule.
       */
      batchTransform: z.strictObject({
        enabled: z.boolean(),
        modelVersion: z.number().int().positive({ error: "a model package version (1, 2, ...)" }).optional(),
        schedule: z.string().regex(/^(cron|rate)\(.+\)$/, { error: "an EventBridge cron(...) or rate(...)" }),
        instanceType: INSTANCE_TYPE,
        instanceCount: z.number().int().min(1).max(20, { error: "1 to 20 transform instances" }),
      }),
      /** Roles allowed to approve model versions in the registry (besides Studio's role when on). */
      approverArns: z.array(
        z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { error: "an IAM role ARN" }),
      ),
    })
    .superRefine((s, ctx) => {
      const total = s.variants.reduce((n, v) => n + v.weight, 0);
      if (Math.abs(total - WEIGHT_TOTAL) > 1e-9) {
        ctx.addIssue({
          code: "custom",
          path: ["variants"],
          message: `weights sum to ${total}: they must sum to ${WEIGHT_TOTAL} (percent of traffic per variant)`,
        });
      }
      const names = s.variants.map((v) => v.name);
      if (new Set(names).size !== names.length) {
        ctx.addIssue({ code: "custom", path: ["variants"], message: "variant names must be unique" });
      }
      const seen = new Map<number, string>();
      s.variants.forEach((v, i) => {
        if (v.modelVersion === undefined) return;
        const other = seen.get(v.modelVersion);
        if (other !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["variants", i, "modelVersion"],
            message: `a version other than variant "${other}"'s (${v.modelVersion}): an A/B test compares two versions; leave it unset to serve one variant until a second version is approved`,
          });
        }
        seen.set(v.modelVersion, v.name);
      });
      s.variants.forEach((v, i) => {
        if (v.minInstances < minPerVariant) {
          ctx.addIssue({
            code: "custom",
            path: ["variants", i, "minInstances"],
            message: `at least ${minPerVariant} instances per variant in ${env} (one per availability zone)`,
          });
        }
        if (v.maxInstances < v.minInstances) {
          ctx.addIssue({
            code: "custom",
            path: ["variants", i, "maxInstances"],
            message: `at least minInstances (${v.minInstances})`,
          });
        }
      });
    });
}

export type MlSettings = z.infer<ReturnType<typeof mlSettingsSchema>>;

/** What a stack may set under `<domain>:ml` (anything; validated after the defaults are merged). */
export const MlDomainConfigSchema = z.record(z.string(), z.unknown());

/** Default variants name no model version: nothing is approved in a fresh account. */
const variant = (name: string, weight: number, minInstances: number, maxInstances: number) => ({
  name,
  weight,
  instanceType: "ml.m5.large",
  minInstances,
  maxInstances,
});

/** ML defaults per environment: a 90/10 champion/challenger split; two instances per variant in prod. */
export const ML_DEFAULTS: Record<Environment, MlSettings> = {
  local: {
    enabled: false,
    variants: [variant("champion", 90, 1, 1), variant("challenger", 10, 1, 1)],
    dataCapturePercent: 100,
    invocationsPerInstance: 1000,
    minAuc: 0.75,
    trainingSchedule: "cron(0 3 * * ? *)",
    trainingInstanceType: "ml.m5.large",
    latencyAlarmMs: 500,
    studio: false,
    batchTransform: {
      enabled: false,
      schedule: "cron(0 5 * * ? *)",
      instanceType: "ml.m5.large",
      instanceCount: 1,
    },
    approverArns: [],
  },
  dev: {
    enabled: true,
    variants: [variant("champion", 90, 1, 2), variant("challenger", 10, 1, 2)],
    dataCapturePercent: 100,
    invocationsPerInstance: 1000,
    minAuc: 0.75,
    trainingSchedule: "cron(0 3 ? * MON *)",
    trainingInstanceType: "ml.m5.large",
    latencyAlarmMs: 500,
    studio: true,
    batchTransform: {
      enabled: true,
      schedule: "cron(0 5 ? * MON *)",
      instanceType: "ml.m5.large",
      instanceCount: 1,
    },
    approverArns: [],
  },
  prod: {
    enabled: true,
    variants: [variant("champion", 90, 2, 8), variant("challenger", 10, 2, 4)],
    dataCapturePercent: 20,
    invocationsPerInstance: 1000,
    minAuc: 0.75,
    trainingSchedule: "cron(0 3 * * ? *)",
    trainingInstanceType: "ml.m5.xlarge",
    latencyAlarmMs: 200,
    studio: false,
    batchTransform: {
      enabled: true,
      schedule: "cron(0 5 * * ? *)",
      instanceType: "ml.m5.xlarge",
      instanceCount: 2,
    },
    approverArns: [],
  },
};

/** A variant that serves an approved version, with its share of traffic among the served ones. */
export type ServedVariant = MlSettings["variants"][number] & { readonly modelVersion: number };

/**
 * The variants the endpoint serves: those naming an approved model version, their weights scaled so
 * they still sum to 100 (one variant until a second version is approved takes all traffic). Empty
 * when no variant names a version: then no endpoint is created (a fresh account).
 *
 * @example
 * servedVariants([{ name: "champion", weight: 90, modelVersion: 1, ... }, { name: "challenger", weight: 10, ... }]);
 * // [{ name: "champion", weight: 100, modelVersion: 1, ... }]
 */
export function servedVariants(variants: MlSettings["variants"]): ServedVariant[] {
  const served = variants.filter((v): v is ServedVariant => v.modelVersion !== undefined);
  const total = served.reduce((n, v) => n + v.weight, 0);
  if (served.length === 0) return [];
  if (total === 0) return served.map((v) => ({ ...v, weight: WEIGHT_TOTAL / served.length }));
  return served.map((v) => ({ ...v, weight: (v.weight * WEIGHT_TOTAL) / total }));
}

/**
 * The ML settings of a domain stack: the defaults of its environment (the platform's, read from the
 * platform stack) merged with the stack's
 * `<domain>:ml` config, validated (weights summing to 100, prod instance counts) with errors that
 * name the key, e.g. `clickstream:ml.variants = [...]: weights sum to 90: they must sum to 100`.
 *
 * @example
 * mlSettings("clickstream", "prod", { variants: [...] }).dataCapturePercent; // 20
 */
export function mlSettings(
  domain: string,
  environment: string,
  overrides: Record<string, unknown> = {},
): MlSettings {
  if (!(ENVIRONMENTS as readonly string[]).includes(environment)) {
    throw new Error(`environment "${environment}" is not one of ${ENVIRONMENTS.join(", ")}`);
  }
  const env = environment as Environment;
  const merged = deepMerge({ ...ML_DEFAULTS[env] }, overrides);
  return parseConfig(
    z.object({ ml: mlSettingsSchema(env) }),
    { ml: merged },
    domain,
    `the ${env} environment of project "${domain}"`,
  ).ml;
}
