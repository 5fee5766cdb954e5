import { allOf, batchPlan } from "../../harness/fixtures/batch/plan";
import {
  LOG_DELIVERY_ACTIONS,
  REDSHIFT_DATA_DESCRIBE_ACTIONS,
  XRAY_ACTIONS,
  AIRFLOW_ACCOUNT_ACTIONS,
  LAKE_FORMATION_DATA_ACCESS_ACTIONS,
} from "../orchestration/perms";
import { overBroadStatements, type PolicyDocument } from "./iam";
import { physicalName } from "./names";

/** Actions IAM cannot scope to a resource; the only ones allowed on `*` (each justified in perms.ts). */
const UNSCOPABLE = new Set<string>([
  ...LOG_DELIVERY_ACTIONS,
  ...XRAY_ACTIONS,
  ...REDSHIFT_DATA_DESCRIBE_ACTIONS,
  ...AIRFLOW_ACCOUNT_ACTIONS,
  ...LAKE_FORMATION_DATA_ACCESS_ACTIONS,
]);

describe("overBroadStatements", () => {
  it("finds service wildcards and wildcards on *, and ignores Deny statements", () => {
    const doc: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        { Sid: "A", Effect: "Allow", Action: ["s3:*"], Resource: "arn:aws:s3:::b" },
        { Sid: "B", Effect: "Allow", Action: ["kms:GenerateDataKey*"], Resource: "*" },
        { Sid: "C", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" },
        { Sid: "D", Effect: "Deny", Action: ["s3:*"], Resource: "*" },
      ],
    };
    expect(overBroadStatements(doc).map((s) => s.Sid)).toEqual(["A", "B"]);
  });
});

describe("physical names", () => {
  it("differ between stacks, projects and components, and respect the length limit", () => {
    const a = physicalName(["data-platform", "dev", "warehouse"], { maxLength: 63 });
    expect(a).toMatch(/^data-platform-dev-warehouse-[0-9a-f]{6}$/);
    expect(physicalName(["data-platform", "prod", "warehouse"], { maxLength: 63 })).not.toBe(a);
    expect(physicalName(["orders", "dev", "warehouse"], { maxLength: 63 })).not.toBe(a);
    const long = physicalName(["a".repeat(80), "dev", "x"], { maxLength: 63 });
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).not.toMatch(/--/);
    expect(physicalName(["9lives", "dev", "x"], { maxLength: 63 })).toMatch(/^[a-z]/);
  });
});

describe.each(["dev", "prod"] as const)("every role of the %s-like fixture", (stack) => {
  it("has no wildcard action, and only unscopable actions on *", async () => {
    const p = await batchPlan(stack);
    const policies = allOf(p, "aws:iam/rolePolicy:RolePolicy");
    expect(policies.length).toBeGreaterThanOrEqual(stack === "prod" ? 6 : 4);
    for (const rp of policies) {
      const doc = JSON.parse(String(rp.inputs.policy)) as PolicyDocument;
      expect({ urn: rp.urn, overBroad: overBroadStatements(doc) }).toEqual({ urn: rp.urn, overBroad: [] });
      for (const s of doc.Statement) {
        const resources = typeof s.Resource === "string" ? [s.Resource] : s.Resource;
        if (!resources.includes("*")) continue;
        for (const a of s.Action)
          expect({ urn: rp.urn, action: a, unscopable: UNSCOPABLE.has(a) }).toMatchObject({
            unscopable: true,
          });
      }
    }
  });

  it("attaches no FullAccess or administrator managed policy", async () => {
    const p = await batchPlan(stack);
    for (const a of allOf(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
      expect(String(a.inputs.policyArn)).not.toMatch(/FullAccess|AdministratorAccess|PowerUserAccess/);
    }
    for (const r of allOf(p, "aws:iam/role:Role")) expect(r.inputs.managedPolicyArns ?? []).toEqual([]);
  });

  it("trusts services only, limited to this account where the service passes aws:SourceAccount", async () => {
    const p = await batchPlan(stack);
    // EC2 instance profiles and Redshift's COPY role are assumed without aws:SourceAccount.
    const unconditioned = ["ec2.amazonaws.com", "redshift.amazonaws.com"];
    const roles = allOf(p, "aws:iam/role:Role").filter((r) => !r.urn.endsWith("::glue"));
    expect(roles.length).toBe(stack === "prod" ? 6 : 4);
    for (const r of roles) {
      const st = JSON.parse(String(r.inputs.assumeRolePolicy)).Statement;
      expect(st).toHaveLength(1);
      expect(Object.keys(st[0].Principal)).toEqual(["Service"]);
      const services = [st[0].Principal.Service].flat() as string[];
      if (services.some((s) => unconditioned.includes(s))) expect(st[0].Condition).toBeUndefined();
      else
        expect({ urn: r.urn, condition: st[0].Condition }).toEqual({
          urn: r.urn,
          condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        });
    }
  });
});
