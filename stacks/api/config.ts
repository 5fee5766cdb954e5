import { z } from "zod";
import { DomainConfigSchema } from "../../config/domain";
import { FARGATE_SIZES } from "../../components/api/apiService";
import { dataProductNames } from "../../runtime/schemas";

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
  /** CIDRs allowed to reach the load balancer (443; 80 only redirects). Required. */
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
