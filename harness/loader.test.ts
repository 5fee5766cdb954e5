/**
 * The offline plan loads programs the way `pulumi preview` does: the SDK's cmd/run with the
 * project's Pulumi.yaml runtime options, from the project folder, in preview mode.
 */
import * as path from "node:path";
import { evaluateProjects, EvaluationError } from "./evaluate";
import { languageHostConfig, languageHostEnv, splitNodeArgs } from "./loader";
import { UNKNOWN } from "./plan";
import { readProject } from "./projects";

const FIXTURE = readProject(path.join(__dirname, "fixtures", "loader"));
const RUNTIME = FIXTURE.runtime!;
const NO_TSCONFIG = { ...FIXTURE, runtime: { typescript: true } };

describe("the language host's way of starting a program", () => {
  it("splits nodeargs like a shell, quotes and escapes included", () => {
    expect(splitNodeArgs(undefined)).toEqual([]);
    expect(splitNodeArgs("  --max-old-space-size=4096   --enable-source-maps ")).toEqual([
      "--max-old-space-size=4096",
      "--enable-source-maps",
    ]);
    expect(splitNodeArgs(`--title 'a b' --x="c d" e\\ f ""`)).toEqual([
      "--title",
      "a b",
      "--x=c d",
      "e f",
      "",
    ]);
    expect(() => splitNodeArgs("--title 'a b")).toThrow(/unclosed ' quote/);
  });

  it("passes config keys as <namespace>:config:<name>", () => {
    expect(languageHostConfig({ "aws:region": "eu-west-1", "orders:network": '{"azCount":2}' })).toEqual({
      "aws:config:region": "eu-west-1",
      "orders:config:network": '{"azCount":2}',
    });
  });

  it("sets the variables cmd/run reads and drops loaders and choices inherited from the caller", () => {
    const env = languageHostEnv(
      {
        project: "orders",
        stack: "dev",
        organization: "acme",
        config: { "aws:region": "us-east-1" },
        runtime: { typescript: true, tsconfig: "../../tsconfig.json" },
      },
      {
        PATH: "/bin",
        NODE_OPTIONS: "--import tsx",
        PULUMI_NODEJS_TRANSPILE_ONLY: "true",
        TS_NODE_FILES: "1",
      },
    );
    expect(env).toEqual({
      PATH: "/bin",
      PULUMI_CONFIG: '{"aws:config:region":"us-east-1"}',
      PULUMI_CONFIG_SECRET_KEYS: "[]",
      PULUMI_NODEJS_ORGANIZATION: "acme",
      PULUMI_NODEJS_PROJECT: "orders",
      PULUMI_NODEJS_STACK: "dev",
      PULUMI_NODEJS_DRY_RUN: "true",
      PULUMI_NODEJS_TYPESCRIPT: "true",
      PULUMI_NODEJS_TSCONFIG_PATH: "../../tsconfig.json",
    });
    const plain = languageHostEnv(
      {
        project: "p",
        stack: "s",
        organization: "o",
        config: {},
        runtime: { typescript: false },
        transpileOnly: true,
      },
      {},
    );
    expect(plain.PULUMI_NODEJS_TYPESCRIPT).toBeUndefined();
    expect(plain.PULUMI_NODEJS_TSCONFIG_PATH).toBeUndefined();
    expect(plain.PULUMI_NODEJS_TRANSPILE_ONLY).toBe("true");
  });
});

describe("a program loaded through cmd/run", () => {
  let plan: Awaited<ReturnType<typeof evaluateProjects>>[number];
  beforeAll(async () => {
    [plan] = await evaluateProjects({ stack: "dev", projects: [FIXTURE], loader: "cli-default" });
  });

  it("runs from its project folder, in preview mode, with its stack config", () => {
    expect(plan.outputs.cwd).toBe(FIXTURE.dir);
    expect(plan.outputs.dryRun).toBe(true);
    expect(plan.outputs.greeting).toBe("hello");
  });

  it("compiles with the tsconfig its Pulumi.yaml names (strict: the narrowing works)", () => {
    expect(plan.outputs.listLength).toBe(1);
  });

  it("records values a preview cannot know as a preview prints them, in inputs and outputs", () => {
    const parameter = plan.document.steps.find((s) => s.urn.endsWith("::topic-owner"));
    expect(parameter?.newState.inputs).toEqual({ type: "String", value: UNKNOWN });
    expect(plan.outputs.topicOwner).toBe(UNKNOWN);
    // What the mocks answer (ids, names, ARNs) stays known, as for resources that already exist.
    expect(plan.outputs.topicArn).toMatch(/^arn:aws:sns:us-east-1:123456789012:events-[0-9a-f]{7}$/);
  });

  it("starts node with no TypeScript loader of its own", () => {
    expect(plan.outputs.execArgv).toEqual([]);
  });

  it("starts node with the project's nodeargs", async () => {
    const withArgs = {
      ...FIXTURE,
      runtime: { ...RUNTIME, nodeargs: "--max-old-space-size=512 --title 'a b'" },
    };
    const [p] = await evaluateProjects({ stack: "dev", projects: [withArgs], loader: "transpile-only" });
    expect(p.outputs.execArgv).toEqual(["--max-old-space-size=512", "--title", "a b"]);
  });
});

describe("a project without a tsconfig", () => {
  it("fails to compile under ts-node's defaults, as `pulumi preview` would fail", async () => {
    const run = evaluateProjects({ stack: "dev", projects: [NO_TSCONFIG], loader: "cli-default" });
    await expect(run).rejects.toThrow(EvaluationError);
    await expect(run).rejects.toThrow(
      /index\.ts\(\d+,\d+\): error TS2339: Property 'L' does not exist on type 'never'/,
    );
  });

  it("loads when PULUMI_NODEJS_TRANSPILE_ONLY skips the type check", async () => {
    const [p] = await evaluateProjects({ stack: "dev", projects: [NO_TSCONFIG], loader: "transpile-only" });
    expect(p.outputs.listLength).toBe(1);
  });
});
