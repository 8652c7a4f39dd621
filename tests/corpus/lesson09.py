"""Learner answers for lesson 09: 9.1 a deep linear network (multiple choice), 9.2 settings
for the circles, 9.3 noise and a big network (multiple choice)."""

from corpus import RIGHT, TODO, WRONG

CHECKERS = {"9.1": "check_linear_prediction", "9.2": "check_circles_settings",
            "9.3": "check_noise_prediction"}

SOLUTION = {"hidden": "8", "activation": "relu", "optimizer": "SGD", "lr": 1.0,
            "batch_size": 0, "steps": 200}

CASES = [
    ("9.1", "the reference", "b", RIGHT, "a linear function of a linear function is linear"),
    ("9.1", "capital", "B", RIGHT, "Right"),
    ("9.1", "brackets", "(b)", RIGHT, "Right"),
    ("9.1", "spaces", " b ", RIGHT, "Right"),
    ("9.1", "as in the list", "b.", RIGHT, "Right"),
    ("9.1", "a", "a", WRONG, ("Not a", "still linear")),
    ("9.1", "c", "C)", WRONG, ("Not c", "straight line")),
    ("9.1", "d", "d", WRONG, 'one of "a", "b", "c"'),
    ("9.1", "a number", 50, WRONG, "one letter as a string"),
    ("9.1", "the placeholder", ..., TODO, "Not attempted"),
    ("9.2", "the reference", SOLUTION, RIGHT, "That clears 95%"),
    ("9.2", "only lr", {"lr": 1.0}, RIGHT, "test accuracy 100.0%"),
    ("9.2", "3 tanh units, an int lr", {"hidden": [3], "activation": "tanh", "lr": 1}, RIGHT,
     "clears"),
    ("9.2", "4 relu units", {"hidden": 4, "lr": 0.3}, RIGHT, "clears"),
    ("9.2", "minibatches", {"lr": 1.0, "batch_size": 64}, RIGHT, "clears"),
    ("9.2", "a larger lr", {"lr": 3.0}, RIGHT, "clears"),
    ("9.2", "lr too small", {"lr": 0.1}, WRONG, ("learning too slowly", "more than 0.1")),
    ("9.2", "tanh, lr too small", {"activation": "tanh", "lr": 0.1}, WRONG,
     "learning too slowly"),
    ("9.2", "3 relu units that die", {"hidden": "3", "lr": 2.0}, WRONG,
     ("underfits", "a relu unit can die")),
    ("9.2", "too few steps", {"lr": 1.0, "steps": 50}, WRONG,
     ("underfits", "more steps (up to 200)")),
    ("9.2", "linear", {"activation": "linear", "lr": 1.0}, WRONG, "straight line"),
    ("9.2", "two units", {"hidden": "2", "lr": 1.0}, WRONG, "at least 3"),
    ("9.2", "too many units", {"hidden": "8,8"}, WRONG, "16 hidden units"),
    ("9.2", "Adam", {"optimizer": "Adam", "lr": 0.1}, WRONG, "plain SGD"),
    ("9.2", "a misspelt key", {"learning_rate": 1.0}, WRONG, "unknown setting"),
    ("9.2", "not a dict", [("lr", 1.0)], WRONG, "should be a dict"),
    ("9.2", "the placeholder", ..., TODO, "Not attempted"),
    ("9.3", "the reference", "b", RIGHT, "overfitting"),
    ("9.3", "capital, brackets", "(B)", RIGHT, "Right"),
    ("9.3", "spaces", "  b", RIGHT, "Right"),
    ("9.3", "with the text", "b) train accuracy stays high, test accuracy drops", RIGHT,
     "Right"),
    ("9.3", "a", "a", WRONG, ("Not a", "test accuracy falls")),
    ("9.3", "c", "c", WRONG, ("Not c", "train accuracy stays high")),
    ("9.3", "two letters", "b or c", WRONG, "one letter"),
    ("9.3", "a bool", True, WRONG, "one letter as a string"),
    ("9.3", "the placeholder", ..., TODO, "Not attempted"),
]
