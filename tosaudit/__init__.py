"""tosaudit: read contract terms and show which clauses hurt the customer.

Public API (see :mod:`tosaudit.api`): ``audit_file``, ``audit_text``, ``audit_source``,
``audit_document``, ``load_catalogue``, ``load_profile``, ``load_source``, ``profile_from_page``.
"""

__version__ = "0.1.0"

_API = {"audit_document", "audit_file", "audit_source", "audit_text", "load_catalogue", "load_profile",
        "load_source", "profile_from_page"}


def __getattr__(name: str):  # lazy, so that `import tosaudit` stays cheap
    if name in _API:
        from tosaudit import api

        return getattr(api, name)
    raise AttributeError(f"module 'tosaudit' has no attribute {name!r}")
