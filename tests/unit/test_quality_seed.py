"""The seed story (Håkan Westerback leaves Vimmerby for Jönköping) must come out exactly.

It is checked on the sample site's copy and, when the labelled evaluation set is present, on
its first text. The quality benchmark's scoring is smoke-tested on the sample site.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from crawler.enrich import enrich
from indexer.article import Article, Person

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_ARTICLES = ROOT / "samplesite" / "content" / "articles"
SEED_SAMPLE = SAMPLE_ARTICLES / "vimmerby-nyheter--sakerhetssamordnaren-lamnar.toml"
EVAL_DIR = ROOT / "tests" / "data" / "eval"


def _seed_files() -> list[Path]:
    files = [SEED_SAMPLE]
    files += sorted(EVAL_DIR.glob("001-*.toml")) if EVAL_DIR.is_dir() else []
    return files


@pytest.fixture(params=_seed_files(), ids=lambda p: p.parent.name + "/" + p.stem)
def seed(request: pytest.FixtureRequest) -> Article:
    path: Path = request.param
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    article = Article(
        url="https://vimmerbynyheter.se/nyheter/2025/08/09/sakerhetssamordnaren-lamnar/",
        canonical_url="https://vimmerbynyheter.se/nyheter/2025/08/09/sakerhetssamordnaren-lamnar/",
        source="vimmerby-nyheter",
        title=data["title"],
        lead=data.get("lead", ""),
        body=data["body"],
        authors=list(data.get("authors", [])),
    )
    return enrich(
        article,
        home_municipality=str(data.get("source_municipality", "Vimmerby")),
        home_region=str(data.get("source_region", "Kalmar län")),
    )


def test_seed_person(seed: Article) -> None:
    assert seed.people == [
        Person(
            name="Håkan Westerback",
            roles=["säkerhetssamordnare", "säkerhetsskyddschef"],
            organisation="Vimmerby kommun",
            change="new_job",
            new_role="ledningsbefäl",
            new_organisation="räddningstjänsten i Jönköping",
        )
    ]


def test_seed_places_and_kinds(seed: Article) -> None:
    assert set(seed.municipalities) == {"Vimmerby", "Jönköping"}
    assert seed.municipalities[0] == "Vimmerby"
    assert seed.regions == ["Kalmar län", "Jönköpings län"]
    assert seed.kinds == ["personnel", "municipal"]
    assert seed.wire is None
    assert seed.roles == ["säkerhetssamordnare", "säkerhetsskyddschef", "ledningsbefäl"]


def test_quality_bench_scores_the_sample_site() -> None:
    from bench.quality import evaluate, load_samplesite

    texts = load_samplesite()
    counts, n = evaluate(texts)
    assert n == len(texts) > 0
    assert counts["kind:personnel"].tp > 0
    assert counts["person+role"].tp > 0
    assert counts["municipality"].f1 >= 0.95
