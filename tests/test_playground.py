"""TrainingPlayground driven without a browser: set controls, press buttons, check state."""

import numpy as np
import pytest

from backproplab.nn import MLP
from backproplab.optim import SGD, Adam, RMSprop
from backproplab.playground import TrainingPlayground, parse_hidden


@pytest.fixture
def pg():
    return TrainingPlayground(steps=40)


def test_controls_have_the_documented_keys(pg):
    assert set(pg.controls) == {"dataset", "noise", "hidden", "activation", "optimizer", "lr",
                                "batch_size", "steps", "seed"}
    assert set(pg.controls["optimizer"].options) == {
        "SGD", "Momentum", "Nesterov", "RMSprop", "Adam", "AdamW", "Adagrad"}
    assert pg.controls["lr"].min == -4 and pg.controls["lr"].max == 1  # 1e-4 .. 10


def test_starts_untrained_with_a_2_16_16_1_model(pg):
    assert isinstance(pg.model, MLP)
    assert [(layer.n_in, layer.n_out) for layer in pg.model.layers] == [(2, 16), (16, 16),
                                                                       (16, 1)]
    assert pg.history.steps == []
    assert "step 0" in pg.status.value
    assert pg._png[:8] == b"\x89PNG\r\n\x1a\n"  # a static picture exists from the start


def test_train_button_trains_the_set_number_of_steps(pg):
    pg.buttons["Train"].click()
    assert pg.history.steps == list(range(1, 41))
    assert len(pg.layer_grad_norms) == 40 and len(pg.layer_grad_norms[0]) == 3
    assert pg.history.loss[-1] < pg.history.loss[0]
    assert pg.history.val_loss and len(pg.history.val_loss) == 40
    assert "step 40" in pg.status.value and "test accuracy" in pg.status.value


def test_step_button_takes_one_step(pg):
    pg.buttons["Step"].click()
    pg.buttons["Step"].click()
    assert pg.history.steps == [1, 2]


def test_reset_builds_a_fresh_model(pg):
    w0 = pg.model.get_weights()
    pg.train()
    assert not np.allclose(pg.model.get_weights(), w0)
    pg.buttons["Reset"].click()
    np.testing.assert_array_equal(pg.model.get_weights(), w0)
    assert pg.history.steps == []


def test_lr_change_keeps_weights_and_optimizer_memory(pg):
    pg.train(steps=5)
    weights, opt = pg.model.get_weights(), pg.optimizer
    pg.controls["lr"].value = 0.001
    pg.train(steps=1)
    assert pg.optimizer is opt and pg.optimizer.lr == pytest.approx(0.001)
    assert pg.history.steps[-1] == 6  # the same run goes on
    assert np.abs(pg.model.get_weights() - weights).max() < 0.01


def test_optimizer_change_swaps_optimizer_and_keeps_weights(pg):
    pg.train(steps=5)
    weights = pg.model.get_weights()
    pg.controls["optimizer"].value = "RMSprop"
    assert isinstance(pg.optimizer, Adam)  # takes effect on the next Train/Step only
    pg.step()
    assert isinstance(pg.optimizer, RMSprop)
    assert pg.history.steps[-1] == 6
    assert np.abs(pg.model.get_weights() - weights).max() < 0.5
    pg.controls["optimizer"].value = "Momentum"
    pg.step()
    assert isinstance(pg.optimizer, SGD) and pg.optimizer.momentum == 0.9


@pytest.mark.parametrize("name, value", [("dataset", "circles"), ("hidden", "8"),
                                         ("activation", "tanh"), ("seed", 3), ("noise", 0.2)])
def test_structural_change_resets_model_on_next_train(pg, name, value):
    pg.train(steps=5)
    old_model = pg.model
    pg.controls[name].value = value
    assert pg.model is old_model
    pg.train(steps=3)
    assert pg.model is not old_model
    assert pg.history.steps == [1, 2, 3]


def test_hidden_layers_text_builds_that_architecture(pg):
    pg.controls["hidden"].value = "4, 8,3"
    pg.step()
    assert [layer.n_out for layer in pg.model.layers] == [4, 8, 3, 1]
    pg.controls["hidden"].value = ""
    pg.step()
    assert [(layer.n_in, layer.n_out) for layer in pg.model.layers] == [(2, 1)]


def test_bad_hidden_layers_show_a_message_and_keep_the_model(pg):
    pg.train(steps=3)
    model = pg.model
    pg.controls["hidden"].value = "16,,x"
    assert "is not a layer size" in pg.hidden_message.value
    pg.train(steps=2)
    assert pg.model is model and pg.history.steps[-1] == 5
    pg.controls["hidden"].value = "16,16"
    assert pg.hidden_message.value == ""


def test_spiral_uses_three_outputs_and_cross_entropy(pg):
    pg.controls["dataset"].value = "spiral"
    pg.train(steps=5)
    assert pg.model.layers[-1].n_out == 3 and pg.loss == "cross_entropy"
    assert len(pg.history.accuracy) == 5


def test_lr_10_diverges_with_a_message_and_stays_usable(pg):
    pg.controls["lr"].value = 10.0
    pg.train(steps=50)
    assert pg.history.diverged
    assert "diverged at step" in pg.status.value and "smaller learning rate" in pg.status.value
    assert np.isfinite(pg.model.get_weights()).all()
    assert pg.figure.get_suptitle().startswith("training diverged at step")  # in the picture
    pg.controls["lr"].value = 0.01  # lower it and carry on from the last good weights
    pg.train(steps=5)
    assert not pg.history.diverged
    assert pg.figure.get_suptitle() == ""
    assert np.isfinite(pg.history.loss).all()
    assert "diverged" not in pg.status.value


def test_minibatches_and_seed_are_reproducible():
    runs = []
    for _ in range(2):
        pg = TrainingPlayground(batch_size=16, steps=30, seed=4)
        pg.train()
        runs.append(pg.history.loss)
    assert runs[0] == runs[1]
    other = TrainingPlayground(batch_size=16, steps=30, seed=5)
    other.train()
    assert other.history.loss != runs[0]


def test_stop_between_chunks_stops(pg, monkeypatch):
    import backproplab.playground as playground

    monkeypatch.setattr(playground, "CHUNK", 10)
    chunks = pg._chunks(100)
    next(chunks)
    pg.buttons["Stop"].click()
    for _ in chunks:
        pass
    assert pg.history.steps[-1] == 10


def test_summary_is_the_text_form(pg):
    pg.train(steps=10)
    bundle = pg._repr_mimebundle_()
    assert bundle["text/plain"].startswith("TrainingPlayground: moons, MLP 2-16-16-1 relu,"
                                           " Adam lr=0.01; step 10, loss ")
    assert "image/png" in bundle


@pytest.mark.parametrize("text, sizes", [("16,16", [16, 16]), (" 3 ", [3]), ("", [])])
def test_parse_hidden(text, sizes):
    assert parse_hidden(text) == sizes


@pytest.mark.parametrize("text", ["16,,x", "0", "-3", "1.5", "300", "1,1,1,1,1,1,1"])
def test_parse_hidden_rejects(text):
    with pytest.raises(ValueError, match="hidden layers"):
        parse_hidden(text)


def test_the_output_widget_shows_the_current_picture(pg):
    import base64

    pg.train(steps=3)
    (shown,) = pg.output.outputs
    assert base64.b64decode(shown["data"]["image/png"]) == pg._png
