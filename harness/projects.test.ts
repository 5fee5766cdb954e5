import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import * as yaml from "js-yaml";
import type { z } from "zod";
import {
  decodeRawConfig,
  DomainConfigSchema,
  ENVIRONMENTS,
  parseConfig,
  resolvePlatformConfig,
} from "../config";
import { loaderOptions, stackConfig } from "./projects";
import { projectsWithFixture } from "./testing";

/** The JSON schema of Pulumi.yaml, copied from the Pulumi project (sdk/go/common/workspace/project.json). */
const SCHEMA = path.join(__dirname, "fixtures", "pulumi-project.schema.json");
const projects = projectsWithFixture();

/** A domain may ship `config.ts` exporting `configSchema` (extending DomainConfigSchema). */
function domainSchema(dir: string): z.ZodType {
  const file = path.join(dir, "config.ts");
  return fs.existsSync(file)
    ? (require(file) as { configSchema: z.ZodType }).configSchema
    : DomainConfigSchema;
}

describe("Pulumi project files", () => {
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(
    JSON.parse(fs.readFileSync(SCHEMA, "utf8")),
  );

  it.each(projects.map((p) => [path.relative(path.resolve(__dirname, ".."), p.file) || p.file, p] as const))(
    "%s validates against the Pulumi project schema",
    (_file, project) => {
      const doc = yaml.load(fs.readFileSync(project.file, "utf8"));
      const ok = validate(doc);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
      expect(fs.existsSync(project.main)).toBe(true);
    },
  );

  it.each(projects.map((p) => [p.name, p] as const))(
    "%s names its entry point, so cmd/run does not fall back to the root package.json's main",
    (_name, project) => {
      // With no `main`, the engine passes "." and cmd/run loads `main` of the nearest package.json:
      // for a project under stacks/ that is the platform's index.ts at the repository root.
      const { entryPoint } = loaderOptions(project);
      expect(entryPoint).not.toBe(".");
      expect(fs.statSync(path.resolve(project.dir, entryPoint)).isFile()).toBe(true);
    },
  );

  it.each(projects.map((p) => [p.name, p] as const))(
    "%s compiles under a tsconfig that exists and is the repository's strict one",
    (_name, project) => {
      // cmd/run reads a tsconfig only from the project folder or runtime.options.tsconfig; without one
      // ts-node's non-strict defaults reject code the repository's tsconfig accepts.
      const { runtime } = loaderOptions(project);
      expect(runtime.typescript).toBe(true);
      const tsconfig = path.resolve(project.dir, runtime.tsconfig ?? "tsconfig.json");
      expect(tsconfig).toBe(path.resolve(__dirname, "..", "tsconfig.json"));
    },
  );

  it("has one platform project at the root named data-platform", () => {
    expect(projects[0].name).toBe("data-platform");
    expect(new Set(projects.map((p) => p.name)).size).toBe(projects.length);
  });
});

describe.each(ENVIRONMENTS)("stack files for %s", (stack) => {
  it.each(projects.map((p) => [p.name, p] as const))(
    "%s has a stack file whose config satisfies its schema",
    (_name, project) => {
      expect(fs.existsSync(path.join(project.dir, `Pulumi.${stack}.yaml`))).toBe(true);
      const flat = stackConfig(project, stack);
      if (project.name === "data-platform") {
        expect(() => resolvePlatformConfig(decodeRawConfig(flat), stack)).not.toThrow();
      } else {
        const raw = decodeRawConfig(flat, project.name);
        expect(() => parseConfig(domainSchema(project.dir), raw, project.name, stack)).not.toThrow();
      }
    },
  );
});

describe("the local stack", () => {
  it("points every AWS service the data plane uses at loopback with path-style S3", () => {
    const flat = stackConfig(projects[0], "local");
    const endpoints = JSON.parse(flat["aws:endpoints"])[0] as Record<string, string>;
    for (const service of ["kinesis", "dynamodb", "s3", "firehose", "lambda", "iam", "kms", "sts"]) {
      expect(endpoints[service]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
    expect(flat["aws:s3UsePathStyle"]).toBe("true");
    expect(flat["aws:skipCredentialsValidation"]).toBe("true");
  });
});
