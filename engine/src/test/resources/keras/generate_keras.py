"""Writes the Keras interoperability golden files of spark-gru's KerasImportTest.

For each case: <case>.keras (Keras 3 saving format), and the input and Keras' prediction in
<case>.txt ("tensor <name> <rank> <dims...>" then the values, float32 printed with repr). The
stacked case is also written as a legacy tf.keras .h5 file and as bare .weights.h5 plus its
config (<case>.config.json). Run with Keras 3 (TensorFlow backend):

    python3 -m venv /tmp/kv && /tmp/kv/bin/pip install keras tensorflow-cpu
    KERAS_BACKEND=tensorflow /tmp/kv/bin/python generate_keras.py

The Java build never runs this; its outputs are checked in.
"""
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import json

import keras
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261125)


def randomize(model):
    """Non-trivial weights: biases and kernels drawn at random, so every weight matters."""
    for layer in model.layers:
        ws = layer.get_weights()
        layer.set_weights([rng.normal(0, 0.4, w.shape).astype("float32") for w in ws])


def tensor(f, name, a):
    a = np.asarray(a, dtype="float32")
    f.write(f"tensor {name} {a.ndim} {' '.join(str(d) for d in a.shape)}\n")
    f.write(" ".join(repr(float(v)) for v in a.ravel()) + "\n")


def write(case, model, x):
    randomize(model)
    model.save(os.path.join(HERE, case + ".keras"))
    y = model.predict(x, verbose=0)
    with open(os.path.join(HERE, case + ".txt"), "w") as f:
        f.write(f"# keras {keras.__version__} backend={keras.backend.backend()}\n")
        tensor(f, "x", x)
        tensor(f, "y", y)
    return y


def inputs(batch, steps, features):
    return rng.normal(0, 1, (batch, steps, features)).astype("float32")


L = keras.layers
x = inputs(4, 6, 3)
stacked = keras.Sequential([keras.Input((None, 3)), L.GRU(5, return_sequences=True), L.Dropout(0.2), L.GRU(4),
                            L.Dense(2)], name="stacked")
write("stacked", stacked, x)
stacked.save(os.path.join(HERE, "stacked_legacy.h5"))
stacked.save_weights(os.path.join(HERE, "stacked.weights.h5"))
with open(os.path.join(HERE, "stacked.config.json"), "w") as f:
    f.write(stacked.to_json())

write("reset_before", keras.Sequential([keras.Input((None, 3)), L.GRU(4, reset_after=False), L.Dense(1)]), x)
write("backwards", keras.Sequential([keras.Input((None, 3)), L.GRU(4, go_backwards=True, return_sequences=True),
                                     L.Dense(2)]), x)
write("relu_hard_sigmoid_nobias", keras.Sequential([keras.Input((None, 3)), L.GRU(
    4, activation="relu", recurrent_activation="hard_sigmoid", use_bias=False), L.Dense(1, use_bias=False)]), x)

padded = inputs(4, 6, 3)
for i, length in enumerate([6, 4, 2, 5]):
    padded[i, length:, :] = 0.0
write("masking", keras.Sequential([keras.Input((None, 3)), L.Masking(0.0), L.GRU(4, return_sequences=True),
                                   L.GRU(3), L.Dense(1, activation="sigmoid")]), padded)

# A layer the importer does not support, to check its message.
keras.Sequential([keras.Input((None, 3)), L.LSTM(2)]).save(os.path.join(HERE, "unsupported_lstm.keras"))
print("written to", HERE)
