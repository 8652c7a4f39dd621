"""backproplab.cost: the gradient of an MLP's loss by finite differences and by backprop,
its exact op counts (lesson 04, "why backprop is cheap"), and the memory the graph keeps."""

import gc
import math

import pytest

from backproplab import Value
from backproplab.cost import (
    GradientCost,
    MLPProblem,
    backprop_gradient,
    best_seconds,
    best_seconds_each,
    finite_difference_gradient,
    graph_memory,
    graph_size,
    measure_gradient_cost,
)


def test_problem_is_seeded_and_its_float_forward_matches_the_graph():
    p, q = MLPProblem([3]), MLPProblem([3])
    assert p.X == q.X and [w.data for w in p.params] == [w.data for w in q.params]
    assert len(p.params) == 2 * 3 + 3 + 3 + 1  # W1, b1, W2, b2
    assert math.isclose(p.loss().data, p.loss_floats(), rel_tol=1e-12)


@pytest.mark.parametrize("hidden, words", [([], "hidden must be a list"),
                                           ([2, 0], "layer widths >= 1"),
                                           ([2.5], "such as [4, 4]")])
def test_problem_rejects_bad_sizes(hidden, words):
    with pytest.raises(ValueError, match="MLPProblem") as info:
        MLPProblem(hidden)
    assert words in str(info.value)


def test_problem_rejects_bad_sample_count():
    with pytest.raises(ValueError, match="n_samples must be an int >= 1"):
        MLPProblem([2], n_samples=0)


def test_finite_differences_agree_with_backprop_and_restore_the_parameters():
    problem = MLPProblem([4, 3])
    before = [p.data for p in problem.params]
    fd, passes = finite_difference_gradient(problem.loss, problem.params)
    assert [p.data for p in problem.params] == before  # put back exactly
    bp, out = backprop_gradient(problem.loss, problem.params)
    assert passes == 2 * len(problem.params)
    assert max(abs(a - b) for a, b in zip(fd, bp)) < 1e-7
    assert any(abs(g) > 1e-3 for g in bp)  # not a trivial all-zero gradient
    bp_again, _ = backprop_gradient(problem.loss, problem.params)
    assert bp_again == bp  # grads are reset, not accumulated


def test_finite_differences_of_a_known_function():
    x, y = Value(1.5), Value(-2.0)
    grads, passes = finite_difference_gradient(lambda: x * x * y, [x, y])
    assert passes == 4
    assert math.isclose(grads[0], 2 * 1.5 * -2.0, rel_tol=1e-8)
    assert math.isclose(grads[1], 1.5**2, rel_tol=1e-8)


@pytest.mark.parametrize("eps", [0.0, -1e-6, 1, "1e-6"])
def test_finite_differences_reject_bad_eps(eps):
    with pytest.raises(ValueError, match="finite_difference_gradient: eps must be"):
        finite_difference_gradient(lambda: Value(1.0), [], eps=eps)


def test_graph_size_counts_nodes_ops_and_arrows():
    a, b = Value(2.0), Value(3.0)
    out = (a * b + a).tanh()  # leaves a, b; ops *, +, tanh; arrows 2 + 2 + 1
    assert graph_size(out) == (5, 3, 5)


def test_gradient_cost_counts_are_exact_and_backprop_is_a_few_passes():
    costs = [measure_gradient_cost([w], repeat=1) for w in (2, 4, 8)]
    assert [c.n_params for c in costs] == [9, 17, 33]
    assert [c.ops_per_pass for c in costs] == [69, 125, 237]  # the lesson prints these
    for c in costs:
        assert c.fd_passes == 2 * c.n_params
        assert c.fd_ops == c.fd_passes * c.ops_per_pass
        assert c.bp_ops == c.ops_per_pass + c.arrows
        assert 2 < c.bp_ops / c.ops_per_pass < 3  # "under 3 forward passes' worth"
        assert c.max_difference < 1e-8
        assert c.fd_seconds > 0 and c.bp_seconds > 0
    ratios = [c.op_ratio for c in costs]
    assert [round(r, 1) for r in ratios] == [6.4, 12.0, 23.2]
    assert all(1.8 < b / a < 2.1 for a, b in zip(ratios, ratios[1:]))  # doubles with P
    assert "n_params=9" in repr(costs[0])


def test_gradient_cost_ratio_property():
    c = GradientCost([1], 5, 10, 12, 10, 1.0, 0.1, 0.0)
    assert c.fd_ops == 100 and c.bp_ops == 22
    assert math.isclose(c.op_ratio, 100 / 22)
    assert math.isclose(c.time_ratio, 10.0)
    assert c.fd_values is None and c.bp_values is None  # not counted
    counted = GradientCost([1], 5, 10, 12, 10, 1.0, 0.1, 0.0, forward_seconds=0.04,
                           values_per_pass=13)
    assert (counted.fd_values, counted.bp_values, counted.forward_seconds) == (130, 13, 0.04)


def test_values_per_pass_counts_every_value_a_forward_pass_creates(monkeypatch):
    created = [0]
    make, init = Value._result, Value.__init__

    def counting_result(*args):
        created[0] += 1
        return make(*args)

    def counting_init(self, *args, **kwargs):
        created[0] += 1
        init(self, *args, **kwargs)

    cost = measure_gradient_cost([8], repeat=1)
    assert (cost.values_per_pass, cost.bp_values, cost.fd_values) == (307, 307, 66 * 307)
    problem = MLPProblem([8])
    monkeypatch.setattr(Value, "_result", staticmethod(counting_result))
    monkeypatch.setattr(Value, "__init__", counting_init)
    problem.loss()
    assert created[0] == cost.values_per_pass  # every node but the 33 parameters
    created[0] = 0
    backprop_gradient(problem.loss, problem.params)
    assert created[0] == cost.values_per_pass  # backward creates no Value


def test_best_seconds_takes_the_fastest_run_with_the_collector_paused():
    calls, collector = [], []

    def fn():
        calls.append(1)
        collector.append(gc.isenabled())
        sum(range(2000))

    seconds = best_seconds(fn, repeat=3, min_run=0.001)
    assert 0 < seconds < 0.001
    assert len(calls) >= 3 and not any(collector)
    assert gc.isenabled()  # switched back on afterwards
    gc.disable()
    try:
        best_seconds(fn, repeat=1, min_run=0.0)
        assert not gc.isenabled()  # left as it was
    finally:
        gc.enable()


def test_best_seconds_each_takes_turns_and_times_each_function():
    calls = []

    def quick():
        calls.append("quick")

    def slow():
        calls.append("slow")
        sum(range(20000))

    quick_seconds, slow_seconds = best_seconds_each([quick, slow], repeat=3, min_run=0.001)
    assert 0 < quick_seconds < slow_seconds
    # after calibrating each, the timed runs alternate: quick's run, slow's run, twice
    tail = [name for i, name in enumerate(calls) if i == 0 or calls[i - 1] != name][-4:]
    assert tail == ["quick", "slow", "quick", "slow"]


@pytest.mark.parametrize("repeat", [0, 2.5, "3", True])
def test_best_seconds_rejects_bad_repeat(repeat):
    with pytest.raises(ValueError, match="best_seconds: repeat must be an int >= 1"):
        best_seconds(lambda: None, repeat=repeat)


def test_graph_memory_keeps_every_node_and_far_more_bytes_than_floats():
    small, large = graph_memory(MLPProblem([8])), graph_memory(MLPProblem([32]))
    assert (small.nodes, large.nodes) == (340, 1300)  # the lesson prints these
    assert large.graph_bytes > 3 * small.graph_bytes
    assert 40 < large.bytes_per_node < 400  # a Value with slots, its tuples and float
    assert large.graph_bytes > 20 * large.float_peak_bytes > 0
    assert "nodes=1300" in repr(large)


def test_plot_gradient_cost_draws_both_panels():
    from backproplab.cost_plots import plot_gradient_cost

    costs = [GradientCost([w], 4 * w + 1, 10 * w, 20 * w, 8 * w + 2, 0.01 * w * w, 0.001 * w,
                          0.0) for w in (1, 2, 4)]
    fig = plot_gradient_cost(costs)
    ax_ops, ax_time = fig.axes
    assert ax_ops.get_xscale() == ax_ops.get_yscale() == "log"
    assert ax_ops.get_ylabel() == "ops evaluated"
    assert ax_time.get_ylabel() == "CPU seconds (best of a few runs)"
    fd_line, bp_line = ax_ops.get_lines()[:2]
    assert list(fd_line.get_ydata()) == [c.fd_ops for c in costs]
    assert list(bp_line.get_ydata()) == [c.bp_ops for c in costs]
    assert list(ax_time.get_lines()[0].get_ydata()) == [c.fd_seconds for c in costs]
    assert "finite differences" in fig.legends[0].get_texts()[0].get_text()
    with pytest.raises(ValueError, match="plot_gradient_cost: got no measurements"):
        plot_gradient_cost([])
