"""The autograder behind ``seqlab grade``.

``seqlab grade solutions/02_one_hot_encoding.ipynb submissions/ --out grades.csv --jobs 2``
runs every submission in its own sandboxed kernel, calls the student's functions there on
inputs drawn at grading time, compares the results with the reference solution's in the
grader's process and writes one gradebook row per submission.

Modules, in the order a submission meets them:

- :mod:`~seqlab.grading.grader`: the run: questions, probes, parallel jobs, scoring, gradebook.
- :mod:`~seqlab.grading.worker`: one notebook in one kernel (a process per submission).
- :mod:`~seqlab.grading.sandbox`: resource limits, an unprivileged user, bubblewrap, clean-up.
- :mod:`~seqlab.grading.cgroups`: a control group per kernel (memory, tasks, CPU time, kill).
- :mod:`~seqlab.grading.kernel`: the kernel, cell by cell, with hard time limits.
- :mod:`~seqlab.grading.kernel_side`: the code the probe cells run inside the kernel.
- :mod:`~seqlab.grading.probes`: per lab, the calls that test each question.
- :mod:`~seqlab.grading.scoring`: records against the reference, partial credit.
- :mod:`~seqlab.grading.gradebook`: the CSV and the feedback files, written atomically.
- :mod:`~seqlab.grading.safe_text`: ids and notes safe to print, to put in a CSV, to name a file.
"""

import importlib

__all__ = [
    "Grader",
    "Limits",
    "SandboxUnavailable",
    "Settings",
    "Submission",
    "SubmissionGrade",
    "grade",
    "student_id",
]
_HOMES = {"Limits": "sandbox", "SandboxUnavailable": "sandbox"}


def __getattr__(name: str):
    # Imported on first use, so that a worker process (which imports this package) does not
    # pay for what only the grader needs (nbformat's JSON-schema validation takes seconds).
    if name in __all__:
        module = importlib.import_module(f"{__name__}.{_HOMES.get(name, 'grader')}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
