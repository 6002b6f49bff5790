"""seqlab: the helper package of a course on sequence models with Keras 3.

Subpackages and modules:

- ``seqlab.datasets``: every dataset the course uses, offline.
- ``seqlab.numpy_rnn``: RNN, LSTM and GRU in NumPy, in Keras's weight layout.
- ``seqlab.tasks``: synthetic tasks that isolate one ability (the memory task).
- ``seqlab.labs``: builds the student labs from the solution notebooks.
- ``seqlab.checks``: the checks a student calls from a lab.
- ``seqlab.grading``: the autograder behind ``seqlab grade``.
"""

__version__ = "0.1.0"
