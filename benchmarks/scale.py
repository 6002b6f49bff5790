"""Lessons 07 and 08's pipelines at the size of real corpora: wall time and peak memory.

    python benchmarks/scale.py [--cases 08-after 07-after ...] [--out benchmarks/scale_results.md]

The lessons teach on small corpora; students take the code to real ones. This script
generates two corpora at the size of standard public ones, deterministically:

- **sentences**: 70,000 training and 10,000 test sentences of 5 to 40 words, a 15,000-word
  vocabulary, a binary label that depends on which words occur and on negation (the size of a
  standard sentence-level sentiment corpus);
- **tagged**: 14,000 training, 3,250 validation and 3,450 test sentences, about 200,000
  training tokens, four entity types in IOB1, about 12 % of test tokens never seen in
  training (the size of CoNLL-2003's English files), written as CoNLL files.

It runs each lesson's pipeline on them, with the functions and classes defined in the
lesson notebook itself (their definitions are read from the committed notebook, so the
benchmark measures the code a student runs). Each case runs in its own process, so
its peak memory (the maximum resident set size) is its own:

- ``08-after``: lesson 08 now: the streaming ``tf.data`` pipeline, bag of words (5 epochs)
  and GRU (2 epochs), as in the notebook.
- ``08-before``: lesson 08 as it was: every bag of words built at once as a dense int64
  array. At full size that array alone is 70,000 x 15,000 x 8 bytes = 8.4 GB, so the case
  is *not* run at full size: it is run on 5,000 sentences and its memory and time are
  extrapolated linearly in the number of sentences (the table says so).
- ``07-after``: lesson 07 now: batches padded one at a time, early stopping on the
  validation file (at most 5 epochs), plain and with the lesson's word dropout
  (``WORD_DROPOUT``), scored on the test file.
- ``07-before``: lesson 07's former real-data cell: the data tiled 30 times and trained with
  ``batch_size=1`` for one epoch (420,000 steps). It is run for 1,000 steps and its time
  extrapolated to 420,000 (the table says so).

Results go to a Markdown table and a JSON file beside it; a run of some cases keeps the
others' last results. Goals on 2 cores: peak memory
under 3 GB and each pipeline's training under 5 minutes.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {"07": ROOT / "notebooks" / "07_entity_recognition.ipynb",
             "08": ROOT / "notebooks" / "08_sentiment.ipynb"}
CASES = ("08-after", "08-before", "07-after", "07-before")
GOAL_MEMORY_GB = 3.0
GOAL_TRAINING_S = 300

SENTENCES = {"train": 70_000, "test": 10_000, "vocabulary": 15_000}
TAGGED = {"train": 14_000, "val": 3_250, "test": 3_450}
BEFORE_08_SENTENCES = 5_000
BEFORE_07_STEPS, BEFORE_07_TILES = 1_000, 30


# --------------------------------------------------------------------------------------------
# The lessons' code, read from the notebooks


def notebook_definitions(path: Path) -> dict:
    """Execute the imports, function and class definitions and constant assignments of the
    notebook's code cells (nothing that trains or loads data); return the namespace."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    kept = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                           for line in source.splitlines())
        for node in ast.parse(source).body:
            constant = isinstance(node, ast.Assign) and isinstance(
                node.value, (ast.Constant, ast.Tuple)) and all(
                isinstance(element, ast.Constant) for element in ast.walk(node.value)
                if isinstance(element, ast.expr) and not isinstance(element, ast.Tuple))
            if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)) or (
                    constant):
                kept.append(node)
    namespace: dict = {"__name__": f"notebook_{path.stem}"}
    exec(compile(ast.Module(body=kept, type_ignores=[]), str(path), "exec"), namespace)
    return namespace


# --------------------------------------------------------------------------------------------
# The corpora


def _pseudo_words(rng: np.random.Generator, count: int, prefix: str) -> list[str]:
    """`count` distinct lower-case pseudo-words such as 'bakoti', in the order drawn."""
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    words: dict[str, None] = {}
    while len(words) < count:
        words[prefix + "".join(rng.choice(syllables, size=rng.integers(2, 4)))] = None
    return list(words)


def _zipf(count: int) -> np.ndarray:
    """Zipf probabilities of `count` ranks: p(rank r) proportional to 1 / r."""
    weights = 1.0 / np.arange(1, count + 1)
    return weights / weights.sum()


def sentence_corpus(seed: int = 0) -> dict:
    """Sentences of 5 to 40 words from a 15,000-word Zipf vocabulary; label 1 when the
    sentiment words (200 positive, 200 negative, each flipped by a "not" before it) sum to
    more than zero (sentences where they cancel are drawn again). Returns
    {"train": (texts, labels), "test": (texts, labels)}."""
    rng = np.random.default_rng(seed)
    vocabulary = np.array(_pseudo_words(rng, SENTENCES["vocabulary"] - 1, "") + ["not"])
    not_id = len(vocabulary) - 1
    polarity = np.zeros(len(vocabulary), dtype=np.int64)
    sentiment = rng.choice(np.arange(50, 2_000), size=400, replace=False)
    polarity[sentiment[:200]], polarity[sentiment[200:]] = 1, -1
    probability = _zipf(len(vocabulary) - 1)
    splits = {}
    for split in ("train", "test"):
        texts, labels = [], []
        while len(texts) < SENTENCES[split]:
            lengths = rng.integers(5, 41, size=SENTENCES[split])
            words = rng.choice(len(vocabulary) - 1, size=lengths.sum(), p=probability)
            starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
            for start, length in zip(starts, lengths, strict=True):
                ids = words[start:start + length]
                at = rng.choice(length, size=rng.integers(1, 4), replace=False)
                ids[at] = rng.choice(sentiment, size=len(at))
                negate = rng.random(length) < 0.08
                ids[:-1][negate[:-1]] = not_id  # a "not" before some words
                sign = np.where(np.concatenate([[False], ids[:-1] == not_id]), -1, 1)
                score = int(np.sum(sign * polarity[ids]))
                if score != 0 and len(texts) < SENTENCES[split]:
                    texts.append(" ".join(vocabulary[ids]))
                    labels.append(int(score > 0))
        splits[split] = (np.array(texts), np.array(labels, dtype=np.int64))
    return splits


ENTITY_TYPES = ("PER", "LOC", "ORG", "MISC")
CUES = {"PER": ["mr", "said", "coach", "minister"], "LOC": ["in", "at", "from", "near"],
        "ORG": ["club", "shares", "of", "firm"], "MISC": ["the", "league", "cup", "a"]}
UNSEEN_NAME_SHARE = 0.55  # of val and test entities, drawn from names never in train


def tagged_corpus(folder: Path, seed: int = 0) -> dict:
    """Write train/val/test CoNLL files (two columns, IOB1 tags) into `folder`; return their
    paths. Sentences of 6 to 15 filler words (8,000, Zipf) with 0 to 3 entities of 1 to 3
    capitalised name tokens, most after a cue word of their type; val and test draw some
    names from a pool never used in train."""
    rng = np.random.default_rng(seed)
    filler = np.array(_pseudo_words(rng, 8_000, ""))
    probability = _zipf(len(filler))
    names = {kind: [w.capitalize() for w in _pseudo_words(rng, 2_500, kind[0].lower())]
             for kind in ENTITY_TYPES}
    paths = {}
    for split, count in TAGGED.items():
        lines = []
        unseen_share = 0.0 if split == "train" else UNSEEN_NAME_SHARE
        lengths = rng.integers(6, 16, size=count)
        words = filler[rng.choice(len(filler), size=lengths.sum(), p=probability)]
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        for start, length in zip(starts, lengths, strict=True):
            tokens = list(words[start:start + length])
            tags = ["O"] * len(tokens)
            for _ in range(rng.integers(0, 4)):
                kind = ENTITY_TYPES[rng.integers(len(ENTITY_TYPES))]
                pool = names[kind][1_500:] if rng.random() < unseen_share else names[kind][:1_500]
                entity = [str(name) for name in rng.choice(pool, size=rng.integers(1, 4))]
                at = int(rng.integers(0, len(tokens) + 1))
                while at < len(tokens) and tags[at].startswith("I-"):
                    at += 1  # never inside another entity
                cue = [CUES[kind][rng.integers(4)]] if rng.random() < 0.8 else []
                # IOB1: I- throughout; B- only right after an entity of the same type
                first = "B" if at > 0 and tags[at - 1] in (f"I-{kind}", f"B-{kind}") and (
                    not cue) else "I"
                tokens[at:at] = cue + entity
                tags[at:at] = ["O"] * len(cue) + [f"{first}-{kind}"] + [f"I-{kind}"] * (
                    len(entity) - 1)
            lines.extend(f"{token} {tag}" for token, tag in zip(tokens, tags, strict=True))
            lines.append("")
        paths[split] = folder / f"{split}.conll"
        paths[split].write_text("\n".join(lines), encoding="utf-8")
    return paths


# --------------------------------------------------------------------------------------------
# The cases, each in its own process


def peak_memory_gb() -> float:
    """The peak resident set size of this process so far, in GB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9


def case_08_after() -> dict:
    nb = notebook_definitions(NOTEBOOKS["08"])
    data = sentence_corpus()
    (x_train, y_train), (x_test, y_test) = data["train"], data["test"]
    start = time.perf_counter()
    ids, bag = nb["fit_vectorizers"](x_train)
    result = {"vocabulary": ids.vocabulary_size(), "sentences": len(x_train),
              "adapt seconds": round(time.perf_counter() - start, 1)}
    models = {"bag of words": (nb["bag_of_words_model"](bag.vocabulary_size()), bag, 5),
              "GRU": (nb["recurrent_model"](ids.vocabulary_size()), ids, 2)}
    for name, (model, layer, epochs) in models.items():
        cpu = time.process_time()
        seconds = nb["train"](model, nb["make_dataset"](x_train, y_train, layer, shuffle=True),
                              epochs)
        result[f"{name}: training CPU seconds"] = round(time.process_time() - cpu, 1)
        p = nb["probabilities"](model, x_test, layer)
        result[f"{name}: training seconds"] = round(seconds, 1)
        result[f"{name}: test accuracy"] = round(nb["accuracy"](y_test, p), 3)
    result["majority class: test accuracy"] = round(
        nb["majority_accuracy"](y_train, y_test), 3)
    result["training seconds"] = max(result["bag of words: training seconds"],
                                     result["GRU: training seconds"])
    return result


def case_08_before() -> dict:
    """The former lesson 08: bags = TextVectorization(multi_hot)(all texts) as one dense array."""
    import keras

    nb = notebook_definitions(NOTEBOOKS["08"])
    (x_train, y_train), _ = sentence_corpus()["train"], None
    ids, bag = nb["fit_vectorizers"](x_train)  # the same vocabulary as at full size
    subset, labels = x_train[:BEFORE_08_SENTENCES], y_train[:BEFORE_08_SENTENCES]
    baseline = peak_memory_gb()
    bags = keras.ops.convert_to_numpy(bag(subset))  # what the old notebook did, on a slice
    model = nb["bag_of_words_model"](bag.vocabulary_size())
    model.compile(optimizer="adam", loss="binary_crossentropy")
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(bags, labels, epochs=5, batch_size=64, verbose=0)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    scale = len(x_train) / BEFORE_08_SENTENCES
    full_bytes = len(x_train) * bag.vocabulary_size() * bags.dtype.itemsize
    return {"vocabulary": ids.vocabulary_size(), "sentences": len(x_train),
            "bags dtype": str(bags.dtype),
            "dense bags at full size, GB (computed)": round(full_bytes / 1e9, 2),
            "measured on": f"{BEFORE_08_SENTENCES:,} sentences",
            "measured peak growth, GB": round(peak_memory_gb() - baseline, 2),
            "peak memory GB (extrapolated)": round(
                baseline + (peak_memory_gb() - baseline) * scale, 1),
            "bag of words: training seconds (extrapolated)": round(seconds * scale, 1),
            "bag of words: training CPU seconds (extrapolated)": round(cpu * scale, 1)}


def case_07_after() -> dict:
    nb = notebook_definitions(NOTEBOOKS["07"])
    with tempfile.TemporaryDirectory() as folder:
        paths = tagged_corpus(Path(folder))
        corpus = {split: nb["read_conll"](path) for split, path in paths.items()}
    seen = {token for row in corpus["train"][0] for token in row}
    test_tokens = [token for row in corpus["test"][0] for token in row]
    result = {"training sentences": len(corpus["train"][0]),
              "training tokens": sum(map(len, corpus["train"][0])),
              "unseen test tokens": round(np.mean([t not in seen for t in test_tokens]), 3)}
    longest = 0.0
    lesson_rate = nb["WORD_DROPOUT"]
    for name, rate in [("plain", 0.0), (f"word dropout {lesson_rate}", lesson_rate)]:
        cpu = time.process_time()
        model, lookup, tag_names, epochs, seconds = nb["train_tagger"](
            corpus, word_dropout=rate, name=name.replace(" ", "_"))
        result[f"{name}: training CPU seconds"] = round(time.process_time() - cpu, 1)
        predicted = nb["tag_corpus"](model, corpus["test"][0], lookup, tag_names)
        scores = nb["entity_scores"](corpus["test"][1], predicted)
        recall, _ = nb["unseen_entity_recall"](corpus["train"][0], *corpus["test"], predicted)
        result[f"{name}: epochs"] = epochs
        result[f"{name}: training seconds"] = round(seconds, 1)
        result[f"{name}: test F1"] = round(scores["F1"], 3)
        result[f"{name}: recall, entities with an unseen word"] = round(recall, 3)
        longest = max(longest, seconds)
    result["training seconds"] = round(longest, 1)
    return result


def case_07_before() -> dict:
    """The former lesson 07 real-data cell: np.tile(x, (30, 1)), batch_size=1, one epoch."""
    import keras

    nb = notebook_definitions(NOTEBOOKS["07"])
    with tempfile.TemporaryDirectory() as folder:
        paths = tagged_corpus(Path(folder))
        tokens, tags = nb["load_conll"](paths["train"])
    lookup, tag_names = nb["fit_vocabularies"](tokens, tags)
    x, y = nb["encode_tokens"](tokens, lookup), nb["encode_tags"](tags, tag_names)
    steps_full = len(x) * BEFORE_07_TILES
    tagger = nb["build_tagger"](lookup.vocabulary_size(), len(tag_names), 16, True)
    tagger.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy")
    tagger.fit(x[:50], y[:50], epochs=1, batch_size=1, verbose=0)  # compile the step first
    start, cpu = time.perf_counter(), time.process_time()
    tagger.fit(x[:BEFORE_07_STEPS], y[:BEFORE_07_STEPS], epochs=1, batch_size=1, verbose=0)
    per_step = (time.perf_counter() - start) / BEFORE_07_STEPS
    cpu_per_step = (time.process_time() - cpu) / BEFORE_07_STEPS
    tiled_bytes = 2 * steps_full * x.shape[1] * x.dtype.itemsize
    return {"training sentences": len(x), "padded length": x.shape[1],
            "steps (30 tiles, batch 1)": steps_full,
            "measured on": f"{BEFORE_07_STEPS:,} steps",
            "ms per step": round(per_step * 1e3, 2),
            "training seconds (extrapolated)": round(per_step * steps_full, 0),
            "training CPU seconds (extrapolated)": round(cpu_per_step * steps_full, 0),
            "tiled arrays, GB (computed)": round(tiled_bytes / 1e9, 2),
            "scored on": "the training sentences"}


RUNNERS = {"08-after": case_08_after, "08-before": case_08_before,
           "07-after": case_07_after, "07-before": case_07_before}


def run_case(name: str) -> dict:
    """Run one case in a fresh process on 2 cores; return its figures, wall time and memory."""
    command = [sys.executable, __file__, "--child", name]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        return {"case": name, "status": f"failed: {done.stderr.strip().splitlines()[-1:]}"}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {"case": name, "wall seconds (process)": round(wall, 1), **result, "status": "ok"}


def child(name: str) -> None:
    os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:2]))  # 2 cores, as the goal
    result = RUNNERS[name]()
    result.setdefault("peak memory GB", round(peak_memory_gb(), 2))
    result["process CPU seconds"] = round(time.process_time(), 1)
    result["load average"] = round(os.getloadavg()[0], 1)
    print(json.dumps(result, default=float))


# --------------------------------------------------------------------------------------------
# The report


def _training(result: dict, kind: str) -> float | None:
    """A case's training time, wall or CPU seconds: its longest model's, or the extrapolation."""
    keys = [key for key in result if key.endswith(f"training {kind}") or key.endswith(
        f"training {kind} (extrapolated)")]
    return max((result[key] for key in keys), default=None)


def markdown(results: list[dict]) -> str:
    lines = [
        "# Scale benchmark: lessons 07 and 08 at the size of real corpora",
        "",
        f"Date: {dt.date.today()}  ",
        f"Machine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python "
        f"{platform.python_version()}, shared with other jobs: the load average during each "
        "case is in its row, and wall times grow with it.  ",
        f"Goals on 2 cores: peak memory under {GOAL_MEMORY_GB:g} GB, each pipeline's training "
        f"under {GOAL_TRAINING_S // 60} minutes. A case meets the time goal when its longest "
        "training takes under 5 minutes of CPU time: on 2 otherwise idle cores its wall time "
        "is at most that (TensorFlow keeps at least one core busy) and at least half of it.  ",
        "`python benchmarks/scale.py` re-measures; the corpora and the cases are described in "
        "its docstring. *Before* rows are the lessons' former code, measured on a slice and "
        "extrapolated (8.4 GB of dense bags were not allocated), as their figures say.",
        "",
        "| case | training, CPU s | training, wall s | peak memory GB | load | within goals "
        "| figures |",
        "|---|---:|---:|---:|---:|:---:|---|",
    ]
    for result in results:
        cpu, wall = _training(result, "CPU seconds"), _training(result, "seconds")
        memory = result.get("peak memory GB (extrapolated)", result.get("peak memory GB"))
        within = ("yes" if cpu is not None and memory is not None and cpu < GOAL_TRAINING_S
                  and memory < GOAL_MEMORY_GB else "no")
        skip = {"case", "training seconds", "peak memory GB", "status", "load average"}
        figures = "; ".join(f"{key} {value}" for key, value in result.items() if key not in skip)
        estimated = " (extrapolated)" if "before" in result["case"] else ""
        lines.append(f"| `{result['case']}`{estimated} | {cpu} | {wall} | {memory} | "
                     f"{result.get('load average', '')} | {within} | {figures} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "scale_results.md")
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the Markdown table from the JSON file, running nothing")
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return
    if args.report_only:
        saved = json.loads(args.out.with_suffix(".json").read_text())
        args.out.write_text(markdown(saved), encoding="utf-8")
        return
    saved = args.out.with_suffix(".json")
    previous = json.loads(saved.read_text()) if saved.is_file() else []
    results = {result["case"]: result for result in previous}  # cases not run now are kept
    for name in args.cases:
        print(f"running {name} ...", flush=True)
        results[name] = run_case(name)
        print(json.dumps(results[name]), flush=True)
    results = [results[name] for name in CASES if name in results]
    args.out.write_text(markdown(results), encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n",
                                             encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
