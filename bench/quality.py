"""Enrichment quality: ``crawler.enrich.enrich`` against hand-labelled texts.

Texts: the labelled evaluation set ``tests/data/eval/NNN-*.toml`` (title, lead, body,
source_municipality, source_region, published, ``[expected]``) and the sample sites' articles
``samplesite/content/articles/*.toml`` (same ``[expected]`` scheme; the source municipality and
region come from the site). Each set is reported on its own and both together.

Labels, each as precision / recall / F1 with the counts behind them:

- ``kind:personnel``, ``kind:municipal``: one decision per text;
- ``change:<type>``: (person, change) pairs of one change type;
- ``municipality``: (text, municipality) tags;
- ``person+role``: (person, role) pairs; a pair matches when the person's name matches (the
  full name, or the surname alone) and the role is among that person's expected roles (for
  precision, the expected new role, with or without "tillförordnad", counts as one of them);
- ``person+change``: (person, change) pairs of any type;
- ``wire``: one decision per text (agency copy or not).

Names and roles are compared case-insensitively with whitespace folded. Timing: ``enrich`` on
every text, ``--rounds`` times, as CPU time of this process (``time.process_time``: a busy
machine disturbs it less than wall-clock time): the median ms per article, per 4 kB of text,
and on the texts of 3 kB or more.

Splits: each evaluation text says ``split = "dev"`` or ``"test"`` (texts without the key, the
first 84, were read while the rules were written: dev). Rules are tuned on dev only; test is
reported, never read for tuning. A local set of real pages (``data/real/<id>.toml``, git-ignored:
third-party text is never committed) is scored against the committed labels
``tests/data/real/labels-*.toml`` (facts: address, municipalities, kinds, people) where present,
split in halves by a hash of the page id.

Usage: python -m bench.quality [--rounds 20] [--errors [SET]] [--write-docs]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.enrich import enrich
from indexer.article import CHANGES, Article, Person

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT / "tests" / "data" / "eval"
REAL_LABELS = ROOT / "tests" / "data" / "real"
REAL_TEXTS = ROOT / "data" / "real"
SAMPLE_DIR = ROOT / "samplesite" / "content" / "articles"
DOCS = ROOT / "docs" / "QUALITY.md"
BEGIN, END = "<!-- quality:begin -->", "<!-- quality:end -->"
TARGETS = {
    "kind:personnel": "P ≥ 0.90, R ≥ 0.85",
    "kind:municipal": "P ≥ 0.85, R ≥ 0.80",
    "municipality": "P ≥ 0.90, R ≥ 0.90",
    "person": "F1 ≥ 0.85 (people named in personnel stories)",
}


@dataclass
class Text:
    """One labelled text."""

    set: str
    name: str
    title: str
    lead: str
    body: str
    authors: list[str]
    home_municipality: str
    home_region: str
    expected: dict[str, Any]
    wire: bool
    split: str = "dev"
    url: str = ""  # a real page's address


@dataclass
class Count:
    """True positives, false positives, false negatives of one label."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, other: Count) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.examples += other.examples

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


LABELS = (
    "kind:personnel",
    "kind:municipal",
    *(f"change:{c}" for c in CHANGES),
    "municipality",
    "person+role",
    "person+change",
    "person",
    "wire",
)


def load_eval(folder: Path = EVAL_DIR) -> list[Text]:
    """The labelled evaluation set."""
    texts = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        expected = data.get("expected", {})
        texts.append(
            Text(
                "eval",
                path.stem,
                str(data.get("title", "")),
                str(data.get("lead", "")),
                str(data.get("body", "")),
                [str(a) for a in data.get("authors", [])],
                str(data.get("source_municipality", "")),
                str(data.get("source_region", "")),
                expected,
                bool(expected.get("wire") or data.get("wire")),
                str(data.get("split", "dev")),
            )
        )
    return texts


def real_split(page_id: str) -> str:
    """Half of the real pages are test, by a hash of the id (stable, not chosen by hand)."""
    return "test" if hashlib.sha1(page_id.encode()).digest()[0] % 2 else "dev"


def load_real(labels: Path = REAL_LABELS, texts: Path = REAL_TEXTS) -> list[Text]:
    """Real pages present locally, with their committed labels."""
    out = []
    for path in sorted(labels.glob("labels-*.toml")):
        for page in tomllib.loads(path.read_text(encoding="utf-8")).get("page", []):
            local = texts / f"{page['id']}.toml"
            if not local.exists():
                continue
            data = tomllib.loads(local.read_text(encoding="utf-8"))
            out.append(
                Text(
                    "real",
                    str(page["id"]),
                    str(data.get("title", "")),
                    str(data.get("lead", "")),
                    str(data.get("body", "")),
                    [],
                    str(page.get("source_municipality", "")),
                    str(page.get("source_region", "")),
                    page,
                    bool(page.get("wire")),
                    real_split(str(page["id"])),
                    str(page.get("url", "")),
                )
            )
    return out


def load_samplesite(folder: Path = SAMPLE_DIR) -> list[Text]:
    """The sample sites' articles with their labels."""
    from samplesite.content import SITES

    texts = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if "expected" not in data:
            continue
        site = SITES.get(str(data.get("site", "")))
        texts.append(
            Text(
                "samplesite",
                path.stem,
                str(data.get("title", "")),
                str(data.get("lead", "")),
                str(data.get("body", "")),
                [str(a) for a in data.get("authors", [])],
                site.municipality if site else "",
                site.region if site else "",
                data["expected"],
                bool(data.get("wire")),
            )
        )
    return texts


def run(text: Text) -> Article:
    """``enrich`` on one text, as the crawler calls it."""
    url = text.url or f"https://example.invalid/{text.name}"
    article = Article(
        url=url,
        canonical_url=url,
        source=text.set,
        title=text.title,
        lead=text.lead,
        body=text.body,
        authors=list(text.authors),
    )
    return enrich(article, home_municipality=text.home_municipality, home_region=text.home_region)


def _fold(s: str | None) -> str:
    return " ".join((s or "").lower().split())


def _surname(name: str) -> str:
    return _fold(name).split(" ")[-1] if name.strip() else ""


def match_people(got: list[Person], want: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """One-to-one pairs (got index, want index): same full name first, then same surname."""
    pairs: list[tuple[int, int]] = []
    used_g: set[int] = set()
    used_w: set[int] = set()
    for key in (_fold, _surname):
        for wi, w in enumerate(want):
            if wi in used_w:
                continue
            for gi, g in enumerate(got):
                if gi not in used_g and key(g.name) and key(g.name) == key(str(w.get("name"))):
                    pairs.append((gi, wi))
                    used_g.add(gi)
                    used_w.add(wi)
                    break
    return pairs


def score(text: Text, article: Article) -> dict[str, Count]:
    """Counts per label for one text."""
    exp = text.expected
    counts = {label: Count() for label in LABELS}
    tag = text.name

    def binary(label: str, got: bool, want: bool) -> None:
        c = counts[label]
        if got and want:
            c.tp += 1
        elif got:
            c.fp += 1
            c.examples.append(f"{tag}: false {label}")
        elif want:
            c.fn += 1
            c.examples.append(f"{tag}: missed {label}")

    want_kinds = set(exp.get("kinds", []))
    for kind in ("personnel", "municipal"):
        binary(f"kind:{kind}", kind in article.kinds, kind in want_kinds)
    binary("wire", article.wire is not None, text.wire)

    got_m = {_fold(m) for m in article.municipalities}
    want_m = {_fold(m) for m in exp.get("municipalities", [])}
    c = counts["municipality"]
    c.tp += len(got_m & want_m)
    c.fp += len(got_m - want_m)
    c.fn += len(want_m - got_m)
    c.examples += [f"{tag}: extra {m}" for m in sorted(got_m - want_m)]
    c.examples += [f"{tag}: missed {m}" for m in sorted(want_m - got_m)]

    got_p = article.people
    want_p: list[dict[str, Any]] = list(exp.get("people", []))
    pairs = match_people(got_p, want_p)
    g2w = dict(pairs)
    w2g = {w: g for g, w in pairs}

    c = counts["person+role"]
    for gi, g in enumerate(got_p):
        wanted: set[str] = set()
        if gi in g2w:
            w = want_p[g2w[gi]]
            wanted = {_fold(r) for r in w.get("roles", [])}
            new_role = _fold(w.get("new_role"))
            if new_role:  # the role a person takes is one the story gives them
                wanted |= {new_role, new_role.removeprefix("tillförordnad ")}
        for role in g.roles:
            if _fold(role) in wanted:
                c.tp += 1
            else:
                c.fp += 1
                c.examples.append(f"{tag}: extra {g.name} / {role}")
    for wi, w in enumerate(want_p):
        got_roles = {_fold(r) for r in got_p[w2g[wi]].roles} if wi in w2g else set()
        for role in w.get("roles", []):
            if _fold(role) not in got_roles:
                c.fn += 1
                c.examples.append(f"{tag}: missed {w.get('name')} / {role}")

    if "personnel" in want_kinds:
        # people named in a personnel story: the names the story gives a role or a change
        c = counts["person"]
        c.tp += len(pairs)
        c.fp += len(got_p) - len(pairs)
        c.fn += len(want_p) - len(pairs)
        c.examples += [
            f"{tag}: extra person {g.name}" for gi, g in enumerate(got_p) if gi not in g2w
        ]
        c.examples += [
            f"{tag}: missed person {w.get('name')}" for wi, w in enumerate(want_p) if wi not in w2g
        ]

    for gi, g in enumerate(got_p):
        want_change = want_p[g2w[gi]].get("change") if gi in g2w else None
        _change_pair(counts, tag, g.name, g.change, want_change)
    for wi, w in enumerate(want_p):
        if wi not in w2g and w.get("change"):
            _change_pair(counts, tag, str(w.get("name")), None, str(w["change"]))
    return counts


def _change_pair(
    counts: dict[str, Count], tag: str, name: str, got: str | None, want: str | None
) -> None:
    pairs = [("person+change", got, want)]
    pairs += [(f"change:{c}", c if got == c else None, c if want == c else None) for c in CHANGES]
    for label, g, w in pairs:
        c = counts[label]
        if g and w and g == w:
            c.tp += 1
        else:
            if g:
                c.fp += 1
                c.examples.append(f"{tag}: {name} got {got}, want {want}")
            if w:
                c.fn += 1
                if not g:
                    c.examples.append(f"{tag}: {name} got {got}, want {want}")


def evaluate(texts: Iterable[Text]) -> tuple[dict[str, Count], int]:
    """Summed counts per label over ``texts``, and how many texts there were."""
    total = {label: Count() for label in LABELS}
    n = 0
    for text in texts:
        n += 1
        for label, c in score(text, run(text)).items():
            total[label].add(c)
    return total, n


@dataclass
class Timing:
    """CPU time of ``enrich`` per article (this process only, so other load on the machine
    counts less than with wall-clock time)."""

    median_ms: float
    best_ms: float
    kb: float  # mean kB of title, lead and body
    large_ms: float  # median ms on the texts of 3 kB and more
    large_kb: float
    large_n: int

    def per_4kb(self, ms: float, kb: float | None = None) -> float:
        return ms / (kb or self.kb) * 4


def timing(texts: list[Text], rounds: int) -> Timing:
    """``enrich`` on every text, ``rounds`` times (after a warm-up round)."""
    for text in texts:
        run(text)  # warm up: gazetteer, vocabularies, caches
    sizes = [len(f"{t.title}{t.lead}{t.body}".encode()) for t in texts]
    large = [t for t, size in zip(texts, sizes, strict=True) if size >= 3 * 1024]
    per_article: list[float] = []
    per_large: list[float] = []
    for _ in range(max(1, rounds)):
        start = time.process_time()
        for text in texts:
            run(text)
        per_article.append((time.process_time() - start) * 1000 / len(texts))
        if large:
            start = time.process_time()
            for text in large:
                run(text)
            per_large.append((time.process_time() - start) * 1000 / len(large))
    large_sizes = [s for s in sizes if s >= 3 * 1024]
    return Timing(
        median_ms=statistics.median(per_article),
        best_ms=min(per_article),
        kb=sum(sizes) / len(sizes) / 1024,
        large_ms=statistics.median(per_large) if per_large else 0.0,
        large_kb=sum(large_sizes) / len(large_sizes) / 1024 if large_sizes else 0.0,
        large_n=len(large),
    )


def table(results: list[tuple[str, dict[str, Count], int]]) -> str:
    """A Markdown table: one row per label, P/R/F1 per set."""
    head = "| label | " + " | ".join(f"{name} (n={n}) P / R / F1" for name, _, n in results)
    lines = [head + " |", "|---" * (len(results) + 1) + "|"]
    for label in LABELS:
        cells = []
        for _, counts, _ in results:
            c = counts[label]
            if c.tp + c.fp + c.fn == 0:
                cells.append("–")
            else:
                cells.append(
                    f"{c.precision:.2f} / {c.recall:.2f} / {c.f1:.2f}"
                    f" ({c.tp}/{c.tp + c.fp}/{c.tp + c.fn})"
                )
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def seed_ok(texts: list[Text]) -> str:
    """Whether the seed story (Håkan Westerback) comes out exactly."""
    out = []
    for text in texts:
        if "sakerhetssamordnaren" not in text.name:
            continue
        a = run(text)
        p = a.people[0] if a.people else None
        ok = (
            p is not None
            and p.name == "Håkan Westerback"
            and p.roles == ["säkerhetssamordnare", "säkerhetsskyddschef"]
            and p.organisation == "Vimmerby kommun"
            and p.change == "new_job"
            and p.new_role == "ledningsbefäl"
            and p.new_organisation == "räddningstjänsten i Jönköping"
            and set(a.municipalities) == {"Vimmerby", "Jönköping"}
            and "personnel" in a.kinds
        )
        out.append(f"{text.set}/{text.name}: {'exact' if ok else 'DIFFERS'}")
    return "; ".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="timing rounds (default 20)")
    parser.add_argument(
        "--errors",
        nargs="?",
        const="dev",
        metavar="SET",
        help="list every mismatch of the sets whose name contains SET (default: dev)",
    )
    parser.add_argument("--write-docs", action="store_true", help=f"update {DOCS.name}")
    args = parser.parse_args(argv)

    eval_texts = load_eval()
    sample_texts = load_samplesite()
    real_texts = load_real()
    results = []
    for name, texts in (
        ("eval dev", [t for t in eval_texts if t.split == "dev"]),
        ("eval test", [t for t in eval_texts if t.split == "test"]),
        ("samplesite", sample_texts),
        ("real dev", [t for t in real_texts if t.split == "dev"]),
        ("real test", [t for t in real_texts if t.split == "test"]),
    ):
        if texts:
            counts, n = evaluate(texts)
            results.append((name, counts, n))
    all_texts = eval_texts + sample_texts
    tm = timing(all_texts, args.rounds)
    speed = (
        f"{tm.median_ms:.2f} ms per article (median of {args.rounds} rounds over"
        f" {len(all_texts)} texts, mean {tm.kb:.1f} kB of title, lead and body; best round"
        f" {tm.best_ms:.2f} ms), {tm.per_4kb(tm.median_ms):.2f} ms per 4 kB;"
        f" {tm.large_ms:.2f} ms on the {tm.large_n} texts of 3 kB or more (mean"
        f" {tm.large_kb:.1f} kB, {tm.per_4kb(tm.large_ms, tm.large_kb):.2f} ms per 4 kB)."
        " CPU time of one process with warm caches."
    )
    md = table(results)
    seeds = seed_ok(all_texts)
    print(md)
    print(f"\nenrich: {speed}")
    print(f"seed: {seeds}")
    if args.errors:
        for name, counts, _ in [r for r in results if args.errors in r[0]]:
            print(f"\n## {name}")
            for label in LABELS:
                for example in counts[label].examples:
                    print(f"  [{label}] {example}")
    if args.write_docs:
        section = "\n".join(
            [
                BEGIN,
                f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with"
                f" `python -m bench.quality --write-docs` (Python {sys.version.split()[0]}).",
                "",
                "Cells: precision / recall / F1 (true positives / predicted / expected).",
                "",
                md,
                "",
                f"Targets: {'; '.join(f'{k} {v}' for k, v in TARGETS.items())}.",
                "",
                f"Speed: {speed}",
                "",
                f"Seed story: {seeds}.",
                END,
            ]
        )
        old = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
        if BEGIN in old and END in old:
            new = old[: old.index(BEGIN)] + section + old[old.index(END) + len(END) :]
        else:
            new = f"# Enrichment quality\n\n{section}\n"
        DOCS.write_text(new, encoding="utf-8")
        print(f"wrote {DOCS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
