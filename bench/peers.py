#!/usr/bin/env python3
"""Single-thread GRU throughput peers (Keras/JAX, Keras/TensorFlow, PyTorch).

Measures sequences/second for training steps and for inference (forward only)
of the same stacked-GRU regression/classification model that the Java GRU
project implements, so the Java numbers have reference points.

Usage:
  python peers.py --config A|B|tutorial --mode train|infer|both \
      --peers keras-jax,keras-tensorflow,torch,torch-debian \
      --seconds 10 --repeats 2 [--warmup 3] [--keras-jax-impl custom|builtin]

Every peer runs in its own subprocess (the Keras backend is fixed by
KERAS_BACKEND before import), pinned to one thread (env vars + framework
thread settings) and, when `taskset` exists, to CPU 0.

Interpreters: keras-jax, keras-tensorflow and torch run under the Python
that runs this script (keras 3, tensorflow-cpu, jax and torch installed in
it); torch-debian under Debian's /usr/bin/python3 with its python3-torch
package, or the interpreter PEERS_DEBIAN_PYTHON names.

Output: one line per measurement on stdout:
  peer=<name> config=<c> mode=<m> seq_per_s=<median> runs=<r1,r2> gflops=<g>
or, if a peer cannot run:
  peer=<name> skipped=<reason>
Details (versions, which step implementation was used) go to stderr as
lines starting with '#'.

What is timed:
  keras-jax        train: jax.jit of a custom step built from
                          model.stateless_call + optimizer.stateless_apply
                          (buffers donated; loss blocked on each step);
                          with --keras-jax-impl builtin: model.train_on_batch
                   infer: jax.jit(model.stateless_call(training=False)),
                          or model.predict_on_batch with builtin
  keras-tensorflow train: model.train_on_batch (compiled tf.function;
                          jit_compile='auto', which Keras resolves to False
                          on CPU-only TensorFlow)
                   infer: model.predict_on_batch
  torch / torch-debian train: zero_grad / forward / loss / backward / step
                   infer: forward under torch.no_grad()
Per mode: one warm-up (>= --warmup seconds and >= 3 steps; covers tracing /
compilation) before the first repeat, then each repeat steps for --seconds
of wall time;
seq_per_s = batch * steps_done / elapsed.

GFLOPs count the GEMM FLOPs of the GRU layers only:
  forward 2*B*T*3H*(D+H) per GRU layer; training = 3x forward.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.abspath(__file__)

# --------------------------------------------------------------------------
# Model configurations
# --------------------------------------------------------------------------
CONFIGS = {
    "A": dict(batch=64, steps=24, features=8, units=[64, 64],
              out_act=None, loss="mse"),
    "B": dict(batch=128, steps=48, features=32, units=[256],
              out_act=None, loss="mse"),
    "tutorial": dict(batch=16, steps=10, features=5, units=[50, 50],
                     out_act="sigmoid", loss="bce"),
}

PEERS_PY = sys.executable
DEBIAN_PY = os.environ.get("PEERS_DEBIAN_PYTHON", "/usr/bin/python3")

PEERS = {
    # name: (python interpreter, kind, KERAS_BACKEND)
    "keras-jax": (PEERS_PY, "keras", "jax"),
    "keras-tensorflow": (PEERS_PY, "keras", "tensorflow"),
    "torch": (PEERS_PY, "torch", None),
    "torch-debian": (DEBIAN_PY, "torch", None),
}


def gru_forward_flops_per_seq(cfg):
    """GEMM FLOPs of the GRU layers for one sequence, forward pass."""
    t = cfg["steps"]
    d = cfg["features"]
    total = 0
    for h in cfg["units"]:
        total += 2 * t * 3 * h * (d + h)
        d = h
    return total


def gflops(cfg, mode, seq_per_s):
    f = gru_forward_flops_per_seq(cfg)
    if mode == "train":
        f *= 3
    return f * seq_per_s / 1e9


# --------------------------------------------------------------------------
# Worker side (runs inside the pinned subprocess)
# --------------------------------------------------------------------------
def _info(msg):
    print("# " + msg, file=sys.stderr, flush=True)


def _timed(step, seconds, warmup, batch, do_warmup=True):
    if do_warmup:
        t0 = time.perf_counter()
        n = 0
        while n < 3 or time.perf_counter() - t0 < warmup:
            step()
            n += 1
    n = 0
    t0 = time.perf_counter()
    while True:
        step()
        n += 1
        el = time.perf_counter() - t0
        if el >= seconds:
            break
    return batch * n / el


def _data(cfg):
    import numpy as np
    rng = np.random.default_rng(0)
    x = rng.standard_normal(
        (cfg["batch"], cfg["steps"], cfg["features"])).astype("float32")
    if cfg["loss"] == "bce":
        y = (rng.random((cfg["batch"], 1)) < 0.5).astype("float32")
    else:
        y = rng.standard_normal((cfg["batch"], 1)).astype("float32")
    return x, y


def worker_keras(cfg, modes, seconds, warmup, repeats, jax_impl):
    backend = os.environ["KERAS_BACKEND"]
    if backend == "tensorflow":
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        try:
            tf.config.set_visible_devices([], "GPU")
        except Exception:
            pass
        _info("tensorflow %s" % tf.__version__)
    elif backend == "jax":
        import jax
        _info("jax %s devices=%s" % (jax.__version__, jax.devices()))
    import keras
    import numpy as np
    _info("keras %s backend=%s" % (keras.__version__, keras.backend.backend()))

    keras.utils.set_random_seed(0)
    x, y = _data(cfg)
    layers = [keras.Input((cfg["steps"], cfg["features"]), batch_size=cfg["batch"])]
    units = cfg["units"]
    for i, h in enumerate(units):
        layers.append(keras.layers.GRU(h, return_sequences=i < len(units) - 1))
    layers.append(keras.layers.Dense(1, activation=cfg["out_act"]))
    model = keras.Sequential(layers)
    loss = (keras.losses.BinaryCrossentropy() if cfg["loss"] == "bce"
            else keras.losses.MeanSquaredError())
    optimizer = keras.optimizers.Adam()
    model.compile(optimizer=optimizer, loss=loss)  # jit_compile="auto"

    use_custom = backend == "jax" and jax_impl == "custom"
    results = {}

    for mode in modes:
        if use_custom:
            import jax
            if mode == "train":
                optimizer.build(model.trainable_variables)
                state = [
                    [v.value for v in model.trainable_variables],
                    [v.value for v in model.non_trainable_variables],
                    [v.value for v in optimizer.variables],
                ]

                def loss_fn(tv, ntv, xb, yb):
                    yp, ntv = model.stateless_call(tv, ntv, xb, training=True)
                    return loss(yb, yp), ntv

                grad_fn = jax.value_and_grad(loss_fn, has_aux=True)

                def train_step(st, xb, yb):
                    tv, ntv, ov = st
                    (l, ntv), g = grad_fn(tv, ntv, xb, yb)
                    tv, ov = optimizer.stateless_apply(ov, g, tv)
                    return l, [tv, ntv, ov]

                jstep = jax.jit(train_step, donate_argnums=0)
                xj, yj = jax.device_put(x), jax.device_put(y)

                def step():
                    l, state[:] = jstep(state, xj, yj)
                    l.block_until_ready()
                impl = "jax.jit(stateless_call+value_and_grad+optimizer.stateless_apply)"
            else:
                tv = [v.value for v in model.trainable_variables]
                ntv = [v.value for v in model.non_trainable_variables]
                fwd = jax.jit(lambda tv, ntv, xb:
                              model.stateless_call(tv, ntv, xb, training=False)[0])
                xj = jax.device_put(x)

                def step():
                    fwd(tv, ntv, xj).block_until_ready()
                impl = "jax.jit(stateless_call(training=False))"
        else:
            if mode == "train":
                def step():
                    model.train_on_batch(x, y)
                impl = "model.train_on_batch"
            else:
                def step():
                    model.predict_on_batch(x)
                impl = "model.predict_on_batch"
        runs = []
        for r in range(repeats):
            runs.append(_timed(step, seconds, warmup, cfg["batch"],
                               do_warmup=(r == 0)))
        if use_custom and mode == "train":
            # buffers were donated: hand the live state back to the Keras
            # variables so later modes read valid arrays
            for vs, vals in zip((model.trainable_variables,
                                 model.non_trainable_variables,
                                 optimizer.variables), state):
                for v, val in zip(vs, vals):
                    v.assign(val)
        jc = getattr(model, "jit_compile", None)
        _info("keras-%s mode=%s impl=%s model.jit_compile=%s"
              % (backend, mode, impl, jc))
        results[mode] = runs
    return results


def worker_torch(cfg, modes, seconds, warmup, repeats):
    import torch
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    _info("torch %s threads=%d interop=%d" % (
        torch.__version__, torch.get_num_threads(),
        torch.get_num_interop_threads()))
    torch.manual_seed(0)
    x, y = _data(cfg)
    x = torch.from_numpy(x)
    y = torch.from_numpy(y)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            d = cfg["features"]
            self.grus = torch.nn.ModuleList()
            for h in cfg["units"]:
                self.grus.append(torch.nn.GRU(d, h, batch_first=True))
                d = h
            self.fc = torch.nn.Linear(d, 1)

        def forward(self, xb):
            for g in self.grus:
                xb, _ = g(xb)
            out = self.fc(xb[:, -1, :])
            if cfg["out_act"] == "sigmoid":
                out = torch.sigmoid(out)
            return out

    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    lossf = (torch.nn.BCELoss() if cfg["loss"] == "bce"
             else torch.nn.MSELoss())
    results = {}
    for mode in modes:
        if mode == "train":
            model.train()

            def step():
                opt.zero_grad()
                l = lossf(model(x), y)
                l.backward()
                opt.step()
        else:
            model.eval()

            def step():
                with torch.no_grad():
                    model(x)
        runs = []
        for r in range(repeats):
            runs.append(_timed(step, seconds, warmup, cfg["batch"],
                               do_warmup=(r == 0)))
        results[mode] = runs
    return results


def worker_main(args):
    cfg = CONFIGS[args.config]
    modes = ["train", "infer"] if args.mode == "both" else [args.mode]
    kind = PEERS[args.worker][1]
    try:
        if kind == "keras":
            res = worker_keras(cfg, modes, args.seconds, args.warmup,
                               args.repeats, args.keras_jax_impl)
        else:
            res = worker_torch(cfg, modes, args.seconds, args.warmup,
                               args.repeats)
    except ImportError as e:
        print("RESULT " + json.dumps({"skipped": "import error: %s" % e}),
              flush=True)
        return 0
    print("RESULT " + json.dumps({"runs": res}), flush=True)
    return 0


# --------------------------------------------------------------------------
# Driver side
# --------------------------------------------------------------------------
def pinned_env(backend):
    env = dict(os.environ)
    env.update({
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "VECLIB_MAXIMUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false "
                     "intra_op_parallelism_threads=1",
        "TF_NUM_INTRAOP_THREADS": "1",
        "TF_NUM_INTEROP_THREADS": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "JAX_PLATFORMS": "cpu",
        "CUDA_VISIBLE_DEVICES": "",
        "PYTHONUNBUFFERED": "1",
    })
    if backend:
        env["KERAS_BACKEND"] = backend
    else:
        env.pop("KERAS_BACKEND", None)
    return env


def run_peer(name, args):
    """Returns (dict mode->runs, None) or (None, skip reason)."""
    if name not in PEERS:
        return None, "unknown peer"
    py, kind, backend = PEERS[name]
    if not (os.path.isfile(py) and os.access(py, os.X_OK)):
        return None, "interpreter %s not found" % py
    cmd = [py, HERE, "--worker", name, "--config", args.config,
           "--mode", args.mode, "--seconds", str(args.seconds),
           "--warmup", str(args.warmup), "--repeats", str(args.repeats),
           "--keras-jax-impl", args.keras_jax_impl]
    taskset = shutil.which("taskset")
    if taskset and not args.no_taskset:
        cmd = [taskset, "-c", str(args.cpu)] + cmd
    nmodes = 2 if args.mode == "both" else 1
    timeout = 300 + nmodes * args.repeats * (args.seconds + args.warmup) * 3
    try:
        p = subprocess.run(cmd, env=pinned_env(backend), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timeout after %ds" % timeout
    except OSError as e:
        return None, "cannot start: %s" % e
    for line in p.stderr.splitlines():
        if line.startswith("# "):
            print("# [%s] %s" % (name, line[2:]), file=sys.stderr, flush=True)
    result = None
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
    if result is None:
        tail = [l for l in p.stderr.strip().splitlines()
                if l.strip() and not l.startswith((" ", "#"))]
        errs = [l for l in tail if "Error" in l or "Exception" in l]
        last = (errs or tail or ["no output"])[-1]
        return None, "worker failed rc=%d: %s" % (p.returncode, last[:200])
    if "skipped" in result:
        return None, result["skipped"]
    return result["runs"], None


def fmt(v):
    return "%.1f" % v


def driver_main(args):
    cfg = CONFIGS[args.config]
    modes = ["train", "infer"] if args.mode == "both" else [args.mode]
    t_all = time.perf_counter()
    for name in [p.strip() for p in args.peers.split(",") if p.strip()]:
        t0 = time.perf_counter()
        res, reason = run_peer(name, args)
        if res is None:
            print("peer=%s skipped=%s" % (name, reason.replace(" ", "_")),
                  flush=True)
            continue
        for mode in modes:
            runs = res[mode]
            med = statistics.median(runs)
            print("peer=%s config=%s mode=%s seq_per_s=%s runs=%s gflops=%.3f"
                  % (name, args.config, mode, fmt(med),
                     ",".join(fmt(r) for r in runs), gflops(cfg, mode, med)),
                  flush=True)
        print("# [%s] subprocess wall %.1fs" % (name, time.perf_counter() - t0),
              file=sys.stderr, flush=True)
    print("# total wall %.1fs" % (time.perf_counter() - t_all),
          file=sys.stderr, flush=True)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", choices=sorted(CONFIGS), default="A")
    ap.add_argument("--mode", choices=["train", "infer", "both"], default="both")
    ap.add_argument("--peers", default="keras-jax,keras-tensorflow,torch,torch-debian")
    ap.add_argument("--seconds", type=float, default=10.0,
                    help="timed wall budget per repeat")
    ap.add_argument("--warmup", type=float, default=3.0,
                    help="warm-up seconds before the first repeat of each mode")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--keras-jax-impl", choices=["custom", "builtin"],
                    default="custom",
                    help="keras-jax: jitted custom step (default) or "
                         "train_on_batch/predict_on_batch")
    ap.add_argument("--cpu", type=int, default=0, help="CPU for taskset -c")
    ap.add_argument("--no-taskset", action="store_true")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker_main(args)
    return driver_main(args)


if __name__ == "__main__":
    sys.exit(main())
