"""The plain-Python core of the improvement plan: the status of a success measure from live data
(``status``). Nothing here imports Django.
"""

from __future__ import annotations

from .status import STATUSES, Assessment, Point, Trajectory, assess, disagreement

__all__ = ["STATUSES", "Assessment", "Point", "Trajectory", "assess", "disagreement"]
