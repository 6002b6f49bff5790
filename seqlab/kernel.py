"""The "Python (seqlab)" Jupyter kernel: ipykernel with TensorFlow already imported, in silence.

TensorFlow writes its start-up lines (absl, oneDNN, CUDA) straight to file descriptor 2 while its
libraries load, before ``TF_CPP_MIN_LOG_LEVEL`` is read, and a notebook shows them in red under
the first cell that imports Keras. This kernel imports TensorFlow once, before ipykernel starts,
with descriptor 2 pointed at ``/dev/null``; what TensorFlow logs later, and every warning a
student's own code raises, still reaches the notebook.

    python -m seqlab.kernel -f CONNECTION_FILE     # what JupyterLab runs (the kernel spec)
    python -m seqlab.kernel install [--prefix P]   # register the spec (make setup does it)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

NAME = "seqlab"
DISPLAY_NAME = "Python (seqlab)"
ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0"}


def kernel_spec() -> dict:
    """ipykernel's own kernel.json for this Python, starting this module instead."""
    from ipykernel.kernelspec import get_kernel_dict

    spec = get_kernel_dict()
    spec["argv"] = [
        "seqlab.kernel" if part == "ipykernel_launcher" else part for part in spec["argv"]
    ]
    spec.update(display_name=DISPLAY_NAME, env=dict(ENVIRONMENT))
    return spec


@contextlib.contextmanager
def descriptor_2_silenced():
    """Point file descriptor 2 at /dev/null for the block (what native libraries write there
    bypasses ``sys.stderr``), then restore it."""
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow_quietly() -> None:
    """Import TensorFlow with file descriptor 2 sent to /dev/null."""
    # A broken TensorFlow raises again, visibly, where the notebook imports it.
    with descriptor_2_silenced(), contextlib.suppress(Exception):
        import tensorflow  # noqa: F401


def install(prefix: str) -> str:
    """Write the kernel spec under ``prefix`` (the virtual environment); return its folder."""
    import json
    import shutil
    import tempfile

    from ipykernel.kernelspec import RESOURCES  # ipykernel's logos
    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(RESOURCES, folder, dirs_exist_ok=True)
        with open(os.path.join(folder, "kernel.json"), "w") as file:
            json.dump(kernel_spec(), file, indent=1)
        return KernelSpecManager().install_kernel_spec(folder, kernel_name=NAME, prefix=prefix)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["install"]:
        parser = argparse.ArgumentParser(prog="python -m seqlab.kernel install")
        parser.add_argument("--prefix", default=sys.prefix, help="default: this environment")
        folder = install(parser.parse_args(argv[1:]).prefix)
        print(f"Installed the kernel {DISPLAY_NAME!r} in {folder}")
        return
    for name, value in ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    # TensorFlow imports matplotlib, which picks its backend then: choose ipykernel's inline
    # backend first (what ipykernel itself would set later, too late), or figures show no image.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    import_tensorflow_quietly()
    # TensorFlow imported pandas before the kernel existed, so pandas chose its terminal
    # defaults; give it the ones it picks inside a notebook (as any Jupyter kernel shows it).
    if "pandas" in sys.modules:
        sys.modules["pandas"].set_option("display.max_columns", 20)
    from ipykernel import kernelapp

    kernelapp.launch_new_instance(argv=argv)


if __name__ == "__main__":
    main()
