"""Show a lecture figure, after checking that a student can read it.

Every figure in a notebook goes through :func:`show` instead of ``plt.show()``::

    fig, ax = plt.subplots()
    ax.plot(steps, loss)
    ax.set(xlabel="epoch", ylabel="loss")
    show(fig)

:func:`show` raises :class:`FigureError` when :func:`figure_problems` finds one of
the mistakes that make a plot unreadable, and otherwise displays the figure with
what was checked attached to the output's metadata (``metadata["seqlab"]["figure"]``),
so that a test can read from the committed notebook that every figure was checked
(``tests/test_lecture_conventions.py``). The rules:

- every axes has an x-axis and a y-axis label (an axes whose x or y axis is shared
  with one that has the label counts as labelled; colour bars and axes switched off
  with ``ax.axis("off")`` are not checked);
- nothing leaves the plot: every point of a line or scatter, and the far end of
  every bar, lies inside the axes' limits;
- a mark line (``axhline`` / ``axvline``) does not sit on the end of a bar, where
  it hides the bar's length (within 1 % of the axis range).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

#: How close (a share of the axis range) a mark line may come to the end of a bar.
MARK_CLEARANCE = 0.01


class FigureError(ValueError):
    """A figure breaks a rule of :func:`figure_problems`; the message lists each problem."""


def _checked_axes(fig: Figure) -> list[Axes]:
    """The axes of ``fig`` that hold a plot: visible, switched on, not a colour bar."""
    return [ax for ax in fig.axes
            if ax.get_visible() and ax.axison and not hasattr(ax, "_colorbar")]


def _name(fig: Figure, ax: Axes) -> str:
    title = ax.get_title()
    return f"axes {fig.axes.index(ax)}" + (f" ({title!r})" if title else "")


def _label(ax: Axes, axis: str) -> str:
    """The label of ``ax``'s ``axis`` ("x" or "y"), or that of an axes sharing it."""
    group = ax.get_shared_x_axes() if axis == "x" else ax.get_shared_y_axes()
    for other in [ax, *group.get_siblings(ax)]:
        label = other.get_xlabel() if axis == "x" else other.get_ylabel()
        if label.strip():
            return label
    return ""


def _inside(values: np.ndarray, limits: tuple[float, float]) -> bool:
    low, high = sorted(limits)
    slack = 1e-9 * max(abs(high - low), 1e-300)
    values = values[np.isfinite(values)]
    return bool(np.all((values >= low - slack) & (values <= high + slack)))


def _to_float(values) -> np.ndarray:
    """Plotted values as float64; dates and categories (already converted by matplotlib) too."""
    try:
        return np.asarray(values, dtype="float64").ravel()
    except (TypeError, ValueError):
        return np.array([], dtype="float64")


def _escapes(ax: Axes) -> list[str]:
    """What leaves the plot of ``ax``: lines, scatter points, bar ends outside the limits."""
    problems = []
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    for line in ax.get_lines():
        transform = line.get_transform()
        x, y = _to_float(line.get_xdata(orig=False)), _to_float(line.get_ydata(orig=False))
        check_x = transform is ax.transData or transform is ax.get_xaxis_transform()
        check_y = transform is ax.transData or transform is ax.get_yaxis_transform()
        what = f"line {line.get_label()!r}" if not line.get_label().startswith("_") else "a line"
        if check_x and x.size and not _inside(x, xlim):
            problems.append(f"{what} leaves the plot: x from {np.nanmin(x):.4g} to "
                            f"{np.nanmax(x):.4g}, x limits {xlim[0]:.4g} to {xlim[1]:.4g}")
        if check_y and y.size and not _inside(y, ylim):
            problems.append(f"{what} leaves the plot: y from {np.nanmin(y):.4g} to "
                            f"{np.nanmax(y):.4g}, y limits {ylim[0]:.4g} to {ylim[1]:.4g}")
    for collection in ax.collections:
        if (isinstance(collection, PathCollection)
                and collection.get_offset_transform() is ax.transData):
            points = np.asarray(collection.get_offsets(), dtype="float64").reshape(-1, 2)
            if points.size and not (_inside(points[:, 0], xlim) and _inside(points[:, 1], ylim)):
                problems.append("scatter points leave the plot")
    for bar in _bars(ax):
        x0, x1 = sorted((bar.get_x(), bar.get_x() + bar.get_width()))
        y0, y1 = sorted((bar.get_y(), bar.get_y() + bar.get_height()))
        far_x = x1 if abs(x1) >= abs(x0) else x0
        far_y = y1 if abs(y1) >= abs(y0) else y0
        if not (_inside(np.array([far_x]), xlim) and _inside(np.array([far_y]), ylim)):
            problems.append(f"a bar ending at ({far_x:.4g}, {far_y:.4g}) leaves the plot")
    return problems


def _bars(ax: Axes) -> list[Rectangle]:
    return [patch for patch in ax.patches
            if isinstance(patch, Rectangle) and patch.get_data_transform() is ax.transData]


def _bar_ends(ax: Axes, orientation: str) -> list[float]:
    """Where the bars of ``ax`` drawn in ``orientation`` ("vertical", "horizontal") end."""
    ends = []
    for container in ax.containers:
        if (isinstance(container, BarContainer)
                and getattr(container, "orientation", None) == orientation):
            for bar in container.patches:
                ends.append(bar.get_y() + bar.get_height() if orientation == "vertical"
                            else bar.get_x() + bar.get_width())
    return ends


def _hidden_bar_ends(ax: Axes) -> list[str]:
    """Mark lines (axhline/axvline) that sit on the end of a bar."""
    problems = []
    for line in ax.get_lines():
        transform = line.get_transform()
        if transform is ax.get_yaxis_transform():  # horizontal mark over vertical bars
            value, ends = _to_float(line.get_ydata(orig=False))[0], _bar_ends(ax, "vertical")
            low, high = ax.get_ylim()
        elif transform is ax.get_xaxis_transform():  # vertical mark over horizontal bars
            value, ends = _to_float(line.get_xdata(orig=False))[0], _bar_ends(ax, "horizontal")
            low, high = ax.get_xlim()
        else:
            continue
        tolerance = MARK_CLEARANCE * abs(high - low)
        for end in ends:
            if end != 0 and abs(end - value) < tolerance:
                problems.append(f"the mark line at {value:.4g} sits on the end of a bar at "
                                f"{end:.4g} and hides it: draw the mark another way (a bar, a "
                                "marker, text) or move it")
                break
    return problems


def figure_problems(fig: Figure) -> list[str]:
    """Every rule ``fig`` breaks (see the module's docstring), one sentence each; [] if none."""
    problems = []
    for ax in _checked_axes(fig):
        name = _name(fig, ax)
        for axis in ("x", "y"):
            if not _label(ax, axis):
                problems.append(f"{name} has no {axis}-axis label: call ax.set_{axis}label(...) "
                                "with what the axis measures and its unit")
        problems += [f"{name}: {problem}" for problem in _escapes(ax) + _hidden_bar_ends(ax)]
    return problems


def describe(fig: Figure) -> dict:
    """What :func:`show` records in the output's metadata: each checked axes' labels and title."""
    return {"axes": [{"xlabel": _label(ax, "x"), "ylabel": _label(ax, "y"), "title": ax.get_title()}
                     for ax in _checked_axes(fig)],
            "problems": figure_problems(fig)}


def show(fig: Figure | None = None) -> None:
    """Check ``fig`` (default: the current figure), then display it and close it.

    Raises:
        FigureError: the figure breaks a rule; the message lists every problem.
    """
    fig = plt.gcf() if fig is None else fig
    if not isinstance(fig, Figure):
        raise TypeError(f"show() takes a matplotlib Figure, got {type(fig).__name__}: "
                        "pass the figure from fig, ax = plt.subplots()")
    record = describe(fig)
    if record["problems"]:
        plt.close(fig)
        raise FigureError("this figure is hard to read:\n- " + "\n- ".join(record["problems"]))
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with ipykernel, a dependency
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(fig, metadata={"seqlab": {"figure": record}})
        plt.close(fig)
    else:
        plt.show()
