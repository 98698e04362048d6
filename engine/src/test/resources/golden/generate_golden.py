"""Golden test files for the Java reimplementation of keras.layers.GRU.

What it generates
-----------------
One plain-text file ``<case>.txt`` per case, next to this script:
  * forward/gradient cases (``gru_*``): outputs of a small model built from the
    REAL Keras 3 layers (TensorFlow backend, float64) and the gradients of
    L = sum(y * cotangent) + sum(state * cotangent_state) computed with
    tf.GradientTape (training=False, no regularization);
  * ``torch_gru``: the same kind of case computed by torch.nn.GRU (float64),
    written back in the Keras layout and asserted equal to Keras to 1e-12;
  * training cases (``train_*``): ``model.fit(shuffle=False, verbose=0)`` with
    the initial weights, final weights and the per-epoch history.
All weights and inputs are drawn as float32 (so they are exactly representable
in float32) and then cast to float64. Seeds are fixed: the output is
deterministic.

How to rerun
------------
    cd engine/src/test/resources/golden && /tmp/kv/bin/python generate_golden.py
(/tmp/kv has keras 3.15.1, tensorflow-cpu 2.21, torch 2.13, numpy.)

File format (parsed strictly by the Java side; see also read_golden below)
-----------
  # comment lines (the first one gives keras / tensorflow / torch versions and backend)
  case <name>
  layer <type> key=value ...      one per model layer, in order; type is
                                  masking | gru | dense | dropout
  train key=value ...             only in training cases
  tensor <name> <ndim> <d0> ... then ONE line with all values, row-major,
                                  each repr(float(v)); a scalar has ndim 0.
Tensor names: weights.<i>.<kernel|recurrent_kernel|bias> (i counts every
layer line, from 0), x, mask, initial_state, y, state, cotangent,
cotangent_state, grad.weights.<i>.<var>, grad.x, grad.initial_state,
y_true, final.weights.<i>.<var>, history.loss, history.<metric>.
"""

import os

os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import torch  # noqa: E402
import keras  # noqa: E402

keras.config.set_floatx("float64")
torch.set_default_dtype(torch.float64)

OUT_DIR = os.path.dirname(os.path.abspath(__file__))
HEADER = (
    f"# keras {keras.__version__} tensorflow {tf.__version__} "
    f"torch {torch.__version__} backend={keras.backend.backend()} floatx=float64"
)

# ---------------------------------------------------------------------------
# Random data (float32-exact values)
# ---------------------------------------------------------------------------


def f32_uniform(rng, shape, low=-0.6, high=0.6):
    return rng.uniform(low, high, size=shape).astype(np.float32).astype(np.float64)


def f32_normal(rng, shape):
    return rng.normal(size=shape).astype(np.float32).astype(np.float64)


def set_random_weights(layers, rng):
    """Give every layer float32-exact random weights (uniform(-0.6, 0.6))."""
    for layer in layers:
        ws = layer.get_weights()
        if ws:
            layer.set_weights([f32_uniform(rng, w.shape) for w in ws])


# ---------------------------------------------------------------------------
# Layer description lines
# ---------------------------------------------------------------------------


def fmt_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, float):
        return repr(v)
    return str(v)


def fmt_regularizer(cfg):
    name, c = cfg["class_name"], cfg["config"]
    if name == "L2":
        return f"l2:{c['l2']!r}"
    if name == "L1":
        return f"l1:{c['l1']!r}"
    if name == "L1L2":
        return f"l1_l2:{c['l1']!r}:{c['l2']!r}"
    raise ValueError(name)


def fmt_constraint(cfg):
    name, c = cfg["class_name"], cfg["config"]
    if "axis" in c:
        assert c["axis"] == 0, "only Keras' default axis=0 is supported"
    if name == "MaxNorm":
        return f"max_norm:{float(c['max_value'])!r}"
    if name == "NonNeg":
        return "non_neg"
    if name == "UnitNorm":
        return "unit_norm"
    if name == "MinMaxNorm":
        return (f"min_max_norm:{float(c['min_value'])!r}:"
                f"{float(c['max_value'])!r}:{float(c['rate'])!r}")
    raise ValueError(name)


def layer_line(layer):
    cfg = layer.get_config()
    if isinstance(layer, keras.layers.Masking):
        kv = [("mask_value", float(cfg["mask_value"]))]
        kind = "masking"
    elif isinstance(layer, keras.layers.GRU):
        kind = "gru"
        assert cfg["dropout"] == 0.0 and cfg["recurrent_dropout"] == 0.0
        assert not cfg["stateful"] and not cfg["unroll"]
        kv = [(k, cfg[k]) for k in ("units", "activation", "recurrent_activation",
                                    "use_bias", "reset_after", "return_sequences",
                                    "return_state", "go_backwards")]
        for k in ("kernel_regularizer", "recurrent_regularizer",
                  "bias_regularizer", "activity_regularizer"):
            if cfg[k] is not None:
                kv.append((k, fmt_regularizer(cfg[k])))
        for k in ("kernel_constraint", "recurrent_constraint", "bias_constraint"):
            if cfg[k] is not None:
                kv.append((k, fmt_constraint(cfg[k])))
    elif isinstance(layer, keras.layers.Dense):
        kind = "dense"
        assert cfg["kernel_regularizer"] is None and cfg["kernel_constraint"] is None
        kv = [(k, cfg[k]) for k in ("units", "activation", "use_bias")]
    elif isinstance(layer, keras.layers.Dropout):
        kind = "dropout"
        kv = [("rate", float(cfg["rate"]))]
    else:
        raise TypeError(type(layer))
    return "layer " + kind + "".join(f" {k}={fmt_value(v)}" for k, v in kv)


# ---------------------------------------------------------------------------
# Writing / reading golden files
# ---------------------------------------------------------------------------


class Golden:
    def __init__(self, case):
        self.case = case
        self.lines = [HEADER, f"case {case}"]

    def comment(self, text):
        self.lines.insert(1, f"# {text}")

    def layers(self, layers):
        self.lines += [layer_line(l) for l in layers]

    def train(self, items):
        self.lines.append("train" + "".join(f" {k}={fmt_value(v)}" for k, v in items))

    def tensor(self, name, value):
        a = np.asarray(value, dtype=np.float64)
        self.lines.append(f"tensor {name} {a.ndim}" + "".join(f" {d}" for d in a.shape))
        self.lines.append(" ".join(repr(float(v)) for v in a.reshape(-1)))

    def layer_weights(self, prefix, layers):
        for i, layer in enumerate(layers):
            for w in layer.weights:
                self.tensor(f"{prefix}.{i}.{w.name}", w.numpy())

    def write(self):
        path = os.path.join(OUT_DIR, self.case + ".txt")
        with open(path, "w") as f:
            f.write("\n".join(self.lines) + "\n")
        return path


def read_golden(path):
    """Strict reader (mirrors what the Java side parses)."""
    out = {"comments": [], "case": None, "layers": [], "train": None, "tensors": {}}
    with open(path) as f:
        lines = f.read().split("\n")
    assert lines[-1] == "", "file must end with a newline"
    lines = lines[:-1]
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            out["comments"].append(line)
        elif line.startswith("case "):
            assert out["case"] is None
            out["case"] = line.split(" ")[1]
            assert len(line.split(" ")) == 2
        elif line.startswith("layer "):
            parts = line.split(" ")
            assert parts[1] in ("masking", "gru", "dense", "dropout"), line
            kv = dict(p.split("=", 1) for p in parts[2:])
            assert len(kv) == len(parts) - 2
            out["layers"].append((parts[1], kv))
        elif line.startswith("train "):
            assert out["train"] is None
            out["train"] = dict(p.split("=", 1) for p in line.split(" ")[1:])
        elif line.startswith("tensor "):
            parts = line.split(" ")
            name, ndim = parts[1], int(parts[2])
            shape = tuple(int(d) for d in parts[3:])
            assert len(shape) == ndim, line
            i += 1
            vals = [float(v) for v in lines[i].split(" ")]
            assert len(vals) == int(np.prod(shape, dtype=np.int64)), name
            assert name not in out["tensors"], name
            out["tensors"][name] = np.array(vals).reshape(shape)
        else:
            raise ValueError(f"{path}: unexpected line {i + 1}: {line[:60]}")
        i += 1
    assert out["comments"] and out["comments"][0] == HEADER
    assert out["case"] == os.path.basename(path)[:-4]
    return out


# ---------------------------------------------------------------------------
# Forward / gradient cases
# ---------------------------------------------------------------------------


def run_layers(layers, x, mask=None, initial_state=None):
    """Call the layers by hand, propagating the mask like a Sequential model.

    Returns (y, state) where state is None unless the last GRU returns it."""
    h, state, first_gru = x, None, True
    for layer in layers:
        if isinstance(layer, keras.layers.Masking):
            mask = layer.compute_mask(h)
            h = layer(h)
        elif isinstance(layer, keras.layers.GRU):
            kwargs = {"mask": mask, "training": False}
            if first_gru and initial_state is not None:
                kwargs["initial_state"] = initial_state
            first_gru = False
            out = layer(h, **kwargs)
            if layer.return_state:
                h, state = out[0], out[1]
            else:
                h = out
            if not layer.return_sequences:
                mask = None
        else:
            h = layer(h, training=False)
    return h, state


def forward_case(name, layers, x, seed, mask=None, initial_state=None, note=None):
    """Build `layers` for x, set random weights, write outputs and gradients."""
    rng = np.random.default_rng(seed)
    mt = tf.constant(mask.astype(bool)) if mask is not None else None
    run_layers(layers, x, mt, initial_state)  # builds the layers
    set_random_weights(layers, rng)
    y, state = run_layers(layers, x, mt, initial_state)
    cot = f32_normal(rng, y.shape)
    cot_state = f32_normal(rng, state.shape) if state is not None else None

    xt = tf.constant(x)
    h0 = tf.constant(initial_state) if initial_state is not None else None
    weights = [(i, w) for i, l in enumerate(layers) for w in l.trainable_weights]
    with tf.GradientTape() as tape:
        tape.watch(xt)
        if h0 is not None:
            tape.watch(h0)
        y, state = run_layers(layers, xt, mt, h0)
        loss = tf.reduce_sum(y * cot)
        if state is not None:
            loss += tf.reduce_sum(state * cot_state)
    sources = [xt] + ([h0] if h0 is not None else []) + [w for _, w in weights]
    grads = tape.gradient(loss, sources)

    if mask is None and initial_state is None and state is None:
        check_same_as_sequential(layers, x, y)

    g = Golden(name)
    if note:
        g.comment(note)
    g.layers(layers)
    g.layer_weights("weights", layers)
    g.tensor("x", x)
    if mask is not None:
        g.tensor("mask", mask)
    if initial_state is not None:
        g.tensor("initial_state", initial_state)
    g.tensor("y", y.numpy())
    if state is not None:
        g.tensor("state", state.numpy())
    g.tensor("cotangent", cot)
    if state is not None:
        g.tensor("cotangent_state", cot_state)
    for (i, w), gw in zip(weights, grads[len(sources) - len(weights):]):
        g.tensor(f"grad.weights.{i}.{w.name}", gw.numpy())
    g.tensor("grad.x", grads[0].numpy())
    if h0 is not None:
        g.tensor("grad.initial_state", grads[1].numpy())
    return g.write(), y.numpy(), (state.numpy() if state is not None else None)


def check_same_as_sequential(layers, x, y):
    """The hand-called layers must agree with a real Sequential model."""
    model = keras.Sequential([keras.Input(shape=x.shape[1:])] + layers)
    np.testing.assert_allclose(model(x, training=False).numpy(), y.numpy(),
                               rtol=0, atol=1e-14)


def gru(units, **kw):
    return keras.layers.GRU(units, **kw)


def cases_basic():
    rng = np.random.default_rng(1)
    x = f32_normal(rng, (3, 5, 2))
    yield forward_case("gru_default", [gru(4)], x, 101)
    yield forward_case("gru_reset_before",
                       [gru(4, reset_after=False, return_sequences=True)], x, 102)
    yield forward_case("gru_stacked",
                       [gru(5, return_sequences=True), gru(4), keras.layers.Dense(2)],
                       x, 103)
    yield forward_case("gru_go_backwards",
                       [gru(4, go_backwards=True, return_sequences=True)], x, 104)
    yield forward_case("gru_go_backwards_reset_before_last",
                       [gru(4, go_backwards=True, reset_after=False)], x, 105)
    yield forward_case("gru_relu_hard_sigmoid_nobias",
                       [gru(4, activation="relu", recurrent_activation="hard_sigmoid",
                            use_bias=False, return_sequences=True)], x, 106)


def cases_activations():
    rng = np.random.default_rng(2)
    x = f32_normal(rng, (2, 4, 3))
    for k, act in enumerate(["tanh", "sigmoid", "hard_sigmoid", "relu", "linear",
                             "softsign", "elu", "selu", "gelu"]):
        yield forward_case(f"gru_act_{act}",
                           [gru(4, activation=act, return_sequences=True)], x, 200 + k)
    for k, ract in enumerate(["hard_sigmoid", "relu", "linear", "softsign", "tanh"]):
        yield forward_case(f"gru_ract_{ract}",
                           [gru(4, recurrent_activation=ract, return_sequences=True)],
                           x, 220 + k)


def padded_input():
    """(4, 6, 3): unpadded / right-padded by 2 / left-padded by 2 / zero step in middle."""
    x = f32_normal(np.random.default_rng(3), (4, 6, 3))
    x[1, 4:] = 0.0
    x[2, :2] = 0.0
    x[3, 2] = 0.0
    return x


def cases_masking():
    x = padded_input()
    m = keras.layers.Masking
    yield forward_case("gru_masking_seq", [m(0.0), gru(4, return_sequences=True)], x, 301)
    yield forward_case("gru_masking_last", [m(0.0), gru(4), keras.layers.Dense(1)], x, 302)
    yield forward_case("gru_masking_backwards",
                       [m(0.0), gru(4, go_backwards=True, return_sequences=True)], x, 303)
    yield forward_case("gru_masking_reset_before_stacked",
                       [m(0.0), gru(4, reset_after=False, return_sequences=True),
                        gru(3, return_sequences=True)], x, 304)


def case_explicit_mask_initial_state():
    rng = np.random.default_rng(4)
    x = f32_normal(rng, (3, 5, 2))
    mask = np.ones((3, 5))
    mask[0, 0] = 0.0      # masked FIRST step
    mask[1, 3:] = 0.0     # masked last two steps
    h0 = f32_normal(rng, (3, 4))
    path, y, _ = forward_case(
        "gru_explicit_mask_initial_state", [gru(4, return_sequences=True)], x, 401,
        mask=mask, initial_state=h0,
        note="explicit mask= and initial_state= passed to the GRU call; a masked "
             "step outputs the previous OUTPUT (zeros at a masked first step) and "
             "carries the state (initial_state at a masked first step)")
    assert np.all(y[0, 0] == 0.0), "expected a zero output at the masked first step"
    assert np.all(y[1, 3] == y[1, 2]) and np.all(y[1, 4] == y[1, 2])
    return path


def case_return_state():
    rng = np.random.default_rng(5)
    x = f32_normal(rng, (3, 4, 3))
    h0 = f32_normal(rng, (3, 4))
    path, y, state = forward_case(
        "gru_return_state", [gru(4, return_sequences=True, return_state=True)],
        x, 501, initial_state=h0)
    np.testing.assert_array_equal(y[:, -1], state)
    return path


def cases_tiny():
    x = f32_normal(np.random.default_rng(6), (1, 1, 2))
    yield forward_case("gru_t1_b1", [gru(3)], x, 601)
    yield forward_case("gru_t1_b1_reset_before", [gru(3, reset_after=False)], x, 602)


# ---------------------------------------------------------------------------
# PyTorch second opinion
# ---------------------------------------------------------------------------


def keras_to_torch_gates(m, units):
    """Keras (in, 3H) gate order z,r,h  ->  torch (3H, in) gate order r,z,n."""
    z, r, h = m[:, :units], m[:, units:2 * units], m[:, 2 * units:]
    return np.concatenate([r, z, h], axis=1).T


def torch_to_keras_gates(m, units):
    """Inverse of keras_to_torch_gates."""
    r, z, n = m[:units], m[units:2 * units], m[2 * units:]
    return np.concatenate([z, r, n], axis=0).T


def case_torch_gru():
    units = 4
    x = f32_normal(np.random.default_rng(1), (3, 5, 2))  # same x as gru_default
    layer = gru(units, return_sequences=True)
    _, y_keras, _ = forward_case("torch_gru", [layer], x, 101)  # Keras reference
    ref = read_golden(os.path.join(OUT_DIR, "torch_gru.txt"))["tensors"]
    kernel, rkernel, bias = layer.get_weights()
    cot = ref["cotangent"]

    net = torch.nn.GRU(2, units, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.from_numpy(keras_to_torch_gates(kernel, units)))
        net.weight_hh_l0.copy_(torch.from_numpy(keras_to_torch_gates(rkernel, units)))
        net.bias_ih_l0.copy_(torch.from_numpy(keras_to_torch_gates(bias[0:1], units)[:, 0]))
        net.bias_hh_l0.copy_(torch.from_numpy(keras_to_torch_gates(bias[1:2], units)[:, 0]))
    xt = torch.tensor(x, requires_grad=True)
    y, _ = net(xt)
    (y * torch.from_numpy(cot)).sum().backward()

    y = y.detach().numpy()
    g_kernel = torch_to_keras_gates(net.weight_ih_l0.grad.numpy(), units)
    g_rkernel = torch_to_keras_gates(net.weight_hh_l0.grad.numpy(), units)
    g_bias = np.stack([torch_to_keras_gates(net.bias_ih_l0.grad.numpy()[:, None], units)[0],
                       torch_to_keras_gates(net.bias_hh_l0.grad.numpy()[:, None], units)[0]])
    g_x = xt.grad.numpy()
    for a, b in [(y, y_keras), (g_kernel, ref["grad.weights.0.kernel"]),
                 (g_rkernel, ref["grad.weights.0.recurrent_kernel"]),
                 (g_bias, ref["grad.weights.0.bias"]), (g_x, ref["grad.x"])]:
        assert a.shape == b.shape
        assert np.max(np.abs(a - b)) < 1e-12, np.max(np.abs(a - b))

    g = Golden("torch_gru")
    g.comment("outputs and gradients computed by torch.nn.GRU (float64, batch_first) "
              "and mapped back to the Keras layout; asserted equal to Keras to 1e-12")
    g.layers([layer])
    g.layer_weights("weights", [layer])
    g.tensor("x", x)
    g.tensor("y", y)
    g.tensor("cotangent", cot)
    g.tensor("grad.weights.0.kernel", g_kernel)
    g.tensor("grad.weights.0.recurrent_kernel", g_rkernel)
    g.tensor("grad.weights.0.bias", g_bias)
    g.tensor("grad.x", g_x)
    return g.write()


# ---------------------------------------------------------------------------
# Training cases
# ---------------------------------------------------------------------------

OPTIMIZERS = {
    "sgd": keras.optimizers.SGD,
    "adam": keras.optimizers.Adam,
    "adamw": keras.optimizers.AdamW,
    "rmsprop": keras.optimizers.RMSprop,
}
LOSSES = {"mse": "mse", "mae": "mae", "huber": keras.losses.Huber(),
          "binary_crossentropy": "binary_crossentropy"}
METRICS = {"mae": "mae", "rmse": lambda: keras.metrics.RootMeanSquaredError(name="rmse"),
           "binary_accuracy": "binary_accuracy"}


def make_schedule(spec):
    kind, *args = spec
    if kind == "exponential_decay":
        initial, steps, rate, staircase = args
        return keras.optimizers.schedules.ExponentialDecay(initial, steps, rate, staircase)
    if kind == "cosine_decay":
        initial, steps, alpha = args
        return keras.optimizers.schedules.CosineDecay(initial, steps, alpha=alpha)
    raise ValueError(kind)


def train_case(name, layers, loss, optimizer, opt_args, metrics, x, y_true, seed,
               epochs, batch_size=4, schedule=None, note=None):
    """Fit `layers` (Sequential) on (x, y_true) and write before/after state."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=x.shape[1:])] + layers)
    set_random_weights(layers, np.random.default_rng(seed))

    g = Golden(name)
    if note:
        g.comment(note)
    g.layers(layers)
    items = [("loss", loss), ("optimizer", optimizer)]
    kwargs = dict(opt_args)
    if schedule is not None:
        kwargs["learning_rate"] = make_schedule(schedule)
        items.append(("learning_rate", "schedule"))
        items.append(("schedule", ":".join([schedule[0]] + [fmt_value(v) for v in schedule[1:]])))
    items += list(opt_args.items())
    items += [("batch_size", batch_size), ("epochs", epochs), ("metrics", ",".join(metrics))]
    g.train(items)
    g.tensor("x", x)
    g.tensor("y_true", y_true)
    g.layer_weights("weights", layers)

    model.compile(optimizer=OPTIMIZERS[optimizer](**kwargs), loss=LOSSES[loss],
                  metrics=[METRICS[m]() if callable(METRICS[m]) else METRICS[m]
                           for m in metrics])
    hist = model.fit(x, y_true, batch_size=batch_size, epochs=epochs,
                     shuffle=False, verbose=0).history

    g.layer_weights("final.weights", layers)
    g.tensor("history.loss", hist["loss"])
    for m in metrics:
        g.tensor(f"history.{m}", hist[m])
    return g.write(), model


def train_data(seed, y_shape=(10, 1), binary=False):
    rng = np.random.default_rng(seed)
    x = f32_normal(rng, (10, 5, 3))
    y = (rng.uniform(size=y_shape) < 0.5).astype(np.float64) if binary \
        else f32_normal(rng, y_shape)
    return x, y


def cases_training():
    D = keras.layers.Dense
    x, y = train_data(700)
    yield train_case("train_adam_mse", [gru(4), D(1)], "mse", "adam",
                     {"learning_rate": 0.01}, ["mae", "rmse"], x, y, 701, epochs=3)[0]
    yield train_case("train_sgd_nesterov_huber", [gru(4, reset_after=False), D(1)],
                     "huber", "sgd",
                     {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True},
                     [], x, y, 702, epochs=3)[0]
    yield train_case("train_rmsprop_centered_mae_clipnorm",
                     [gru(4, return_sequences=True), gru(3), D(1)], "mae", "rmsprop",
                     {"learning_rate": 0.01, "centered": True, "momentum": 0.5,
                      "clipnorm": 0.1}, [], x, y, 703, epochs=2)[0]
    xb, yb = train_data(704, binary=True)
    yield train_case("train_adamw_bce_global_clipnorm", [gru(4), D(1, activation="sigmoid")],
                     "binary_crossentropy", "adamw",
                     {"learning_rate": 0.01, "weight_decay": 0.1, "global_clipnorm": 0.5},
                     ["binary_accuracy"], xb, yb, 705, epochs=3,
                     note="Keras computes BCE of a sigmoid output from the logits "
                          "(sigmoid_cross_entropy_with_logits, no epsilon clipping)")[0]
    yield train_case("train_sgd_clipvalue_expdecay", [gru(4), D(1)], "mse", "sgd",
                     {"clipvalue": 0.05}, [], x, y, 706, epochs=2,
                     schedule=("exponential_decay", 0.1, 2, 0.5, False))[0]
    R, C = keras.regularizers, keras.constraints
    yield train_case(
        "train_adam_cosine_regularized",
        [gru(4, kernel_regularizer=R.l2(0.01), recurrent_regularizer=R.l1(0.01),
             bias_regularizer=R.l1_l2(l1=0.01, l2=0.02), activity_regularizer=R.l2(0.01),
             kernel_constraint=C.max_norm(2.0), recurrent_constraint=C.unit_norm(),
             bias_constraint=C.non_neg()), D(1)],
        "mse", "adam", {}, [], x, y, 707, epochs=3,
        schedule=("cosine_decay", 0.01, 5, 0.1),
        note="history.loss includes the regularization penalties; the activity "
             "penalty is divided by the batch size")[0]
    yield train_case("train_minmaxnorm_rmsprop",
                     [gru(4, kernel_constraint=C.min_max_norm(min_value=0.0, max_value=1.0,
                                                               rate=1.0)), D(1)],
                     "mse", "rmsprop", {"learning_rate": 0.01}, [], x, y, 708, epochs=2)[0]
    yield case_train_masking()


def case_train_masking():
    x, y = train_data(709, y_shape=(10, 5, 1))
    for sample, pad in [(1, 1), (3, 2), (4, 1), (6, 2), (9, 1)]:
        x[sample, 5 - pad:] = 0.0
    path, model = train_case(
        "train_masking_seq_mse",
        [keras.layers.Masking(0.0), gru(4, return_sequences=True), keras.layers.Dense(1)],
        "mse", "adam", {"learning_rate": 0.01}, [], x, y, 710, epochs=2,
        note="masked loss per batch = sum over valid (sample, step) of the squared error "
             "(mean over the last axis) / number of valid steps in the batch; history.loss "
             "= batch-size-weighted mean of the batch losses")
    check_masked_loss(model, x, y)
    return path


def check_masked_loss(model, x, y):
    """Confirm the masked-loss semantics stated in the README."""
    valid = np.any(x != 0.0, axis=-1)
    pred = model(x, training=False).numpy()
    se = np.mean((pred - y) ** 2, axis=-1)
    for lo, hi in [(0, 4), (4, 8), (8, 10), (0, 10)]:
        expected = se[lo:hi][valid[lo:hi]].sum() / valid[lo:hi].sum()
        got = model.evaluate(x[lo:hi], y[lo:hi], batch_size=hi - lo, verbose=0)
        assert abs(got - expected) < 1e-12, (got, expected)


# ---------------------------------------------------------------------------


def main():
    paths = []
    paths += list(p for p, *_ in cases_basic())
    paths += list(p for p, *_ in cases_activations())
    paths += list(p for p, *_ in cases_masking())
    paths.append(case_explicit_mask_initial_state())
    paths.append(case_return_state())
    paths += list(p for p, *_ in cases_tiny())
    paths.append(case_torch_gru())
    paths += list(cases_training())

    total = 0
    for p in paths:
        g = read_golden(p)
        for name, t in g["tensors"].items():
            assert np.all(np.isfinite(t)), (p, name)
        total += os.path.getsize(p)
    print(f"{len(paths)} files, {total} bytes, all parsed")


if __name__ == "__main__":
    main()
