"""The four site templates (and the hostile scenario's two); ``make_site`` picks the one a
SiteInfo names."""

from __future__ import annotations

from samplesite.content import SiteArticle, SiteInfo
from samplesite.templates.base import Ctx, Response, Site
from samplesite.templates.hostile import HostileSite, RobotsFailSite
from samplesite.templates.jonkoping import JonkopingSite
from samplesite.templates.kustbladet import KustbladetSite
from samplesite.templates.smalandsbygden import SmalandsbygdenSite
from samplesite.templates.vimmerby import VimmerbySite

TEMPLATES: dict[str, type[Site]] = {
    "vimmerby": VimmerbySite,
    "kustbladet": KustbladetSite,
    "smalandsbygden": SmalandsbygdenSite,
    "jonkoping": JonkopingSite,
    "hostile": HostileSite,
    "hostile-robots": RobotsFailSite,
}


def make_site(info: SiteInfo, articles: list[SiteArticle]) -> Site:
    """The Site object serving ``info`` with its share of ``articles``."""
    return TEMPLATES[info.template](info, articles)


__all__ = ["TEMPLATES", "Ctx", "Response", "Site", "make_site"]
