"""Code that runs inside a submission's kernel, and the wire format the grader reads back.

The grader sends this module's source in each probe cell (the kernel cannot import it: the
sandbox hides ``seqlab.grading``). Only the standard library is used; NumPy only when a value
is an array. :func:`run_probe` calls the student's function on each set of arguments and
prints one line per call::

    <token> <question> <call number> <json record>

where the record is ``{"value": ...}``, ``{"error": type, "message": ...}``,
``{"timeout": seconds}``, ``{"missing": name}`` or ``{"too_large": characters}``. The token
is drawn per run and the grader reads only lines that carry it, so lines printed by the
student's own cells cannot pass for results. The grader imports this module too and decodes
the records with :func:`decode`.
"""

import contextlib
import io
import json
import signal
import sys

MAX_RECORD_CHARS = 1_000_000


class ProbeTimeout(BaseException):
    """A call ran past its time limit (a BaseException, so ``except Exception`` cannot eat it)."""


class Opaque:
    """A returned value that does not travel over the wire (shown by its type and repr)."""

    def __init__(self, type_name, text):
        self.type_name, self.text = type_name, text

    def __repr__(self):
        return f"<{self.type_name}: {self.text}>"


def encode(value):
    """A JSON-ready form of ``value`` that keeps NumPy dtypes, shapes and tuples apart."""
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.ndarray):
        if value.dtype.kind in "biufUS":
            data = value.tolist()
        else:
            data = [encode(item) for item in value.ravel().tolist()]
        return {"__ndarray__": data, "dtype": value.dtype.str, "shape": list(value.shape)}
    if numpy is not None and isinstance(value, numpy.generic):
        return {"__numpy__": value.item(), "dtype": value.dtype.str}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple):
        return {"__tuple__": [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {"__dict__": [[encode(key), encode(item)] for key, item in value.items()]}
    return {"__opaque__": type(value).__name__, "repr": repr(value)[:200]}


def decode(data):
    """The value :func:`encode` encoded (NumPy is imported only when an array comes back)."""
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    if "__ndarray__" in data:
        import numpy

        dtype = numpy.dtype(data["dtype"])
        if dtype.kind == "O":
            items = [decode(item) for item in data["__ndarray__"]]
            array = numpy.empty(len(items), dtype=object)
            array[:] = items
            return array.reshape(data["shape"])
        return numpy.array(data["__ndarray__"], dtype=dtype).reshape(data["shape"])
    if "__numpy__" in data:
        import numpy

        return numpy.dtype(data["dtype"]).type(data["__numpy__"])
    if "__tuple__" in data:
        return tuple(decode(item) for item in data["__tuple__"])
    if "__dict__" in data:
        return {_hashable(decode(key)): decode(item) for key, item in data["__dict__"]}
    if "__opaque__" in data:
        return Opaque(data["__opaque__"], data["repr"])
    return data


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key


@contextlib.contextmanager
def time_limit(seconds):
    """Raise :class:`ProbeTimeout` in the main thread after ``seconds`` (SIGALRM)."""

    def expire(signum, frame):
        raise ProbeTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def call_once(function, args, kwargs, observe, seconds):
    """The record of one call: what it returned (or what ``observe`` sees of it), or why not."""
    sink = io.StringIO()  # what the function prints must not reach the probe's output
    try:
        with (
            contextlib.redirect_stdout(sink),
            contextlib.redirect_stderr(sink),
            time_limit(seconds),
        ):
            result = function(*args, **kwargs)
            if observe:
                result = eval(observe, {"result": result, "numpy": sys.modules.get("numpy")})
        return {"value": encode(result)}
    except ProbeTimeout:
        return {"timeout": seconds}
    except BaseException as error:  # SystemExit and KeyboardInterrupt are answers too
        return {"error": type(error).__name__, "message": str(error)[:300]}


def run_probe(token, question, function_name, calls_json, observe, namespace, seconds):
    """Call ``namespace[function_name]`` on every call of ``calls_json`` and print the records."""
    function = namespace.get(function_name)
    out = sys.stdout
    for number, call in enumerate(json.loads(calls_json)):
        if not callable(function):
            record = {"missing": function_name}
        else:
            args, kwargs = decode(call["args"]), decode(call["kwargs"])
            record = call_once(function, args, kwargs, observe, seconds)
        try:
            line = json.dumps(record)
        except (TypeError, ValueError) as error:
            line = json.dumps({"error": "UnencodableResult", "message": str(error)[:300]})
        if len(line) > MAX_RECORD_CHARS:
            line = json.dumps({"too_large": len(line)})
        out.write(f"{token} {question} {number} {line}\n")
    out.flush()
