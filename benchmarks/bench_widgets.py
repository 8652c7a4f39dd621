"""Widget responsiveness: what a learner waits for after pressing a button, and how live
the playground's picture is while it trains.

1. One default TrainingPlayground run (moons, 16-16 relu, Adam, 200 steps), redraw included,
   as a multiple of the hand-written numpy moons step (the floor of bench_engine.py).
2. One OptimizerRace update (4 optimizers x 200 steps), redraw included.
3. One playground redraw (grid evaluation, unit tiles, curves, two pictures at 2x: JPEG
   frames while training, drawn over a cached background of the parts that stay; PNG for
   the picture that stays) for the default network and the largest (six layers of 256),
   next to a bare matplotlib draw of the same two figures with nothing changed (the
   floor of a full redraw; a live frame can go below it).
4. Pictures per second while Train runs 1000 steps, default and largest network.

Targets (issue 17 and "Widget exploration"): playground run <= 0.5 s, race <= 0.2 s,
one redraw while training <= 0.15 s for any network size, >= 5 pictures a second for the
default. The picture that stays after training is one full draw at 2x, reported as a
multiple of the bare draw.
Medians of several runs; numpy single-threaded. Wall-clock seconds: on a machine busy
with other work every row is slower, the floor included; compare rows with the floor.
"""

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import statistics  # noqa: E402
import time  # noqa: E402

from bench_engine import moons_numpy, timed  # noqa: E402

from backproplab.playground import TrainingPlayground  # noqa: E402
from backproplab.race import OptimizerRace  # noqa: E402

LARGEST = ",".join(["256"] * 6)


def median_seconds(action, repeats=5, setup=None):
    times = []
    for _ in range(repeats):
        if setup:
            setup()
        t = time.perf_counter()
        action()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bare_draw(pg):
    """The floor: draw both figures to pixels, nothing changed, no PNG."""
    pg.figure.canvas.draw()
    pg.unit_figure.canvas.draw()


def pictures_per_second(pg, steps=1000):
    """Train `steps` steps as the Train button does; count the pictures drawn."""
    count = [0]
    draw = pg._draw

    def counting_draw(**kwargs):
        count[0] += 1
        draw(**kwargs)

    pg._draw = counting_draw
    pg.reset()
    t = time.perf_counter()
    pg.train(steps=steps)
    seconds = time.perf_counter() - t
    del pg._draw
    return count[0] / seconds, seconds


def main():
    floor = timed(moons_numpy(), 300)
    pg = TrainingPlayground()  # moons, 16-16, relu, Adam lr=0.01, 200 steps per run
    race = OptimizerRace(steps=200)  # SGD, Momentum, RMSprop, Adam
    run = median_seconds(pg.train, setup=pg.reset)
    rows = [
        ("playground run: 200 Adam steps + redraw", run, f"{run / floor:.0f}x numpy step",
         "<= 0.5 s", 0.5),
        ("optimizer race: 4 x 200 steps + redraw", median_seconds(race.run), "", "<= 0.2 s",
         0.2),
    ]
    for name, hidden, lr in (("default 16,16", "16,16", 0.01),
                             ("largest 6 x 256", LARGEST, 0.0003)):  # Adam 0.01 diverges here
        net = TrainingPlayground(hidden=hidden, lr=lr)
        net.train(steps=5)
        for live in (True, False):
            redraw = median_seconds(lambda n=net, v=live: n._draw(live=v), repeats=7)
            floor_draw = median_seconds(lambda n=net: bare_draw(n), repeats=7)
            # the 0.15 s target is for the frames shown while training; the PNG that stays
            # afterwards is one full draw, reported against the bare draw (its floor)
            rows.append((f"playground redraw ({'live' if live else 'final PNG'}), {name}",
                         redraw, f"bare draw {floor_draw:.3f} s",
                         "<= 0.15 s" if live else f"{redraw / floor_draw:.2f}x floor",
                         0.15 if live else None))
        rate, seconds = pictures_per_second(net)
        rows.append((f"pictures/s training 1000 steps, {name}", rate,
                     f"run took {seconds:.1f} s", ">= 5 /s" if hidden == "16,16" else "",
                     -5 if hidden == "16,16" else None))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average (1, 5, 15 min): {load} on {os.cpu_count()} cores")
    print(f"{'action':<46}{'value':>9}  {'compared with':<22}target")
    for name, value, note, target_text, target in rows:
        if target is None:
            ok = ""
        elif target < 0:
            ok = "ok" if value >= -target else "MISSED"
        else:
            ok = "ok" if value <= target else "MISSED"
        print(f"{name:<46}{value:>9.3f}  {note:<22}{target_text} {ok}")


if __name__ == "__main__":
    main()
