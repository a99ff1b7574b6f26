"""Every picture of the project, drawn with matplotlib.

Animations go through one engine: a figure's static parts drawn once and blitted, the moving
artists drawn per frame, raw frames piped into one ffmpeg (``engine``). Modules, from the
bottom up (each imports only those before it): ``style`` (rc settings, canvas, shared axes),
``artists`` (growing curves, fast status text), ``engine``, ``panels`` (one class per panel),
``figures`` (the run and race animations); the still pictures, ``static`` and ``heatmap``,
use ``style`` only.

``render_run`` animates one run (surface, contour, fit or distance, loss);
``render_compare`` races every run of an experiment on one contour;
``render_model_run`` and ``render_model_race`` do the same for a model experiment's runs on
its shared loss plane (with decision regions or per-class accuracy, loss and accuracy);
``frames_for_steps`` picks the optimizer steps that become frames;
``loss_overlay_png``, ``contour_png``, ``render_loss_plane`` and ``render_sweep_heatmap``
write the report's still pictures.
"""

from momentumlab.render.figures import render_compare, render_model_race, render_model_run, render_run
from momentumlab.render.heatmap import render_sweep_heatmap
from momentumlab.render.static import contour_png, loss_overlay_png, render_loss_plane
from momentumlab.sampling import frames_for_steps

__all__ = ["contour_png", "frames_for_steps", "loss_overlay_png", "render_compare", "render_loss_plane",
           "render_model_race", "render_model_run", "render_run", "render_sweep_heatmap"]
