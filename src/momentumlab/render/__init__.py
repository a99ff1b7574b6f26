"""The animation engine: views drawn once and blitted, frames piped raw into one ffmpeg.

``render_run`` animates one run (surface, contour, fit or distance, loss);
``render_compare`` races every run of an experiment on one contour;
``frames_for_steps`` picks the optimizer steps that become frames;
``loss_overlay_png`` writes a static loss plot for the report.
"""

from momentumlab.render.animations import loss_overlay_png, render_compare, render_run
from momentumlab.sampling import frames_for_steps

__all__ = ["frames_for_steps", "loss_overlay_png", "render_compare", "render_run"]
