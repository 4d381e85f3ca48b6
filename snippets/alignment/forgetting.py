"""Catastrophic forgetting on a two-task toy: sequential training, EWC and replay.

One linear model w (d weights) is shared by two regression tasks A and B. Each task has
fewer examples than parameters, so each alone has many exact solutions, and so do both;
the input features of the two tasks overlap in a few coordinates. Training on A, then on B,
moves the shared coordinates to where B wants them and A's loss rises: forgetting. Elastic
weight consolidation anchors the weights A's Fisher information marks as important; replay
mixes a few stored A examples into B's batches.

Follows: Kirkpatrick et al. (2017), "Overcoming catastrophic forgetting in neural networks"
(EWC penalty with a diagonal Fisher); the replay baselines of continual learning, e.g.
Rolnick et al. (2019).

Simplifications: a linear model with squared loss and unit noise variance (so the Fisher is
E[x x^T] and the Hessian of the loss), full-batch gradient descent, one Fisher per task.
"""

import numpy as np


def make_two_tasks(rng, d=24, n=10, overlap=4):
    """Two regression tasks whose active input coordinates overlap in `overlap` places.

    Task A uses coordinates [0, d/2 + overlap/2), task B [d/2 - overlap/2, d); each has its
    own random target weights, and `n` < (its coordinates) examples. Returns a dict with
    X_A, y_A, X_B, y_B: X (n, d), y (n,).

    >>> t = make_two_tasks(np.random.default_rng(0))
    >>> t["X_A"].shape, t["y_B"].shape
    ((10, 24), (10,))
    """
    half, o = d // 2, overlap // 2
    tasks = {}
    for name, cols in (("A", slice(0, half + o)), ("B", slice(half - o, d))):
        X = np.zeros((n, d))
        X[:, cols] = rng.standard_normal((n, cols.stop - cols.start))
        w_true = rng.standard_normal(d)
        tasks["X_" + name], tasks["y_" + name] = X, X @ w_true
    return tasks


def mse(w, X, y):
    """Half mean squared error: w (d,), X (n, d), y (n,) -> float.

    >>> mse(np.zeros(2), np.eye(2), np.array([1.0, 1.0]))
    0.5
    """
    r = X @ w - y
    return float(0.5 * np.mean(r**2))


def diagonal_fisher(w, X, rng, n_samples=200, y=None):
    """Monte Carlo diagonal Fisher of the Gaussian model y ~ N(x.w, 1): (d,).

    Samples y from the model (not the data labels), takes the per-example gradient of
    log p(y | x, w), and averages its square over examples and samples. Given the data's
    labels `y` (n,), returns the "empirical Fisher" instead, for comparison.

    >>> F = diagonal_fisher(np.zeros(2), np.array([[1.0, 0.0]]), np.random.default_rng(0))
    >>> float(F[1])
    0.0
    """
    n = X.shape[0]
    if y is None:
        y = X @ w + rng.standard_normal((n_samples, n))  # (S, n) labels from the model
    y = np.atleast_2d(y)  # (S, n); S = 1 for the data's labels
    g = (y - X @ w)[:, :, None] * X[None, :, :]  # (S, n, d) per-example score
    # subtle: with the data's own labels (the "empirical Fisher") the residuals of a model
    # that fits its task exactly are zero, and so is the Fisher; sampling avoids that.
    return np.mean(g**2, axis=(0, 1))


def train(w0, X, y, lr=0.05, steps=400, fisher=None, w_star=None, lam=0.0):
    """Full-batch gradient descent on mse + (lam/2) sum F (w - w*)^2; returns the path.

    w0 (d,), X (n, d), y (n,) -> (steps + 1, d), row 0 = w0.

    >>> path = train(np.zeros(1), np.ones((1, 1)), np.ones(1), lr=1.0, steps=1)
    >>> path[-1].tolist()
    [1.0]
    """
    w, path = w0.copy(), [w0.copy()]
    for _ in range(steps):
        grad = X.T @ (X @ w - y) / X.shape[0]  # gradient of the task loss
        if lam:
            grad = grad + lam * fisher * (w - w_star)  # EWC: pull important weights back
        w = w - lr * grad
        path.append(w.copy())
    return np.array(path)


def taylor_terms(w_A, delta, X, y):
    """First- and second-order terms of the rise in mse(w_A + delta) - mse(w_A): two floats.

    g^T delta and (1/2) delta^T H delta, with g, H the gradient and Hessian at w_A; for
    squared loss the loss is quadratic, so the two sum to the exact rise.

    >>> taylor_terms(np.zeros(1), np.ones(1), np.ones((1, 1)), np.ones(1))
    (-1.0, 0.5)
    """
    g = X.T @ (X @ w_A - y) / X.shape[0]  # gradient at w_A
    Xd = X @ delta  # (n,)
    return float(g @ delta), float(0.5 * np.mean(Xd**2))  # H = X^T X / n


def gradient_cosine(w, tasks):
    """Cosine between the task-A and task-B loss gradients at w: float in [-1, 1].

    Negative means a step that lowers B's loss raises A's to first order.

    >>> t = {"X_A": np.eye(2), "y_A": np.array([1.0, 0.0]),
    ...      "X_B": np.eye(2), "y_B": np.array([-1.0, 0.0])}
    >>> gradient_cosine(np.zeros(2), t)
    -1.0
    """
    gA = tasks["X_A"].T @ (tasks["X_A"] @ w - tasks["y_A"])
    gB = tasks["X_B"].T @ (tasks["X_B"] @ w - tasks["y_B"])
    return float(gA @ gB / (np.linalg.norm(gA) * np.linalg.norm(gB)))


def sequential(tasks, rng, method="naive", lam=10.0, n_replay=3, lr=0.05, steps=400):
    """Train on A from zero, then on B with `method` in {naive, ewc, replay, joint}.

    Returns (path_A, path_B, summary): paths (steps + 1, d); summary has loss_A_before,
    loss_A_after, loss_B_after and forgetting = loss_A_after - loss_A_before.

    >>> t = make_two_tasks(np.random.default_rng(0))
    >>> s = sequential(t, np.random.default_rng(1))[2]
    >>> s["forgetting"] > 0
    True
    """
    XA, yA, XB, yB = tasks["X_A"], tasks["y_A"], tasks["X_B"], tasks["y_B"]
    path_A = train(np.zeros(XA.shape[1]), XA, yA, lr, steps)
    w_A = path_A[-1]
    X, y, kw = XB, yB, {}
    if method == "ewc":
        kw = dict(fisher=diagonal_fisher(w_A, XA, rng), w_star=w_A, lam=lam)
    elif method == "replay":
        keep = rng.choice(XA.shape[0], n_replay, replace=False)  # the stored A examples
        X, y = np.vstack([XB, XA[keep]]), np.concatenate([yB, yA[keep]])
    elif method == "joint":
        X, y = np.vstack([XB, XA]), np.concatenate([yB, yA])
    path_B = train(w_A, X, y, lr, steps, **kw)
    w = path_B[-1]
    before, after = mse(w_A, XA, yA), mse(w, XA, yA)
    summary = dict(loss_A_before=before, loss_A_after=after, loss_B_after=mse(w, XB, yB),
                   forgetting=after - before)
    return path_A, path_B, summary


def learning_and_forgetting(path_B, tasks):
    """Per step of B's training: B's loss, and the rise in A's loss.

    path_B (steps + 1, d) -> two arrays (steps + 1,). Read as a learning-forgetting
    curve: each step is a point (how well B is learned, how much A is lost);
    stopping earlier, or a smaller learning rate, moves a run along it.

    >>> t = make_two_tasks(np.random.default_rng(0))
    >>> path_B = sequential(t, np.random.default_rng(1))[1]
    >>> loss_B, forgot = learning_and_forgetting(path_B, t)
    >>> float(forgot[0])
    0.0
    """
    loss_B = np.array([mse(w, tasks["X_B"], tasks["y_B"]) for w in path_B])
    loss_A = np.array([mse(w, tasks["X_A"], tasks["y_A"]) for w in path_B])
    return loss_B, loss_A - loss_A[0]
