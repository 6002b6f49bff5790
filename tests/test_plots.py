"""seqlab.plots: each rule fires for its mistake and stays silent for a readable figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from seqlab.plots import FigureError, describe, figure_problems, show  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def labelled(ax):
    ax.set(xlabel="step", ylabel="value")
    return ax


def test_a_readable_figure_has_no_problems():
    fig, ax = plt.subplots()
    labelled(ax).plot([1, 2, 3], label="series")
    ax.bar([0, 1], [0.5, 0.9])
    ax.axhline(0.7, ls="--")
    assert figure_problems(fig) == []


@pytest.mark.parametrize("axis", ["x", "y"])
def test_a_missing_axis_label_is_named(axis):
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    labelled(ax)
    getattr(ax, f"set_{axis}label")("")
    (problem,) = figure_problems(fig)
    assert f"no {axis}-axis label" in problem and f"set_{axis}label" in problem


def test_a_shared_axis_counts_as_labelled_a_colour_bar_and_an_axes_switched_off_are_skipped():
    fig, (top, bottom, blank) = plt.subplots(3, sharex=True)
    top.plot([1, 2])
    top.set_ylabel("bit")
    labelled(bottom).plot([1, 2])
    blank.axis("off")
    assert figure_problems(fig) == []
    fig, ax = plt.subplots()
    fig.colorbar(labelled(ax).imshow(np.eye(2)))
    assert figure_problems(fig) == []


def test_pandas_time_series_gets_its_index_name_as_x_label():
    series = pd.Series(range(5), index=pd.date_range("2020-01-01", periods=5, name="time"))
    fig, ax = plt.subplots()
    series.plot(ax=ax, ylabel="glucose (mg/dL)")
    assert figure_problems(fig) == []


def test_a_line_that_leaves_the_plot_is_named():
    fig, ax = plt.subplots()
    labelled(ax).plot([0, 1, 2], [1.0, 2.0, 40.0], label="rho = 0.5")
    ax.set_ylim(0, 10)
    (problem,) = figure_problems(fig)
    assert "'rho = 0.5' leaves the plot" in problem and "40" in problem


def test_a_line_inside_manual_limits_is_fine():
    fig, ax = plt.subplots()
    labelled(ax).plot([0, 1, 2], [1.0, 2.0, 4.0])
    ax.set_ylim(0, 10)
    assert figure_problems(fig) == []


def test_scatter_points_and_bars_that_leave_the_plot_are_named():
    fig, ax = plt.subplots()
    labelled(ax).scatter([1, 2], [3, 4])
    ax.set_xlim(0, 1.5)
    assert any("scatter" in problem for problem in figure_problems(fig))
    fig, ax = plt.subplots()
    labelled(ax).bar([0, 1], [1.0, 5.0])
    ax.set_ylim(0, 2)
    assert any("bar ending at" in problem for problem in figure_problems(fig))


@pytest.mark.parametrize("horizontal", [False, True])
def test_a_mark_line_on_the_end_of_a_bar_is_named(horizontal):
    fig, ax = plt.subplots()
    labelled(ax)
    if horizontal:
        ax.barh([0, 1], [2.0, 3.482])
        ax.axvline(3.456)
    else:
        ax.bar([0, 1], [2.0, 3.482])
        ax.axhline(3.456)
    (problem,) = figure_problems(fig)
    assert "mark line at 3.456" in problem and "3.482" in problem


def test_a_mark_line_across_bars_or_along_a_bin_edge_is_fine():
    fig, ax = plt.subplots()
    labelled(ax).bar([0, 1], [2.0, 3.482])
    ax.axhline(3.0)
    assert figure_problems(fig) == []
    fig, ax = plt.subplots()
    labelled(ax).hist([0.1, 0.2, 0.9], bins=[0.0, 0.5, 1.0])
    ax.axvline(0.5)  # a vertical mark over vertical bars hides no length
    assert figure_problems(fig) == []


def test_show_refuses_an_unreadable_figure_and_says_why():
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    with pytest.raises(FigureError, match="no x-axis label.*\n.*no y-axis label"):
        show(fig)
    with pytest.raises(TypeError, match="matplotlib Figure"):
        show(ax)


def test_describe_records_the_labels_that_the_test_of_the_notebooks_reads():
    fig, (left, right) = plt.subplots(1, 2)
    labelled(left).plot([1, 2])
    right.set(xlabel="epoch", ylabel="loss", title="training")
    assert describe(fig) == {"axes": [{"xlabel": "step", "ylabel": "value", "title": ""},
                                      {"xlabel": "epoch", "ylabel": "loss", "title": "training"}],
                             "problems": []}


def test_mark_lines_at_dates_are_checked_like_numbers():
    days = pd.date_range("2020-01-01", periods=4)
    fig, ax = plt.subplots()
    labelled(ax).bar(days, [1.0, 2.0, 3.0, 4.0])
    ax.axvline(days[2])  # a vertical mark over vertical bars, at a date: fine
    ax.axhline(2.5)
    assert figure_problems(fig) == []
    fig, ax = plt.subplots()
    labelled(ax).barh(days, [1.0, 2.0, 3.0, 4.0])
    ax.axvline(3.0)
    (problem,) = figure_problems(fig)
    assert "mark line at 3 sits on the end of a bar at 3" in problem
