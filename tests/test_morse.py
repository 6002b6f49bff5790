"""The Morse-code audio of lesson 16: deterministic, timed to the standard, clear errors."""

import numpy as np
import pytest

from seqlab import datasets
from seqlab.datasets.morse import ALPHABET, SAMPLE_RATE, SECONDS, keying, morse_tone


def test_the_same_seed_gives_the_same_clips_and_another_seed_other_ones():
    first, again, other = (datasets.load_morse(4, seed=s) for s in (7, 7, 8))
    assert first.texts == again.texts
    np.testing.assert_array_equal(first.audio, again.audio)
    assert first.texts != other.texts


def test_the_draw_is_frozen():
    """A change of the generator changes lesson 16's numbers: it must be deliberate."""
    assert datasets.load_morse(3, seed=0).texts == ["OUR", "NUI", "AKT"]


def test_clips_have_the_documented_shape_and_ranges():
    clips = datasets.load_morse(50, seed=1, noise=0.0)
    assert clips.audio.shape == (50, round(SECONDS * SAMPLE_RATE))
    assert clips.audio.dtype == np.float32
    assert all(2 <= len(text) <= 3 and set(text) <= set(ALPHABET) for text in clips.texts)
    assert np.all((1.2 / clips.unit_seconds >= 20) & (1.2 / clips.unit_seconds <= 28))
    assert np.all((clips.pitch_hz >= 500) & (clips.pitch_hz <= 900))
    assert np.abs(clips.audio).max() <= 1.0 + 1e-6


def test_keying_follows_the_itu_timing():
    # E = ., T = -: dot 1 unit, letter gap 3, dash 3; S = ...: gaps inside a letter 1 unit
    assert keying("ET") == [(True, 1), (False, 3), (True, 3)]
    assert keying("S") == [(True, 1), (False, 1), (True, 1), (False, 1), (True, 1)]
    units = sum(length for _, length in keying("SOS"))
    assert units == 5 + 3 + 11 + 3 + 5
    assert len(morse_tone("SOS", 0.05, 600.0)) == units * round(0.05 * SAMPLE_RATE)


def test_the_tone_sits_at_its_pitch():
    tone = morse_tone("T", 0.25, 700.0)  # one dash of 0.75 s
    spectrum = np.abs(np.fft.rfft(tone))
    frequencies = np.fft.rfftfreq(len(tone), 1 / SAMPLE_RATE)
    assert frequencies[spectrum.argmax()] == pytest.approx(700, abs=2)


def test_noise_has_the_requested_standard_deviation():
    silent = datasets.load_morse(20, seed=2, noise=0.5).audio[:, :40]  # before most messages start
    assert silent.std() == pytest.approx(0.5, rel=0.15)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(count=0, seed=0), "count must be >= 1"),
        (dict(count=2, seed=0, noise=-1.0), "noise >= 0"),
        (dict(count=2, seed=0, pitch_hz=(100.0, 3000.0)), "pitch_hz must lie in"),
        (dict(count=2, seed=0, letters=(8, 9)), "use fewer letters or a faster speed"),
    ],
)
def test_bad_arguments_say_what_to_change(kwargs, message):
    with pytest.raises(ValueError, match=message):
        datasets.load_morse(**kwargs)


def test_a_letter_without_a_code_is_named():
    with pytest.raises(ValueError, match="upper-case letters A-Z"):
        keying("sos")
