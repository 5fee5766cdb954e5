import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Lake Formation permissions a tag-based grant may give, per resource type (never ALL). */
export const LF_GRANTABLE = {
  DATABASE: ["DESCRIBE", "CREATE_TABLE", "ALTER"],
  TABLE: ["SELECT", "DESCRIBE", "INSERT", "DELETE", "ALTER"],
} as const;
export type LfResourceType = keyof typeof LF_GRANTABLE;

export interface LfTagGrantArgs {
  /** IAM role (or user) ARN that receives the permissions. Required. */
  readonly principal: pulumi.Input<string>;
  /** `DATABASE` or `TABLE`: what the tag expression selects. Required. */
  readonly resourceType: LfResourceType;
  /** Tag expression: every key must match one of its values, e.g. `{ zone: ["curated"] }`. Required. */
  readonly expression: Readonly<Record<string, readonly string[]>>;
  /** Permissions to grant, from `LF_GRANTABLE[resourceType]`. Required. */
  readonly permissions: readonly string[];
  /** The LF-tags that exist (key → allowed values), to check the expression against. Default: not checked. */
  readonly knownTags?: Readonly<Record<string, readonly string[]>>;
}

/** Every problem with a tag-based grant, naming the field. */
export function lfTagGrantProblems(args: LfTagGrantArgs): string[] {
  const problems: string[] = [];
  const allowed = LF_GRANTABLE[args.resourceType] as readonly string[] | undefined;
  if (!allowed) {
    problems.push(
      `resourceType = ${JSON.stringify(args.resourceType)}: one of ${Object.keys(LF_GRANTABLE).join(", ")}`,
    );
  } else {
    if (!args.permissions.length) problems.push(`permissions: at least one of ${allowed.join(", ")}`);
    for (const p of args.permissions) {
      if (!allowed.includes(p)) {
        problems.push(
          `permissions contains ${JSON.stringify(p)}: allowed on ${args.resourceType} are ${allowed.join(", ")}`,
        );
      }
    }
  }
  const keys = Object.keys(args.expression);
  if (!keys.length) problems.push("expression: at least one tag key");
  for (const key of keys) {
    const values = args.expression[key];
    if (!values.length) problems.push(`expression.${key}: at least one value`);
    const known = args.knownTags?.[key];
    if (args.knownTags && !known) {
      problems.push(
        `expression.${key}: no LF-tag "${key}" (known: ${Object.keys(args.knownTags).join(", ")})`,
      );
    } else if (known) {
      for (const v of values) {
        if (!known.includes(v))
          problems.push(`expression.${key} contains "${v}": one of ${known.join(", ")}`);
      }
    }
  }
  return problems;
}

/**
 * A Lake Formation grant by LF-tag expression: the principal gets the permissions on every database
 * or table whose tags match, including ones created later.
 *
 * @example
 * new LfTagGrant("analysts-curated", { principal: analysts.arn, resourceType: "TABLE",
 *   expression: { zone: ["curated"], classification: ["internal"] }, permissions: ["SELECT", "DESCRIBE"] });
 */
export class LfTagGrant extends pulumi.ComponentResource {
  public readonly permissions: aws.lakeformation.Permissions;

  constructor(name: string, args: LfTagGrantArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:lake:LfTagGrant", name, {}, opts);
    const problems = lfTagGrantProblems(args);
    if (problems.length) {
      throw new pulumi.ResourceError(
        `LfTagGrant ${name}: invalid arguments:\n  - ${problems.join("\n  - ")}`,
        this,
      );
    }
    this.permissions = new aws.lakeformation.Permissions(
      `${name}-permissions`,
      {
        principal: args.principal,
        permissions: [...args.permissions],
        lfTagPolicy: {
          resourceType: args.resourceType,
          expressions: Object.entries(args.expression).map(([key, values]) => ({ key, values: [...values] })),
        },
      },
      // The LF-tags are created elsewhere (LakeCatalog): wait for what the component was told to wait for.
      { parent: this, dependsOn: opts.dependsOn },
    );
    this.registerOutputs({});
  }
}
