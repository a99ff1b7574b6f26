"""Measure a valley's angle in a picture of filled contours (not a test module).

The contours are viridis lightened over white (``render.style.draw_contour``: alpha 0.45), so a
pixel's place on that curve gives its level. The pixels of the lowest levels form a sublevel set
{f < c}: for a quadratic, an ellipse along the valley, whose principal axis (PCA of the pixel
coordinates) is the valley's direction as drawn. Paths, markers and the white level lines are off
the curve and left out.
"""

from __future__ import annotations

import numpy as np

from momentumlab.palette import viridis, rgb

CONTOUR_ALPHA = 0.45  # render.style.draw_contour's fill alpha


def _curve(samples: int = 256) -> np.ndarray:
    """The lightened viridis colours (samples, 3) from the lowest level (row 0) to the highest."""
    return np.array([[CONTOUR_ALPHA * c + (1 - CONTOUR_ALPHA) * 255 for c in rgb(viridis(t))]
                     for t in np.linspace(0.0, 1.0, samples)])


def level_fractions(image: np.ndarray, tolerance: float = 7.0) -> np.ndarray:
    """Each pixel's place in [0, 1] on the lightened viridis curve (NaN for pixels off it) of an
    RGB(A) ``image`` (h, w, 3|4)."""
    pixels = np.asarray(image)[..., :3]
    colours, inverse = np.unique(pixels.reshape(-1, 3), axis=0, return_inverse=True)  # few distinct colours
    curve = _curve()
    distances = np.linalg.norm(colours[:, None, :].astype(float) - curve[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    place = nearest / (len(curve) - 1.0)
    place[distances[np.arange(len(colours)), nearest] > tolerance] = np.nan
    return place[inverse.ravel()].reshape(pixels.shape[:2])


def valley_angle(image: np.ndarray, share: float = 0.06) -> float:
    """The angle in degrees, in (−90, 90], of the principal axis of the lowest-level ``share`` of the
    contour pixels of ``image``, measured counter-clockwise from the x axis as seen (image rows go down)."""
    place = level_fractions(image)
    valid = np.isfinite(place)
    threshold = np.quantile(place[valid], share)
    rows, columns = np.nonzero(valid & (place <= threshold))
    points = np.column_stack([columns, -rows]).astype(float)
    points -= points.mean(axis=0)
    _, vectors = np.linalg.eigh(points.T @ points)
    x, y = vectors[:, -1]
    angle = float(np.degrees(np.arctan2(y, x)))
    return angle - 180.0 if angle > 90.0 else angle + 180.0 if angle <= -90.0 else angle
