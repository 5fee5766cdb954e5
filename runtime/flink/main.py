"""Runs one data product's Flink SQL on Amazon Managed Service for Apache Flink (PyFlink Table API).

The application's code package (built by components/streaming/flinkSql.ts) holds this file, the
SQL files under sql/ and the connector JARs under lib/. The property group `sql.parameters`
names the SQL file (`SQL_FILE`) and the values of its ${NAME} placeholders; Managed Flink writes
the property groups to /etc/flink/application_properties.json. CREATE statements run first, then
every INSERT in one statement set (one Flink job).

The statement splitting and substitution are the same as runtime/flink/statements.ts, which the
offline checks use: drop `--` comment lines, substitute ${NAME} (a missing name is an error),
split on `;`.
"""

import json
import os
import string

from pyflink.table import EnvironmentSettings, TableEnvironment

HERE = os.path.dirname(os.path.realpath(__file__))
PROPERTIES_FILE = "/etc/flink/application_properties.json"
PARAMETERS_GROUP = "sql.parameters"


def parameters(path=PROPERTIES_FILE):
    """The `sql.parameters` property group (a dict of strings)."""
    with open(path, encoding="utf-8") as f:
        groups = json.load(f)
    for group in groups:
        if group.get("PropertyGroupId") == PARAMETERS_GROUP:
            return dict(group["PropertyMap"])
    raise KeyError(f"property group {PARAMETERS_GROUP} not found in {path}")


def statements(text, values):
    """The SQL statements of `text` with ${NAME} placeholders filled from `values`."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("--")]
    filled = string.Template("\n".join(lines)).substitute(values)
    return [s.strip() for s in filled.split(";") if s.strip()]


def main():
    values = parameters()
    env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    config = env.get_config()
    # Window bounds are formatted in UTC, like Lambda's tumbling windows.
    config.set("table.local-time-zone", "UTC")
    # An idle shard must not hold back the watermark (and so every window) forever.
    config.set("table.exec.source.idle-timeout", "30 s")
    lib = os.path.join(HERE, "lib")
    jars = sorted(j for j in os.listdir(lib) if j.endswith(".jar")) if os.path.isdir(lib) else []
    if jars:
        config.set("pipeline.jars", ";".join("file://" + os.path.join(lib, j) for j in jars))
    with open(os.path.join(HERE, values["SQL_FILE"]), encoding="utf-8") as f:
        sql = statements(f.read(), values)
    inserts = env.create_statement_set()
    for statement in sql:
        if statement.upper().startswith("INSERT"):
            inserts.add_insert_sql(statement)
        else:
            env.execute_sql(statement)
    inserts.execute()


if __name__ == "__main__":
    main()
