"""Unit tests for crawler.enrich.wire: agency copy and near-duplicate fingerprints."""

from __future__ import annotations

import itertools
import tomllib
from datetime import datetime
from pathlib import Path

import pytest

from crawler.enrich.wire import (
    SIMILAR_MAX_DISTANCE,
    detect_wire,
    fingerprint,
    hamming,
    similar,
)

ARTICLES = Path(__file__).resolve().parents[2] / "samplesite" / "content" / "articles"


def _load(path: Path) -> tuple[str, str, str]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return str(data["title"]), str(data.get("lead", "")), str(data["body"])


def _text(path: Path) -> str:
    return "\n".join(_load(path))


SMHI = sorted(ARTICLES.glob("*smhi*.toml"))
OTHERS = sorted(set(ARTICLES.glob("*.toml")) - set(SMHI))


# ---------------------------------------------------------------------------- agency copy


@pytest.mark.parametrize(
    ("lead", "body", "authors", "want"),
    [
        ("", "Text.", ["TT"], "TT"),
        ("", "Text.", ["Anna Berg", "NTB"], "NTB"),
        ("", "Text.", ["TT Nyhetsbyrån"], "TT"),
        ("STOCKHOLM (TT) Regeringen föreslår ...", "Mer text.", [], "TT"),
        ("", "Växjö (TT) Landshövdingen avgår.", [], "TT"),
        ("", "GENÈVE (Reuters) Samtalen fortsätter.", [], "Reuters"),
        ("", "Text från TT-AFP om valet.", [], "TT"),
        ("", "Lång text.\n\nAnna Svensson/TT", [], "TT"),
        ("", "Lång text.\n\nText: TT", [], "TT"),
        ("", "Lokal text om skolan.\n\nFoto: Anna Svensson/TT", [], None),
        ("", "Tt-bolaget har tjugo anställda.", ["Per Holm"], None),
        ("", "Lokal text om skolan.", [], None),
    ],
)
def test_detect_wire(lead: str, body: str, authors: list[str], want: str | None) -> None:
    assert detect_wire("Rubrik", lead, body, authors) == want


# ---------------------------------------------------------------------------- fingerprints


def test_fingerprint_is_64_bit_and_stable() -> None:
    fp = fingerprint(_text(SMHI[0]))
    assert 0 < fp < 2**64
    assert fingerprint(_text(SMHI[0])) == fp
    assert fingerprint("") == 0
    assert not similar(0, 0)


def test_same_tt_story_on_three_sites_is_similar() -> None:
    assert len(SMHI) == 3
    fps = [fingerprint(_text(p)) for p in SMHI]
    for a, b in itertools.combinations(fps, 2):
        assert similar(a, b)


def test_edited_copies_are_similar() -> None:
    title, lead, body = _load(SMHI[0])
    paragraphs = body.split("\n\n")
    base = fingerprint("\n".join((title, lead, body)))
    shortened = "\n".join((title, lead, "\n\n".join(paragraphs[:-3])))
    local = "\n".join(
        (
            "Storm på väg – så påverkas Kalmar",
            lead,
            "Även i Kalmar län väntas hårda vindar, enligt räddningstjänsten.\n\n" + body,
        )
    )
    half = "\n".join((title, lead, "\n\n".join(paragraphs[: len(paragraphs) // 2])))
    for variant in (shortened, local, half):
        assert similar(base, fingerprint(variant)), hamming(base, fingerprint(variant))


def test_different_stories_are_not_similar() -> None:
    fps = {p.name: fingerprint(_text(p)) for p in [*OTHERS, SMHI[0]]}
    closest = min(hamming(a, b) for a, b in itertools.combinations(fps.values(), 2))
    assert closest > SIMILAR_MAX_DISTANCE


def test_copies_as_extracted_from_the_three_sites_are_similar() -> None:
    """The three rendered pages (different templates) through the real extractor."""
    pytest.importorskip("trafilatura")
    from crawler.extract import extract_article
    from samplesite.content import STOCKHOLM, load_articles
    from samplesite.templates import make_site
    from samplesite.templates.base import Ctx

    articles = load_articles()
    now = datetime(2025, 11, 1, 12, tzinfo=STOCKHOLM)
    ctx = Ctx(edition=1, now=now, base="http://127.0.0.1:1")
    fps = {}
    for art in articles:
        html = make_site(art.info, articles).render_article(art, art.version(1, now), ctx)
        extracted = extract_article(html, f"http://127.0.0.1:1{art.path}")
        fps[art.slug] = fingerprint(f"{extracted.title}\n{extracted.lead}\n{extracted.body}")
    smhi = [fp for slug, fp in fps.items() if "smhi" in slug]
    rest = [fp for slug, fp in fps.items() if "smhi" not in slug]
    assert len(smhi) == 3
    for a, b in itertools.combinations(smhi, 2):
        assert similar(a, b)
    for a in smhi:
        for b in rest:
            assert not similar(a, b)
