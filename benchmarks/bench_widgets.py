"""Widget responsiveness: what a learner waits for after pressing a button.

1. One default TrainingPlayground run (moons, 16-16 relu, Adam, 200 steps), redraw included.
2. One OptimizerRace update (4 optimizers x 200 steps), redraw included.
Each as the median of several runs, in seconds and as a multiple of the hand-written
numpy moons step (the floor of bench_engine.py). Targets: playground <= 0.5 s,
race <= 0.2 s (issue "Widget exploration").
"""

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import statistics  # noqa: E402
import time  # noqa: E402

from bench_engine import moons_numpy, timed  # noqa: E402

from backproplab.playground import TrainingPlayground  # noqa: E402
from backproplab.race import OptimizerRace  # noqa: E402


def median_seconds(action, repeats=5, setup=None):
    times = []
    for _ in range(repeats):
        if setup:
            setup()
        t = time.perf_counter()
        action()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    floor = timed(moons_numpy(), 300)
    pg = TrainingPlayground()  # moons, 16-16, relu, Adam lr=0.01, 200 steps per run

    race = OptimizerRace(steps=200)  # SGD, Momentum, RMSprop, Adam
    rows = [
        ("playground run: 200 Adam steps + redraw", median_seconds(pg.train, setup=pg.reset), 0.5),
        ("optimizer race: 4 x 200 steps + redraw", median_seconds(race.run), 0.2),
    ]
    print(f"{'action':<42}{'seconds':>9}{'x numpy moons step':>20}  target")
    for name, sec, target in rows:
        ok = "ok" if sec <= target else "MISSED"
        print(f"{name:<42}{sec:>9.3f}{sec / floor:>20.0f}  <= {target} s {ok}")


if __name__ == "__main__":
    main()
