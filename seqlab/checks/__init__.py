"""Checks a student calls from a lab: public tests that explain what is wrong.

Call style, the same in every lab::

    from seqlab.checks import lab02 as check

    check.q2(encode)        # pass your function itself; the check calls it

A passing check prints one line. A failing one stops the cell with a :class:`CheckFailed`
that names the call, what came back against what was expected (the shape returned and the one
expected, the first position that differs) and a hint where the mistake is a common one. The
checks hold only public inputs and their expected outputs: no solution code, and none of the
grader's tests, which draw other inputs at grading time.

Adding the checks of lab NN: write ``seqlab/checks/labNN.py`` with one function per question
(``q1``, ``q2``, ... as in the solution notebook's question metadata), each calling
:func:`seqlab.checks.core.run_check` with a few :class:`~seqlab.checks.core.Case` objects and
the hints for that question's common mistakes. :mod:`seqlab.checks.lab02` is the model.
"""

from seqlab.checks.core import Case, CheckFailed, Rule, run_check

__all__ = ["Case", "CheckFailed", "Rule", "run_check"]
