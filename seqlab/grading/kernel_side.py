"""Code that runs inside a submission's kernel, and the wire format the grader reads back.

The grader sends this module's source to each kernel once, before the notebook's first cell
(the kernel cannot import it: the sandbox hides ``seqlab.grading``), with :func:`install`: it
captures, while the kernel is still clean, the built-ins and modules the probes rely on, the
run's token and a file descriptor the grader's worker opened for results (a pipe, not
stdout). Probe cells then call the installed function, which calls the student's function on
each set of arguments and writes one line per call to that pipe::

    <token> B <question>                       the probe of <question> begins
    <token> R <question> <call> <json record>   one record per call
    <token> E <question>                       it ends

A record is ``{"value": ...}``, ``{"error": type, "message": ...}``, ``{"timeout": seconds}``,
``{"missing": name}``, ``{"foreign": where}`` (the function was not written in the notebook),
``{"too_large": what}`` or ``{"unencodable": why}``. Whatever the notebook does to
``sys.stdout``, ``print`` or the kernel's output streams cannot change these lines; a line
written to the pipe by notebook code (it would have to find the descriptor) is caught by the
grader as a line outside a probe, a second record for a call, or a line without the token.

Values travel in a restricted encoding (:func:`encode`): only exact built-in types (``None``,
``bool``, ``int``, ``float``, ``str``, ``bytes``, ``list``, ``tuple``, ``dict``) and NumPy
arrays and scalars of numeric, text, complex and date dtypes; anything else travels as an
:class:`Opaque` type name and ``repr``. Depth, element count and text size are bounded, so
that a recursive or huge structure becomes a ``too_large`` record rather than a crash.
:func:`decode` (the grader's side) rebuilds the values and raises :class:`WireError` for
anything that is not in this encoding. Only the standard library is used; NumPy only when a
value is an array.
"""

import contextlib
import io
import json
import os
import signal
import sys
import types

MAX_RECORD_CHARS = 2_000_000  # one record's JSON
MAX_ITEMS = 1_000_000  # values in one result: array elements, list items, ...
MAX_DEPTH = 64  # nesting of lists, tuples, dicts, object arrays
MAX_TEXT = 100_000  # characters of one string (bytes: of one bytes value)
MAX_INT_BITS = 1024
PROBE_NAME = "__seqlab_probe__"  # the installed probe function, in the notebook's namespace
NUMERIC_KINDS = "biuf"
DATE_KINDS = "Mm"


class ProbeTimeout(BaseException):
    """A call ran past its time limit (a BaseException, so ``except Exception`` cannot eat it)."""


class TooLarge(Exception):
    """A value beyond the encoding's bounds."""


class WireError(ValueError):
    """Data that is not in :func:`encode`'s encoding (forged, truncated or corrupt)."""


class Opaque:
    """A returned value that does not travel over the wire (shown by its type and repr)."""

    def __init__(self, type_name, text):
        self.type_name, self.text = type_name, text

    def __repr__(self):
        return f"<{self.type_name}: {self.text}>"

    def __eq__(self, other):  # never equal to a real value, nor to another opaque one
        return False

    __hash__ = object.__hash__


class _Budget:
    def __init__(self):
        self.items = 0

    def spend(self, count):
        self.items += count
        if self.items > MAX_ITEMS:
            raise TooLarge(f"more than {MAX_ITEMS:,} values")


def encode(value, _budget=None, _depth=0):
    """A JSON-ready form of ``value`` that keeps NumPy dtypes, shapes and tuples apart.

    Raises:
        TooLarge: deeper than ``MAX_DEPTH``, more than ``MAX_ITEMS`` values, or a text or
            integer beyond its bound.
    """
    budget = _budget or _Budget()
    budget.spend(1)
    if _depth > MAX_DEPTH:
        raise TooLarge(f"nested more than {MAX_DEPTH} deep")
    kind = type(value)
    if value is None or kind is bool or kind is float:
        return value
    if kind is int:
        if value.bit_length() > MAX_INT_BITS:
            raise TooLarge(f"an integer of more than {MAX_INT_BITS} bits")
        return value
    if kind is str:
        if len(value) > MAX_TEXT:
            raise TooLarge(f"a string of more than {MAX_TEXT:,} characters")
        return value
    if kind is bytes:
        if len(value) > MAX_TEXT:
            raise TooLarge(f"bytes longer than {MAX_TEXT:,}")
        return {"__bytes__": value.decode("latin-1")}
    if kind is tuple or kind is list:
        items = [encode(item, budget, _depth + 1) for item in value]
        return {"__tuple__": items} if kind is tuple else items
    if kind is dict:
        pairs = [
            [encode(key, budget, _depth + 1), encode(item, budget, _depth + 1)]
            for key, item in value.items()
        ]
        return {"__dict__": pairs}
    numpy = sys.modules.get("numpy")
    if numpy is not None and kind is numpy.ndarray:
        return _encode_array(value, budget, _depth)
    if numpy is not None and isinstance(value, numpy.generic) and kind.__module__ == "numpy":
        array = _encode_array(numpy.asarray(value), budget, _depth)
        return {"__numpy__": array} if "__ndarray__" in array else array
    return {"__opaque__": _type_name(value), "repr": _short_repr(value)}


def _encode_array(array, budget, depth):
    budget.spend(array.size)
    dtype = array.dtype
    flat = array.ravel()  # the data travels flat, with its shape beside it
    shape = [int(n) for n in array.shape]
    if dtype.kind in NUMERIC_KINDS or dtype.kind == "U":
        if dtype.kind == "U" and dtype.itemsize // 4 > MAX_TEXT:
            raise TooLarge(f"strings of more than {MAX_TEXT:,} characters")
        data = flat.tolist()
    elif dtype.kind == "c":
        data = flat.astype(complex).view(float).tolist()  # real and imaginary parts in turn
    elif dtype.kind in DATE_KINDS:
        data = flat.view("int64").tolist()
    elif dtype.kind == "S":
        data = [item.decode("latin-1") for item in flat.tolist()]
    elif dtype.kind == "O":
        data = [encode(item, budget, depth + 1) for item in flat.tolist()]
    else:
        return {"__opaque__": f"ndarray of dtype {dtype}", "repr": _short_repr(array)}
    return {"__ndarray__": data, "dtype": dtype.str, "shape": shape}


def _type_name(value):
    try:
        return str(type(value).__qualname__)[:100]
    except Exception:
        return "object"


def _short_repr(value):
    try:
        text = repr(value)
        return text[:200] if type(text) is str else "<repr gave no text>"
    except Exception as error:
        return f"<repr raised {type(error).__name__}>"


def decode(data, _depth=0):
    """The value :func:`encode` encoded (NumPy is imported only when an array comes back).

    Raises:
        WireError: ``data`` is not in that encoding.
    """
    if _depth > MAX_DEPTH + 2:
        raise WireError("nested too deep")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [decode(item, _depth + 1) for item in data]
    if type(data) is not dict:
        raise WireError(f"unexpected {type(data).__name__}")
    if "__ndarray__" in data:
        return _decode_array(data)
    if "__numpy__" in data:
        return _decode_array(_expect(data["__numpy__"], dict))[()]
    if "__tuple__" in data:
        return tuple(decode(item, _depth + 1) for item in _expect(data["__tuple__"], list))
    if "__dict__" in data:
        result = {}
        for pair in _expect(data["__dict__"], list):
            key, item = _expect(pair, list)
            result[_hashable(decode(key, _depth + 1))] = decode(item, _depth + 1)
        return result
    if "__bytes__" in data:
        return _expect(data["__bytes__"], str).encode("latin-1")
    if "__opaque__" in data:
        return Opaque(str(data["__opaque__"])[:100], str(data.get("repr", ""))[:200])
    raise WireError(f"unexpected keys {sorted(data)[:5]}")


def _decode_array(data):
    import numpy

    try:
        dtype = numpy.dtype(_expect(data["dtype"], str))
        shape = tuple(_expect(n, int) for n in _expect(data["shape"], list))
        items = _expect(data["__ndarray__"], list)
        if any(n < 0 for n in shape) or len(shape) > 32:
            raise WireError(f"bad shape {shape}")
        if dtype.kind in NUMERIC_KINDS or dtype.kind == "U":
            array = numpy.array(items, dtype=dtype)
        elif dtype.kind == "c":
            array = numpy.array(items, dtype=float).view(complex).astype(dtype)
        elif dtype.kind in DATE_KINDS:
            array = numpy.array(items, dtype="int64").view(dtype)
        elif dtype.kind == "S":
            array = numpy.array([_expect(item, str).encode("latin-1") for item in items], dtype)
        elif dtype.kind == "O":
            array = numpy.empty(len(items), dtype=object)
            array[:] = [decode(item, 1) for item in items]
        else:
            raise WireError(f"dtype {dtype} does not travel")
        return array.reshape(shape)
    except (KeyError, TypeError, ValueError, OverflowError) as error:
        raise WireError(f"not an array: {type(error).__name__}: {str(error)[:100]}") from None


def _expect(value, kind):
    if type(value) is not kind:
        raise WireError(f"expected {kind.__name__}, found {type(value).__name__}")
    return value


def _hashable(key):
    if type(key) is list:
        return tuple(_hashable(item) for item in key)
    try:
        hash(key)
    except TypeError:
        raise WireError("unhashable dict key") from None
    return key


@contextlib.contextmanager
def time_limit(seconds):
    """Raise :class:`ProbeTimeout` after ``seconds`` of the kernel process's CPU time.

    ``ITIMER_PROF`` counts CPU time, all threads together: a loaded machine slows a call down
    without bringing its limit closer. A call that waits instead of computing is stopped by
    the probe cell's wall-clock backstop.
    """

    def expire(signum, frame):
        raise ProbeTimeout

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def call_once(function, args, kwargs, observe, seconds):
    """The record of one call: what it returned (or what ``observe`` sees of it), or why not."""
    sink = io.StringIO()  # what the function prints must not reach the kernel's output
    try:
        with (
            contextlib.redirect_stdout(sink),
            contextlib.redirect_stderr(sink),
            time_limit(seconds),
        ):
            result = function(*args, **kwargs)
            if observe:
                result = eval(observe, {"result": result, "numpy": sys.modules.get("numpy")})
            try:
                return {"value": encode(result)}
            except TooLarge as error:
                return {"too_large": str(error)}
            except Exception as error:
                return {"unencodable": f"{type(error).__name__}: {_short_text(error)}"}
    except ProbeTimeout:
        return {"timeout": seconds}
    except BaseException as error:  # SystemExit and KeyboardInterrupt are answers too
        return {"error": _type_name(error), "message": _short_text(error)}


def _short_text(error):
    try:
        text = str(error)
        return text[:300] if type(text) is str else ""
    except BaseException:
        return "<the error's message could not be read>"


def origin_problem(function, cell_prefix):
    """Why ``function`` is not the student's own (``None``: written in a notebook cell).

    The function, or what it wraps (``__wrapped__``, as decorators leave it), must be a plain
    Python function compiled from a cell of this kernel, whose file names start with
    ``cell_prefix``; a function imported from ``seqlab`` or any other module is not.
    """
    for _ in range(10):
        if type(function) is types.FunctionType:
            filename = function.__code__.co_filename
            if filename.startswith(cell_prefix) or filename.startswith("<ipython-input-"):
                return None
            module = function.__module__ if type(function.__module__) is str else None
            return f"{module or '?'}.{function.__qualname__} (from {filename[-80:]})"
        wrapped = getattr(function, "__wrapped__", None)
        if wrapped is None:
            break
        function = wrapped
    return f"a {_type_name(function)}, not a function defined in the notebook"


def install(token, fd, shell):
    """Install the probe function in ``shell``'s namespace, bound to ``token`` and ``fd``.

    Runs before the notebook's first cell: what it captures (built-ins, ``os.write``, this
    module's functions) is what the kernel had before any student code ran.
    """
    write, namespace = os.write, shell.user_ns
    try:
        cell_prefix = os.path.dirname(shell.compile.get_code_name("", "", 0)) + os.sep
    except Exception:
        cell_prefix = "<ipython-input-"

    def send(text):
        data = text.encode("utf-8", "backslashreplace")
        while data:
            data = data[write(fd, data) :]

    def probe(question, function_name, calls_json, observe, seconds):
        send(f"{token} B {question}\n")
        function = namespace.get(function_name)
        problem = origin_problem(function, cell_prefix) if callable(function) else None
        for number, call in enumerate(json.loads(calls_json)):
            if not callable(function):
                record = {"missing": function_name}
            elif problem is not None:
                record = {"foreign": problem}
            else:
                args, kwargs = decode(call["args"]), decode(call["kwargs"])
                record = call_once(function, args, kwargs, observe, seconds)
            try:
                line = json.dumps(record)
            except (TypeError, ValueError) as error:
                line = json.dumps({"unencodable": _short_text(error)})
            if len(line) > MAX_RECORD_CHARS:
                line = json.dumps({"too_large": f"a result of {len(line):,} characters"})
            send(f"{token} R {question} {number} {line}\n")
        send(f"{token} E {question}\n")

    namespace[PROBE_NAME] = probe
