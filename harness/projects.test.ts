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
import { stackConfig } from "./projects";
import { projectsWithFixture } from "./testing";

/** `../shared` beside the checkout (as in CI); `/work/shared` when the checkout lives elsewhere. */
const SCHEMA = [path.resolve(__dirname, "../../shared"), "/work/shared"]
  .map((dir) => path.join(dir, "reference", "pulumi-project.schema.json"))
  .find((file) => fs.existsSync(file))!;
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
