"""Unit tests of the job's pure helpers (no Spark needed): python3 -m unittest discover runtime/jobs/glue"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import raw_to_parquet as job  # noqa: E402


class PathTests(unittest.TestCase):
    def test_normalizes_prefixes_to_end_with_a_slash(self):
        self.assertEqual(
            job.validate_paths("s3://raw-bucket/orders/events", "s3://processed-bucket/orders/events/"),
            ("s3://raw-bucket/orders/events/", "s3://processed-bucket/orders/events/"),
        )

    def test_refuses_a_target_inside_the_source(self):
        with self.assertRaisesRegex(ValueError, "overlap"):
            job.validate_paths("s3://lake/orders/", "s3://lake/orders/parquet/")

    def test_refuses_a_bucket_without_a_prefix(self):
        with self.assertRaisesRegex(ValueError, "--target_path"):
            job.validate_paths("s3://raw/orders/", "s3://processed/")

    def test_refuses_non_s3_uris(self):
        with self.assertRaisesRegex(ValueError, "--source_path = 'orders/'"):
            job.validate_paths("orders/", "s3://processed/orders/")

    def test_rejected_records_stay_under_the_target_outside_partitions(self):
        path = job.rejected_path("s3://processed/orders/")
        self.assertTrue(path.startswith("s3://processed/orders/_"))
        self.assertNotIn("year=", path)


class PartitionTests(unittest.TestCase):
    def test_every_partition_key_has_a_zero_padded_utc_pattern(self):
        self.assertEqual(job.PARTITION_KEYS, ("year", "month", "day", "hour"))
        self.assertEqual([job.PARTITION_PATTERNS[k] for k in job.PARTITION_KEYS], ["yyyy", "MM", "dd", "HH"])


if __name__ == "__main__":
    unittest.main()
