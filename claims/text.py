"""Turning what people submit (pasted text, .txt, .html, URLs) into clean article text."""

import hashlib
import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# NUL, zero-width space, word joiner, byte-order mark: invisible, never content. (Zero-width
# joiners stay: some scripts need them.)
_INVISIBLE = re.compile("[\x00\u200b\u2060\ufeff]")
# Tracking parameters say where a reader came from, not which article it is.
_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid)$", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def strip_controls(text: str) -> str:
    """Drop control characters but line breaks and tabs: NUL and its kind are never text, and
    PostgreSQL refuses NUL in a text column."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def clean_text(text: str) -> str:
    """NFC-normalise, unify line endings, drop control characters, trim each line and collapse
    runs of blank lines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = strip_controls(text)
    text = _INVISIBLE.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def has_visible_text(text: str) -> bool:
    """True when some character would show: not only spaces and invisible format characters."""
    return any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in text)


def content_hash(text: str) -> str:
    """Hash that ignores whitespace and case differences, so a re-pasted article is caught."""
    canonical = " ".join(unicodedata.normalize("NFKC", text).lower().split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# The largest id a 64-bit primary key holds; a larger number names no row (and overflows SQLite).
MAX_ID = 2**63 - 1


def id_from_text(value: str | None) -> int | None:
    """A row id from a query-string value, or None: ASCII digits only ("²" and "١٢" are digits to
    ``str.isdigit`` but not to ``int``), within a 64-bit key."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if number <= MAX_ID else None


def url_port_validate(url: str) -> None:
    """``ValidationError`` for a port outside 1-65535: Django's URLValidator lets "host:99999"
    through, and ``urlsplit().port`` then raises ValueError."""
    try:
        _ = urlsplit(url.strip()).port
    except ValueError:
        raise ValidationError(
            f"“{url.strip()[:200]}” has an invalid port: ports run from 1 to 65535.", code="port"
        ) from None


def normalize_url(url: str) -> str:
    """Canonical form of an article URL: lower-case scheme and host, no default port, no fragment,
    no tracking parameters, sorted query, no trailing slash on the path."""
    url = url.strip()
    URLValidator(schemes=["http", "https"])(url)
    url_port_validate(url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = host
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
               if not _TRACKING_PARAMS.match(k))
    )  # fmt: skip
    path = parts.path.rstrip("/") or ""
    return urlunsplit((scheme, netloc, path, query, ""))


def decode_upload(data: bytes, *, name: str = "file") -> str:
    """Decode uploaded bytes as UTF-8 (with or without BOM); refuse binary and other encodings."""
    if b"\x00" in data[:8192]:
        raise ValidationError(f"{name} looks like a binary file, not text or HTML.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"{name} is not valid UTF-8 text (byte {exc.start} cannot be decoded). "
            "Save it as UTF-8 and try again."
        ) from None


class _HtmlTextParser(HTMLParser):
    # Content of these is never article text.
    SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe"})
    BLOCK = frozenset(
        {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
         "blockquote", "section", "article", "header", "footer", "table", "pre", "hr", "figcaption"}
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.h1_parts: list[str] = []
        self._skip_depth = 0
        self._in_title = False
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in self.SKIP:
            self._skip_depth += 1
        elif tag in self.BLOCK:
            self.parts.append("\n\n")
        if tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in self.SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n\n")
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
            return
        if self._skip_depth:
            return
        self.parts.append(data)
        if self._in_h1:
            self.h1_parts.append(data)


def html_to_text(html: str) -> tuple[str, str]:
    """Return ``(title, text)`` of an HTML document: markup dropped, scripts never kept."""
    parser = _HtmlTextParser()
    parser.feed(html)
    parser.close()
    title = clean_text(" ".join(parser.h1_parts) or " ".join(parser.title_parts))
    return title.replace("\n", " "), clean_text("".join(parser.parts))


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith(("<!doctype html", "<html")) or bool(
        re.search(r"<(p|div|body|article|h1)[\s>]", head)
    )


def title_from_text(text: str, *, limit: int = 200) -> str:
    """First line of the text, cut at a word boundary: a title for articles that came without one."""
    first = text.strip().split("\n", 1)[0].strip()
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + "…"


# --- Language guess ---------------------------------------------------------------------------
# The extractor reads English only, so ingest records a guess and the split marks other languages.
# Function words are the most frequent words of any text and hardly overlap between these
# languages, so the share of each list among the words is a fair vote, with no dependency.
_STOPWORD_LISTS = {
    "en": (
        "the of and to a in is that for it was on with as be by at this are from has have had "
        "not but or were which an they their said its been would will he she his her who more "
        "than we you after about also into over"
    ),
    "fr": (
        "le la les de des du un une et est que qui dans pour pas sur au aux avec ce cette ces il "
        "elle ils sont ont été par plus ne se son sa ses leur mais ou nous vous être fait selon"
    ),
    "de": (
        "der die das und ist nicht ein eine einen dem den des zu mit sich auf für von im auch "
        "es wird sind wurde bei als nach aus noch wie werden hat haben oder aber vor zum zur"
    ),
    "es": (
        "el la los las de del y en que un una por con para es se no al lo su sus más como pero "
        "fue son ha han este esta entre sobre también según sin hasta desde"
    ),
    "it": (
        "il lo la gli le di del della dei delle che e è un una per con non si da al alla sono "
        "nel nella anche ha hanno come più ma stato essere questo questa secondo"
    ),
    "pt": (
        "o os a as de do da dos das e em no na nos nas um uma para com que não se por mais foi "
        "são ao pelo pela como mas seu sua também segundo está tem"
    ),
    "nl": (
        "de het een en van in is dat op te zijn met voor niet aan er die door ook als bij om "
        "wordt werd heeft hebben naar nog maar dan over uit deze tot"
    ),
}
_STOPWORDS = {code: frozenset(words.split()) for code, words in _STOPWORD_LISTS.items()}
# Language code for text in another script or language: "undetermined" (ISO 639-2).
LANGUAGE_UNDETERMINED = "und"
LANGUAGE_NAMES = {
    "en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", LANGUAGE_UNDETERMINED: "a language other than English",
}  # fmt: skip
_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Below this many letters or words a guess is noise (a headline, a list of figures): none is made.
_MIN_LETTERS_FOR_GUESS = 40
_MIN_WORDS_FOR_GUESS = 12
# English prose runs at 25-45% function words; other languages' share of English ones is small.
_MIN_STOPWORD_SHARE = 0.12


def language_guess(text: str, *, sample_chars: int = 20_000) -> str:
    """Guess the text's language: an ISO 639-1 code ("en", "fr", ...), "und" for text mostly in
    another script (Cyrillic, Arabic, CJK...), or "" when it cannot tell (too short, or no clear
    vote). Pure and cheap: a vote of function words over the first ``sample_chars`` characters.

    It errs towards English: a false "not English" would keep an English article from being split,
    so a guess other than "en" or "" needs a clear majority."""
    sample = text[:sample_chars]
    letters = [c for c in sample if c.isalpha()]
    if len(letters) < _MIN_LETTERS_FOR_GUESS:
        return ""
    latin = sum(1 for c in letters if c.isascii() or unicodedata.name(c, "").startswith("LATIN"))
    if latin < len(letters) / 2:
        return LANGUAGE_UNDETERMINED
    words = [w.lower().replace("’", "'") for w in _WORDS.findall(sample)]
    if len(words) < _MIN_WORDS_FOR_GUESS:
        return ""
    shares = {
        code: sum(1 for w in words if w in stopwords) / len(words)
        for code, stopwords in _STOPWORDS.items()
    }
    best = max(shares, key=lambda code: shares[code])
    if best == "en" or shares[best] < _MIN_STOPWORD_SHARE:
        return "en" if shares["en"] >= _MIN_STOPWORD_SHARE else ""
    # Short lists overlap ("de", "a", "in"): English wins a near tie, so a few foreign names or
    # quotes never make an English article "foreign".
    if shares["en"] >= shares[best] * 0.8:
        return "en"
    return best
