"""Daily roll-up of processed events into the curated zone, run on EMR (cluster or Serverless).

Reads the processed zone's Parquet events (the Glue job's ``EVENT_COLUMNS``) for one day (partitions
``year=/month=/day=/hour=``), aggregates them per event type and hour, and overwrites that day's
partition in the curated zone, so a re-run of the same day is idempotent. Events are counted by
distinct ``event_id`` (the lake records' ``_meta.idempotencyKey``), so a record delivered twice is
counted once even if a copy reached the processed zone.

Output rows have the columns of ``ROLLUP_COLUMNS`` in that order (the warehouse's
``platform.event_rollups_hourly``, which ``COPY ... FORMAT AS PARQUET`` fills by position).

``--run_date`` (the workflow's execution date) rolls up the day before it, like the Glue job;
``--date`` names the day itself.

Usage (EMR step or EMR Serverless ``entryPoint`` arguments)::

    spark-submit daily_event_rollup.py \\
        --source s3://<processed-bucket>/events/ \\
        --target s3://<curated-bucket>/event_rollups/ \\
        --run_date 2026-11-28     # or --date 2026-11-27
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Sequence

# Columns of the output files, in order: the warehouse's platform.event_rollups_hourly.
ROLLUP_COLUMNS = (
    "event_date",
    "hour",
    "event_type",
    "event_count",
    "distinct_entities",
    "first_event_time",
    "last_event_time",
)


def day_to_roll_up(date: dt.date | None, run_date: dt.date | None) -> dt.date:
    """The day rolled up: ``--date`` itself, or the day before ``--run_date``."""
    if date is not None:
        return date
    assert run_date is not None
    return run_date - dt.timedelta(days=1)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="processed zone prefix (s3://bucket/prefix/)")
    parser.add_argument("--target", required=True, help="curated zone prefix (s3://bucket/prefix/)")
    day = parser.add_mutually_exclusive_group(required=True)
    day.add_argument("--date", type=dt.date.fromisoformat, help="day to roll up, YYYY-MM-DD")
    day.add_argument(
        "--run_date", type=dt.date.fromisoformat, help="workflow run date: rolls up the day before"
    )
    args = parser.parse_args(argv)
    args.date = day_to_roll_up(args.date, args.run_date)
    for name in ("source", "target"):
        value = getattr(args, name)
        if not value.startswith("s3://"):
            parser.error(f"--{name} must be an s3:// location, got {value!r}")
        if not value.endswith("/"):
            setattr(args, name, value + "/")
    return args


def partition_filter(day: dt.date) -> str:
    """Spark SQL predicate selecting one day of the year=/month=/day= layout (string partitions)."""
    return f"year = '{day.year:04d}' AND month = '{day.month:02d}' AND day = '{day.day:02d}'"


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)

    from pyspark.sql import SparkSession, functions as F  # imported here: only present on EMR

    spark = (
        SparkSession.builder.appName(f"daily-event-rollup-{args.date.isoformat()}")
        .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
        # Keep partition values as the zero-padded strings of the layout (month=01, not month=1).
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .getOrCreate()
    )
    events = spark.read.parquet(args.source).where(partition_filter(args.date))

    rollup = (
        events.groupBy("year", "month", "day", "hour", "event_type")
        .agg(
            # Distinct keys, not rows: a duplicate delivery is one event.
            F.countDistinct("event_id").alias("event_count"),
            F.countDistinct("entity_id").alias("distinct_entities"),
            F.min("event_time").alias("first_event_time"),
            F.max("event_time").alias("last_event_time"),
            F.min("event_date").alias("event_date"),
        )
        .withColumn("hour", F.col("hour").cast("smallint"))
        .select(*ROLLUP_COLUMNS, "year", "month", "day")
    )

    (
        rollup.repartition("year", "month", "day")
        .write.mode("overwrite")
        .partitionBy("year", "month", "day")
        .option("compression", "snappy")
        .parquet(args.target)
    )
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
