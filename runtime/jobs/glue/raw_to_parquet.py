"""Glue ETL job: raw JSON lines -> Parquet in the processed zone, partitioned by event time.

Reads every new object under ``--source_path`` (job bookmarks remember what was read), takes each
record's event time from ``--timestamp_field`` (ISO-8601 string or epoch milliseconds), and writes
Snappy-compressed Parquet under ``--target_path`` in the lake's partition convention
``year=YYYY/month=MM/day=DD/hour=HH/`` (UTC, zero-padded) -- the layout the processed table's
partition projection reads, so nothing has to register partitions. Records whose event time is
missing or unreadable go to ``<target_path>_rejected/`` as JSON, outside the table's partitions.

The pure helpers at the top run without Spark (unit-tested); Glue's libraries are imported in
``main`` only, where they exist.
"""

import sys

# Partition columns, outermost first, and the Spark date patterns that render them (UTC).
PARTITION_KEYS = ("year", "month", "day", "hour")
PARTITION_PATTERNS = {"year": "yyyy", "month": "MM", "day": "dd", "hour": "HH"}

REJECTED_DIR = "_rejected/"
REQUIRED_ARGS = ["JOB_NAME", "source_path", "target_path", "timestamp_field"]


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


def main(argv):
    from awsglue.context import GlueContext
    from awsglue.dynamicframe import DynamicFrame
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext
    from pyspark.sql import functions as F
    from pyspark.sql.types import NumericType

    args = getResolvedOptions(argv, REQUIRED_ARGS)
    source, target = validate_paths(args["source_path"], args["target_path"])
    field = args["timestamp_field"]

    glue = GlueContext(SparkContext.getOrCreate())
    spark = glue.spark_session
    # Partition values are UTC, whatever the cluster's default zone.
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    job = Job(glue)
    job.init(args["JOB_NAME"], args)
    logger = glue.get_logger()

    raw = glue.create_dynamic_frame.from_options(
        connection_type="s3",
        connection_options={"paths": [source], "recurse": True, "groupFiles": "inPartition"},
        format="json",
        transformation_ctx="raw_source",
    )
    df = raw.toDF()
    if df.rdd.isEmpty():
        logger.info("no new objects under %s" % source)
        job.commit()
        return

    # Partition columns come from the event time only, never from fields of the same name.
    df = df.drop(*[c for c in PARTITION_KEYS if c in df.columns])
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
    for key in PARTITION_KEYS:
        valid = valid.withColumn(key, F.date_format(F.col("_event_time"), PARTITION_PATTERNS[key]))
    valid = valid.drop("_event_time")

    glue.write_dynamic_frame.from_options(
        frame=DynamicFrame.fromDF(valid, glue, "partitioned"),
        connection_type="s3",
        connection_options={"path": target, "partitionKeys": list(PARTITION_KEYS)},
        format="glueparquet",
        format_options={"compression": "snappy"},
        transformation_ctx="processed_sink",
    )
    if not rejected.rdd.isEmpty():
        logger.warn("records without a usable %s written to %s" % (field, rejected_path(target)))
        glue.write_dynamic_frame.from_options(
            frame=DynamicFrame.fromDF(rejected, glue, "rejected"),
            connection_type="s3",
            connection_options={"path": rejected_path(target)},
            format="json",
            transformation_ctx="rejected_sink",
        )
    job.commit()


if __name__ == "__main__":
    main(sys.argv)
