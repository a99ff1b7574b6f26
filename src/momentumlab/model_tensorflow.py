"""The classifiers in Keras: the same flat weights, batches and loss, Keras' ``SGD``, one ``tf.function``.

The model is ``keras.Sequential`` of ``Dense`` layers (float64), its weights set from the flat
vector (the layout of ``models.Architecture``: W₁, b₁, W₂, b₂, … is Keras' ``model.weights``
order). The loss is written here, not a Keras loss object, so it is the numpy backend's
formula term by term: mean(logsumexp(z) − z_y) + (l2/2) Σ‖W‖². Gradients come from
``tf.GradientTape``; hyperparameters go through ``tensorflow_backend.make_keras_sgd``
(float64 floatx, ``np.float64`` momentum: the two precision traps).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from momentumlab.backends.tensorflow_backend import configure, make_keras_sgd
from momentumlab.model_training import ModelRuns, record_steps
from momentumlab.models import Architecture

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
    """One run (B = 1) in Keras, shaped like ``model_training.train``'s result.

    The whole loop is one compiled ``tf.function`` (traced once per call): step t gathers
    the examples ``batches[t]`` (all of them when None), computes the loss under a
    ``GradientTape`` and applies Keras' ``SGD``; the flat weights are written at the record
    steps. No freezing on divergence: ``diverged_at`` is the first non-finite step loss.
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

    def flat() -> Any:
        return tf.concat([tf.reshape(v, [-1]) for v in variables], axis=0)

    def loss_fn(xb: Any, yb: Any) -> Any:
        logits = model(xb)
        picked = tf.gather(logits, yb, axis=1, batch_dims=1)
        loss = tf.reduce_mean(tf.reduce_logsumexp(logits, axis=1) - picked)
        if arch.l2:
            loss += 0.5 * l2 * tf.add_n([tf.reduce_sum(k * k) for k in kernels])
        return loss

    def step(t: Any, history: Any, losses: Any) -> tuple[Any, Any, Any]:
        if full:
            xb, yb = x_all, y_all
        else:
            xb, yb = tf.gather(x_all, index[t]), tf.gather(y_all, index[t])
        with tf.GradientTape() as tape:
            loss = loss_fn(xb, yb)
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        history = tf.cond(is_mark[t + 1], lambda: history.write(slot[t + 1], flat()), lambda: history)
        return t + 1, history, losses.write(t, loss)

    def loop() -> tuple[Any, Any]:
        history = tf.TensorArray(tf.float64, size=len(marks), element_shape=(arch.n_weights,))
        history = history.write(0, flat())
        losses = tf.TensorArray(tf.float64, size=steps, element_shape=())
        _, history, losses = tf.while_loop(lambda t, *_: t < steps, step, (tf.constant(0), history, losses))
        return history.stack(), losses.stack()

    history, losses = tf.function(loop, autograph=False)()
    step_loss = losses.numpy()[:, None]
    bad = np.flatnonzero(~np.isfinite(step_loss[:, 0]))
    return ModelRuns(steps_recorded=marks, weights=history.numpy()[:, None, :], step_loss=step_loss,
                     diverged_at=np.array([bad[0] if bad.size else -1]))
