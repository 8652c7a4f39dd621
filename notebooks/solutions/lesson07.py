"""Reference solutions for lesson 07 (training an MLP).

The names are those of the exercise cells in notebooks/07-training-an-mlp.ipynb.
"""

from backproplab import cross_entropy


# ---- Exercise 7.1: one step of the training loop ----
def train_step(model, optimizer, X, y):
    """One SGD step on cross_entropy(model(X), y); returns the loss before the update."""
    loss = cross_entropy(model(X), y)  # forward
    model.zero_grad()  # backward() adds to .grad: start from zero
    loss.backward()  # backward
    optimizer.step()  # update
    return loss.item()


# ---- Exercise 7.2: batch_size=32 on the 225 training points ----
steps_per_epoch = 225 // 32  # 7 full batches; the 1 point left over waits for the next epoch

# ---- Exercise 7.3: 95% test accuracy after 100 full-batch SGD steps ----
lr = 1.0  # about 0.5 to 1.5 works; 0.1 is too slow, 3 overshoots
