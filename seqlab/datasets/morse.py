"""Morse code as audio: short messages keyed as tones, at varying speed, pitch and noise.

Lesson 16 transcribes these clips to text with a recurrent encoder and CTC. The audio is made
on the fly from a seed (no file ships; the same seed gives the same clips on every machine),
so that the lesson's point is measurable: the speed, pitch and noise of each clip are drawn,
and the noise level can be turned up to find where each decoder breaks down.

Timing follows the International Morse Code recommendation (ITU-R M.1677): a dot lasts one
unit, a dash three, the gap inside a letter one unit, the gap between letters three.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlab.datasets._registry import DatasetInfo, register

MORSE_CODE = {
    "A": ".-", "B": "-...", "C": "-.-.", "D": "-..", "E": ".", "F": "..-.", "G": "--.",
    "H": "....", "I": "..", "J": ".---", "K": "-.-", "L": ".-..", "M": "--", "N": "-.",
    "O": "---", "P": ".--.", "Q": "--.-", "R": ".-.", "S": "...", "T": "-", "U": "..-",
    "V": "...-", "W": ".--", "X": "-..-", "Y": "-.--", "Z": "--..",
}  # fmt: skip

#: The letters messages are drawn from by default: twelve common ones, codes of 1 to 4 symbols.
ALPHABET = "ADEIKMNORSTU"
SAMPLE_RATE = 4000  # Hz
SECONDS = 2.5  # every clip lasts this long; the message starts at a random offset in it
DEFAULT_NOISE = 0.5  # standard deviation of the white noise; the tone's amplitude is 1


@dataclass(frozen=True)
class MorseClips:
    """Clips and what they say.

    Attributes:
        audio: float32 (n, SECONDS * SAMPLE_RATE), the waveforms, tone amplitude 1.
        texts: the messages, upper-case letters, one str per clip.
        unit_seconds: float64 (n,), the length of a dot in each clip (the speed).
        pitch_hz: float64 (n,), the tone's frequency in each clip.
        noise: the standard deviation of the white noise added to every clip.
        sample_rate: samples per second (Hz).
    """

    audio: np.ndarray
    texts: list[str]
    unit_seconds: np.ndarray
    pitch_hz: np.ndarray
    noise: float
    sample_rate: int = SAMPLE_RATE


def keying(text: str) -> list[tuple[bool, int]]:
    """The on/off pattern of ``text`` in units: ``[(True, 1), (False, 1), (True, 3), ...]``.

    Raises:
        ValueError: ``text`` holds a character without a Morse code (only A-Z are keyed).
    """
    unknown = sorted({letter for letter in text if letter not in MORSE_CODE})
    if unknown or not text:
        raise ValueError(f"Morse messages are upper-case letters A-Z; got {text!r} ({unknown}).")
    pattern: list[tuple[bool, int]] = []
    for index, letter in enumerate(text):
        if index:
            pattern.append((False, 3))
        for position, symbol in enumerate(MORSE_CODE[letter]):
            if position:
                pattern.append((False, 1))
            pattern.append((True, 1 if symbol == "." else 3))
    return pattern


def morse_tone(
    text: str, unit_seconds: float, pitch_hz: float, sample_rate: int = SAMPLE_RATE
) -> np.ndarray:
    """The keyed tone of ``text``, float64 (samples,), amplitude 1, no noise, no silence around.

    Each dot and dash rises and falls over 4 ms, as a real transmitter's does, so that the
    keying itself does not spread over every frequency.
    """
    pattern = keying(text)
    units = np.concatenate([np.full(length, on, dtype=bool) for on, length in pattern])
    per_unit = round(unit_seconds * sample_rate)
    envelope = np.repeat(units.astype(np.float64), per_unit)
    ramp = max(1, round(0.004 * sample_rate))
    envelope = np.convolve(envelope, np.ones(ramp) / ramp, mode="same")
    time = np.arange(len(envelope)) / sample_rate
    return envelope * np.sin(2 * np.pi * pitch_hz * time)


def load_morse(
    count: int,
    seed: int,
    noise: float = DEFAULT_NOISE,
    letters: tuple[int, int] = (2, 3),
    words_per_minute: tuple[float, float] = (20.0, 28.0),
    pitch_hz: tuple[float, float] = (500.0, 900.0),
    alphabet: str = ALPHABET,
) -> MorseClips:
    """``count`` clips of ``SECONDS`` seconds, each a message of random letters in Morse code.

    Args:
        count: the number of clips.
        seed: the random seed; the same arguments give the same clips.
        noise: the standard deviation of white noise added to every sample (tone amplitude 1).
        letters: the shortest and longest message, in letters.
        words_per_minute: the range of speeds; a dot lasts 1.2 / wpm seconds (PARIS standard).
        pitch_hz: the range of tone frequencies.
        alphabet: the letters messages are drawn from.

    Returns:
        :class:`MorseClips`.

    Raises:
        ValueError: an argument out of range (the message says which), or a message that does
            not fit in ``SECONDS`` at the slowest speed.
    """
    if count < 1 or noise < 0:
        raise ValueError(f"count must be >= 1 and noise >= 0; got count={count}, noise={noise}.")
    if not 0 < pitch_hz[0] <= pitch_hz[1] < SAMPLE_RATE / 2:
        raise ValueError(f"pitch_hz must lie in (0, {SAMPLE_RATE / 2}) Hz; got {pitch_hz}.")
    if not 1 <= letters[0] <= letters[1] or not 0 < words_per_minute[0] <= words_per_minute[1]:
        raise ValueError(f"bad ranges: letters={letters}, words_per_minute={words_per_minute}.")
    rng = np.random.default_rng(seed)
    samples = round(SECONDS * SAMPLE_RATE)
    audio = np.zeros((count, samples), dtype=np.float64)
    texts = []
    units = 1.2 / rng.uniform(*words_per_minute, size=count)
    pitches = rng.uniform(*pitch_hz, size=count)
    for index in range(count):
        length = int(rng.integers(letters[0], letters[1] + 1))
        text = "".join(rng.choice(list(alphabet), size=length))
        tone = morse_tone(text, units[index], pitches[index])
        if len(tone) > samples:
            raise ValueError(
                f"{text!r} at {1.2 / units[index]:.0f} words per minute lasts "
                f"{len(tone) / SAMPLE_RATE:.2f} s, longer than a clip ({SECONDS} s): use fewer "
                "letters or a faster speed."
            )
        start = int(rng.integers(0, samples - len(tone) + 1))
        audio[index, start : start + len(tone)] = tone
        texts.append(text)
    audio += rng.normal(scale=noise, size=audio.shape)
    return MorseClips(audio.astype(np.float32), texts, units, pitches, float(noise))


register(
    DatasetInfo(
        name="morse",
        title="Morse-code messages as audio, at varying speed, pitch and noise",
        origin="generated",
        source=(
            "seqlab.datasets.morse, made on the fly from a seed (deterministic; no file ships): "
            "ITU-R M.1677 timing, tones with 4 ms rise and fall, white noise"
        ),
        license="MIT (the seqlab project)",
        size=(
            "any number of 2.5-second clips at 4,000 Hz (10,000 float32 samples, 40 kB each); "
            "messages of 2 or 3 letters from 12 (ADEIKMNORSTU), 20 to 28 words per minute, "
            "500 to 900 Hz"
        ),
        fields={
            "audio": "float32 (n, 10000), the waveform; tone amplitude 1, noise std `noise`",
            "texts": "list of str, the message of each clip",
            "unit_seconds": "float64 (n,), the length of a dot (1.2 / words per minute)",
            "pitch_hz": "float64 (n,), the tone's frequency",
        },
        used_in=(
            "16 speech to text (spectrogram features, a convolutional and bidirectional GRU "
            "recogniser trained with CTC, a threshold-decoder baseline, error rate across noise "
            "levels); lab 16 (spectrogram, CTC collapsing rule, error rate)"
        ),
        loader="load_morse(count, seed, noise=0.5)",
    )
)
