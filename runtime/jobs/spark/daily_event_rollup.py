"""Daily roll-up of processed events into the curated zone, run on EMR (cluster or Serverless).

Reads the processed zone's Parquet events for one day (partitions ``year=/month=/day=/hour=``),
aggregates them per event type and hour, and overwrites that day's partition in the curated zone,
so a re-run of the same day is idempotent.

Usage (EMR step or EMR Serverless ``entryPoint`` arguments)::

    spark-submit daily_event_rollup.py \\
        --source s3://<processed-bucket>/events/ \\
        --target s3://<curated-bucket>/event_rollups/ \\
        --date 2026-11-27
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Sequence


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="processed zone prefix (s3://bucket/prefix/)")
    parser.add_argument("--target", required=True, help="curated zone prefix (s3://bucket/prefix/)")
    parser.add_argument("--date", required=True, type=dt.date.fromisoformat, help="day to roll up, YYYY-MM-DD")
    args = parser.parse_args(argv)
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
        .getOrCreate()
    )
    events = spark.read.parquet(args.source).where(partition_filter(args.date))

    rollup = (
        events.groupBy("year", "month", "day", "hour", "event_type")
        .agg(
            F.count(F.lit(1)).alias("event_count"),
            F.countDistinct("entity_id").alias("distinct_entities"),
            F.min("event_time").alias("first_event_time"),
            F.max("event_time").alias("last_event_time"),
        )
        .withColumn("rolled_up_at", F.current_timestamp())
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
