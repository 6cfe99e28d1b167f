"""The public API: what the CLI, the Streamlit page and batch scripts call.

>>> from tosaudit import audit_file, audit_text, load_catalogue, load_profile
>>> report = audit_file("samples/homepage-builder/agb.pdf",
...                     profile="samples/homepage-builder/profile.yaml")  # doctest: +SKIP
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable

from tosaudit.audit import audit_document
from tosaudit.catalogue import Catalogue, load_catalogue
from tosaudit.errors import InputError
from tosaudit.features import load_profile as _load_profile
from tosaudit.features import merge_profiles
from tosaudit.models import Document, Profile, Report


def is_url(s: str) -> bool:
    return s.lower().startswith(("http://", "https://"))


def load_source(name: str | Path, *, progress=None) -> Document:
    """A contract or product page from a path, an http(s) URL, or '-' (standard input)."""
    from tosaudit import ingest

    s = str(name)
    if s == "-":
        data = sys.stdin.buffer.read()
        return ingest.load_bytes(data, "stdin", progress=progress)
    if is_url(s):
        return ingest.load_url(s, progress=progress)
    if "://" in s:
        raise InputError(s, "only http:// and https:// addresses can be fetched")
    return ingest.load_path(s, progress=progress)


def load_profile(path: str | Path, catalogue: Catalogue | None = None) -> Profile:
    cat = catalogue or load_catalogue()
    return _load_profile(path, cat.features, cat.sectors)


def profile_from_page(page: str | Path, catalogue: Catalogue | None = None) -> Profile:
    """Propose a profile from a product or plan page (file or URL)."""
    from tosaudit.product_page import extract_profile

    cat = catalogue or load_catalogue()
    return extract_profile(load_source(page), cat.features)


def audit_source(
    name: str | Path,
    *,
    catalogue: Catalogue | None = None,
    profile: Profile | str | Path | None = None,
    product_page: str | Path | None = None,
    progress=None,
    **options,
) -> Report:
    """Audit a contract file or URL. ``profile`` overrides features read from ``product_page``;
    ``sector=`` (an option of :func:`audit_document`) overrides the profile's sector."""
    cat = catalogue or load_catalogue()
    if profile is not None and not isinstance(profile, Profile):
        profile = _load_profile(profile, cat.features, cat.sectors)
    if product_page is not None:
        profile = merge_profiles(profile_from_page(product_page, cat), profile)  # type: ignore[arg-type]
    doc = load_source(name, progress=progress)
    return audit_document(doc, cat, profile, **options)  # type: ignore[arg-type]


def audit_file(path: str | Path, profile: Profile | str | Path | None = None, **options) -> Report:
    return audit_source(path, profile=profile, **options)


def audit_text(
    text: str,
    profile: Profile | str | Path | None = None,
    *,
    name: str = "pasted text",
    catalogue: Catalogue | None = None,
    **options,
) -> Report:
    from tosaudit import ingest

    cat = catalogue or load_catalogue()
    if profile is not None and not isinstance(profile, Profile):
        profile = _load_profile(profile, cat.features, cat.sectors)
    return audit_document(ingest.load_text(text, name=name), cat, profile, **options)  # type: ignore[arg-type]


__all__: Iterable[str] = [
    "audit_document", "audit_file", "audit_source", "audit_text", "load_catalogue", "load_profile",
    "load_source", "profile_from_page",
]
