"""Unit tests for crawler.enrich.people and .changes: names, roles, coreference, changes."""

from __future__ import annotations

import pytest

from crawler.enrich import enrich
from crawler.enrich.people import Doc, find_people, first_name_gender
from crawler.enrich.roles import find_roles
from indexer.article import Article, Person


def story(title: str, lead: str = "", body: str = "", **kw: str) -> Article:
    article = Article(url="u", canonical_url="u", source="t", title=title, lead=lead, body=body)
    return enrich(article, **kw)


def person(article: Article, name: str) -> Person:
    found = [p for p in article.people if p.name == name]
    assert found, f"{name} not among {[p.name for p in article.people]}"
    return found[0]


def names(text: str) -> list[str]:
    doc = Doc("", "", text)
    roles = find_roles(doc.text, doc.starts, doc.ends, doc.lower)
    return [e.name for e in find_people(doc, frozenset(r.end for r in roles)).entities]


# ------------------------------------------------------------------------------------ names


def test_first_names() -> None:
    assert first_name_gender("Håkan") == "m"
    assert first_name_gender("Anna-Karin") == "f"  # each part known
    assert first_name_gender("Lars-Göran") == "m"
    assert first_name_gender("Kommunen") is None


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Det säger Anna-Karin Berg i dag.", ["Anna-Karin Berg"]),
        ("Enligt Eva Lindqvist-Berg är det klart.", ["Eva Lindqvist-Berg"]),
        ("Han träffade Carl af Ugglas och Eva von Platen.", ["Carl af Ugglas", "Eva von Platen"]),
        ("Sedan Lena Nyström gick i pension har skolan saknat rektor.", ["Lena Nyström"]),
        ("Astrid Lindgrens Värld öppnar.", []),  # a name inside a proper noun
        ("Det säger Jasmina Kovač, ny HR-chef.", ["Jasmina Kovač"]),  # anchored by "säger"
        ("Kirjastonhoitaja Marjatta Lindholm kertoo.", ["Marjatta Lindholm"]),
        ("Styrelsen har utsett Mirja Johansson till vd.", ["Mirja Johansson"]),
        ("Enligt Sveriges Kommuner och Regioner ökar kostnaderna.", []),
        ("Det säger Inger M Eriksson och Per B. Holm i dag.", ["Inger M Eriksson", "Per B. Holm"]),
        # a place of work after a title is no name
        ("Eva Ek, verksamhetschef Barncentrum Öst, går in som chef.", ["Eva Ek"]),
    ],
)
def test_names(text: str, want: list[str]) -> None:
    assert names(text) == want


def test_genitive_is_the_same_person() -> None:
    assert names("Johan Rydén slutar. Johan Rydéns sista dag är i oktober.") == ["Johan Rydén"]


def test_coreference_surname_and_pronoun_count_once() -> None:
    a = story(
        "Säkerhetssamordnaren slutar",
        "Håkan Westerback har varit säkerhetssamordnare i kommunen i tio år.",
        "Nu går han vidare till ett nytt jobb. – Det känns bra, säger Westerback.\n\n"
        "Han har också varit säkerhetsskyddschef.",
    )
    assert [p.name for p in a.people] == ["Håkan Westerback"]
    p = a.people[0]
    assert p.roles == ["säkerhetssamordnare", "säkerhetsskyddschef"]
    assert p.change == "new_job"


def test_pronoun_follows_gender() -> None:
    a = story(
        "Nya chefer i kommunen",
        "",
        "Anna Berg och Per Holm fick nya jobb. Hon blir socialchef. Han blir skolchef.",
    )
    assert person(a, "Anna Berg").roles == ["socialchef"]
    assert person(a, "Per Holm").roles == ["skolchef"]


def test_pronoun_in_headline_refers_forward() -> None:
    a = story(
        "Hon blir Kalmars nya stadsarkitekt",
        "",
        "Sofia Malmberg har anställts som ny stadsarkitekt i Kalmar kommun.",
    )
    p = person(a, "Sofia Malmberg")
    assert p.change == "appointed"
    assert p.roles == ["stadsarkitekt"]
    assert p.organisation == "Kalmar kommun"


# ------------------------------------------------------------------------------------ roles


@pytest.mark.parametrize(
    ("text", "name", "roles"),
    [
        ("Det säger kommunchefen Johan Rydén.", "Johan Rydén", ["kommunchef"]),
        ("Det säger Sara Lindgren, meteorolog på SMHI.", "Sara Lindgren", ["meteorolog"]),
        ("Oppositionsrådet Camilla Sandén (S) är kritisk.", "Camilla Sandén", ["oppositionsråd"]),
        (
            "Det säger avdelningschefen för vård och omsorg, Mikael Strand.",
            "Mikael Strand",
            ["avdelningschef"],
        ),
        (
            "Anneli Fransson, som har varit skolchef sedan 2018, trivs.",
            "Anneli Fransson",
            ["skolchef"],
        ),
        (
            "Anders Wiklund har varit kommundirektör sedan 2017.",
            "Anders Wiklund",
            ["kommundirektör"],
        ),
        ("Nu är Petra Sandin ekonomichef.", "Petra Sandin", ["ekonomichef"]),
        (
            "Stefan Rosén slutar efter tolv år som förvaltningschef.",
            "Stefan Rosén",
            ["förvaltningschef"],
        ),
        (
            "Förre kommunalrådet i Ockelbo Gösta Wallin har avlidit.",
            "Gösta Wallin",
            ["kommunalråd"],
        ),
    ],
)
def test_role_links(text: str, name: str, roles: list[str]) -> None:
    assert person(story("Rubrik", "", text), name).roles == roles


def test_unrelated_role_is_not_linked() -> None:
    a = story("Rubrik", "", "Anna Berg säger att kommunen söker en ny kommunchef.")
    assert a.people == []


def test_organisation() -> None:
    a = story(
        "Rubrik",
        "",
        "Det säger Fredrik Sundin, driftchef på Kalmar Vatten. Jenny Wall, presstalesperson "
        "vid polisen, bekräftar.",
    )
    assert person(a, "Fredrik Sundin").organisation == "Kalmar Vatten"
    assert person(a, "Jenny Wall").organisation == "polisen"


# ---------------------------------------------------------------------------------- changes


@pytest.mark.parametrize(
    ("text", "change"),
    [
        ("Anna Berg utses till ny rektor på Västerskolan.", "appointed"),
        ("Anna Berg har anställts som ny kommunchef.", "appointed"),
        ("Styrelsen har utsett Anna Berg till ny vd.", "appointed"),
        ("Anna Berg blir tillförordnad socialchef från måndag.", "acting"),
        ("Anna Berg blir t.f. kommunchef.", "acting"),
        ("Rektorn Anna Berg slutar vid terminens slut.", "leaving"),
        ("Socialchefen Anna Berg lämnar kommunen i vår.", "leaving"),
        ("Kommunchefen Anna Berg har sagt upp sig.", "resigned"),
        ("Nu går kommunchefen Anna Berg, 65, i pension.", "retired"),
        ("Kommundirektören Anna Berg går i pension vid årsskiftet.", "retired"),
        ("Kommunchefen Anna Berg entledigas med omedelbar verkan.", "dismissed"),
        ("Vd:n Anna Berg har fått sparken.", "dismissed"),
        ("Skolchefen Anna Berg går vidare till ett nytt jobb i Nässjö.", "new_job"),
        ("Skolchefen Anna Berg lämnar Eksjö för Nässjö.", "new_job"),
    ],
)
def test_changes(text: str, change: str) -> None:
    assert person(story("Rubrik", "", text), "Anna Berg").change == change


@pytest.mark.parametrize(
    "text",
    [
        "Oppositionen anser att kommunchefen Anna Berg borde avgå.",
        "Oppositionen kräver att kommunchefen Anna Berg avgår.",
        "Kommunchefen Anna Berg har inga planer på att sluta.",
        "Kommunchefen Anna Berg går inte i pension i år.",
        "Kommunchefen Anna Berg vill inte säga om hon har ett nytt jobb.",
        "– Jag slutar aldrig, säger kommunchefen Anna Berg.",
        "Ska kommunchefen Anna Berg sluta?",
        "Kommunchefen Anna Berg lämnar över budgeten till fullmäktige.",
    ],
)
def test_no_change(text: str) -> None:
    assert [p.change for p in story("Rubrik", "", text).people if p.change] == []


def test_headline_role_is_the_subject() -> None:
    a = story(
        "Kommunchefen säger upp sig",
        "",
        "Beskedet kom i går. Kommunchefen Johan Rydén vill inte säga vart han ska.",
    )
    assert person(a, "Johan Rydén").change == "resigned"


def test_acting_and_new_role() -> None:
    a = story(
        "Socialchefen blir tillförordnad kommunchef",
        "Från den 1 november tar socialchefen Lena Gustafsson över som tillförordnad.",
        "Kommunstyrelsen beslutade att socialchefen Lena Gustafsson blir tillförordnad "
        "kommunchef i Vimmerby kommun.",
    )
    p = person(a, "Lena Gustafsson")
    assert p.change == "acting"
    assert p.new_role == "tillförordnad kommunchef"
    assert "socialchef" in p.roles
    assert p.organisation == "Vimmerby kommun"


def test_new_job_with_new_role_and_organisation() -> None:
    a = story(
        "Skolchefen lämnar Eksjö för Nässjö",
        "Eksjö kommuns skolchef Anneli Fransson byter jobb.",
        "Efter sju år i Eksjö blir hon ny utbildningschef i grannkommunen Nässjö.",
    )
    p = person(a, "Anneli Fransson")
    assert p.change == "new_job"
    assert p.roles == ["skolchef"]
    assert p.organisation == "Eksjö kommun"
    assert p.new_role == "utbildningschef"
    assert p.new_organisation == "Nässjö kommun"


def test_predecessor_inherits_the_role() -> None:
    a = story(
        "Ny stadsarkitekt",
        "",
        "Sofia Malmberg har anställts som ny stadsarkitekt. Hon tillträder i november och "
        "efterträder Bengt Olofsson, som gick i pension i mars.",
    )
    p = person(a, "Bengt Olofsson")
    assert p.change == "retired"
    assert p.roles == ["stadsarkitekt"]


def test_background_change_outside_personnel_story() -> None:
    a = story(
        "Gunnar Ek 90 år",
        "Förre kommunalrådet Gunnar Ek fyller 90 år.",
        "Han lämnade politiken i början av nittiotalet.",
    )
    p = person(a, "Gunnar Ek")
    assert p.change is None
    assert p.roles == ["kommunalråd"]
    assert a.kinds == []


def test_a_list_of_members_gives_each_the_title_after_their_party() -> None:
    """ "Name (party) title, Name (party) title": a title after a party tag is that person's,
    not the next name's."""
    article = story(
        "Nytt arbetsutskott",
        body="Utskottet består av Pär Edgren (M) ordförande, Siv Ekdahl (C) vice ordförande"
        " och Mona Brandt (S) ledamot.",
    )
    assert person(article, "Pär Edgren").roles == ["ordförande"]
    assert person(article, "Siv Ekdahl").roles == ["vice ordförande"]
