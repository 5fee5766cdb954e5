"""Prepare step of the training pipeline: offline-store Parquet -> train/validation/test CSV.

Runs in the built-in XGBoost image as a SageMaker processing job (network isolated: it reads
only what SageMaker mounts). Input: the feature group's offline store under
/opt/ml/processing/input/features. Output: CSV without header, label first, as the built-in
XGBoost algorithm expects.

Arguments: --label <feature> --features <f1,f2,...> --record-id <feature> --event-time <feature>
"""

import argparse
import glob
import os

import numpy as np
import pandas as pd

INPUT = "/opt/ml/processing/input/features"
OUTPUT = "/opt/ml/processing/output"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", required=True)
    parser.add_argument("--features", required=True)
    parser.add_argument("--record-id", required=True)
    parser.add_argument("--event-time", required=True)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()

    files = glob.glob(os.path.join(INPUT, "**", "*.parquet"), recursive=True)
    if not files:
        raise SystemExit(f"no Parquet files under {INPUT}: has the feature group received records?")
    frame = pd.concat((pd.read_parquet(f) for f in files), ignore_index=True)
    # The offline store keeps every write: drop deletes, keep one row per (record, event time).
    if "is_deleted" in frame.columns:
        frame = frame[~frame["is_deleted"].astype(bool)]
    frame = frame.sort_values("write_time").drop_duplicates([args.record_id, args.event_time], keep="last")

    numeric = [f for f in args.features.split(",") if f and f != args.label]
    data = frame[[args.label, *numeric]].apply(pd.to_numeric, errors="coerce").dropna()
    rng = np.random.default_rng(args.seed)
    split = rng.random(len(data))
    parts = {"train": data[split < 0.7], "validation": data[(split >= 0.7) & (split < 0.85)], "test": data[split >= 0.85]}
    for name, part in parts.items():
        os.makedirs(os.path.join(OUTPUT, name), exist_ok=True)
        part.to_csv(os.path.join(OUTPUT, name, f"{name}.csv"), header=False, index=False)
    print({name: len(part) for name, part in parts.items()})


if __name__ == "__main__":
    main()
