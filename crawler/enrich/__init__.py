"""Enrichment: what a story is about, read from its text (pure functions, no I/O per call).

``enrich(article)`` fills an extracted ``Article``'s municipalities, regions, kinds, people and
wire fields:

- ``doc``: the story as one text of sentences and words, with its narration marked; every
  step below reads it;
- ``page_address``: the municipality the page's address names (a local paper's section, a
  municipality's own site), the story's home;
- ``places``: the municipalities the story is about (gazetteer names, genitives, towns,
  inhabitant forms; ambiguous names only in context) and their län;
- ``roles``: titles in the text (``mentions``), normalised by the ``vocabulary``
  (kommunchefen -> kommunchef, t.f. -> acting);
- ``people``: person names (``names``), tied to their roles (``links``, by the copula and
  apposition ``patterns``); surnames, first names and "han"/"hon" refer back to one person;
- ``changes``: appointed, acting, leaving, resigned, retired, dismissed or new_job per person
  (change ``phrases`` found as ``signals``, gathered into ``persons``), with the new role and
  organisation where the story says both;
- ``kinds``: personnel and/or municipal;
- ``wire``: agency copy (TT, NTB, ...) and fingerprints for grouping copies of one story;
- places use the gazetteer (``crawler.gazetteer``: Sweden's municipalities and regions with
  lookups by code or name), which lives beside this room because the source list and the
  search filters use it too, without loading the enrichment.

The data (vocabulary, first names, change phrases, municipal terms) lives in ``data/``, read
once per process.
"""

from __future__ import annotations

from crawler.enrich import changes, kinds, page_address, people, places, roles, wire
from crawler.enrich.doc import Doc
from crawler.enrich.wire import fingerprint, similar
from indexer.article import Article, Person

__all__ = ["enrich", "fingerprint", "similar", "warm_up"]


def enrich(article: Article, *, home_municipality: str = "", home_region: str = "") -> Article:
    """Fill ``article``'s municipalities, regions, kinds, people and wire; return it.

    Args:
        article: an extracted article (title, lead, body, authors are read, and its
            address: a local paper's section for one municipality, or a municipality's own
            site, which also makes the story municipal).
        home_municipality: the publishing source's home municipality (a prior for the place
            tags: it counts more when the story mentions it, and is the tag of a local story
            that names no other municipality). Not applied to wire copy.
        home_region: the source's län; the region of a local story that names no municipality
            when the source has no home municipality.

    The article is updated in place (and returned, for chaining). An agency already set by
    extraction (from the byline) is kept.
    """
    doc = Doc(article.title, article.lead, article.body)
    found_roles = roles.find_roles(doc.text, doc.starts, doc.ends, doc.lower)
    found_people = people.find_people(doc, frozenset(r.end for r in found_roles))
    agency = article.wire or wire.detect_wire(
        article.title, article.lead, article.body, article.authors
    )
    # a local paper's section for one municipality says more than the paper's home town; a
    # municipality's own site is about it, and its news is municipal news
    publisher = page_address.publisher_municipality(article.url)
    home = page_address.section_municipality(article.url) or publisher or home_municipality
    municipalities = places.tag_municipalities(
        doc, found_people, home_municipality=home, wire=agency is not None
    )
    if publisher and publisher not in municipalities and agency is None:
        # a municipality's own news is about it, whatever else it names ("morakommun.se" on
        # its rescue chief's new post in Stockholm)
        municipalities.append(publisher)
    links = people.link_roles(doc, found_roles, found_people)
    signals = changes.find_signals(doc, found_roles, found_people, links)
    municipal = bool(publisher) or kinds.is_municipal(doc)
    persons = changes.assemble(
        doc, found_people, links, signals, municipalities, municipal_story=municipal
    )
    article.municipalities = municipalities
    article.regions = places.regions_of(municipalities)
    if not article.regions and home_region and not agency:
        article.regions = [home_region]
    article.kinds = kinds.classify(
        doc, found_roles, signals, persons, municipalities, found_people, municipal_story=municipal
    )
    coaches = all(kinds.only_not_posts(p.roles) for p in persons if p.change)
    if "personnel" not in article.kinds and not coaches and any(s.past for s in signals):
        # outside a personnel story, a change told in the past tense is background
        # ("Han lämnade politiken i början av nittiotalet"); a coach's is the story's news
        # though no post the archive follows ("Tränaren fick sparken")
        present = [s for s in signals if not s.past]
        persons = changes.assemble(
            doc, found_people, links, present, municipalities, municipal_story=municipal
        )
    _add_new_job_places(article, persons)
    article.people = persons
    article.wire = agency
    return article


def _add_new_job_places(article: Article, persons: list[Person]) -> None:
    """A new job in another municipality makes the story about both (the seed story: from
    Vimmerby to Jönköping); not a coach's or a conductor's, which is no post."""
    moved_to = places.named_in(
        p.new_organisation or ""
        for p in persons
        if p.change == "new_job" and not kinds.only_not_posts(p.roles)
    )
    added = [muni for muni in moved_to if muni not in article.municipalities]
    if added:
        article.municipalities = [*article.municipalities, *added]
        article.regions = places.regions_of(article.municipalities)


def warm_up() -> None:
    """Load the gazetteer and the vocabularies now rather than on the first article."""
    # a name, a title, a change and a place: every table is read
    enrich(
        Article(
            url="",
            canonical_url="",
            source="",
            title="Kommunchefen slutar",
            body="Kommunchefen Anna Berg slutar i Vimmerby kommun.",
        )
    )
