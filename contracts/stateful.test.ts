import * as fs from "node:fs";
import * as path from "node:path";
import { evaluateProjects } from "../harness/evaluate";
import { discoverProjects, readProject } from "../harness/projects";
import { planFor } from "../harness/testing";
import { statefulDiff, statefulUrns, type StatefulUrns } from "./stateful";

const committed = JSON.parse(
  fs.readFileSync(path.join(__dirname, "stateful-urns.json"), "utf8"),
) as StatefulUrns;
const HOW =
  "a stateful resource's URN changed, so `pulumi up` would delete and recreate it: add an alias to the " +
  'resource (`aliases: [{ name: "<old name>" }]`, or the old parent/type); `npm run stateful:update` records ' +
  "the new URNs (see contracts/stateful.ts)";

describe.each(["dev", "prod"])("stateful resources in %s", (stack) => {
  it("keeps every bucket, table, stream, key, cluster and repository at its committed URN", async () => {
    const plans = (await planFor(stack)).filter((p) =>
      discoverProjects().some((d) => d.name === p.project.name),
    );
    for (const plan of plans) {
      const key = `${plan.project.name}/${stack}`;
      const diff = statefulDiff(committed[key] ?? [], statefulUrns(plan.document.steps), plan.aliases);
      expect({ key, gone: diff.gone, how: diff.gone.length ? HOW : "" }).toEqual({ key, gone: [], how: "" });
      expect({ key, unlisted: diff.added }).toEqual({ key, unlisted: [] });
    }
    expect(
      Object.keys(committed)
        .filter((k) => k.endsWith(`/${stack}`))
        .sort(),
    ).toEqual(plans.map((p) => `${p.project.name}/${stack}`).sort());
  });
});

it("lists the data stores of the platform and both domains", () => {
  const all = Object.values(committed).flat();
  for (const type of [
    "s3/bucketV2:BucketV2|s3/bucket:Bucket",
    "dynamodb/table:Table",
    "kinesis/stream:Stream",
    "kms/key:Key",
  ])
    expect([type, all.some((u) => new RegExp(`[:$]aws:(${type})::`).test(u))]).toEqual([type, true]);
});

it("notices a renamed resource as gone and its new URN as unlisted", () => {
  const old =
    "urn:pulumi:dev::orders::dataplatform:streaming:Pipeline$aws:kinesis/stream:Stream::orders-stream";
  const renamed = old.replace("orders-stream", "orders-events");
  expect(statefulDiff([old], [renamed])).toEqual({ gone: [old], added: [renamed] });
  expect(
    statefulUrns([
      { urn: renamed, newState: { type: "aws:kinesis/stream:Stream" } },
      { urn: "urn:x", newState: { type: "aws:iam/role:Role" } },
    ]),
  ).toEqual([renamed]);
});

describe("a refactor that renames stateful resources", () => {
  const fixture = readProject(path.join(__dirname, "..", "harness", "fixtures", "aliases"));
  const evaluate = async (renamed: boolean, withAliases: boolean) => {
    const [plan] = await evaluateProjects({
      stack: "dev",
      projects: [fixture],
      loader: "transpile-only",
      configOverrides: {
        "aliases-fixture": {
          "aliases-fixture:renamed": String(renamed),
          "aliases-fixture:withAliases": String(withAliases),
        },
      },
    });
    return plan;
  };

  it("passes with aliases to the old names (children of an aliased component included), fails without", async () => {
    const before = statefulUrns((await evaluate(false, true)).document.steps);
    expect(before).toEqual([
      "urn:pulumi:dev::aliases-fixture::aws:kinesis/stream:Stream::orders",
      "urn:pulumi:dev::aliases-fixture::dataplatform:test:Store$aws:s3/bucket:Bucket::orders-store-bucket",
    ]);

    const aliased = await evaluate(true, true);
    const after = statefulUrns(aliased.document.steps);
    expect(statefulDiff(before, after, aliased.aliases)).toEqual({ gone: [], added: [] });

    const unaliased = await evaluate(true, false);
    expect(statefulDiff(before, statefulUrns(unaliased.document.steps), unaliased.aliases)).toEqual({
      gone: before,
      added: statefulUrns(unaliased.document.steps),
    });
  });
});
