"""The update-rules slide: gradient descent, heavy ball in both of its forms and Nesterov, written as
``momentumlab.optim.sgd`` computes them (``tests/test_slides.py`` steps each rule against the optimizer)."""

from __future__ import annotations

from typing import Any

from pptx.util import Inches

from momentumlab.deck.parts import BODY_SIZE, CONTENT_TOP, CONTENT_WIDTH, MARGIN, MUTED, caption, text_box, titled_slide

# (name, rule): g = ∇f(θ) at the current θ; η the learning rate (at this step), μ the momentum.
UPDATE_RULES = (
    ("Gradient descent", "θ ← θ − η g"),
    ("Heavy ball, Keras form (v in parameter units)", "v ← μ v − η g,   θ ← θ + v"),
    ("Heavy ball, PyTorch form (b in gradient units)", "b ← μ b + g,   θ ← θ − η b"),
    ("Nesterov, Keras form (this project's default)", "v ← μ v − η g,   θ ← θ + μ v − η g"),
    ("Nesterov, PyTorch form", "b ← μ b + g,   θ ← θ − η (g + μ b)"),
)
RULE_SIZE = 24
RULES_CAPTION = ("g = ∇f(θ) at the current θ. At a constant η the two forms are one trajectory (v = −η b); "
                 "they part when η changes.")


def add_rules_slide(deck: Any) -> None:
    """One slide: each method's update, name above rule, and when the two momentum forms differ."""
    notes = ("Talking points:\n• Heavy ball adds a fraction μ of the last step to the gradient step.\n"
             "• Keras stores the step itself (v, in parameter units); PyTorch, optax and TF1 store the sum of "
             "gradients (b) and multiply by η when stepping.\n"
             "• With a schedule, Keras' v still carries steps taken at the old rate after a cut; PyTorch's b is "
             "rescaled at once.\n"
             "• Nesterov takes the momentum step μ v once more, a look-ahead.")
    slide = titled_slide(deck, "The update rules", notes)
    row = Inches(0.95)
    for index, (name, rule) in enumerate(UPDATE_RULES):
        top = CONTENT_TOP + index * row
        text_box(slide, MARGIN, top, Inches(4.4), row, name, BODY_SIZE, color=MUTED)
        text_box(slide, MARGIN + Inches(4.5), top - Inches(0.04), CONTENT_WIDTH - Inches(4.5), row, rule, RULE_SIZE, bold=True)
    caption(slide, RULES_CAPTION)
