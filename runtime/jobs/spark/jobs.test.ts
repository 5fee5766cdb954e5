import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PLATFORM_SQL_FILE, tableColumns } from "../../../components/warehouse/sql";

const scripts = fs.readdirSync(__dirname).filter((f) => f.endsWith(".py"));
const pycache = fs.mkdtempSync(path.join(os.tmpdir(), "spark-pycache-"));
const python = (args: string[]) =>
  spawnSync("python3", args, {
    cwd: __dirname,
    encoding: "utf8",
    env: { ...process.env, PYTHONPYCACHEPREFIX: pycache },
  });

describe("Spark job scripts", () => {
  it("ships at least one job", () => expect(scripts).toContain("daily_event_rollup.py"));

  it.each(scripts)("%s compiles with python3 -m py_compile", (script) => {
    const r = python(["-m", "py_compile", script]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("selects exactly one day of the year=/month=/day= layout", () => {
    const out = execFileSync(
      "python3",
      ["-c", "import datetime as d, daily_event_rollup as j; print(j.partition_filter(d.date(2026, 1, 5)))"],
      { cwd: __dirname, encoding: "utf8", env: { ...process.env, PYTHONPYCACHEPREFIX: pycache } },
    );
    expect(out.trim()).toBe("year = '2026' AND month = '01' AND day = '05'");
  });

  it("writes the columns of the warehouse's hourly roll-up table in COPY's positional order", () => {
    const r = python(["-c", "import json, daily_event_rollup as j; print(json.dumps(j.ROLLUP_COLUMNS))"]);
    const ddl = fs.readFileSync(PLATFORM_SQL_FILE, "utf8");
    // The files' columns lead the table in order; the load adds the dataset they came from last.
    expect([...JSON.parse(r.stdout), "source_dataset"]).toEqual(
      tableColumns(ddl, "platform.event_rollups_hourly"),
    );
  });

  it("counts events by distinct key, so a duplicate delivery is one event", () => {
    const source = fs.readFileSync(path.join(__dirname, "daily_event_rollup.py"), "utf8");
    expect(source).toMatch(/F\.countDistinct\("event_id"\)\.alias\("event_count"\)/);
    expect(source).not.toMatch(/F\.count\(/);
  });

  it("rolls up the day before --run_date, like the Glue job, or the day --date names", () => {
    const r = python([
      "-c",
      "import daily_event_rollup as j\n" +
        "a = j.parse_args(['--source', 's3://p/x/', '--target', 's3://c/y/', '--run_date', '2026-03-01'])\n" +
        "b = j.parse_args(['--source', 's3://p/x/', '--target', 's3://c/y/', '--date', '2026-03-01'])\n" +
        "print(a.date.isoformat(), b.date.isoformat())",
    ]);
    expect(r.stdout.trim()).toBe("2026-02-28 2026-03-01");
  });

  it("refuses a source that is not an S3 location before starting Spark", () => {
    const r = python([
      "daily_event_rollup.py",
      "--source",
      "/tmp/events",
      "--target",
      "s3://c/",
      "--date",
      "2026-01-05",
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--source must be an s3:\/\/ location/);
  });
});
