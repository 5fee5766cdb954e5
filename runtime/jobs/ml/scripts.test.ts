/**
 * The ML job scripts the training pipeline runs: they compile, and they agree with the pipeline
 * definition generated in TypeScript (the arguments Prepare receives, the property file and JSON
 * path the condition step reads). pandas/xgboost are not installed here, so the scripts
 * themselves run only in SageMaker's image.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EVALUATION, trainingPipelineDefinition } from "../../../components/ml/pipelineDefinition";

const DIR = __dirname;
const env = {
  ...process.env,
  PYTHONPYCACHEPREFIX: fs.mkdtempSync(path.join(os.tmpdir(), "pycache-")),
  PYTHONDONTWRITEBYTECODE: "1",
};
const read = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");

describe("ML job scripts", () => {
  it.each(["prepare.py", "evaluate.py"])("%s compiles with python3", (file) => {
    expect(() =>
      execFileSync("python3", ["-m", "py_compile", file], { cwd: DIR, env, stdio: "pipe" }),
    ).not.toThrow();
  });

  it("Prepare declares every flag the pipeline passes it, and writes the splits Train and Evaluate read", () => {
    const def = trainingPipelineDefinition({
      roleArn: "r",
      imageUri: "i",
      offlineStoreUri: "s3://p/",
      artifactsUri: "s3://a/",
      code: { prepare: "s3://a/prepare.py", evaluate: "s3://a/evaluate.py" },
      kmsKeyArn: "k",
      subnetIds: [],
      securityGroupIds: [],
      modelPackageGroupName: "g",
      features: { label: "y", numeric: ["x"], recordIdentifier: "id", eventTime: "t" },
      minAuc: 0.75,
      instanceType: "ml.m5.large",
      instanceCount: 1,
      volumeSizeGb: 30,
      maxRuntimeSeconds: 60,
      hyperParameters: {},
      inferenceInstanceTypes: [],
    }) as unknown as {
      Steps: {
        Arguments: {
          AppSpecification: { ContainerArguments: string[] };
          ProcessingOutputConfig: { Outputs: { OutputName: string; S3Output: { LocalPath: string } }[] };
        };
      }[];
    };
    const prepare = def.Steps[0].Arguments;
    const flags = prepare.AppSpecification.ContainerArguments.filter((a) => a.startsWith("--"));
    const declared = [...read("prepare.py").matchAll(/add_argument\("(--[a-z-]+)"/g)].map((m) => m[1]);
    expect(declared).toEqual(expect.arrayContaining(flags));
    expect(prepare.ProcessingOutputConfig.Outputs.map((o) => o.S3Output.LocalPath)).toEqual(
      ["train", "validation", "test"].map((n) => `/opt/ml/processing/output/${n}`),
    );
    expect(read("prepare.py")).toMatch(/OUTPUT = "\/opt\/ml\/processing\/output"/);
  });

  it("Evaluate writes the property file and metric path the condition step reads", () => {
    const text = read("evaluate.py");
    expect(text).toContain(`"${EVALUATION.file}"`);
    expect(EVALUATION.path).toBe("metrics.auc.value");
    expect(text).toMatch(/\{"metrics": \{"auc": \{"value": auc\}\}/);
  });
});
