"""The app's words in Swedish (the default) and English (``?lang=en``), and dates as a
Swedish or English reader writes them: "9 augusti 2025 kl 06.00", "9 August 2025, 06:00"."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

LANGUAGES = ("sv", "en")
STOCKHOLM = ZoneInfo("Europe/Stockholm")

_MONTHS = {
    "sv": "januari februari mars april maj juni juli augusti september oktober november"
    " december".split(),
    "en": "January February March April May June July August September October November"
    " December".split(),
}

# English key -> Swedish. Keys are the English text itself, so a missing entry still reads.
_SV = {
    "Search": "Sök",
    "Over time": "Över tid",
    "Attention over time": "Uppmärksamhet över tid",
    "Queries to compare": "Sökningar att jämföra",
    "Query": "Sökning",
    "Per": "Per",
    "day": "dag",
    "week": "vecka",
    "month": "månad",
    "per day": "per dag",
    "per week": "per vecka",
    "per month": "per månad",
    "Share of all articles": "Andel av alla artiklar",
    "All articles": "Alla artiklar",
    "Click a point to list its articles.": "Klicka på en punkt för att se dess artiklar.",
    "Download CSV": "Ladda ner CSV",
    "Search the archive": "Sök i arkivet",
    "Search words": "Sökord",
    "Filters": "Filter",
    "Active filters": "Valda filter",
    "Apply filters": "Använd filter",
    "From": "Från",
    "To": "Till",
    "Sort": "Sortering",
    "relevance": "relevans",
    "newest": "nyast först",
    "oldest": "äldst först",
    "Results": "Träffar",
    "hits": "träffar",
    "hit": "träff",
    "about {total}": "cirka {total}",
    "in {seconds} s": "på {seconds} s",
    "No articles match.": "Inga artiklar matchar.",
    "also in {n} papers": "även i {n} tidningar",
    "also in 1 paper": "även i 1 tidning",
    "Previous": "Föregående",
    "Next": "Nästa",
    "Page {n}": "Sida {n}",
    "Source": "Källa",
    "Municipality": "Kommun",
    "Region": "Län",
    "Kind": "Typ",
    "Language": "Språk",
    "Role": "Roll",
    "Person": "Person",
    "Year": "År",
    "personnel": "Personalnyheter",
    "municipal": "Kommunalt",
    "Remove filter": "Ta bort filter",
    "Clear all": "Rensa allt",
    "Article": "Artikel",
    "Published": "Publicerad",
    "Updated": "Uppdaterad",
    "Authors": "Skribenter",
    "Section": "Avdelning",
    "Original address": "Ursprunglig adress",
    "Paywalled": "Betalvägg",
    "People": "Personer",
    "Roles": "Roller",
    "Versions": "Versioner",
    "Version": "Version",
    "Fetched": "Hämtad",
    "Changed": "Ändrat",
    "Compare versions": "Jämför versioner",
    "Compare": "Jämför",
    "Changes from version {a} to {b}": "Ändringar från version {a} till {b}",
    "No changes in the text.": "Inga ändringar i texten.",
    "The page as it was fetched": "Sidan som den hämtades",
    "Open the archived page alone": "Öppna den arkiverade sidan för sig",
    "The archived page, with its scripts and external content switched off": (
        "Den arkiverade sidan, utan skript och externt innehåll"
    ),
    "Other copies of the story": "Andra kopior av nyheten",
    "Text": "Text",
    "Lead": "Ingress",
    "Name": "Namn",
    "Change": "Förändring",
    "Show": "Visa",
    "People in roles": "Personer i roller",
    "No one matches.": "Ingen matchar.",
    "Status": "Status",
    "Archive": "Arkiv",
    "Articles": "Artiklar",
    "gone": "borttagna",
    "Index": "Index",
    "documents": "dokument",
    "Last crawl": "Senaste körning",
    "Crawl runs": "Körningar",
    "Started": "Startad",
    "Finished": "Klar",
    "Result": "Resultat",
    "Sources": "Källor",
    "Errors": "Fel",
    "New": "Nya",
    "Export": "Exportera",
    "Export these results": "Exportera träffarna",
    "Format": "Format",
    "With the full text": "Med hela texten",
    "Download": "Ladda ner",
    "Manifest": "Manifest",
    "Not found": "Hittades inte",
    "Bad request": "Felaktig fråga",
    "Hint": "Tips",
    "Language of the pages": "Sidornas språk",
    "Skip to the content": "Hoppa till innehållet",
    "Main menu": "Huvudmeny",
    "API": "API",
    "Removed": "Borttaget",
    "Added": "Tillagt",
    "Settings": "Inställningar",
    "Save": "Spara",
    "Server error": "Serverfel",
    "Something went wrong; the server log says what.": "Något gick fel; serverns logg säger vad.",
    "Filter the timeline": "Filtrera tidslinjen",
    "Any": "Alla",
    "Fetched at {when}": "Hämtad {when}",
    "too large to show here": "för stor för att visas här",
    "Title": "Rubrik",
    "Showing {first}–{last} of {total}": "Visar {first}–{last} av {total}",
    "What changed": "Vad som ändrats",
    "Dates": "Datum",
    "Watch": "Bevaka",
    "Name of the watch": "Bevakningens namn",
    "E-mail (optional)": "E-post (valfritt)",
    "Get new articles matching this search in a feed or by e-mail": (
        "Få nya artiklar som matchar sökningen i ett flöde eller med e-post"
    ),
    "Watch saved": "Bevakningen sparad",
    "Could not save the watch": "Bevakningen kunde inte sparas",
    "New articles matching the search appear in its feed (keep the address to yourself: it"
    " is the feed's only key):": (
        "Nya artiklar som matchar sökningen kommer i dess flöde (håll adressen för dig själv:"
        " den är flödets enda nyckel):"
    ),
    "A digest of the new articles goes to {email} after each update of the archive.": (
        "En sammanställning av de nya artiklarna skickas till {email} efter varje uppdatering"
        " av arkivet."
    ),
    "Back to the search": "Tillbaka till sökningen",
}


# What lokalarkiv names in words: a person's change and the parts of an article a version
# changed (lokalarkiv.people.CHANGE_WORDS, lokalarkiv.articles.version_changes).
_SV_WORDS = {
    "appointed": "utsedd", "acting": "tillförordnad", "leaving": "lämnar", "resigned": "avgår",
    "retired": "går i pension", "dismissed": "avskedad", "new job": "nytt jobb",
    "title": "rubrik", "lead": "ingress", "body": "brödtext", "words": "ord",
    "authors": "skribenter", "published": "publicerad", "updated": "uppdaterad",
    "language": "språk", "section": "avdelning", "municipalities": "kommuner",
    "regions": "län", "kinds": "typ", "people": "personer", "paywalled": "betalvägg",
    "wire": "nyhetsbyrå",
}  # fmt: skip
_WORD = re.compile(r"[a-z]+(?: [a-z]+)?")


def in_words(text: str, lang: str) -> str:
    """A change as lokalarkiv words it ("new job → kommunchef", "body (+3/-1 words)") in
    the page's language; names and roles, which are not ours, are left as they are."""
    if lang != "sv":
        return text
    head, arrow, rest = text.partition(" → ")
    head = _WORD.sub(lambda m: _SV_WORDS.get(m.group(0), m.group(0)), head)
    return f"{head}{arrow}{rest}"


def translator(lang: str) -> Callable[..., str]:
    """``t(text, **values)``: ``text`` in the page's language, with ``{names}`` filled in."""
    table = _SV if lang == "sv" else {}

    def t(text: str, **values: object) -> str:
        out = table.get(text, text)
        return out.format(**values) if values else out

    return t


def format_when(moment: datetime | date | str | None, lang: str, *, time: bool = True) -> str:
    """A date (and time, in Stockholm) as a reader writes it; "" for none."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        text = moment
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
    months = _MONTHS["sv" if lang == "sv" else "en"]
    if not isinstance(moment, datetime):
        return f"{moment.day} {months[moment.month - 1]} {moment.year}"
    local = moment.astimezone(STOCKHOLM) if moment.tzinfo else moment
    day = f"{local.day} {months[local.month - 1]} {local.year}"
    if not time:
        return day
    if lang == "sv":
        return f"{day} kl {local:%H.%M}"
    return f"{day}, {local:%H:%M}"


def format_number(value: int, lang: str) -> str:
    """12 345 in Swedish (a narrow no-break space), 12,345 in English."""
    return f"{value:,}".replace(",", "\u202f" if lang == "sv" else ",")
