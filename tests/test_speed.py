"""Tests of backproplab.speed: the timing helpers and the speed-up figure of lesson 06."""

import numpy as np
import pytest

from backproplab.speed import (
    measure_speedup,
    plot_speedup,
    seconds_per_pass,
    value_and_tensor_steps,
)


def test_seconds_per_pass_keeps_the_fastest_run():
    delays = iter([0.03, 0.001, 0.02])  # the second run is the fastest

    def step():
        import time

        time.sleep(next(delays))

    best = seconds_per_pass(step, repeats=3)
    assert 0.001 <= best < 0.015


def test_seconds_per_pass_divides_by_number_of_calls():
    calls = []
    best = seconds_per_pass(lambda: calls.append(1), repeats=2, number=5)
    assert len(calls) == 10
    assert best >= 0


@pytest.mark.parametrize("kwargs, words", [
    ({"repeats": 0}, "repeats must be a whole number >= 1, got 0"),
    ({"number": 2.5}, "number must be a whole number >= 1, got 2.5"),
    ({"repeats": True}, "repeats must be a whole number >= 1, got True"),
])
def test_seconds_per_pass_rejects_bad_counts(kwargs, words):
    with pytest.raises(ValueError, match="seconds_per_pass: " + words):
        seconds_per_pass(lambda: None, **kwargs)


def test_seconds_per_pass_needs_a_function():
    with pytest.raises(TypeError, match="step must be a function to call, got float"):
        seconds_per_pass(1.5)


def test_both_steps_compute_the_same_gradients():
    value_step, tensor_step, params = value_and_tensor_steps(batch_size=5, width=3)
    assert params == 1 * 3 + 3 + 3 * 3 + 3 + 3 * 1 + 1
    value_step()
    tensor_step()
    # the two networks live in the closures of the two steps
    scalar_net = next(c.cell_contents for c in value_step.__closure__
                      if type(c.cell_contents).__name__ == "ScalarMLP")
    tensor_net = next(c.cell_contents for c in tensor_step.__closure__
                      if type(c.cell_contents).__name__ == "MLP")
    grads_s = np.array([p.grad for p in scalar_net.parameters()])
    grads_t = np.concatenate([p.grad.ravel() for p in tensor_net.parameters()])
    assert grads_s.shape == (params,)
    assert np.abs(grads_s).max() > 0
    np.testing.assert_allclose(grads_s, grads_t, rtol=1e-10, atol=1e-12)
    value_step()  # zero_grad inside: a second pass gives the same gradients, not twice them
    grads_again = np.array([p.grad for p in scalar_net.parameters()])
    np.testing.assert_allclose(grads_again, grads_s, rtol=1e-12)


def test_measure_speedup_rows_and_trend():
    rows = measure_speedup(batch_sizes=(1, 32), widths=(2, 16), width=8, batch_size=8,
                           repeats=1, progress=False)
    assert [(r["varied"], r["batch"], r["width"]) for r in rows] == [
        ("batch", 1, 8), ("batch", 32, 8), ("width", 8, 2), ("width", 8, 16)]
    for r in rows:
        assert r["value_s"] > 0 and r["tensor_s"] > 0
        assert r["speedup"] == pytest.approx(r["value_s"] / r["tensor_s"])
    # 32 times the samples cost the Value engine far more and the Tensor engine hardly more
    assert rows[1]["speedup"] > rows[0]["speedup"]
    assert rows[3]["params"] == 1 * 16 + 16 + 16 * 16 + 16 + 16 + 1


def test_measure_speedup_needs_something_to_time():
    with pytest.raises(ValueError, match="measure_speedup: batch_sizes and widths are both empty"):
        measure_speedup(batch_sizes=(), widths=(), progress=False)


def test_value_and_tensor_steps_rejects_bad_sizes():
    with pytest.raises(ValueError, match="value_and_tensor_steps: batch_size must be a whole"
                                         " number >= 1, got 0"):
        value_and_tensor_steps(batch_size=0, width=4)


def test_plot_speedup_draws_two_labelled_panels():
    rows = [{"varied": "batch", "batch": b, "width": 8, "params": 97, "value_s": b * 1e-3,
             "tensor_s": 1e-4, "speedup": b * 10.0} for b in (1, 4)]
    rows += [{"varied": "width", "batch": 16, "width": w, "params": 0, "value_s": 1.0,
              "tensor_s": 1.0, "speedup": w * 5.0} for w in (2, 8)]
    fig = plot_speedup(rows)
    ax_b, ax_w = fig.axes
    assert "batch size, at hidden width 8" in ax_b.get_title()
    assert "width, at batch size 16" in ax_w.get_title()
    np.testing.assert_allclose(ax_b.lines[0].get_ydata(), [10.0, 40.0])
    np.testing.assert_allclose(ax_w.lines[0].get_xdata(), [2, 8])
    assert [t.get_text() for t in ax_b.texts] == ["10x", "40x"]
    # one y scale for both panels, from the smallest (10x) to the largest (40x) speed-up
    assert ax_b.get_ylim() == ax_w.get_ylim() == pytest.approx((10.0 / 2, 40.0 * 3))
    assert all(label.get_visible() for label in ax_w.get_yticklabels())


def test_plot_speedup_rejects_empty_rows():
    with pytest.raises(ValueError, match="plot_speedup: no rows to plot"):
        plot_speedup([])



def test_interleaved_timing_loops_short_steps():
    calls = {"short": 0, "long": 0}

    def short():
        calls["short"] += 1

    def long():
        import time

        calls["long"] += 1
        time.sleep(0.03)

    from backproplab.speed import _interleaved_best

    long_s, short_s = _interleaved_best(long, short, repeats=2)
    assert calls["long"] == 1 + 2  # a warm-up call, then one call per turn (30 ms > 20 ms)
    assert calls["short"] > 100  # looped to fill each turn
    assert long_s >= 0.03 > short_s
