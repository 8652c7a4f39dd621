"""Engine benchmark: our Tensor and Value engines against hand-written numpy (the floor),
micrograd and PyTorch. One run; each row is the median of several repetitions; numpy
(and torch) limited to one thread. Run with `make bench`.

Targets (issue "Autodiff engines"):
  moons step, Tensor        <= 3x the numpy floor
  MNIST-sized step, Tensor  <= 1.2x the numpy floor
  moons step, Value         <= 0.5x micrograd
Reported (issue 13): one epoch on the real 8x8 digits (MLP 64-128-10, Adam, minibatches
of 32) against the same epoch by hand in numpy, and both models' test accuracy after
30 epochs (target >= 97%).
"""

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import gc  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from backproplab import Tensor, cross_entropy  # noqa: E402
from backproplab.data import load_digits, make_moons, to_pm1  # noqa: E402
from backproplab.losses import hinge_loss, l2_penalty  # noqa: E402
from backproplab.nn import MLP, ScalarMLP  # noqa: E402
from backproplab.optim import SGD, Adam  # noqa: E402

LAM, LR = 1e-4, 0.05


def timed(step, calls, repeats=7):
    """Median seconds per call of step()."""
    return race({"only": step}, calls, repeats)["only"]


def race(steps, calls, repeats=7, interleave=True):
    """Median seconds per call of each step() in `steps` (name -> function).

    interleave: the engines take turns within each repetition, so a busy machine slows
    them alike and the ratios stay meaningful. Scalar engines run one after the other
    instead, each after a garbage collection: micrograd's closures make reference
    cycles that only Python's cyclic collector frees, and taking turns would make the
    other engine pay for collecting micrograd's garbage.
    """
    times = {name: [] for name in steps}
    for step in steps.values():
        step()  # warm up
    schedule = [[name] * repeats for name in steps] if not interleave else [list(steps)] * repeats
    for names in schedule:
        gc.collect()
        for name in names:
            t = time.perf_counter()
            for _ in range(calls):
                steps[name]()
            times[name].append((time.perf_counter() - t) / calls)
    return {name: statistics.median(ts) for name, ts in times.items()}


# ---- 1. moons step: MLP 2-16-16-1 relu, 100 points, hinge + L2, full-batch SGD ----

X, y01 = make_moons(n=100, noise=0.1, seed=0)
y = to_pm1(y01).astype(float)


def moons_tensor():
    model = MLP(2, [16, 16], 1, seed=0)
    opt = SGD(model.parameters(), lr=LR)
    Xt = Tensor(X, requires_grad=False)

    def step():
        loss = hinge_loss(model(Xt), y) + LAM * l2_penalty(model.parameters())
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def moons_numpy():
    """The same step written by hand: the floor no engine can beat."""
    params = [p.data.copy() for p in MLP(2, [16, 16], 1, seed=0).parameters()]
    yc = y[:, None]
    n = len(X)

    def step():
        W1, b1, W2, b2, W3, b3 = params
        h1 = X @ W1 + b1
        a1 = np.maximum(h1, 0)
        h2 = a1 @ W2 + b2
        a2 = np.maximum(h2, 0)
        s = a2 @ W3 + b3  # (n, 1)
        margin = 1 - yc * s
        _loss = np.maximum(margin, 0).mean() + LAM * sum((p * p).sum() for p in params)
        ds = -yc * (margin > 0) / n
        dW3, db3 = a2.T @ ds, ds.sum(0)
        dh2 = (ds @ W3.T) * (h2 > 0)
        dW2, db2 = a1.T @ dh2, dh2.sum(0)
        dh1 = (dh2 @ W2.T) * (h1 > 0)
        dW1, db1 = X.T @ dh1, dh1.sum(0)
        for p, g in zip(params, (dW1, db1, dW2, db2, dW3, db3)):
            p -= LR * (g + 2 * LAM * p)

    return step


def moons_value():
    model = ScalarMLP(2, [16, 16], 1, seed=0)
    rows = [list(r) for r in X]

    def step():
        scores = [model(r) for r in rows]
        loss = hinge_loss(scores, y) + LAM * l2_penalty(model.parameters())
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= LR * p.grad

    return step


def moons_micrograd():
    from micrograd.engine import Value as MValue
    from micrograd.nn import MLP as MMLP

    model = MMLP(2, [16, 16, 1])
    rows = [[MValue(a) for a in r] for r in X]

    def step():
        scores = [model(r) for r in rows]
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        loss = sum(losses) * (1.0 / len(losses)) + LAM * sum(p * p for p in model.parameters())
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= LR * p.grad

    return step


def moons_torch(torch):
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.ReLU(),
        torch.nn.Linear(16, 1),
    ).double()
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    Xt, yt = torch.tensor(X), torch.tensor(y)[:, None]

    def step():
        l2 = sum((p * p).sum() for p in net.parameters())
        loss = torch.relu(1 - yt * net(Xt)).mean() + LAM * l2
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


# ---- 2. MNIST-sized step: 784-128-10, batch 256, float32, softmax cross-entropy ----

rng = np.random.default_rng(0)
XM = rng.normal(size=(256, 784)).astype(np.float32)
YM = rng.integers(0, 10, size=256)


def mnist_tensor():
    model = MLP(784, [128], 10, seed=0, dtype=np.float32)
    opt = SGD(model.parameters(), lr=0.01)
    Xt = Tensor(XM, requires_grad=False)

    def step():
        loss = cross_entropy(model(Xt), YM)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def mnist_numpy():
    params = [p.data.copy() for p in MLP(784, [128], 10, seed=0, dtype=np.float32).parameters()]
    n = len(XM)
    onehot = np.eye(10, dtype=np.float32)[YM]

    def step():
        W1, b1, W2, b2 = params
        h = XM @ W1 + b1
        a = np.maximum(h, 0)
        z = a @ W2 + b2
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        _loss = -np.log(p[np.arange(n), YM]).mean()
        dz = (p - onehot) / n
        dW2, db2 = a.T @ dz, dz.sum(0)
        dh = (dz @ W2.T) * (h > 0)
        dW1, db1 = XM.T @ dh, dh.sum(0)
        for q, g in zip(params, (dW1, db1, dW2, db2)):
            q -= 0.01 * g

    return step


def mnist_torch(torch):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    Xt, yt = torch.tensor(XM), torch.tensor(YM)

    def step():
        loss = torch.nn.functional.cross_entropy(net(Xt), yt)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


# ---- 3. real digits: MLP 64-128-10 relu, Adam, cross-entropy, minibatches of 32 ----

DIGIT_EPOCHS, DIGIT_BATCH, DIGIT_LR = 30, 32, 1e-3


def digits_data():
    """load_digits() with each pixel standardized by the training set's mean and std."""
    d = load_digits(seed=0)
    mean, std = d.X_train.mean(axis=0), d.X_train.std(axis=0) + 0.1
    return d._replace(X_train=(d.X_train - mean) / std, X_test=(d.X_test - mean) / std)


def minibatches(rng, n):
    order = rng.permutation(n)
    return [order[i:i + DIGIT_BATCH] for i in range(0, n - DIGIT_BATCH + 1, DIGIT_BATCH)]


def digits_tensor(d):
    """(epoch(), test_accuracy()) for backproplab's MLP, Adam and cross_entropy."""
    model = MLP(64, [128], 10, seed=0)
    opt = Adam(model.parameters(), lr=DIGIT_LR)
    rng = np.random.default_rng(0)

    def epoch():
        for b in minibatches(rng, len(d.y_train)):
            loss = cross_entropy(model(Tensor(d.X_train[b], requires_grad=False)), d.y_train[b])
            opt.zero_grad()
            loss.backward()
            opt.step()

    def test_accuracy():
        return float(np.mean(model(d.X_test).data.argmax(axis=1) == d.y_test))

    return epoch, test_accuracy


def digits_numpy(d):
    """The same epoch by hand: forward, backward and Adam written out in numpy (the floor)."""
    params = [p.data.copy() for p in MLP(64, [128], 10, seed=0).parameters()]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    rng = np.random.default_rng(0)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    t = 0

    def epoch():
        nonlocal t
        for b in minibatches(rng, len(d.y_train)):
            X, y = d.X_train[b], d.y_train[b]
            W1, b1, W2, b2 = params
            h = X @ W1 + b1
            a = np.maximum(h, 0)
            z = a @ W2 + b2
            p = np.exp(z - z.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            dz = p
            dz[np.arange(len(y)), y] -= 1.0
            dz /= len(y)
            dh = (dz @ W2.T) * (h > 0)
            grads = (X.T @ dh, dh.sum(0), a.T @ dz, dz.sum(0))
            t += 1
            for q, g, mq, vq in zip(params, grads, m, v):
                mq += (1 - beta1) * (g - mq)
                vq *= beta2
                vq += (1 - beta2) * g * g
                denom = np.sqrt(vq) / np.sqrt(1 - beta2**t) + eps
                q -= DIGIT_LR / (1 - beta1**t) * mq / denom

    def test_accuracy():
        W1, b1, W2, b2 = params
        z = np.maximum(d.X_test @ W1 + b1, 0) @ W2 + b2
        return float(np.mean(z.argmax(axis=1) == d.y_test))

    return epoch, test_accuracy


# ---- 5. a 1,000,000-node chain through Value.backward (in a fresh process) ----

CHAIN = """
import resource, time
from backproplab import Value
x = Value(0.5)
v = x
for _ in range(1_000_000):
    v = v * 1.0
t = time.perf_counter()
v.backward()
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def main():
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        torch = None
    try:
        import micrograd  # noqa: F401
    except ImportError:
        micrograd = None

    moons = {"numpy by hand (floor)": moons_numpy(), "backproplab Tensor": moons_tensor()}
    if torch:
        moons["PyTorch CPU"] = moons_torch(torch)
    scalar = {"backproplab Value": moons_value()}
    if micrograd:
        scalar["micrograd"] = moons_micrograd()
    mnist = {"numpy by hand (floor)": mnist_numpy(), "backproplab Tensor": mnist_tensor()}
    if torch:
        mnist["PyTorch CPU"] = mnist_torch(torch)
    d = digits_data()
    trained = {"numpy by hand (floor)": digits_numpy(d), "backproplab Tensor": digits_tensor(d)}
    accuracy = {}
    for engine, (epoch, test_accuracy) in trained.items():
        for _ in range(DIGIT_EPOCHS):
            epoch()
        accuracy[engine] = test_accuracy()
    digits = {engine: epoch for engine, (epoch, _) in trained.items()}  # timed: more epochs
    moons_t = race(moons, calls=100, repeats=15)
    scalar_t = race(scalar, calls=1, repeats=5, interleave=False)
    mnist_t = race(mnist, calls=10, repeats=15)
    digits_t = race(digits, calls=1, repeats=7)
    floor, mfloor = moons_t["numpy by hand (floor)"], mnist_t["numpy by hand (floor)"]
    dfloor = digits_t["numpy by hand (floor)"]
    print(f"{'task':<18}{'engine':<24}{'ms/step':>10}{'x floor':>10}  target")
    for task, times, ref, targets in (
        ("moons step", moons_t, floor, {"backproplab Tensor": "<= 3x"}),
        ("moons step", scalar_t, floor, {}),
        ("MNIST-sized step", mnist_t, mfloor, {"backproplab Tensor": "<= 1.2x"}),
    ):
        for engine, sec in times.items():
            print(f"{task:<18}{engine:<24}{sec * 1e3:>10.3f}{sec / ref:>10.2f}"
                  f"  {targets.get(engine, '')}")
    print(f"{'digits':<18}{'engine':<24}{'ms/epoch':>10}{'x floor':>10}"
          f"  test accuracy after {DIGIT_EPOCHS} epochs (target >= 97%)")
    for engine, sec in digits_t.items():
        print(f"{'digits epoch':<18}{engine:<24}{sec * 1e3:>10.1f}{sec / dfloor:>10.2f}"
              f"  {100 * accuracy[engine]:.1f}%")
    if micrograd:
        ratio = scalar_t["backproplab Value"] / scalar_t["micrograd"]
        print(f"Value engine / micrograd: {ratio:.2f} (target <= 0.5)")
    else:
        print("micrograd not installed (pip install micrograd): its row is skipped")
    if not torch:
        print("torch not installed (pip install torch==2.13.0): its rows are skipped")
    out = subprocess.run([sys.executable, "-c", CHAIN], capture_output=True, text=True, check=True)
    seconds, peak_mb = map(float, out.stdout.split())
    print(f"Value.backward() on a 1,000,000-node chain: {seconds:.2f} s,"
          f" peak memory {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
