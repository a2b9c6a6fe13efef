"""sources.toml: the shipped list loads; every mistake is one line naming file, line, problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.gazetteer import get_gazetteer
from crawler.sources import (
    Source,
    default_sources_path,
    load_sources,
    parse_sources,
)
from indexer.errors import ConfigError

SOUTHERN_REGIONS = {
    "Skåne län",
    "Blekinge län",
    "Kronobergs län",
    "Kalmar län",
    "Gotlands län",
    "Jönköpings län",
    "Hallands län",
    "Västra Götalands län",
    "Östergötlands län",
    "Södermanlands län",
    "Stockholms län",
    "Uppsala län",
    "Västmanlands län",
    "Örebro län",
    "Värmlands län",
}

GOOD = """\
[defaults]
section_depth = 2

[[source]]
id = "vimmerby-nyheter"
name = "Vimmerby Nyheter"
kind = "newspaper"
region = "Kalmar län"
municipality = "Vimmerby"
domains = ["vimmerbynyheter.se"]
sitemaps = ["https://vimmerbynyheter.se/sitemap_index.xml"]
feeds = ["https://vimmerbynyheter.se/rss"]
sections = ["https://vimmerbynyheter.se/nyheter/"]
article_patterns = ['^/nyheter/\\d{4}/\\d{2}/\\d{2}/[^/]+/?$']
ignore_patterns = ['^/sok', '^/konto/']
language = "sv"
enabled = true

[[source]]
id = "lokal-test"
name = "Lokal test"
kind = "municipality"
region = "kalmar lan"
domains = ["127.0.0.1:8101"]
sections = ["http://127.0.0.1:8101/"]
enabled = false
"""


def write(tmp_path: Path, text: str, name: str = "sources.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """1-based number of the line holding the n-th occurrence of ``fragment``."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{fragment!r} not in text")


def config_error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    assert info.value.hint
    return message


def minimal(**overrides: str) -> str:
    """One valid source as TOML lines; overrides replace/add ``key = value`` lines verbatim."""
    fields = {
        "id": '"kustbladet"',
        "name": '"Kustbladet"',
        "kind": '"newspaper"',
        "region": '"Kalmar län"',
        "domains": '["kustbladet.se"]',
        "sections": '["https://www.kustbladet.se/"]',
    }
    fields.update(overrides)
    body = "\n".join(f"{k} = {v}" for k, v in fields.items() if v != "")
    return "# a comment\n\n[[source]]\n" + body + "\n"


# ---------------------------------------------------------------- the shipped file


@pytest.fixture(scope="module")
def shipped() -> list[Source]:
    return load_sources()


def test_shipped_file_loads(shipped: list[Source]) -> None:
    assert default_sources_path().name == "sources.toml"
    assert default_sources_path().is_file()
    assert 25 <= len(shipped) <= 40
    assert load_sources(default_sources_path()) == shipped


def test_shipped_ids_unique(shipped: list[Source]) -> None:
    ids = [s.id for s in shipped]
    assert len(ids) == len(set(ids))


def test_shipped_entry_points(shipped: list[Source]) -> None:
    for source in shipped:
        assert source.entry_points, source.id
        for url in source.entry_points:
            assert url.startswith(("https://", "http://")), url
            assert source.allows(url), (source.id, url)


def test_shipped_covers_southern_regions(shipped: list[Source]) -> None:
    covered = {s.region for s in shipped}
    assert covered >= SOUTHERN_REGIONS


def test_shipped_regions_and_municipalities_are_real(shipped: list[Source]) -> None:
    gaz = get_gazetteer()
    for source in shipped:
        assert gaz.region(source.region).name == source.region
        if source.municipality:
            assert gaz.region_of(source.municipality).name == source.region
    kinds = {s.kind for s in shipped}
    assert kinds == {"newspaper", "municipality", "broadcaster"}


def test_shipped_file_warns_entry_points_unverified() -> None:
    head = default_sources_path().read_text(encoding="utf-8")[:1000]
    assert "before production use" in head


def test_shipped_svt_pattern(shipped: list[Source]) -> None:
    svt = next(s for s in shipped if s.id == "svt-smaland")
    assert svt.is_article_candidate("https://www.svt.se/nyheter/lokalt/smaland/ny-skola-i-vaxjo")
    assert not svt.is_article_candidate("https://www.svt.se/nyheter/lokalt/smaland/rss.xml")
    assert not svt.is_article_candidate("https://www.svt.se/nyheter/lokalt/skane/ny-skola")


# ---------------------------------------------------------------- a good file


def test_good_file(tmp_path: Path) -> None:
    sources = load_sources(write(tmp_path, GOOD))
    first, second = sources
    assert first.id == "vimmerby-nyheter"
    assert first.kind == "newspaper"
    assert first.region == "Kalmar län"
    assert first.municipality == "Vimmerby"
    assert first.domains == ("vimmerbynyheter.se",)
    assert first.sitemaps == ("https://vimmerbynyheter.se/sitemap_index.xml",)
    assert first.feeds == ("https://vimmerbynyheter.se/rss",)
    assert first.sections == ("https://vimmerbynyheter.se/nyheter/",)
    assert first.section_depth == 2  # from [defaults]
    assert first.ignore_patterns == ("^/sok", "^/konto/")
    assert len(first.article_regexes) == 1
    assert first.enabled
    # the second takes defaults, its region is spelled loosely and stored canonically
    assert second.region == "Kalmar län"
    assert second.municipality == ""
    assert second.section_depth == 2
    assert second.language == "sv"
    assert second.article_patterns == ()
    assert not second.enabled


def test_accepts_str_path_and_parse_sources(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    assert load_sources(str(path)) == parse_sources(GOOD)


# ---------------------------------------------------------------- errors


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as info:
        load_sources(missing)
    assert str(info.value) == f"sources file not found: {missing} (set --sources or ARKIV_SOURCES)"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory"):
        load_sources(tmp_path)


def test_invalid_toml(tmp_path: Path) -> None:
    text = '[[source]]\nid = "a"\nname "missing equals"\n'
    message = config_error(tmp_path, text)
    assert "sources.toml line 3: invalid TOML: " in message
    assert "Expected '=' after a key" in message
    assert "(at line" not in message


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_bytes(b'[[source]]\nid = "a"\nname = "V\xe4xj\xf6"\n')
    with pytest.raises(ConfigError, match=r"sources\.toml line 3: not valid UTF-8"):
        load_sources(path)


def test_bad_kind(tmp_path: Path) -> None:
    text = minimal(kind='"paper"')
    message = config_error(tmp_path, text)
    assert message.endswith(
        f"sources.toml line {line_of(text, 'kind =')}: source 'kustbladet': "
        "kind must be one of newspaper, municipality, broadcaster, not 'paper'"
    )


def test_duplicate_id(tmp_path: Path) -> None:
    text = minimal() + "\n" + minimal(name='"Kustbladet igen"')
    message = config_error(tmp_path, text)
    expected_line = line_of(text, 'id = "kustbladet"', occurrence=2)
    assert f"sources.toml line {expected_line}: duplicate source id 'kustbladet'" in message
    assert f"first defined on line {line_of(text, 'id =')}" in message


def test_invalid_regex(tmp_path: Path) -> None:
    text = minimal(article_patterns="['^/nyheter/(unclosed']")
    message = config_error(tmp_path, text)
    assert (
        f"sources.toml line {line_of(text, 'article_patterns')}: source 'kustbladet': " in message
    )
    assert "invalid regex in article_patterns: '^/nyheter/(unclosed'" in message


def test_invalid_ignore_regex(tmp_path: Path) -> None:
    text = minimal(ignore_patterns="['[a-']")
    message = config_error(tmp_path, text)
    assert f"line {line_of(text, 'ignore_patterns')}: " in message
    assert "invalid regex in ignore_patterns" in message


def test_unknown_key_did_you_mean(tmp_path: Path) -> None:
    text = minimal(artcle_patterns="['^/x']")
    message = config_error(tmp_path, text)
    assert message.endswith(
        f"sources.toml line {line_of(text, 'artcle_patterns')}: source 'kustbladet': "
        "unknown key 'artcle_patterns'; did you mean article_patterns?"
    )


def test_missing_required_key(tmp_path: Path) -> None:
    text = minimal(kind="")
    message = config_error(tmp_path, text)
    assert message.endswith(
        f"line {line_of(text, 'id =')}: source 'kustbladet': missing required key 'kind'"
    )


def test_missing_id_points_at_table(tmp_path: Path) -> None:
    text = minimal(id="")
    message = config_error(tmp_path, text)
    assert f"line {line_of(text, '[[source]]')}: source #1: missing required key 'id'" in message


def test_bad_id(tmp_path: Path) -> None:
    text = minimal(id='"Kust Bladet"')
    message = config_error(tmp_path, text)
    assert f"line {line_of(text, 'id =')}: " in message
    assert "id must be lowercase letters, digits and '-'" in message


def test_no_entry_points(tmp_path: Path) -> None:
    text = minimal(sections="")
    message = config_error(tmp_path, text)
    assert "needs at least one entry point in sitemaps, feeds or sections" in message


def test_entry_point_outside_domains(tmp_path: Path) -> None:
    text = minimal(feeds='["https://example.com/rss"]')
    message = config_error(tmp_path, text)
    assert f"line {line_of(text, 'feeds =')}: " in message
    assert "feeds entry 'https://example.com/rss' is outside domains [kustbladet.se]" in message


def test_relative_entry_point(tmp_path: Path) -> None:
    text = minimal(sitemaps='["/sitemap.xml"]')
    message = config_error(tmp_path, text)
    assert f"line {line_of(text, 'sitemaps =')}: " in message
    assert "must be an absolute http(s) URL" in message


def test_domain_given_as_url(tmp_path: Path) -> None:
    text = minimal(domains='["https://kustbladet.se/"]')
    message = config_error(tmp_path, text)
    assert f"line {line_of(text, 'domains =')}: " in message
    assert "must be a host name such as 'example.se', not a URL" in message


def test_wrong_type(tmp_path: Path) -> None:
    text = minimal(domains='"kustbladet.se"')
    message = config_error(tmp_path, text)
    assert f"line {line_of(text, 'domains =')}: " in message
    assert "domains must be a list of non-empty strings" in message


def test_unknown_region(tmp_path: Path) -> None:
    text = minimal(region='"Kalmr län"')
    message = config_error(tmp_path, text)
    assert f"line {line_of(text, 'region =')}: " in message
    assert "unknown region 'Kalmr län'; did you mean Kalmar län" in message


def test_municipality_outside_region(tmp_path: Path) -> None:
    text = minimal(municipality='"Växjö"')
    message = config_error(tmp_path, text)
    assert f"line {line_of(text, 'municipality =')}: " in message
    assert "municipality 'Växjö' is in Kronobergs län, not Kalmar län" in message


def test_unknown_municipality(tmp_path: Path) -> None:
    text = minimal(municipality='"Vimerby"')
    message = config_error(tmp_path, text)
    assert "unknown municipality 'Vimerby'; did you mean Vimmerby" in message


@pytest.mark.parametrize(("value", "problem"), [("5", "between 0 and 3"), ('"1"', "whole number")])
def test_bad_section_depth(tmp_path: Path, value: str, problem: str) -> None:
    text = minimal(section_depth=value)
    message = config_error(tmp_path, text)
    assert f"line {line_of(text, 'section_depth')}: " in message
    assert problem in message


def test_bad_enabled_and_language(tmp_path: Path) -> None:
    assert "enabled must be true or false" in config_error(tmp_path, minimal(enabled='"yes"'))
    assert "language must be a language code" in config_error(
        tmp_path, minimal(language='"Svenska"')
    )


def test_defaults_unknown_key(tmp_path: Path) -> None:
    text = "[defaults]\nsection_dept = 1\n\n" + minimal()
    message = config_error(tmp_path, text)
    assert message.endswith(
        "sources.toml line 2: [defaults]: unknown key 'section_dept'; did you mean section_depth?"
    )


def test_defaults_cannot_set_identity(tmp_path: Path) -> None:
    text = '[defaults]\nlanguage = "sv"\nid = "x"\n\n' + minimal()
    message = config_error(tmp_path, text)
    assert "sources.toml line 3: [defaults] cannot set 'id'" in message


def test_defaults_bad_value(tmp_path: Path) -> None:
    text = '[defaults]\nkind = "paper"\n\n' + minimal(kind="")
    message = config_error(tmp_path, text)
    assert "sources.toml line 2: [defaults]: kind must be one of" in message


def test_defaults_supply_required_keys(tmp_path: Path) -> None:
    text = '[defaults]\nkind = "broadcaster"\nregion = "Gotland"\n\n' + minimal(kind="", region="")
    (source,) = load_sources(write(tmp_path, text))
    assert source.kind == "broadcaster"
    assert source.region == "Gotlands län"


def test_unknown_top_level_key(tmp_path: Path) -> None:
    text = minimal().replace("[[source]]", "[[sources]]")
    message = config_error(tmp_path, text)
    assert message.endswith(
        f"sources.toml line {line_of(text, '[[sources]]')}: "
        "unknown top-level key 'sources'; did you mean source?"
    )


def test_invalid_toml_at_end_of_document(tmp_path: Path) -> None:
    text = minimal() + "tags = [1,\n"
    message = config_error(tmp_path, text)
    assert f"sources.toml line {len(text.splitlines())}: invalid TOML: " in message


def test_kind_reported_before_missing_keys(tmp_path: Path) -> None:
    text = '[[source]]\nid = "kustbladet"\nkind = "paper"\n'
    message = config_error(tmp_path, text)
    assert "sources.toml line 3: source 'kustbladet': kind must be one of" in message


def test_no_sources(tmp_path: Path) -> None:
    message = config_error(tmp_path, "[defaults]\nsection_depth = 1\n")
    assert "no sources defined" in message


def test_second_source_error_points_into_second_table(tmp_path: Path) -> None:
    text = minimal() + "\n" + minimal(id='"andra"', kind='"blog"')
    message = config_error(tmp_path, text)
    assert f"line {line_of(text, 'kind =', occurrence=2)}: source 'andra': kind must be" in message


# ---------------------------------------------------------------- allows / candidates


def make_source(**kwargs: object) -> Source:
    base: dict[str, object] = {
        "id": "t",
        "name": "T",
        "kind": "newspaper",
        "region": "Kalmar län",
        "domains": ("vimmerbytidning.se", "127.0.0.1:8101"),
        "sections": ("https://www.vimmerbytidning.se/",),
        "article_patterns": (r"/artikel/[^/?#]+",),
        "ignore_patterns": (r"^/konto/", r"[?&]page=\d+"),
    }
    base.update(kwargs)
    return Source(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://vimmerbytidning.se/", True),
        ("https://www.vimmerbytidning.se/nyheter/", True),
        ("https://WWW.VimmerbyTidning.se/x", True),
        ("https://a.b.vimmerbytidning.se/x", True),
        ("https://vimmerbytidning.se:8443/x", True),  # no port in the entry: any port
        ("https://notvimmerbytidning.se/", False),
        ("https://vimmerbytidning.se.evil.example/", False),
        ("http://127.0.0.1:8101/nyheter/", True),
        ("http://127.0.0.1:8102/nyheter/", False),
        ("http://127.0.0.1/nyheter/", False),
        ("http://sub.127.0.0.1:8101/", False),
        ("/relative/path", False),
        ("mailto:red@vimmerbytidning.se", False),
        ("http://127.0.0.1:notaport/", False),
    ],
)
def test_allows(url: str, allowed: bool) -> None:
    assert make_source().allows(url) is allowed


def test_port_entry_with_default_port() -> None:
    source = make_source(domains=("example.se:443",), sections=("https://example.se/",))
    assert source.allows("https://example.se/x")
    assert source.allows("https://example.se:443/x")
    assert not source.allows("http://example.se/x")


@pytest.mark.parametrize(
    ("url", "candidate", "ignored"),
    [
        ("https://www.vimmerbytidning.se/nyheter/artikel/ny-chef/r1a2b3", True, False),
        ("https://www.vimmerbytidning.se/nyheter/", False, False),
        ("https://www.vimmerbytidning.se/konto/artikel/x", False, True),
        ("https://www.vimmerbytidning.se/nyheter/artikel/x?page=2", False, True),
        ("https://www.example.se/nyheter/artikel/ny-chef", False, False),
    ],
)
def test_article_candidates(url: str, candidate: bool, ignored: bool) -> None:
    source = make_source()
    assert source.is_article_candidate(url) is candidate
    assert source.is_ignored(url) is ignored


def test_no_patterns_means_every_in_domain_link() -> None:
    source = make_source(article_patterns=(), ignore_patterns=("^/sok",))
    assert source.is_article_candidate("https://vimmerbytidning.se/anything/at/all")
    assert not source.is_article_candidate("https://vimmerbytidning.se/sok?q=x")
    assert not source.is_article_candidate("https://other.se/anything")


def test_patterns_see_the_query() -> None:
    source = make_source(article_patterns=(r"\?artikel=\d+$",), ignore_patterns=())
    assert source.is_article_candidate("https://vimmerbytidning.se/sida?artikel=123")
    assert not source.is_article_candidate("https://vimmerbytidning.se/sida?artikel=abc")


def test_direct_construction_rejects_bad_regex() -> None:
    with pytest.raises(ConfigError, match=r"source 't': invalid regex in article_patterns"):
        make_source(article_patterns=("(",))
