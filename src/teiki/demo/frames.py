"""Column frames: the simulation passes tables around as dicts of numpy arrays.

A frame maps column names to equally long 1-d arrays. Integer codes stand in
for strings until the tables are written (``-1`` is "none" for codes and
times).
"""

from __future__ import annotations

import numpy as np

Frame = dict[str, np.ndarray]
NONE = -1


def frame_length(frame: Frame) -> int:
    """Number of rows of a frame (0 for an empty dict)."""
    return len(next(iter(frame.values()))) if frame else 0


def filter_rows(frame: Frame, keep: np.ndarray) -> Frame:
    """The rows where ``keep`` is true (or the rows at the given indices)."""
    return {name: col[keep] for name, col in frame.items()}


def concat_frames(frames: list[Frame]) -> Frame:
    """Frames with the same columns stacked in order."""
    frames = [f for f in frames if f]
    names = list(frames[0])
    return {name: np.concatenate([f[name] for f in frames]) for name in names}


def concat_order_lines(parts: list[Frame]) -> Frame:
    """Order-line frames stacked, with their local occasion ids made globally unique."""
    shifted, offset = [], 0
    for part in parts:
        if not part or frame_length(part) == 0:
            continue
        shifted.append({**part, "occasion": part["occasion"] + offset})
        offset += int(part["occasion"].max()) + 1
    return concat_frames(shifted)


def group_rows(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expand groups into rows: (group of each row, 1-based position in its group, group offsets)."""
    offsets = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=offsets[1:])
    group = np.repeat(np.arange(len(counts)), counts)
    position = np.arange(len(group)) - offsets[group] + 1
    return group, position, offsets
