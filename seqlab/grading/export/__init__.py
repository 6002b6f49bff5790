"""Grading on autograding platforms: the same engine as ``seqlab grade``, packaged for each.

``seqlab export gradescope SOLUTION --out autograder.zip`` and ``seqlab export prairielearn
SOLUTION --out DIR`` write what each platform runs. Both carry one payload
(:mod:`~seqlab.grading.export.bundle`): the lab's questions, the probe calls' seed and the
reference solution's results on those calls, computed once when the bundle is built. On the
platform, each submission is graded by :class:`seqlab.grading.Grader` with those settings
(:mod:`~seqlab.grading.export.runner`), so a submission scores there what ``seqlab grade
--seed SEED`` gives it here.

Why the reference is computed at build time: both platforms grade every submission in a fresh
container, so a reference run there would be paid once per submission (it doubles the time of
a lab, more for labs that train); the solution notebook then never reaches the platform (the
payload keeps only the question cells' metadata); and every student of a class gets the same
calls, which makes a score reproducible on the instructor's machine. The price: the calls are
fixed for the class, so the per-case details (inputs, expected values) stay hidden from
students until the due date by default (Gradescope), or are left out (PrairieLearn), and a new
bundle (a new seed) is built for every term.

Modules: :mod:`~seqlab.grading.export.bundle` (build the payload, the set-up script, the
wheel), :mod:`~seqlab.grading.export.runner` (find and grade the submission on the platform,
never crash), :mod:`~seqlab.grading.export.gradescope` and
:mod:`~seqlab.grading.export.prairielearn` (each platform's files and ``results.json``).
"""
