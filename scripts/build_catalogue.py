"""Build newsprism's bundled outlet catalogue from the shared upstream lists.

Run from the repository root after the upstream lists change:

    python scripts/build_catalogue.py [--data ../shared/data] [--out newsprism/sources/data]

It writes two files in the project's own format:

* ``outlets.json`` (CC BY-SA 4.0, because it carries Wikipedia-derived facts): the curated
  outlets below with their feed URLs (Kite, awesome-rss-feeds), ownership (Kite, MIT) and
  factuality ratings from the *open* raters only (Wikipedia RSP, CRED-1, OpenSources).
* ``ratings-allsides.json`` (CC BY-NC 4.0, attribution to AllSides): AllSides bias ratings,
  kept apart so that commercial users can delete or skip that one file.

Nothing from ``ratings/import-only`` (MBFC, Ad Fontes) is read, so nothing of it can ship.
The output is sorted and depends only on the inputs and ``--generated``.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

# Kite's ownership typologies are folded into the vocabulary the ownership importer uses,
# so an imported list and the bundled catalogue speak the same words.
from newsprism.sources.rating_formats.ownership import TYPOLOGY, short_owner

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "newsprism" / "sources" / "data"

FORMAT = 1
FEEDS_PER_OUTLET = 3
OUTLETS_LICENCE = "CC BY-SA 4.0"
ALLSIDES_LICENCE = "CC BY-NC 4.0"
ALLSIDES_URL = "https://www.allsides.com/media-bias"
KITE_URL = "https://github.com/kagisearch/kite-public"

# rating_source code in outlets-open.csv -> (rater, licence, source URL)
OPEN_RATERS = {
    "wp-rsp": (
        "wikipedia-rsp",
        "CC BY-SA 4.0",
        "https://en.wikipedia.org/wiki/Wikipedia:Reliable_sources/Perennial_sources",
    ),
    "cred1": ("cred1", "CC BY 4.0", None),
    "opensources": ("opensources", "LGPL-3.0", "https://github.com/OpenSourcesGroup/opensources"),
}


# Domains an outlet moved to after AllSides rated it under the old one: the rating is
# the outlet's, so the new domain carries it too.
ALLSIDES_ALIASES = {
    "huffpost.com": "huffingtonpost.com",
    "jacobin.com": "jacobinmag.com",
}

# Feed URLs of well-known outlets that the upstream lists lack; the team's own curation.
EXTRA_FEEDS = {
    # In the lists, but under a host that names another outlet (NBC) or a proxy (Open RSS,
    # for outlets that publish no feed of their own).
    "msnbc.com": ["https://feeds.nbcnews.com/msnbc/public/news"],
    "apnews.com": [
        "https://openrss.org/apnews.com/politics",
        "https://openrss.org/apnews.com/us-news",
    ],
    "reuters.com": [
        "https://openrss.org/www.reuters.com/world/",
        "https://openrss.org/www.reuters.com/business/",
    ],
    # Not in the lists at all:
    "breitbart.com": ["https://feeds.feedburner.com/breitbart"],
    "dailycaller.com": ["https://dailycaller.com/feed/"],
    "thefederalist.com": ["https://thefederalist.com/feed/"],
    "dailywire.com": ["https://www.dailywire.com/feeds/rss.xml"],
    "theblaze.com": ["https://www.theblaze.com/feeds/feed.rss"],
    "newsmax.com": ["https://www.newsmax.com/rss/Newsfront/16/"],
    "newsweek.com": ["https://www.newsweek.com/rss"],
    "washingtontimes.com": ["https://www.washingtontimes.com/rss/headlines/news/"],
    # The lists only carry this outlet's NBA feeds:
    "usatoday.com": ["http://rssfeeds.usatoday.com/usatoday-NewsTopStories"],
}

# The curated outlets: (domain, name, country, language, extra feed hosts). A feed from the
# lists belongs to an outlet when its host, less www./feeds./rss., is the domain, a
# subdomain of it, or one of the extra hosts (some outlets publish feeds elsewhere).
# fmt: off
CURATED: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    # United States, left to right
    ("alternet.org", "AlterNet", "US", "en", ()),
    ("jacobin.com", "Jacobin", "US", "en", ()),
    ("motherjones.com", "Mother Jones", "US", "en", ()),
    ("thenation.com", "The Nation", "US", "en", ()),
    ("theintercept.com", "The Intercept", "US", "en", ()),
    ("huffpost.com", "HuffPost", "US", "en", ()),
    ("huffingtonpost.com", "HuffPost", "US", "en", ()),
    ("vox.com", "Vox", "US", "en", ()),
    ("slate.com", "Slate", "US", "en", ()),
    ("salon.com", "Salon", "US", "en", ()),
    ("msnbc.com", "MSNBC", "US", "en", ()),
    ("newyorker.com", "The New Yorker", "US", "en", ()),
    ("rollingstone.com", "Rolling Stone", "US", "en", ()),
    ("prospect.org", "The American Prospect", "US", "en", ()),
    ("nytimes.com", "The New York Times", "US", "en", ()),
    ("washingtonpost.com", "The Washington Post", "US", "en", ()),
    ("cnn.com", "CNN", "US", "en", ()),
    ("nbcnews.com", "NBC News", "US", "en", ()),
    ("cbsnews.com", "CBS News", "US", "en", ()),
    ("abcnews.go.com", "ABC News", "US", "en", ()),
    ("latimes.com", "Los Angeles Times", "US", "en", ()),
    ("politico.com", "Politico", "US", "en", ()),
    ("theatlantic.com", "The Atlantic", "US", "en", ()),
    ("time.com", "Time", "US", "en", ()),
    ("newsweek.com", "Newsweek", "US", "en", ()),
    ("propublica.org", "ProPublica", "US", "en", ()),
    ("npr.org", "NPR", "US", "en", ()),
    ("pbs.org", "PBS", "US", "en", ()),
    ("apnews.com", "Associated Press", "US", "en", ()),
    ("reuters.com", "Reuters", "GB", "en", ()),
    ("axios.com", "Axios", "US", "en", ("api.axios.com",)),
    ("thehill.com", "The Hill", "US", "en", ()),
    ("csmonitor.com", "The Christian Science Monitor", "US", "en", ()),
    ("usatoday.com", "USA Today", "US", "en", ()),
    ("cnbc.com", "CNBC", "US", "en", ()),
    ("bloomberg.com", "Bloomberg", "US", "en", ()),
    ("forbes.com", "Forbes", "US", "en", ()),
    ("wsj.com", "The Wall Street Journal", "US", "en", ("a.dj.com",)),
    ("marketwatch.com", "MarketWatch", "US", "en", ()),
    ("fivethirtyeight.com", "FiveThirtyEight", "US", "en", ()),
    ("chicagotribune.com", "Chicago Tribune", "US", "en", ()),
    ("seattletimes.com", "The Seattle Times", "US", "en", ()),
    ("boston.com", "Boston.com", "US", "en", ()),
    ("news.yahoo.com", "Yahoo News", "US", "en", ()),
    ("semafor.com", "Semafor", "US", "en", ()),
    ("theweek.com", "The Week", "US", "en", ()),
    ("voanews.com", "Voice of America", "US", "en", ()),
    ("foreignpolicy.com", "Foreign Policy", "US", "en", ()),
    ("foreignaffairs.com", "Foreign Affairs", "US", "en", ()),
    ("reason.com", "Reason", "US", "en", ()),
    ("quillette.com", "Quillette", "US", "en", ()),
    ("nationalinterest.org", "The National Interest", "US", "en", ()),
    ("justthenews.com", "Just the News", "US", "en", ()),
    ("washingtontimes.com", "The Washington Times", "US", "en", ()),
    ("foxnews.com", "Fox News", "US", "en", ()),
    ("nypost.com", "New York Post", "US", "en", ()),
    ("washingtonexaminer.com", "Washington Examiner", "US", "en", ()),
    ("nationalreview.com", "National Review", "US", "en", ()),
    ("dailysignal.com", "The Daily Signal", "US", "en", ()),
    ("pjmedia.com", "PJ Media", "US", "en", ()),
    ("cbn.com", "CBN News", "US", "en", ()),
    ("thefederalist.com", "The Federalist", "US", "en", ()),
    ("dailycaller.com", "The Daily Caller", "US", "en", ()),
    ("dailywire.com", "The Daily Wire", "US", "en", ()),
    ("theblaze.com", "TheBlaze", "US", "en", ()),
    ("newsmax.com", "Newsmax", "US", "en", ()),
    ("breitbart.com", "Breitbart News", "US", "en", ()),
    # United Kingdom
    ("bbc.co.uk", "BBC News", "GB", "en", ("bbci.co.uk",)),
    ("theguardian.com", "The Guardian", "GB", "en", ()),
    ("independent.co.uk", "The Independent", "GB", "en", ()),
    ("telegraph.co.uk", "The Telegraph", "GB", "en", ()),
    ("dailymail.co.uk", "Daily Mail", "GB", "en", ()),
    ("mirror.co.uk", "Daily Mirror", "GB", "en", ()),
    ("thesun.co.uk", "The Sun", "GB", "en", ()),
    ("ft.com", "Financial Times", "GB", "en", ()),
    ("economist.com", "The Economist", "GB", "en", ()),
    ("inews.co.uk", "i", "GB", "en", ()),
    ("thespectator.com", "The Spectator", "GB", "en", ()),
    ("spiked-online.com", "Spiked", "GB", "en", ()),
    ("novaramedia.com", "Novara Media", "GB", "en", ()),
    ("belfasttelegraph.co.uk", "Belfast Telegraph", "GB", "en", ()),
    ("thenational.scot", "The National", "GB", "en", ()),
    ("euronews.com", "Euronews", "FR", "en", ()),
    ("politico.eu", "Politico Europe", "BE", "en", ()),
    # Ireland
    ("rte.ie", "RTÉ", "IE", "en", ()),
    ("irishtimes.com", "The Irish Times", "IE", "en", ()),
    ("independent.ie", "Irish Independent", "IE", "en", ()),
    ("thejournal.ie", "TheJournal.ie", "IE", "en", ()),
    ("irishexaminer.com", "Irish Examiner", "IE", "en", ()),
    # Canada
    ("cbc.ca", "CBC News", "CA", "en", ()),
    ("theglobeandmail.com", "The Globe and Mail", "CA", "en", ()),
    ("nationalpost.com", "National Post", "CA", "en", ()),
    ("thestar.com", "Toronto Star", "CA", "en", ()),
    ("globalnews.ca", "Global News", "CA", "en", ()),
    ("ctvnews.ca", "CTV News", "CA", "en", ()),
    ("torontosun.com", "Toronto Sun", "CA", "en", ()),
    ("ledevoir.com", "Le Devoir", "CA", "fr", ()),
    ("lapresse.ca", "La Presse", "CA", "fr", ()),
    # Australia and New Zealand
    ("abc.net.au", "ABC News (Australia)", "AU", "en", ()),
    ("smh.com.au", "The Sydney Morning Herald", "AU", "en", ()),
    ("theage.com.au", "The Age", "AU", "en", ()),
    ("news.com.au", "news.com.au", "AU", "en", ()),
    ("sbs.com.au", "SBS News", "AU", "en", ()),
    ("crikey.com.au", "Crikey", "AU", "en", ()),
    ("nzherald.co.nz", "The New Zealand Herald", "NZ", "en", ()),
    # Spain
    ("elpais.com", "El País", "ES", "es", ()),
    ("elmundo.es", "El Mundo", "ES", "es", ("e00-elmundo.uecdn.es", "e01-elmundo.uecdn.es")),
    ("abc.es", "ABC", "ES", "es", ()),
    ("lavanguardia.com", "La Vanguardia", "ES", "es", ()),
    ("eldiario.es", "elDiario.es", "ES", "es", ()),
    ("20minutos.es", "20minutos", "ES", "es", ()),
    ("elconfidencial.com", "El Confidencial", "ES", "es", ()),
    ("larazon.es", "La Razón", "ES", "es", ()),
    ("elperiodico.com", "El Periódico", "ES", "es", ()),
    ("europapress.es", "Europa Press", "ES", "es", ()),
    ("infolibre.es", "infoLibre", "ES", "es", ()),
    ("elsaltodiario.com", "El Salto", "ES", "es", ()),
    ("libertaddigital.com", "Libertad Digital", "ES", "es", ()),
    ("okdiario.com", "OKDIARIO", "ES", "es", ()),
    ("lasexta.com", "laSexta", "ES", "es", ()),
    ("lavozdegalicia.es", "La Voz de Galicia", "ES", "es", ()),
    ("efe.com", "Agencia EFE", "ES", "es", ()),
    # Latin America
    ("clarin.com", "Clarín", "AR", "es", ()),
    ("lanacion.com.ar", "La Nación", "AR", "es", ()),
    ("infobae.com", "Infobae", "AR", "es", ()),
    ("pagina12.com.ar", "Página/12", "AR", "es", ()),
    ("perfil.com", "Perfil", "AR", "es", ()),
    ("ambito.com", "Ámbito", "AR", "es", ()),
    ("eluniversal.com.mx", "El Universal", "MX", "es", ()),
    ("jornada.com.mx", "La Jornada", "MX", "es", ()),
    ("milenio.com", "Milenio", "MX", "es", ()),
    ("excelsior.com.mx", "Excélsior", "MX", "es", ()),
    ("elfinanciero.com.mx", "El Financiero", "MX", "es", ()),
    ("proceso.com.mx", "Proceso", "MX", "es", ()),
    ("reforma.com", "Reforma", "MX", "es", ()),
    ("eltiempo.com", "El Tiempo", "CO", "es", ()),
    ("elespectador.com", "El Espectador", "CO", "es", ()),
    ("semana.com", "Semana", "CO", "es", ()),
    ("latercera.com", "La Tercera", "CL", "es", ()),
    ("ciperchile.cl", "CIPER", "CL", "es", ()),
    ("cooperativa.cl", "Cooperativa", "CL", "es", ()),
    ("elnacional.com", "El Nacional", "VE", "es", ()),
    ("efectococuyo.com", "Efecto Cocuyo", "VE", "es", ()),
    ("telesurtv.net", "teleSUR", "VE", "es", ()),
    # Brazil
    ("folha.uol.com.br", "Folha de S.Paulo", "BR", "pt", ()),
    ("estadao.com.br", "O Estado de S. Paulo", "BR", "pt", ()),
    ("g1.globo.com", "g1", "BR", "pt", ()),
    ("cartacapital.com.br", "CartaCapital", "BR", "pt", ()),
    ("gazetadopovo.com.br", "Gazeta do Povo", "BR", "pt", ()),
    ("agenciabrasil.ebc.com.br", "Agência Brasil", "BR", "pt", ()),
    # Germany
    ("spiegel.de", "Der Spiegel", "DE", "de", ()),
    ("zeit.de", "Die Zeit", "DE", "de", ("newsfeed.zeit.de",)),
    ("faz.net", "Frankfurter Allgemeine Zeitung", "DE", "de", ()),
    ("sueddeutsche.de", "Süddeutsche Zeitung", "DE", "de", ()),
    ("tagesschau.de", "tagesschau", "DE", "de", ()),
    ("taz.de", "taz", "DE", "de", ()),
    ("handelsblatt.com", "Handelsblatt", "DE", "de", ()),
    ("focus.de", "Focus", "DE", "de", ()),
    ("n-tv.de", "n-tv", "DE", "de", ()),
    ("stern.de", "Stern", "DE", "de", ()),
    ("tagesspiegel.de", "Der Tagesspiegel", "DE", "de", ()),
    ("dw.com", "Deutsche Welle", "DE", "de", ()),
    ("deutschlandfunk.de", "Deutschlandfunk", "DE", "de", ()),
    ("zdf.de", "ZDF", "DE", "de", ()),
    ("t-online.de", "t-online", "DE", "de", ()),
    ("fr.de", "Frankfurter Rundschau", "DE", "de", ()),
    ("berliner-zeitung.de", "Berliner Zeitung", "DE", "de", ()),
    ("rnd.de", "RedaktionsNetzwerk Deutschland", "DE", "de", ()),
    ("nd-aktuell.de", "nd", "DE", "de", ()),
    ("freitag.de", "der Freitag", "DE", "de", ()),
    ("nius.de", "NIUS", "DE", "de", ()),
    ("netzpolitik.org", "netzpolitik.org", "DE", "de", ()),
    # Austria and Switzerland
    ("derstandard.at", "Der Standard", "AT", "de", ()),
    ("diepresse.com", "Die Presse", "AT", "de", ()),
    ("orf.at", "ORF", "AT", "de", ()),
    ("nzz.ch", "Neue Zürcher Zeitung", "CH", "de", ()),
    ("srf.ch", "SRF", "CH", "de", ()),
    # France
    ("lemonde.fr", "Le Monde", "FR", "fr", ()),
    ("lefigaro.fr", "Le Figaro", "FR", "fr", ()),
    ("liberation.fr", "Libération", "FR", "fr", ()),
    ("francetvinfo.fr", "franceinfo", "FR", "fr", ()),
    ("france24.com", "France 24", "FR", "fr", ()),
    ("20minutes.fr", "20 Minutes", "FR", "fr", ()),
    ("lexpress.fr", "L'Express", "FR", "fr", ()),
    ("leparisien.fr", "Le Parisien", "FR", "fr", ()),
    ("mediapart.fr", "Mediapart", "FR", "fr", ()),
    ("lepoint.fr", "Le Point", "FR", "fr", ()),
    ("humanite.fr", "L'Humanité", "FR", "fr", ()),
    ("rfi.fr", "RFI", "FR", "fr", ()),
    ("bfmtv.com", "BFMTV", "FR", "fr", ()),
    ("nouvelobs.com", "L'Obs", "FR", "fr", ()),
    ("ouest-france.fr", "Ouest-France", "FR", "fr", ()),
    ("la-croix.com", "La Croix", "FR", "fr", ()),
    ("marianne.net", "Marianne", "FR", "fr", ()),
    ("huffingtonpost.fr", "Le HuffPost", "FR", "fr", ()),
    ("sudouest.fr", "Sud Ouest", "FR", "fr", ()),
    ("lesechos.fr", "Les Échos", "FR", "fr", ()),
    ("radiofrance.fr", "Radio France", "FR", "fr", ()),
    ("monde-diplomatique.fr", "Le Monde diplomatique", "FR", "fr", ()),
    # Italy
    ("repubblica.it", "la Repubblica", "IT", "it", ()),
    ("corriere.it", "Corriere della Sera", "IT", "it", ()),
    ("lastampa.it", "La Stampa", "IT", "it", ()),
    ("ansa.it", "ANSA", "IT", "it", ()),
    ("ilpost.it", "Il Post", "IT", "it", ()),
    ("ilsole24ore.com", "Il Sole 24 Ore", "IT", "it", ()),
    ("ilfoglio.it", "Il Foglio", "IT", "it", ()),
    ("fanpage.it", "Fanpage.it", "IT", "it", ()),
    # Elsewhere
    ("aljazeera.com", "Al Jazeera", "QA", "en", ()),
    ("scmp.com", "South China Morning Post", "HK", "en", ()),
    ("straitstimes.com", "The Straits Times", "SG", "en", ()),
    ("timesofisrael.com", "The Times of Israel", "IL", "en", ()),
    ("thehindu.com", "The Hindu", "IN", "en", ()),
    ("timesofindia.indiatimes.com", "The Times of India", "IN", "en", ()),
    ("indianexpress.com", "The Indian Express", "IN", "en", ()),
    ("hindustantimes.com", "Hindustan Times", "IN", "en", ()),
    ("dawn.com", "Dawn", "PK", "en", ()),
    ("japantoday.com", "Japan Today", "JP", "en", ()),
    ("meduza.io", "Meduza", "LV", "ru", ()),
    ("rferl.org", "Radio Free Europe/Radio Liberty", "CZ", "en", ()),
    ("rt.com", "RT", "RU", "en", ()),
    ("tass.com", "TASS", "RU", "en", ()),
]
# fmt: on

# Feeds that are not one outlet's own: aggregators, search results, social sites.
_SKIPPED_HOSTS = ("news.google.com", "reddit.com", "youtube.com", "feedburner.com")
_BARE_AMPERSAND = re.compile(r"&(?!(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")
_GENERAL_FEED = re.compile(
    r"home|index|latest|top|world|portada|titulares|/une|schlagzeilen|politi|/nation|news/rss"
    r"|/all|^/feed/?$|^/rss/?$|^/rss\.xml$|^/feed\.xml$"
)
# Sections whose stories rarely make a cross-outlet news story: last resort only.
_NICHE_FEED = re.compile(
    r"sport|nba|nfl|mlb|nhl|soccer|football|fussball|futbol|deportes|golf|tennis|entertain|"
    r"celebrit|lifestyle|style|travel|destination|food|recipe|horoscope|astro|video|podcast|"
    r"games|gaming|fashion|people|television|/tv|movies|music|cars|auto|real-estate|weather|"
    r"obituar|puzzle|crossword|topic/|/tag/|blog"
)
_ENGLISH_EDITION = re.compile(r"/international|/en/|english\\.|/english")
_XML_URL = re.compile(r'xmlUrl="([^"]+)"')


def feed_host_key(url: str) -> str:
    """A feed URL's host without the www./feeds./rss. prefixes that feed hosts add."""
    host = (urlsplit(url).hostname or "").lower()
    for prefix in ("www.", "feeds.", "rss.", "feed."):
        host = host.removeprefix(prefix)
    return host


def read_listed_feeds(data: Path) -> dict[str, int]:
    """Every feed URL in the lists, with a weight: country lists and Kite's core list first."""
    weights: dict[str, int] = defaultdict(int)
    kite = data / "catalogue" / "kite"
    for urls in json.loads((kite / "core_feeds.json").read_text(encoding="utf-8")).values():
        for url in urls:
            weights[url] += 3
    for category in json.loads((kite / "kite_feeds.json").read_text(encoding="utf-8")).values():
        for url in category["feeds"]:
            weights[url] += 1
    countries = data / "catalogue" / "awesome-rss-feeds" / "countries" / "with_category"
    for path in sorted(countries.glob("*.opml")):
        # These files hold bare '&' and stray quotes, so read the one attribute we need.
        for url in _XML_URL.findall(path.read_text(encoding="utf-8")):
            weights[url.replace("&amp;", "&")] += 4
    return weights


def pick_feeds(
    domain: str,
    extra_hosts: tuple[str, ...],
    weights: dict[str, int],
    *,
    language: str,
    have: int = 0,
) -> list[str]:
    """Up to FEEDS_PER_OUTLET feeds (less ``have`` already chosen by hand), general first;
    a niche section (sport, travel, …) only when the outlet has no other feed."""
    hosts = (domain, *extra_hosts)
    candidates = []
    for url, weight in weights.items():
        key = feed_host_key(url)
        if any(key.endswith(skipped) for skipped in _SKIPPED_HOSTS):
            continue
        if any(key == host or key.endswith("." + host) for host in hosts):
            # Front-page and general feeds before a section's: they carry the big stories.
            # An English edition of a non-English outlet comes last.
            path = urlsplit(url).path.lower()
            general = bool(_GENERAL_FEED.search(path))
            niche = bool(_NICHE_FEED.search(path))
            foreign = language != "en" and bool(_ENGLISH_EDITION.search(url.lower()))
            candidates.append((foreign, niche, not general, -weight, len(url), url))
    chosen: list[str] = []
    seen: set[str] = set()
    for _, niche, *_, url in sorted(candidates):
        if len(chosen) + have >= FEEDS_PER_OUTLET or (niche and (chosen or have)):
            break
        # http:// and https:// of one feed count once.
        bare = url.split("://", 1)[-1].rstrip("/")
        if bare not in seen:
            seen.add(bare)
            chosen.append(url)
    return chosen


def read_ownership(data: Path) -> dict[str, dict[str, str]]:
    """Owner and typology by domain: Kite's media_data.json first, then ownership-kagi.csv."""
    found: dict[str, dict[str, str]] = {}
    media = json.loads((data / "catalogue" / "kite" / "media_data.json").read_text("utf-8"))
    for organisation in media:
        typology = TYPOLOGY.get(organisation.get("typology", "").strip().lower())
        owner = short_owner(organisation.get("owner", ""))
        if not (owner or typology):
            continue
        for domain in organisation.get("domains", []):
            found.setdefault(
                domain.lower(),
                {
                    "owner": owner,
                    "typology": typology,
                    "source": f"{KITE_URL} (media_data.json)",
                    "licence": "MIT",
                },
            )
    with (data / "ratings" / "open" / "ownership-kagi.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            typology = TYPOLOGY.get(row["typology"].strip().lower())
            owner = short_owner(row["owner"])
            if owner or typology:
                found.setdefault(
                    row["domain"].lower(),
                    {
                        "owner": owner,
                        "typology": typology,
                        "source": f"{KITE_URL} (ownership)",
                        "licence": "MIT",
                    },
                )
    return found


def read_open_ratings(data: Path) -> dict[str, list[dict[str, str | None]]]:
    """Factuality ratings by domain, each named after the open rater that gave it."""
    found: dict[str, list[dict[str, str | None]]] = defaultdict(list)
    with (data / "ratings" / "open" / "outlets-open.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for part in filter(None, row["rating_source"].split(";")):
                axis, _, source = part.partition("=")
                if axis != "factuality" or not row["factuality"]:
                    continue
                # "wp-rsp" has no date; the others are "<rater>-<year>".
                code, _, year = ("wp-rsp", "", "") if source == "wp-rsp" else source.rpartition("-")
                rater, licence, url = OPEN_RATERS[code]
                found[row["domain"].lower()].append(
                    {
                        "axis": "factuality",
                        "value": row["factuality"],
                        "rater": rater,
                        "licence": licence,
                        "rated_on": year or None,
                        "source_url": url,
                    }
                )
    return found


def read_allsides(data: Path) -> list[dict[str, str | None]]:
    path = data / "ratings" / "noncommercial" / "allsides.csv"
    with path.open(encoding="utf-8") as handle:
        rows = {row["domain"].lower(): row for row in csv.DictReader(handle)}
    for alias, rated in ALLSIDES_ALIASES.items():
        if rated in rows and alias not in rows:
            rows[alias] = rows[rated]
    ratings = []
    for domain, row in sorted(rows.items()):
        ratings.append(
            {
                "domain": domain,
                "name": row["name"] or row["allsides_name"] or None,
                "axis": "us-left-right",
                # AllSides' five labels are five points of our seven-point scale.
                "value": row["bias"],
                "rater": "allsides",
                "rated_on": row["allsides_snapshot"].removeprefix("allsides-"),
                "licence": ALLSIDES_LICENCE,
                "source_url": ALLSIDES_URL,
            }
        )
    return ratings


def build_outlets(data: Path) -> list[dict[str, object]]:
    weights = read_listed_feeds(data)
    ownership = read_ownership(data)
    open_ratings = read_open_ratings(data)
    outlets = []
    for domain, name, country, language, extra_hosts in CURATED:
        extra = EXTRA_FEEDS.get(domain, [])
        feeds = extra + pick_feeds(domain, extra_hosts, weights, language=language, have=len(extra))
        ratings = sorted(
            open_ratings.get(domain, []), key=lambda r: (r["axis"], r["rater"], r["rated_on"] or "")
        )
        outlets.append(
            {
                "domain": domain,
                "name": name,
                "country": country,
                "language": language,
                "homepage": f"https://{domain}/",
                "feeds": sorted(feeds),
                "ownership": ownership.get(domain),
                "ratings": ratings,
            }
        )
    return sorted(outlets, key=lambda outlet: str(outlet["domain"]))


def write_json(path: Path, document: dict[str, object]) -> None:
    text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False)
    path.write_text(text + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write")
    parser.add_argument(
        "--generated",
        default=datetime.now(UTC).date().isoformat(),
        help="date stamped into the files (default: today)",
    )
    args = parser.parse_args()
    domains = [entry[0] for entry in CURATED]
    duplicates = {domain for domain in domains if domains.count(domain) > 1}
    if duplicates:
        raise SystemExit(f"curated twice: {sorted(duplicates)}")

    outlets = build_outlets(args.data)
    args.out.mkdir(parents=True, exist_ok=True)
    write_json(
        args.out / "outlets.json",
        {
            "format": FORMAT,
            "generated": args.generated,
            "licence": OUTLETS_LICENCE,
            "attribution": "See DATA-LICENSES.md: Kite (MIT), awesome-rss-feeds (CC0), "
            "Wikipedia perennial sources (CC BY-SA 4.0), CRED-1 (CC BY 4.0), "
            "OpenSources (LGPL-3.0).",
            "outlets": outlets,
        },
    )
    write_json(
        args.out / "ratings-allsides.json",
        {
            "format": FORMAT,
            "generated": args.generated,
            "licence": ALLSIDES_LICENCE,
            "attribution": f"AllSides Media Bias Ratings, {ALLSIDES_URL}",
            "ratings": read_allsides(args.data),
        },
    )
    with_feeds = sum(1 for outlet in outlets if outlet["feeds"])
    print(f"wrote {len(outlets)} outlets ({with_feeds} with feeds) to {args.out}")


if __name__ == "__main__":
    main()
