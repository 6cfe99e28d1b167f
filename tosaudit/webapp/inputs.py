"""Inputs of the page: bundled samples, profile files, URL checks and the feature form."""

from __future__ import annotations

import ipaddress
import json
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection, Mapping
from urllib.parse import urlsplit

import yaml

from tosaudit.errors import ProfileError
from tosaudit.features import build_profile, coerce
from tosaudit.models import FeatureDef, FeatureValue, Profile

#: what the uploader accepts (ingest reads these)
UPLOAD_TYPES: tuple[str, ...] = ("pdf", "html", "htm", "docx", "txt", "md")
#: preferred contract file of a sample directory
_AGB_ORDER = ("agb.pdf", "agb.docx", "agb.html", "agb.htm", "agb.md", "agb.txt",
              "terms.pdf", "terms.docx", "terms.html", "terms.md", "terms.txt")
_PAGE_STEMS = ("product-page", "produktseite", "product")
URL_MAX_BYTES = 10_000_000
URL_TIMEOUT = 20.0

#: friendly names of the samples we know; others get a name from their folder
SAMPLE_NAMES: dict[str, dict[str, str]] = {
    "homepage-builder": {"de": "Homepage-Baukasten (AGB, deutsch)", "en": "Homepage builder (German AGB)"},
    "shared-hosting": {"de": "Webhosting (AGB, deutsch)", "en": "Shared hosting (German AGB)"},
    "cloud-storage": {"de": "Cloud-Speicher (Terms, englisch)", "en": "Cloud storage (English terms)"},
}


@dataclass(frozen=True)
class Sample:
    key: str  # folder name relative to samples/, e.g. "homepage-builder"
    contract: Path | None  # agb.* (None: a folder that holds only a profile / product page)
    profile: Path | None
    page: Path | None = None  # product-page.* (a product page to read the features from)

    def label(self, lang: str) -> str:
        names = SAMPLE_NAMES.get(self.key)
        if names:
            return names.get(lang, names["en"])
        parts = [p.replace("-", " ").replace("_", " ") for p in self.key.split("/")]
        return " · ".join(p[:1].upper() + p[1:] for p in parts)


def find_samples(root: Path) -> list[Sample]:
    """Sample folders under ``root`` (``samples/``): each with an ``agb.*`` and/or a ``profile*.yaml``.

    Sample (a) ``homepage-builder`` comes first; the others follow by name.
    """
    if not root.is_dir():
        return []
    dirs: set[Path] = set()
    for pattern in ("*/agb.*", "*/terms.*", "*/profile*.yaml", "*/profile*.json", "*/product-page.*",
                    "*/*/agb.*", "*/*/profile*.yaml", "*/*/product-page.*"):
        dirs.update(p.parent for p in root.glob(pattern) if p.is_file())
    out = []
    for d in dirs:
        contract = next((d / n for n in _AGB_ORDER if (d / n).is_file()), None)
        profs = sorted(list(d.glob("profile*.yaml")) + list(d.glob("profile*.json")))
        profile = (d / "profile.yaml") if (d / "profile.yaml").is_file() else (profs[0] if profs else None)
        pages = sorted(p for p in d.iterdir() if p.is_file() and p.stem.lower() in _PAGE_STEMS)
        out.append(Sample(key=d.relative_to(root).as_posix(), contract=contract, profile=profile,
                          page=pages[0] if pages else None))
    return sorted(out, key=lambda s: (s.key != "homepage-builder", s.contract is None, s.key))


# ----------------------------------------------------------------------------- profiles


def parse_profile(data: bytes | str, vocab: Mapping[str, FeatureDef], *, source: str,
                  origin: str = "profile", sectors: Collection[str] | None = None) -> Profile:
    """A profile from the bytes of a YAML or JSON file; ProfileError with a one-line reason."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ProfileError(f"{source}: not a UTF-8 text file; save the profile as UTF-8 YAML or JSON") from None
    else:
        text = data
    try:
        raw = json.loads(text) if source.lower().endswith(".json") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ProfileError(f"{source}: not valid YAML or JSON ({first})") from None
    if raw is None:
        raise ProfileError(f"{source}: the profile is empty; it needs a `features:` mapping")
    return build_profile(raw, vocab, origin=origin, source=source, sectors=sectors)


def form_value(fd: FeatureDef, value: Any) -> Any:
    """The form's widget value for a profile value (None = unknown)."""
    if value is None:
        return None
    if fd.type in ("int", "float", "str"):
        if isinstance(value, float) and value == int(value) and fd.type == "int":
            return str(int(value))
        return f"{value:g}" if isinstance(value, float) else str(value)
    return value


def form_profile(
    values: Mapping[str, Any],
    vocab: Mapping[str, FeatureDef],
    base: Profile | None,
    sector: str | None = None,
) -> tuple[Profile, list[tuple[str, str, str]]]:
    """The profile the form describes, and the values that could not be used.

    ``values`` maps a feature key to the widget value (None / "" = unknown; text for numbers);
    ``sector`` is the sector select's value (None = unknown: every rule runs).
    A value equal to the loaded ``base`` profile's keeps its origin and source; a value the
    user changed has origin "form". Returns (profile, [(key, raw, reason)]).
    """
    feats: dict[str, FeatureValue] = {}
    bad: list[tuple[str, str, str]] = []
    for key, fd in vocab.items():
        raw = values.get(key)
        if isinstance(raw, str) and not raw.strip():
            raw = None
        try:
            value = coerce(fd, raw)
        except ValueError as exc:
            bad.append((key, str(raw), str(exc)))
            value = None
        if value is None:
            continue
        prev = base.features.get(key) if base else None
        if prev is not None and prev.value == value and type(prev.value) is type(value):
            feats[key] = prev
        else:
            feats[key] = FeatureValue(key=key, value=value, origin="form", source=None)
    prof = Profile(
        provider=base.provider if base else None,
        plan=base.plan if base else None,
        url=base.url if base else None,
        sector=sector,
        features=feats,
    )
    return prof, bad


# ----------------------------------------------------------------------------- URLs


class UrlRefused(ValueError):
    """A URL the page will not fetch; ``key``/``kw`` name the reason for :func:`~tosaudit.webapp.i18n.t`."""

    def __init__(self, key: str, **kw: str):
        self.key = key
        self.kw = kw
        super().__init__(key)


def check_public_url(url: str, *, resolve=socket.getaddrinfo) -> str:
    """``url`` stripped, if it is http(s) to a host whose every address is public; else UrlRefused.

    The ingest's fetcher checks again (also after redirects); this check gives the page a clear
    message before anything is sent.
    """
    u = (url or "").strip()
    parts = urlsplit(u)
    if parts.scheme.lower() not in ("http", "https"):
        raise UrlRefused("err_url_scheme")
    host = parts.hostname
    if not host:
        raise UrlRefused("err_url_host")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise UrlRefused("err_url_host") from None
    try:
        ip = ipaddress.ip_address(host)
        addrs = [ip]
    except ValueError:
        if host.lower() in ("localhost",) or host.lower().endswith((".localhost", ".local", ".internal")):
            raise UrlRefused("err_url_private", host=host) from None
        try:
            infos = resolve(host, port, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            raise UrlRefused("err_url_resolve", host=host) from None
        addrs = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
        if not addrs:
            raise UrlRefused("err_url_resolve", host=host)
    for a in addrs:
        if isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped is not None:
            a = a.ipv4_mapped
        if not a.is_global or a.is_multicast:
            raise UrlRefused("err_url_private", host=host)
    return u


# ----------------------------------------------------------------------------- cache


class DocCache:
    """A small thread-safe LRU of ingested documents, keyed by content hash (memory only)."""

    def __init__(self, max_entries: int = 16):
        import threading
        from collections import OrderedDict

        self.max_entries = max_entries
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.misses = 0

    def get(self, key, make):
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = make()  # errors propagate and are not cached
        with self._lock:
            self.misses += 1
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
