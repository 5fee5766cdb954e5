import { z } from "zod";
import { DomainConfigSchema } from "../../config/domain";
import { FARGATE_SIZES } from "../../components/api/apiService";
import { dataProductNames } from "../../runtime/schemas";

// --- edge (CloudFront + WAF, components/api/edge.ts) ---
const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/**
 * `api:edge`: CloudFront and an AWS WAF web ACL in front of the API (docs/api.md, "Edge"). Off by
 * default; when on, the load balancer answers 403 to requests that did not come through CloudFront.
 */
export const EdgeConfigSchema = z
  .strictObject({
    /** Put CloudFront + WAF in front of the API. Default false (on in prod). */
    enabled: z.boolean({ error: "true or false" }).default(false),
    /** Viewer DNS names (CNAMEs to the distribution). Required when enabled. */
    aliases: z
      .array(z.string().regex(DNS_NAME, { error: "a lower-case DNS name such as api.example.com" }))
      .default([]),
    /** ACM certificate in us-east-1 covering `aliases`. Required when enabled. */
    certificateArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/\S+$/, {
        error: "an ACM certificate ARN in us-east-1 (CloudFront reads certificates there only)",
      })
      .optional(),
    /**
     * DNS name CloudFront connects to: covered by `api:certificateArn` (the load balancer's
     * certificate) and resolving to the load balancer. Required when enabled.
     */
    originDomainName: z
      .string()
      .regex(DNS_NAME, { error: "a lower-case DNS name such as origin.api.example.com" })
      .optional(),
    /** Seconds a `GET items` answer is cached. Default 5 (1-300). */
    itemsTtlSeconds: z
      .number()
      .int()
      .min(1, { error: "1-300 seconds" })
      .max(300, { error: "1-300 seconds" })
      .default(5),
    /** Requests per client IP per 5 minutes before WAF blocks. Default 2000 (10-2000000000). */
    rateLimitPerFiveMinutes: z
      .number()
      .int()
      .min(10, { error: "10-2000000000 requests" })
      .max(2_000_000_000, { error: "10-2000000000 requests" })
      .default(2000),
    /** CloudFront price class. Default PriceClass_100. */
    priceClass: z
      .enum(["PriceClass_100", "PriceClass_200", "PriceClass_All"], {
        error: "one of PriceClass_100, PriceClass_200, PriceClass_All",
      })
      .default("PriceClass_100"),
  })
  .superRefine((e, ctx) => {
    if (!e.enabled) return;
    if (e.aliases.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["aliases"],
        message: "at least one DNS name when edge.enabled is true",
      });
    for (const key of ["certificateArn", "originDomainName"] as const)
      if (e[key] === undefined)
        ctx.addIssue({ code: "custom", path: [key], message: "required when edge.enabled is true" });
  });
// --- end edge ---

const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;
const url = z.string().regex(/^https:\/\/\S+$/, { error: "an https:// URL" });

/** Configuration of the API project (keys `api:*`). */
export const configSchema = DomainConfigSchema.extend({
  /**
   * Domains the API routes to; each is a domain project whose stack is read. Default: every domain
   * folder under `stacks/` (`stacks/<name>/schema.ts`), so a new domain gets its routes with no
   * change here.
   */
  domains: z
    .array(
      z.enum(dataProductNames() as [string, ...string[]], {
        error: `one of ${dataProductNames().join(", ")}`,
      }),
    )
    .min(1, { error: "at least one domain" })
    .default(() => dataProductNames()),
  /** Full stack names of domain stacks, by domain. Default `<org>/<domain>/<this stack>`. */
  domainStacks: z.record(z.string(), z.string().min(1)).default({}),
  /**
   * CIDRs allowed to reach the load balancer (443; 80 only redirects). Required. With
   * `edge.enabled` only CloudFront's origin-facing prefix list reaches it (443) and these are unused.
   */
  allowedCidrs: z
    .array(z.string().regex(CIDR, { error: "an IPv4 CIDR such as 203.0.113.0/24" }))
    .min(1, { error: "at least one CIDR (0.0.0.0/0 for a public API)" }),
  /** ACM certificate of the HTTPS listener. Required. */
  certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/\S+$/, {
    error: "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)",
  }),
  /** JWT issuer (`iss`), e.g. https://cognito-idp.<region>.amazonaws.com/<user pool id>. Required. */
  authIssuer: url,
  /** JWT audience, or a Cognito app client id. Required. */
  authAudience: z.string().min(1),
  /** JWKS URL of the issuer. Default `<authIssuer>/.well-known/jwks.json`. */
  authJwksUrl: url.optional(),
  /** Container image URI. Default: built from runtime/api/Dockerfile into a new ECR repository. */
  image: z.string().min(1).optional(),
  /** Fargate task vCPU units. Default 512. */
  cpu: z
    .number()
    .int()
    .refine((v) => FARGATE_SIZES[v] !== undefined, {
      error: `one of ${Object.keys(FARGATE_SIZES).join(", ")} (Fargate CPU units)`,
    })
    .default(512),
  /** Task memory in MiB. Default 1024. */
  memoryMb: z.number().int().positive().default(1024),
  /** Autoscaling bounds. Default 2-10 tasks. */
  minTasks: z.number().int().min(1, { error: "at least 1 task" }).default(2),
  maxTasks: z.number().int().min(1).max(1000).default(10),
  /**
   * Serve `GET items` through the platform's Redis cache (read-through); the platform stack must
   * export `cache` (`data-platform:cache.enabled`). Default true.
   */
  cache: z.boolean({ error: "true or false" }).default(true),
  /** Load balancer deletion protection. Default true. */
  deletionProtection: z.boolean().default(true),
  /** CloudFront + WAF in front of the API (`EdgeConfigSchema`). Default off. */
  edge: EdgeConfigSchema.prefault({}),
})
  .refine((c) => c.maxTasks >= c.minTasks, { error: "maxTasks: at least minTasks", path: ["maxTasks"] })
  .refine(
    (c) => {
      const r = FARGATE_SIZES[c.cpu];
      return !r || (c.memoryMb >= r[0] && c.memoryMb <= r[1]);
    },
    { error: "memoryMb: outside the Fargate range for cpu", path: ["memoryMb"] },
  );

export type ApiConfig = z.infer<typeof configSchema>;
