"""Glue ETL job: one day of raw JSON lines -> canonical Parquet events in the processed zone.

Run by the nightly workflow with ``--run_date`` (the execution's date, YYYY-MM-DD). The job processes
the day *before* the run date: it reads only that day's raw partitions
(``<source_path>year=YYYY/month=MM/day=DD/``, the event-time layout Firehose writes), so a re-run for
a date reprocesses exactly that day. No job bookmarks: the day's output partitions are purged first
and rewritten, which makes a re-run idempotent.

Records delivered more than once (Lambda retries, KPL re-puts) carry the same
``_meta.idempotencyKey``; the job keeps one record per key -- the earliest delivery by
``(_meta.sequenceNumber, _meta.subSequenceNumber)`` -- before writing.

Each output row has the columns of ``EVENT_COLUMNS`` in that order (the warehouse's
``platform.events`` table, which ``COPY ... FORMAT AS PARQUET`` fills by position), under
``<target_path>year=/month=/day=/hour=/`` (UTC, zero-padded) -- the layout the processed table's
partition projection reads, so the catalogued table sees the new hours at once. Records whose event
time is missing or unreadable go to ``<target_path>_rejected/`` as JSON, outside the partitions.

The pure helpers at the top run without Spark (unit-tested in test_raw_to_parquet.py); Glue's
libraries are imported in ``main`` only, where they exist. De-duplication in Spark calls the same
``idempotency_key`` and ``keep_first_delivery`` functions the tests exercise.
"""

import datetime as dt
import json
import sys

# Partition columns, outermost first, and the Spark date patterns that render them (UTC).
PARTITION_KEYS = ("year", "month", "day", "hour")
PARTITION_PATTERNS = {"year": "yyyy", "month": "MM", "day": "dd", "hour": "HH"}

# Columns of every output file, in order: the warehouse's platform.events (COPY maps Parquet by position).
EVENT_COLUMNS = ("event_id", "event_type", "entity_id", "event_time", "event_date", "payload", "ingested_at")

REJECTED_DIR = "_rejected/"
REQUIRED_ARGS = [
    "JOB_NAME",
    "source_path",
    "target_path",
    "timestamp_field",
    "entity_field",
    "event_type_field",
    "run_date",
]

# Sorts after every real sequence number: a record without one never wins over one that has it.
_NO_SEQUENCE = (1 << 256, 0)


def normalize_s3_prefix(uri, name):
    """Returns ``uri`` ending with "/" or raises ValueError naming the argument."""
    if not isinstance(uri, str) or not uri.startswith("s3://") or len(uri.split("/", 3)) < 4:
        raise ValueError("--%s = %r: an s3://bucket/prefix/ URI" % (name, uri))
    bucket, _, key = uri[len("s3://"):].partition("/")
    if not bucket or not key.strip("/"):
        raise ValueError("--%s = %r: needs a bucket and a dataset prefix" % (name, uri))
    return uri if uri.endswith("/") else uri + "/"


def validate_paths(source, target):
    """Checks that source and target are distinct, non-nested dataset prefixes; returns them normalized."""
    src = normalize_s3_prefix(source, "source_path")
    dst = normalize_s3_prefix(target, "target_path")
    if src.startswith(dst) or dst.startswith(src):
        raise ValueError(
            "--source_path %r and --target_path %r overlap: the job would read its own output" % (src, dst)
        )
    return src, dst


def rejected_path(target):
    """Where records without a usable event time go (under the target prefix, outside its partitions)."""
    return target + REJECTED_DIR


def processing_day(run_date):
    """The day a run processes: the day before ``--run_date`` (YYYY-MM-DD); ValueError names the argument."""
    try:
        return dt.date.fromisoformat(run_date) - dt.timedelta(days=1)
    except (TypeError, ValueError):
        raise ValueError("--run_date = %r: a date YYYY-MM-DD (the workflow passes the execution's date)" % (run_date,))


def day_prefix(day):
    """``year=YYYY/month=MM/day=DD/`` of one day in the lake's partition layout."""
    return "year=%04d/month=%02d/day=%02d/" % (day.year, day.month, day.day)


def _field(record, name):
    """``record[name]`` for a dict or a Spark Row, or None when absent."""
    if record is None:
        return None
    try:
        return record[name]
    except (KeyError, ValueError, IndexError, TypeError):
        return None


def idempotency_key(record):
    """The record's ``_meta.idempotencyKey`` (the runtime writes it on every lake line), or None."""
    key = _field(_field(record, "_meta"), "idempotencyKey")
    return key if isinstance(key, str) and key else None


def delivery_order(record):
    """``(sequenceNumber, subSequenceNumber)`` as integers (Kinesis sequence numbers are ~56 digits)."""
    meta = _field(record, "_meta")
    try:
        seq = int(_field(meta, "sequenceNumber"))
    except (TypeError, ValueError):
        return _NO_SEQUENCE
    sub = _field(meta, "subSequenceNumber")
    return (seq, int(sub) if isinstance(sub, int) else 0)


def _canonical(record):
    as_dict = record.asDict(recursive=True) if hasattr(record, "asDict") else record
    return json.dumps(as_dict, sort_keys=True, default=str)


def keep_first_delivery(a, b):
    """Of two records with one idempotency key, the earliest delivery (ties: a stable content order).

    Commutative and associative, so Spark's ``reduceByKey`` keeps the same record whatever the order
    the copies arrive in.
    """
    oa, ob = delivery_order(a), delivery_order(b)
    if oa != ob:
        return a if oa < ob else b
    return a if _canonical(a) <= _canonical(b) else b


def dedupe(records):
    """One record per idempotency key (the earliest delivery); records without a key are all kept."""
    by_key = {}
    keyless = []
    for r in records:
        k = idempotency_key(r)
        if k is None:
            keyless.append(r)
        else:
            by_key[k] = keep_first_delivery(by_key[k], r) if k in by_key else r
    return list(by_key.values()) + keyless


def main(argv):
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext
    from pyspark.sql import functions as F
    from pyspark.sql.types import NumericType

    args = getResolvedOptions(argv, REQUIRED_ARGS)
    source, target = validate_paths(args["source_path"], args["target_path"])
    day = processing_day(args["run_date"])
    field = args["timestamp_field"]

    glue = GlueContext(SparkContext.getOrCreate())
    spark = glue.spark_session
    # Partition values are UTC, whatever the cluster's default zone.
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    job = Job(glue)
    job.init(args["JOB_NAME"], args)
    logger = glue.get_logger()

    # Idempotent re-run: the day's output is removed first, then rewritten from the day's raw input.
    glue.purge_s3_path(target + day_prefix(day), {"retentionPeriod": 0})
    day_source = source + day_prefix(day)
    try:
        df = spark.read.json(day_source)
    except Exception as e:  # AnalysisException: the path does not exist (no events that day)
        if "Path does not exist" not in str(e):
            raise
        logger.info("no raw events under %s" % day_source)
        job.commit()
        return
    if df.rdd.isEmpty():
        logger.info("no raw events under %s" % day_source)
        job.commit()
        return

    # Partition columns come from the event time only, never from fields of the same name.
    df = df.drop(*[c for c in PARTITION_KEYS if c in df.columns])
    df = spark.createDataFrame(_dedupe_rdd(df.rdd), df.schema)

    top = field.split(".")[0]
    if top not in df.columns:
        event_time = F.lit(None).cast("timestamp")
    elif isinstance(df.select(F.col(field)).schema.fields[0].dataType, NumericType):
        event_time = F.to_timestamp(F.col(field).cast("double") / 1000)
    else:
        event_time = F.to_timestamp(F.col(field).cast("string"))
    df = df.withColumn("_event_time", event_time)

    rejected = df.filter(F.col("_event_time").isNull()).drop("_event_time")
    valid = df.filter(F.col("_event_time").isNotNull())
    payload = F.to_json(F.struct(*[F.col("`%s`" % c) for c in valid.columns if c != "_event_time"]))
    events = valid.select(
        F.coalesce(F.col("_meta.idempotencyKey"), F.sha2(payload, 256)).alias("event_id"),
        F.col(args["event_type_field"]).cast("string").alias("event_type"),
        F.col(args["entity_field"]).cast("string").alias("entity_id"),
        F.col("_event_time").alias("event_time"),
        F.to_date(F.col("_event_time")).alias("event_date"),
        payload.alias("payload"),
        F.current_timestamp().alias("ingested_at"),
    )
    for key in PARTITION_KEYS:
        events = events.withColumn(key, F.date_format(F.col("event_time"), PARTITION_PATTERNS[key]))

    (
        events.select(*EVENT_COLUMNS, *PARTITION_KEYS)
        .write.mode("append")
        .partitionBy(*PARTITION_KEYS)
        .option("compression", "snappy")
        .parquet(target)
    )
    if not rejected.rdd.isEmpty():
        logger.warn("records without a usable %s written to %s" % (field, rejected_path(target)))
        rejected.write.mode("append").json(rejected_path(target) + day_prefix(day))
    job.commit()


def _dedupe_rdd(rdd):
    """The Spark form of ``dedupe``: same key function, same choice between copies."""
    keyed = rdd.map(lambda r: (idempotency_key(r), r))
    unique = keyed.filter(lambda kv: kv[0] is not None).reduceByKey(keep_first_delivery).values()
    return unique.union(keyed.filter(lambda kv: kv[0] is None).values())


if __name__ == "__main__":
    main(sys.argv)
