"""Unit tests for crawler.enrich.roles: titles in running text, in base form."""

from __future__ import annotations

import pytest

from crawler.enrich.people import Doc
from crawler.enrich.roles import RoleMention, find_roles, is_municipal_role, role_base


def roles_in(text: str) -> list[RoleMention]:
    doc = Doc("", "", text)
    return find_roles(doc.text, doc.starts, doc.ends, doc.lower)


@pytest.mark.parametrize(
    ("word", "base"),
    [
        ("kommunchef", "kommunchef"),
        ("kommunchefen", "kommunchef"),
        ("kommunchefens", "kommunchef"),
        ("Socialchefen", "socialchef"),
        ("rektorn", "rektor"),
        ("ordföranden", "ordförande"),
        ("kommunalrådet", "kommunalråd"),
        ("oppositionsrådets", "oppositionsråd"),
        ("vd:n", "vd"),
        ("VD", "vd"),
        ("säkerhetssamordnaren", "säkerhetssamordnare"),
        ("säkerhetsskyddschef", "säkerhetsskyddschef"),
        ("ledningsbefäl", "ledningsbefäl"),
        ("HR-chefen", "hr-chef"),
        ("pressansvarige", "pressansvarig"),
        ("kommunikationsstrategen", "kommunikationsstrateg"),
        ("nämndsekreteraren", "nämndsekreterare"),
        ("projektledaren", "projektledare"),
        ("kommunpolisen", "kommunpolis"),
        ("stadsarkitekten", "stadsarkitekt"),
        ("meteorolog", "meteorolog"),
        ("krögaren", "krögare"),
    ],
)
def test_role_base(word: str, base: str) -> None:
    hit = role_base(word.lower())
    assert hit is not None
    assert hit[0] == base


@pytest.mark.parametrize(
    "word",
    [
        "chef",
        "chefen",
        "ledaren",
        "ansvarig",
        "förråd",
        "pensionärsrådet",
        "betalningsansvarig",
        "medarbetare",
        "halvledare",
        "mellanchef",
        "polisens",
        "socialtjänsten",
        "strategi",
        "kommunen",
    ],
)
def test_not_roles(word: str) -> None:
    assert role_base(word) is None


def test_post_names_the_role() -> None:
    assert role_base("vd-posten") == ("vd", True, True)
    assert role_base("kommunchefsposten") == ("kommunchef", True, True)


def test_modifiers() -> None:
    (tf,) = roles_in("Hon är t.f. kommunchef.")
    assert tf.acting
    assert (tf.role, tf.base) == ("tillförordnad kommunchef", "kommunchef")
    (acting,) = roles_in("Han blir tillförordnad socialchef.")
    assert acting.acting
    assert acting.base == "socialchef"
    (deputy,) = roles_in("Den biträdande skolchefen tar över.")
    assert deputy.role == "biträdande skolchef"
    assert not deputy.acting
    (former,) = roles_in("Förre kommunalrådet Gunnar Ek fyller år.")
    assert former.former
    assert former.role == "kommunalråd"
    (new,) = roles_in("Nya rektorn heter Anna.")
    assert new.new
    (generic,) = roles_in("Kommunen söker en ny kommunchef.")
    assert generic.generic
    (leaving,) = roles_in("Den avgående kommundirektören tackade.")
    assert leaving.leaving


def test_multiword_and_coordinated_titles() -> None:
    assert [r.role for r in roles_in("Verkställande direktören Anna Berg.")] == ["vd"]
    assert [r.role for r in roles_in("Bolagets tekniska chef Sara Lantto.")] == ["teknisk chef"]
    assert [r.role for r in roles_in("Barn- och utbildningschefen Per Holm.")] == [
        "barn- och utbildningschef"
    ]
    assert [r.role for r in roles_in("säger Sara Ahl, miljö- och hälsoskyddsinspektör.")] == [
        "miljö- och hälsoskyddsinspektör"
    ]


def test_body_genitive_stays_with_ordforande() -> None:
    got = [r.role for r in roles_in("Kommunstyrelsens ordförande Mats Ek (C) säger.")]
    assert got == ["kommunstyrelsens ordförande"]
    got = [r.role for r in roles_in("Barn- och utbildningsnämndens ordförande Marie Holm.")]
    assert got == ["barn- och utbildningsnämndens ordförande"]
    # a club is no body: its chair is "ordförande"
    assert [r.role for r in roles_in("Klubbens ordförande Anders Ek.")] == ["ordförande"]


def test_membership_keeps_its_body() -> None:
    got = [r.role for r in roles_in("Erik Sandberg, ledamot i samhällsbyggnadsnämnden.")]
    assert got == ["ledamot i samhällsbyggnadsnämnden"]


def test_owner_before_role() -> None:
    (r,) = roles_in("Det sa Eksjö kommuns skolchef Anneli Fransson.")
    assert r.owner == "Eksjö kommuns"
    (r,) = roles_in("Det sa kommunens säkerhetssamordnare.")
    assert r.owner == "kommunens"


def test_municipal_roles() -> None:
    assert is_municipal_role("kommunchef")
    assert is_municipal_role("tillförordnad socialchef")
    assert is_municipal_role("biträdande kommundirektör")
    assert is_municipal_role("utbildningsnämndens ordförande")
    assert not is_municipal_role("vd")
    assert not is_municipal_role("ekonomichef")
    assert is_municipal_role("ekonomichef", municipal_story=True)
    # a region's own posts, each title of a coordination, a chair of a committee
    assert is_municipal_role("regiondirektör")
    assert is_municipal_role("landstings- och regiondirektör")
    assert is_municipal_role("ordförande i socialnämnden")
    assert not is_municipal_role("ordförande i styrelsen")
    assert not is_municipal_role("bygg- och vd")


@pytest.mark.parametrize(
    ("text", "base"),
    [
        ("Hon är 2:e vice ordförande i socialnämnden.", "2:e vice ordförande i socialnämnden"),
        ("Hon är kommunstyrelsens 1:e vice ordförande.", "kommunstyrelsens 1:e vice ordförande"),
        ("Hon är andre vice ordförande.", "andre vice ordförande"),
    ],
)
def test_ordinal_chairs_keep_their_rank_and_body(text: str, base: str) -> None:
    (role,) = roles_in(text)
    assert role.base == base
