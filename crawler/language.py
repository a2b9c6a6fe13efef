"""Language tagging with langdetect: seeded, deterministic, on a bounded sample of the text."""

from __future__ import annotations

from langdetect import DetectorFactory, LangDetectException, detect_langs

# langdetect runs random trials; a fixed seed makes the same text always give the same answer.
DetectorFactory.seed = 0

# langdetect costs ~2 ms for anything under ~1,000 characters and grows beyond that,
# while a few hundred characters of running prose already decide the language.
SAMPLE_CHARS = 800
# Below this probability we look at a larger sample once before settling.
SURE = 0.90
MIN_CHARS = 20


def detect_language(text: str, sample_chars: int = SAMPLE_CHARS) -> tuple[str | None, float]:
    """Detect the language of ``text``.

    Looks at the first ``sample_chars`` characters; when langdetect is unsure (probability
    under 0.90) and the text is longer, looks once more at three times as much.

    Returns:
        (ISO 639-1 code, probability), or (None, 0.0) when the text is too short or has no
        letters to go on.
    """
    text = " ".join(text.split())
    if len(text) < MIN_CHARS:
        return None, 0.0
    lang, score = _detect(text[:sample_chars])
    if score < SURE and len(text) > sample_chars:
        lang, score = _detect(text[: sample_chars * 3])
    return lang, score


def _detect(sample: str) -> tuple[str | None, float]:
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return None, 0.0
    return str(best.lang), round(float(best.prob), 4)
