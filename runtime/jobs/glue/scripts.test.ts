/**
 * The Glue job scripts shipped in the repository: they compile, their unit tests pass, and they write
 * the partition layout the lake's tables project (checked against the TypeScript convention).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PARTITION_KEYS } from "../../../components/lake/partitioning";

const DIR = __dirname;
const scripts = fs.readdirSync(DIR).filter((f) => f.endsWith(".py"));
// Byte code goes to a temporary directory, never into the repository.
const env = {
  ...process.env,
  PYTHONPYCACHEPREFIX: fs.mkdtempSync(path.join(os.tmpdir(), "pycache-")),
  PYTHONDONTWRITEBYTECODE: "1",
};
const python = (args: string[]) =>
  execFileSync("python3", args, { cwd: DIR, env, encoding: "utf8", stdio: "pipe" });

describe("Glue job scripts", () => {
  it("ships the raw-to-Parquet job and its tests", () => {
    expect(scripts).toEqual(expect.arrayContaining(["raw_to_parquet.py", "test_raw_to_parquet.py"]));
  });

  it.each(scripts)("%s compiles with python3", (file) => {
    expect(() => python(["-m", "py_compile", file])).not.toThrow();
  });

  it("passes its unit tests", () => {
    let output = "";
    try {
      python(["-m", "unittest", "discover", "-s", ".", "-p", "test_*.py"]);
    } catch (e) {
      output = String((e as { stderr?: string }).stderr ?? e);
    }
    expect(output).toBe("");
  });

  it("partitions by the same keys, in the same order, as the lake's tables", () => {
    const out = python([
      "-c",
      "import json, raw_to_parquet as j; print(json.dumps([j.PARTITION_KEYS, j.PARTITION_PATTERNS]))",
    ]);
    const [keys, patterns] = JSON.parse(out) as [string[], Record<string, string>];
    expect(keys).toEqual([...PARTITION_KEYS]);
    // Zero-padded like the projection's digits: 4 for the year, 2 for the others.
    expect(keys.map((k) => patterns[k])).toEqual(["yyyy", "MM", "dd", "HH"]);
  });

  it("refuses to run with overlapping source and target", () => {
    const out = python([
      "-c",
      "import raw_to_parquet as j\ntry:\n  j.validate_paths('s3://b/x/', 's3://b/x/y/')\nexcept ValueError as e:\n  print(e)",
    ]);
    expect(out).toMatch(/overlap: the job would read its own output/);
  });
});
