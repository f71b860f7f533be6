"""URL normalisation: the dedup key of an article is the hash of its normalised URL."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit

# Query parameters that only track the reader and never change the page.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "ga_", "itm_", "at_")
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "ocid",
        "cmpid",
        "cmp",
        "smid",
        "smtyp",
        "ref",
        "ref_src",
        "rss",
        "rssfeed",
        "feed",
        "feedtype",
        "partner",
        "mod",
        "src",
        "_ga",
        "spm",
        "s_cid",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "soc_src",
        "soc_trk",
        "ito",
        "at_medium",
        "at_campaign",
        "_r",
        "rssid",
        "taid",
    }
)


def host_of(url: str) -> str:
    """Lower-case host without a leading ``www.``."""
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:  # an unbalanced IPv6 bracket, e.g. "http://["
        return ""
    return host[4:] if host.startswith("www.") else host


def normalize_url(url: str) -> str:
    """Scheme-less, www-less, tracking-free, fragment-free form of a URL.

    ``http://www.Example.com/a/?utm_source=x&id=2#top`` and
    ``https://example.com/a?id=2`` normalise to the same string.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        # "http://[" or "http://host:abc/": feeds do carry such links, and one must not
        # stop the rest of the feed; with no readable host, the text itself is the key.
        return url.strip().partition("#")[0]
    host = host_of(url)
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    # "/a//" and "//" are "/a" and "/" (rstrip alone left "//" empty).
    path = parts.path.rstrip("/") or "/"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in _TRACKING_NAMES and not key.lower().startswith(_TRACKING_PREFIXES)
    ]
    query.sort()
    # Joined by hand: urlunsplit(...)[2:] cut the first two characters of a host-less URL.
    return f"{host}{path}" + (f"?{urlencode(query)}" if query else "")


def url_hash(url: str) -> str:
    return hashlib.sha256(normalize_url(url).encode("utf-8")).hexdigest()
