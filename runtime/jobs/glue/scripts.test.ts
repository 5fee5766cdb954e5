/**
 * The Glue job scripts shipped in the repository: they compile, their unit tests pass, and they write
 * the partition layout the lake's tables project (checked against the TypeScript convention).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PARTITION_KEYS } from "../../../components/lake/partitioning";
import { PLATFORM_SQL_FILE, tableColumns } from "../../../components/warehouse/sql";

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

  it("writes the columns of the warehouse's platform.events in COPY's positional order", () => {
    const out = python(["-c", "import json, raw_to_parquet as j; print(json.dumps(j.EVENT_COLUMNS))"]);
    const ddl = fs.readFileSync(PLATFORM_SQL_FILE, "utf8");
    expect(tableColumns(ddl, "platform.events")).toEqual([
      "event_id",
      "event_type",
      "entity_id",
      "event_time",
      "event_date",
      "payload",
      "ingested_at",
    ]);
    expect(JSON.parse(out)).toEqual(tableColumns(ddl, "platform.events"));
  });

  it("takes the day to process from --run_date, with no job bookmarks in its required arguments", () => {
    const out = python([
      "-c",
      "import json, raw_to_parquet as j; print(json.dumps([j.REQUIRED_ARGS, j.day_prefix(j.processing_day('2026-01-01'))]))",
    ]);
    const [required, prefix] = JSON.parse(out) as [string[], string];
    expect(required).toContain("run_date");
    expect(prefix).toBe("year=2025/month=12/day=31/");
  });

  it("refuses to run with overlapping source and target", () => {
    const out = python([
      "-c",
      "import raw_to_parquet as j\ntry:\n  j.validate_paths('s3://b/x/', 's3://b/x/y/')\nexcept ValueError as e:\n  print(e)",
    ]);
    expect(out).toMatch(/overlap: the job would read its own output/);
  });
});
