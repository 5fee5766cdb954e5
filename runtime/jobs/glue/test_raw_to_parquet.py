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


def line(key, seq, sub=None, **fields):
    meta = {"idempotencyKey": key, "sequenceNumber": seq}
    if sub is not None:
        meta["subSequenceNumber"] = sub
    return dict(fields, _meta=meta)


class RunDateTests(unittest.TestCase):
    def test_processes_the_day_before_the_run_date(self):
        self.assertEqual(job.processing_day("2026-03-01"), job.dt.date(2026, 2, 28))
        self.assertEqual(job.day_prefix(job.processing_day("2027-01-01")), "year=2026/month=12/day=31/")

    def test_refuses_a_run_date_that_is_not_a_date(self):
        with self.assertRaisesRegex(ValueError, "--run_date = '2026-13-01'"):
            job.processing_day("2026-13-01")


class DedupeTests(unittest.TestCase):
    # Kinesis sequence numbers are ~56 digits: compared as integers, not strings.
    EARLY = "49590338271490256608559692538361571095921575989136588898"
    LATE = "149590338271490256608559692538361571095921575989136588898"

    def test_keeps_one_record_per_idempotency_key_the_earliest_delivery(self):
        first = line("o-1:paid:2026-01-01T00:00:00Z", self.EARLY, orderId="o-1", attempt=1)
        again = line("o-1:paid:2026-01-01T00:00:00Z", self.LATE, orderId="o-1", attempt=2)
        other = line("o-2:paid:2026-01-01T00:00:00Z", self.LATE, orderId="o-2")
        for order in ([again, first, other], [first, other, again], [other, again, first]):
            kept = job.dedupe(order)
            self.assertEqual(len(kept), 2)
            self.assertIn(first, kept)
            self.assertIn(other, kept)

    def test_orders_aggregated_sub_records_by_sub_sequence(self):
        a = line("k", self.EARLY, 3, n=3)
        b = line("k", self.EARLY, 1, n=1)
        self.assertIs(job.keep_first_delivery(a, b), b)
        self.assertIs(job.keep_first_delivery(b, a), b)

    def test_choice_between_identical_positions_does_not_depend_on_order(self):
        a = line("k", self.EARLY, payload="x")
        b = line("k", self.EARLY, payload="y")
        self.assertIs(job.keep_first_delivery(a, b), job.keep_first_delivery(b, a))

    def test_records_without_a_key_are_all_kept(self):
        legacy = [{"orderId": "a"}, {"orderId": "a"}, {"_meta": {}}]
        self.assertEqual(job.dedupe(legacy), legacy)

    def test_a_record_without_sequence_never_replaces_one_with_it(self):
        with_seq = line("k", self.LATE)
        without = {"_meta": {"idempotencyKey": "k"}}
        self.assertIs(job.keep_first_delivery(without, with_seq), with_seq)


if __name__ == "__main__":
    unittest.main()
