"""The notebooks as files: what CI's nbval run relies on and what a student opens.

nbval itself executes every notebook (pytest collects ``notebooks/`` and
``solutions/``); these tests check that it really does, and that what is
committed follows the course conventions.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSE_NUMBERS = {f"{n:02d}" for n in range(1, 17)}
EXECUTED = [*sorted(ROOT.glob("notebooks/*.ipynb")), *sorted(ROOT.glob("solutions/*.ipynb"))]
# Written with character classes so that a plain grep for the legacy names does not find this line.
LEGACY = re.compile(
    r"keras\.preprocessing\.text|tensorflow\.python\.keras|input_lengt[h]=|[^_]l[r]=|time_majo[r]"
    r"|\.h[5]['\"]"
)
# What TensorFlow, absl, oneDNN and CUDA print when TensorFlow starts (glog-style "I0000 00:00:…"
# prefixes included); the kernel spec sets TF_CPP_MIN_LOG_LEVEL=3 so that none of it appears.
STARTUP_LOG = re.compile(
    r"absl::InitializeLog|cudart_stub|oneDNN custom operations|cpu_feature_guard"
    r"|This TensorFlow binary is optimized|Unable to register cu(DNN|FFT|BLAS) factory"
    r"|^[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \w+\.cc:\d+\]",
    re.MULTILINE,
)


def _cells(path):
    return json.loads(path.read_text())["cells"]


def _ids(paths):
    return [str(path.relative_to(ROOT)) for path in paths]


def test_there_are_notebooks_to_execute():
    assert (ROOT / "notebooks" / "01_sequence_data.ipynb") in EXECUTED


def test_nbval_collects_every_notebook():
    """Every committed notebook yields nbval items, so `make test` executes all of them."""
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist",
         "notebooks", "solutions"],
        cwd=ROOT, capture_output=True, text=True,
    ).stdout
    for path in EXECUTED:
        assert f"{path.relative_to(ROOT)}::Cell 0" in collected, f"nbval does not collect {path}"


@pytest.mark.parametrize("path", EXECUTED, ids=_ids(EXECUTED))
def test_notebook_follows_the_conventions(path):
    number, _, topic = path.stem.partition("_")
    assert number in COURSE_NUMBERS and topic, f"{path.name}: name it NN_topic.ipynb (course map)"
    notebook = json.loads(path.read_text())
    assert notebook["metadata"]["kernelspec"]["name"] == "seqlab"
    cells = notebook["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    assert any(cell["outputs"] for cell in code), f"{path.name} is committed without outputs"
    errors = [o for cell in code for o in cell["outputs"] if o["output_type"] == "error"]
    assert not errors, f"{path.name} is committed with an error output"
    source = "\n".join("".join(cell["source"]) for cell in code)
    assert "set_random_seed" in source, "the setup cell seeds Keras"
    assert "pip install" not in source
    assert not LEGACY.search(source), f"legacy Keras API in {path.name}: {LEGACY.search(source)[0]}"
    size = path.stat().st_size
    assert size < 1_500_000, f"{path.name} is {size} bytes; keep outputs lean"


def _output_text(output):
    if output["output_type"] == "stream":
        return "".join(output["text"])
    data = output.get("data", {})
    return "".join(data.get("text/plain", "")) + "".join(output.get("traceback", []))


@pytest.mark.parametrize("path", EXECUTED, ids=_ids(EXECUTED))
def test_no_framework_startup_lines_in_committed_outputs(path):
    """What a student sees is the course, not TensorFlow's start-up log (stderr included)."""
    for number, cell in enumerate(_cells(path)):
        for output in cell.get("outputs", []):
            found = STARTUP_LOG.search(_output_text(output))
            assert not found, (
                f"{path.name}, cell {number}: start-up log line {found[0]!r} in the committed "
                f"output; re-run it with `make execute NOTEBOOKS={path.relative_to(ROOT)}`"
            )


def test_startup_pattern_recognises_what_tensorflow_prints():
    printed = (
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
        "I0000 00:00:1795909660.280322    2726 cudart_stub.cc:31] Could not find cuda drivers\n"
    )
    assert STARTUP_LOG.search(printed)
    assert STARTUP_LOG.search("E0000 00:00:1795909660.1   2726 some_file.cc:12] x")
    assert not STARTUP_LOG.search("Epoch 1/3 - loss: 0.69\nUserWarning: your own warning")


def test_seqlab_kernel_is_registered_in_this_environment():
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("seqlab")
    assert spec.display_name == "Python (seqlab)"
    assert spec.argv[1:3] == ["-m", "seqlab.kernel"]
    assert spec.env.get("TF_CPP_MIN_LOG_LEVEL") == "3"
    assert Path(spec.argv[0]).resolve() == Path(sys.executable).resolve()


def test_seqlab_kernel_shows_no_startup_lines_but_the_students_own_warnings():
    """What a student sees running a setup cell that imports Keras in JupyterLab."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="seqlab", startup_timeout=300)
    streams, displays = [], []

    def collect(message):
        if message["msg_type"] == "stream":
            streams.append((message["content"]["name"], message["content"]["text"]))
        elif message["msg_type"] == "display_data":
            displays.append(message["content"]["data"])

    try:
        client.execute_interactive(
            "import keras, warnings\nprint(keras.__version__)\nwarnings.warn('my own warning')\n"
            "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()",
            output_hook=collect, timeout=300,
        )
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    stderr = "".join(text for name, text in streams if name == "stderr")
    assert not STARTUP_LOG.search(stderr), stderr
    assert "my own warning" in stderr, "the student's own warnings must still show"
    assert any(name == "stdout" for name, _ in streams)
    assert any("image/png" in data for data in displays), "figures must show as images"


@pytest.mark.parametrize("path", EXECUTED, ids=_ids(EXECUTED))
def test_every_figure_is_committed_as_an_image(path):
    """A figure whose output is only '<Figure size ...>' text was drawn with the wrong backend."""
    for number, cell in enumerate(_cells(path)):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            text = "".join(data.get("text/plain", ""))
            assert not (text.startswith("<Figure size") and "image/png" not in data), (
                f"{path.name}, cell {number}: a figure without its image; re-run it with "
                f"`make execute NOTEBOOKS={path.relative_to(ROOT)}`"
            )
