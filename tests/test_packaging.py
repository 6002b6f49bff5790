"""The set-up a newcomer relies on: one dependency list, the two commands, data inside the wheel."""

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    project = _pyproject()["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = [dep for dep in env["dependencies"] if isinstance(dep, str)]
    assert "python=3.11" in conda and "pip" in conda
    pip_lines = next(dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict))
    assert "-e .[dev]" in pip_lines, "environment.yml must install seqlab itself with its dev extra"
    listed = [line for line in pip_lines if not line.startswith("-")]
    assert len(pip_lines) == len(listed) + 2, "only -r requirements.lock and -e .[dev] are options"
    assert sorted(map(_name, listed)) == sorted(map(_name, declared))
    assert sorted(listed) == sorted(declared), "version bounds drifted between the two files"


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make lab", "make test"]


def test_ci_runs_make_test_and_nothing_else():
    lines = [
        line.strip()
        for line in (ROOT / ".ci/run").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[-1] == "make test"
    installers = {"pip", "pip3", "pytest", "python", "python3"}
    assert not any(line.split()[0] in installers for line in lines)


@pytest.mark.parametrize("target", ["lab", "test", "execute"])
def test_make_targets_create_the_venv_when_missing(tmp_path, target):
    plan = _make_plan(tmp_path, target)
    assert "-m venv .venv" in plan
    assert "tools/install-venv .venv" in plan
    assert "-m seqlab.kernel install" in plan, "registers the kernel that keeps start-up logs out"
    assert "tools/jupyter_server_config.json .venv/etc/jupyter/" in plan, "one kernel offered"


def _make_plan(tmp_path, target, *variables):
    (tmp_path / "tools").mkdir(exist_ok=True)
    for name in ("Makefile", "pyproject.toml", "requirements.lock", "tools/install-venv"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    return subprocess.run(
        ["make", "-n", target, *variables], cwd=tmp_path, capture_output=True, text=True,
        check=True,
    ).stdout


def test_make_lab_passes_allow_root_only_to_root(tmp_path):
    as_root = _make_plan(tmp_path, "lab", "USER_ID=0", 'ARGS=--no-browser --port 8899')
    lab_line = next(line for line in as_root.splitlines() if "jupyter lab" in line)
    assert lab_line.split() == [
        ".venv/bin/jupyter", "lab", "--notebook-dir=.", "--allow-root", "--no-browser",
        "--port", "8899",
    ]
    assert "running as root" in as_root, "make lab says once why it passes --allow-root"
    as_user = _make_plan(tmp_path, "lab", "USER_ID=1000")
    assert "--allow-root" not in as_user and "running as root" not in as_user


def _locked_versions():
    """{name: [(version, marker), ...]} from requirements.lock."""
    locked = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if not line or line.startswith((" ", "#")):
            continue
        pin, _, marker = line.partition(";")
        name, _, version = pin.strip().partition("==")
        locked.setdefault(_name(name), []).append((version, marker.strip()))
    return locked


def test_lock_pins_every_declared_dependency_within_its_bounds():
    from packaging.requirements import Requirement

    project = _pyproject()["project"]
    locked = _locked_versions()
    assert all(version for pins in locked.values() for version, _ in pins), "every line is a pin"
    for text in project["dependencies"] + project["optional-dependencies"]["dev"]:
        requirement = Requirement(text)
        name = _name(requirement.name)
        if requirement.marker and not requirement.marker.evaluate({"python_version": "3.11"}):
            continue
        assert name in locked, f"{name} is declared in pyproject.toml but not locked: make lock"
        for version, _ in locked[name]:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"requirements.lock pins {name}=={version}, outside {requirement.specifier} "
                "declared in pyproject.toml: run `make lock`"
            )


def test_lock_is_universal_over_the_pythons_the_project_claims():
    header = (ROOT / "requirements.lock").read_text().splitlines()[1]
    assert "--universal" in header and "--python-version 3.10" in header
    assert _pyproject()["project"]["requires-python"] == ">=3.10,<3.14"
    # Packages whose newest releases dropped 3.10 are locked per Python version.
    numpy = dict((marker, version) for version, marker in _locked_versions()["numpy"])
    assert any("3.11" in marker for marker in numpy) or "" in numpy


def test_environment_yml_installs_the_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_lines = next(dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict))
    assert pip_lines[0] == "-r requirements.lock", "conda users get the locked versions too"


def test_wheel_carries_the_data_files(tmp_path):
    """A non-editable install must find every shipped data file inside the package."""
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("seqlab-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    manifest = (ROOT / "datasets" / "checksums.sha256").read_text().split("\n")
    shipped = [line.split(maxsplit=1)[1] for line in manifest if line.strip()]
    assert shipped, "the manifest lists no files"
    for name in ["checksums.sha256", *shipped]:
        assert f"seqlab/datasets/files/{name}" in names

    # Import from the unpacked wheel, outside the checkout, and load every dataset that ships.
    site = str(tmp_path / "site")
    script = (
        "import seqlab.datasets as d, seqlab.datasets._files as f;"
        f"assert str(f.data_dir()).startswith({site!r}), f.data_dir();"
        "(x, y), _ = d.load_sentiment(); assert len(x) == len(y) > 0;"
        "train, val, test = d.load_species(); assert len(train[0]) > 0;"
        "print(d.list_datasets())"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path, capture_output=True, text=True,
        env={"PYTHONPATH": site, "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr
    assert "sentiment" in run.stdout


def test_the_environment_is_installed_with_compiled_byte_code():
    """Every kernel imports TensorFlow: from source (no .pyc, and PYTHONDONTWRITEBYTECODE set on
    many machines) that takes ~9 s of CPU more per notebook and per graded submission."""
    import importlib.util

    import keras
    import tensorflow

    for module in (tensorflow, keras):
        cached = Path(importlib.util.cache_from_source(module.__file__))
        assert cached.exists(), f"{module.__name__}: no byte-code; run tools/install-venv .venv"
