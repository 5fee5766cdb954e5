"""Evaluate step of the training pipeline: AUC of the trained model on the held-out test split.

Runs in the built-in XGBoost image as a SageMaker processing job. Writes
/opt/ml/processing/evaluation/evaluation.json as {"metrics": {"auc": {"value": ...}}}, the
property file the pipeline's condition step reads.
"""

import json
import os
import tarfile

import pandas as pd
import xgboost
from sklearn.metrics import roc_auc_score

MODEL = "/opt/ml/processing/model/model.tar.gz"
TEST = "/opt/ml/processing/test/test.csv"
OUTPUT = "/opt/ml/processing/evaluation"


def main() -> None:
    # Read only the model file (no extractall: paths inside an archive are not trusted).
    with tarfile.open(MODEL) as archive:
        source = archive.extractfile(archive.getmember("xgboost-model"))
        if source is None:
            raise SystemExit(f"{MODEL} has no xgboost-model file")
        with source, open("xgboost-model", "wb") as out:
            out.write(source.read())
    booster = xgboost.Booster()
    booster.load_model("xgboost-model")
    test = pd.read_csv(TEST, header=None)
    labels = test.iloc[:, 0].to_numpy()
    predictions = booster.predict(xgboost.DMatrix(test.iloc[:, 1:].to_numpy()))
    auc = float(roc_auc_score(labels, predictions)) if len(set(labels)) > 1 else 0.0
    os.makedirs(OUTPUT, exist_ok=True)
    with open(os.path.join(OUTPUT, "evaluation.json"), "w") as out:
        json.dump({"metrics": {"auc": {"value": auc}}, "samples": int(len(labels))}, out)
    print({"auc": auc, "samples": len(labels)})


if __name__ == "__main__":
    main()
