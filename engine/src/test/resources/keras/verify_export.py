"""Checks with real Keras 3 that the .keras files spark-gru's KerasExporter writes load and predict
what Keras predicted for the originals, and records the verdict in exported/verdict.txt (which
KerasExportTest requires, together with exported/*.keras being what the exporter writes today).

    mvn -pl engine test -Dtest=KerasExportTest      # writes engine/target/keras-export/*.keras
    cp engine/target/keras-export/*.keras engine/src/test/resources/keras/exported/
    KERAS_BACKEND=tensorflow /tmp/kv/bin/python engine/src/test/resources/keras/verify_export.py
"""
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = ["stacked", "reset_before", "backwards", "relu_hard_sigmoid_nobias", "masking"]


def tensors(case):
    out = {}
    lines = open(os.path.join(HERE, case + ".txt")).read().splitlines()
    for i, line in enumerate(lines):
        head = line.split()
        if head and head[0] == "tensor":
            rank = int(head[2])
            shape = [int(d) for d in head[3:3 + rank]]
            out[head[1]] = np.array([float(v) for v in lines[i + 1].split()], dtype="float32").reshape(shape)
    return out


verdict = [f"keras {keras.__version__} backend={keras.backend.backend()}"]
for case in CASES:
    t = tensors(case)
    model = keras.saving.load_model(os.path.join(HERE, "exported", case + ".keras"))
    y = model.predict(t["x"], verbose=0)
    scale = np.maximum(np.abs(t["y"]), 0.01 * np.abs(t["y"]).max())
    worst = float(np.max(np.abs(y - t["y"]) / scale))
    ok = worst <= 1e-5
    verdict.append(f"{case} loaded and predicted within 1e-5" if ok else f"{case} FAILED: worst relative {worst}")
    verdict.append(f"{case} worst relative error {worst:.3g}")
open(os.path.join(HERE, "exported", "verdict.txt"), "w").write("\n".join(verdict) + "\n")
print("\n".join(verdict))
