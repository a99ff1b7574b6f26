"""The classifiers in Keras: the same flat weights, batches and loss, Keras' ``SGD``, one ``tf.function``.

The model is ``keras.Sequential`` of ``Dense`` layers (float64), its weights set from the flat
vector (the layout of ``model.network.Architecture``: W₁, b₁, W₂, b₂, … is Keras' ``model.weights``
order). The loss is written here, not a Keras loss object, so it is the numpy backend's
formula term by term: mean(logsumexp(z) − z_y) + (l2/2) Σ‖W‖². Gradients come from
``tf.GradientTape``; hyperparameters go through ``tensorflow_backend.make_keras_sgd``
(float64 floatx, ``np.float64`` momentum: the two precision traps).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from momentumlab.backends.tensorflow_backend import configure, make_keras_sgd
from momentumlab.model.training import WEIGHT_BOX, ModelRuns, record_steps
from momentumlab.model.network import Architecture

Array = np.ndarray


def keras_model(arch: Architecture, weights: Array) -> Any:
    """A float64 ``keras.Sequential`` with ``arch``'s layers and the flat ``weights`` (n_weights,)."""
    configure(1)
    import keras

    layers = [keras.Input((arch.sizes[0],), dtype="float64")]
    for k, units in enumerate(arch.sizes[1:]):
        last = k == len(arch.sizes) - 2
        layers.append(keras.layers.Dense(units, activation=None if last else arch.activation, dtype="float64"))
    model = keras.Sequential(layers)
    set_flat_weights(model, arch, weights)
    return model


def set_flat_weights(model: Any, arch: Architecture, weights: Array) -> None:
    """Assign the flat vector to the model's kernels and biases."""
    arrays = []
    for kernel, bias in arch.split(np.asarray(weights, dtype=np.float64)[None, :]):
        arrays += [kernel[0], bias[0, 0]]
    model.set_weights(arrays)


def train(
    arch: Architecture, x: Array, y: Array, initial: Array, method: str, lr: float, momentum: float,
    steps: int, batches: Array | None = None, every: int | None = None,
) -> ModelRuns:
    """One run (B = 1) in Keras, shaped like ``model.training.train``'s result.

    The whole loop is one compiled ``tf.function`` (traced once per call): step t gathers
    the examples ``batches[t]`` (all of them when None), computes the loss under a
    ``GradientTape`` and applies Keras' ``SGD``; the flat weights are written at the record
    steps. Divergence as in numpy: at the first step whose loss is not finite or whose weights
    leave the box, the weights go back to those before the previous update and stay there
    (the momentum slots zeroed, zero gradients applied from then on).
    """
    tf = configure(1)
    model = keras_model(arch, initial)
    variables = model.trainable_variables
    optimizer = make_keras_sgd(method, lr, momentum)
    optimizer.build(variables)
    kernels = [v for v in variables if len(v.shape) == 2]
    x_all = tf.constant(np.asarray(x, dtype=np.float64))
    y_all = tf.constant(np.asarray(y, dtype=np.int64))
    full = batches is None
    index = tf.constant(np.zeros((steps, 1), np.int64) if full else np.asarray(batches, dtype=np.int64))
    marks = record_steps(steps, every)
    is_mark = tf.constant(np.isin(np.arange(steps + 1), marks))
    slot = tf.constant(np.searchsorted(marks, np.arange(steps + 1)), dtype=tf.int32)
    l2 = tf.constant(arch.l2, dtype=tf.float64)
    previous = tf.Variable(np.asarray(initial, dtype=np.float64))
    sizes = [int(np.prod(v.shape)) for v in variables]
    slots = list(getattr(optimizer, "momentums", []) or [])

    def flat() -> Any:
        return tf.concat([tf.reshape(v, [-1]) for v in variables], axis=0)

    def loss_fn(xb: Any, yb: Any) -> Any:
        logits = model(xb)
        picked = tf.gather(logits, yb, axis=1, batch_dims=1)
        loss = tf.reduce_mean(tf.reduce_logsumexp(logits, axis=1) - picked)
        if arch.l2:
            loss += 0.5 * l2 * tf.add_n([tf.reduce_sum(k * k) for k in kernels])
        return loss

    def restore() -> Any:
        for variable, part in zip(variables, tf.split(previous, sizes)):
            variable.assign(tf.reshape(part, variable.shape))
        for momentum_slot in slots:
            momentum_slot.assign(tf.zeros_like(momentum_slot))
        return tf.constant(True)

    def step(t: Any, history: Any, losses: Any, dead: Any, diverged_at: Any) -> tuple[Any, ...]:
        if full:
            xb, yb = x_all, y_all
        else:
            xb, yb = tf.gather(x_all, index[t]), tf.gather(y_all, index[t])
        with tf.GradientTape() as tape:
            loss = loss_fn(xb, yb)
        grads = tape.gradient(loss, variables)
        current = flat()
        fine = tf.math.is_finite(loss) & (tf.reduce_max(tf.abs(current)) <= WEIGHT_BOX)
        newly = tf.logical_not(dead) & tf.logical_not(fine)
        tf.cond(newly, restore, lambda: tf.constant(False))
        dead = dead | newly
        tf.cond(dead, lambda: tf.constant(False), lambda: previous.assign(current) is None)
        grads = [tf.where(dead, tf.zeros_like(g), g) for g in grads]
        optimizer.apply_gradients(zip(grads, variables))
        history = tf.cond(is_mark[t + 1], lambda: history.write(slot[t + 1], flat()), lambda: history)
        diverged_at = tf.where(newly, t, diverged_at)
        return t + 1, history, losses.write(t, loss), dead, diverged_at

    def loop() -> tuple[Any, Any]:
        history = tf.TensorArray(tf.float64, size=len(marks), element_shape=(arch.n_weights,))
        history = history.write(0, flat())
        losses = tf.TensorArray(tf.float64, size=steps, element_shape=())
        start = (tf.constant(0), history, losses, tf.constant(False), tf.constant(-1))
        _, history, losses, _, diverged_at = tf.while_loop(lambda t, *_: t < steps, step, start)
        return history.stack(), losses.stack(), diverged_at

    history, losses, diverged_at = tf.function(loop, autograph=False)()
    weights, diverged_at = history.numpy(), int(diverged_at)
    if diverged_at >= 0:  # the record at step diverged_at was written before the check found it bad
        weights[marks >= diverged_at] = weights[-1]
    return ModelRuns(steps_recorded=marks, weights=weights[:, None, :], step_loss=losses.numpy()[:, None],
                     diverged_at=np.array([diverged_at]))
