"""The slide deck: the 2-D and model slides of a lecture, built from summary.json and the media."""
