"""Named patterns and shared pattern trees of the catalogue (``rules/patterns.yaml``).

The same long regexes used to be copied from rule file to rule file (the German "provider power",
the "terms" object, the change verbs ...), so a fix had to be made identically in several places.
``rules/patterns.yaml`` gives such pieces a name::

    patterns:
      power:
        description: the provider's power to act (behalten uns vor, ist berechtigt, wir können ...)
        de: '\\b(?:behalten\\s+(?:wir\\s+)?uns|...)\\b'
    trees:
      terms-change:
        description: a clause that lets the provider change the terms
        de: {any: [...]}
        en: {any: [...]}

A ``regex`` leaf (in ``match`` or ``unless``) uses a pattern as ``{{power}}``: the text of the
pattern in the language of the tree it stands in (``match.de`` takes ``de``). A leaf that is only
the reference becomes the pattern itself; a reference inside a longer regex is inserted as the
group ``(?:...)``, so ``{{power}}\\s+{{change-verb}}`` and ``{{x}}{1,3}`` mean what they say. A
node ``{use: terms-change}`` stands for the shared tree of that name, in any place a node may
stand. Patterns may use other patterns and trees other trees or patterns (cycles are an error).

Why ``{{name}}``: it cannot clash with regex syntax the catalogue uses. A quantifier is ``{2}``,
``{1,3}``, ``{,5}`` (digits and a comma only), the ``regex`` module's fuzzy constraints
``{e<=1}``, properties ``\\p{Lu}`` and named characters ``\\N{...}`` use single braces, and
``(?&name)`` / ``(?P>name)`` already mean "call group *name*" in the ``regex`` module. An
unescaped ``{{`` that does not open a well-formed reference is an error, never silently a
literal; write ``\\{\\{`` for literal braces.

Everything is expanded once when the catalogue is loaded, before the rule is validated, so the
rule models, the examples (``tosaudit rules test``), the generated docs, the literal prefilter and
the matcher only ever see the expanded regexes. Loading fails with errors that name the file and
the key for an unknown or malformed reference, a pattern without text for the language it is
used in, a shared tree that is not a valid pattern tree, and a cycle. The lint (``tosaudit rules
lint`` / ``rules test``) reports a named pattern that does not compile (by its key in
``rules/patterns.yaml``; like every regex of the catalogue it is compiled by the lint, not at
load) and a pattern or tree that no rule uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex
from pydantic import Field, ValidationError, field_validator, model_validator

from tosaudit.catalogue.schema import Node
from tosaudit.models import Strict

__all__ = ["NamedPattern", "SharedTree", "PatternFile", "SharedPatterns", "expand_refs", "RefError", "NAME"]

#: a pattern's or tree's name: lower-case words joined by "-" (like rule ids)
NAME = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*"
_REF = regex.compile(r"\{\{(" + NAME + r")\}\}")
LANGS = ("de", "en")


class _Described(Strict):
    description: str = Field(min_length=1)

    @field_validator("description")
    @classmethod
    def _one_line(cls, v: str) -> str:
        if not v.strip() or "\n" in v.strip():
            raise ValueError("the description is one line of text")
        return v.strip()


class NamedPattern(_Described):
    """A regex shared by several leaves, with a text per language."""

    de: str | None = Field(default=None, min_length=1)
    en: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _some_text(self) -> NamedPattern:
        if self.de is None and self.en is None:
            raise ValueError("a named pattern needs its regex for at least one language (de, en)")
        return self


class SharedTree(_Described):
    """A pattern tree (any/all/near/... as in a rule's match) shared by several rules."""

    #: raw node data, validated as a Node once its references are expanded
    de: Any = None
    en: Any = None

    @model_validator(mode="after")
    def _some_tree(self) -> SharedTree:
        if self.de is None and self.en is None:
            raise ValueError("a shared tree needs a tree for at least one language (de, en)")
        return self


class PatternFile(Strict):
    """The contents of rules/patterns.yaml."""

    patterns: dict[str, NamedPattern] = Field(default_factory=dict)
    trees: dict[str, SharedTree] = Field(default_factory=dict)

    @field_validator("patterns", "trees", mode="before")
    @classmethod
    def _names(cls, v: Any) -> Any:
        for name in v if isinstance(v, dict) else ():
            if not isinstance(name, str) or not regex.fullmatch(NAME, name):
                raise ValueError(f"name {name!r}: use lower-case letters, digits and '-' (e.g. terms-object)")
        return v


class RefError(ValueError):
    """A reference that cannot be expanded (the message says why)."""


def expand_refs(text: str, resolve) -> tuple[str, list[str]]:
    """Replace every ``{{name}}`` in a regex by ``resolve(name)``; returns (text, names used).

    The whole text being one reference gives the pattern itself; a reference inside a longer
    regex gives ``(?:pattern)``. Escaped characters are skipped (``\\{\\{x}}`` stays literal).
    ``resolve`` raises RefError for an unknown name; a malformed reference raises RefError too.
    """
    if "{{" not in text:
        return text, []
    whole = _REF.fullmatch(text)
    if whole:
        return resolve(whole.group(1)), [whole.group(1)]
    out: list[str] = []
    names: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            out.append(text[i : i + 2])
            i += 2
            continue
        if c == "{" and text.startswith("{{", i):
            m = _REF.match(text, i)
            if m is None:
                shown = text[i : i + 24] + ("…" if n > i + 24 else "")
                raise RefError(f"{shown!r} is not a reference {{{{name}}}} (a name is lower-case letters, digits "
                               "and '-'); write \\{\\{ for literal braces")
            names.append(m.group(1))
            out.append("(?:" + resolve(m.group(1)) + ")")
            i = m.end()
            continue
        out.append(c)
        i += 1
    return "".join(out), names


Key = tuple[str, str, str]  # (kind "pattern"|"tree", name, lang)


@dataclass
class SharedPatterns:
    """rules/patterns.yaml, expanded and checked; expands the references of rule files."""

    path: Path
    patterns: dict[str, NamedPattern] = field(default_factory=dict)
    trees: dict[str, SharedTree] = field(default_factory=dict)
    #: expanded regex text of each (pattern, lang); None when it is broken (reported at load)
    texts: dict[tuple[str, str], str | None] = field(default_factory=dict)
    #: expanded raw tree of each (tree, lang); None when it is broken (reported at load)
    raw_trees: dict[tuple[str, str], Any] = field(default_factory=dict)
    #: the named pieces each piece uses, directly or through others
    deps: dict[Key, set[Key]] = field(default_factory=dict)
    #: the rules that use each piece (directly or through another piece)
    used_by: dict[Key, set[str]] = field(default_factory=dict)
    #: the file itself is invalid (reported); rules with references are then skipped silently
    broken: bool = False

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, path: Path, data: Any, errors: list[str]) -> SharedPatterns:
        """Validate and expand the file's contents; every problem is appended to ``errors``."""
        from tosaudit.catalogue import _format_validation

        table = cls(path=path)
        if data is None:
            return table
        try:
            pf = PatternFile.model_validate(data)
        except ValidationError as exc:
            errors.extend(_format_validation(path, exc))
            table.broken = True
            return table
        table.patterns, table.trees = pf.patterns, pf.trees
        for name, p in pf.patterns.items():
            for lang in LANGS:
                if getattr(p, lang) is not None:
                    table._pattern(name, lang, (), errors)
        for name, t in pf.trees.items():
            for lang in LANGS:
                if getattr(t, lang) is not None:
                    table._tree(name, lang, (), errors)
        return table

    def _pattern(self, name: str, lang: str, stack: tuple[Key, ...], errors: list[str]) -> str | None:
        key = (name, lang)
        if key in self.texts:
            return self.texts[key]
        me: Key = ("pattern", name, lang)
        where = f"{self.path}: patterns.{name}.{lang}"
        text = getattr(self.patterns[name], lang)
        deps: set[Key] = set()
        try:
            expanded, _ = expand_refs(text, lambda n: self._resolve_pattern(n, lang, stack + (me,), deps, errors))
        except RefError as exc:
            errors.append(f"{where}: {exc}")
            expanded = None
        except _Broken:  # a pattern it uses is broken (reported there)
            expanded = None
        self.texts[key] = expanded
        self.deps[me] = deps
        return expanded

    def _resolve_pattern(self, name: str, lang: str, stack: tuple[Key, ...], deps: set[Key],
                         errors: list[str]) -> str:
        key: Key = ("pattern", name, lang)
        if key in stack:
            chain = " -> ".join(f"{{{{{k[1]}}}}}" for k in (*stack[stack.index(key):], key))
            raise RefError(f"patterns refer to each other in a cycle: {chain}")
        p = self.patterns.get(name)
        if p is None:
            raise RefError(f"unknown pattern {{{{{name}}}}} (see {self.path.name}: patterns)")
        if getattr(p, lang) is None:
            raise RefError(f"pattern {{{{{name}}}}} has no {lang!r} text (see {self.path.name}: patterns.{name})")
        text = self._pattern(name, lang, stack, errors)
        if text is None:
            raise _Broken
        deps.add(key)
        deps.update(self.deps.get(key, ()))
        return text

    def _tree(self, name: str, lang: str, stack: tuple[Key, ...], errors: list[str]) -> Any:
        key = (name, lang)
        if key in self.raw_trees:
            return self.raw_trees[key]
        me: Key = ("tree", name, lang)
        where = f"trees.{name}.{lang}"
        deps: set[Key] = set()
        self.raw_trees[key] = None  # a cycle back to here finds it broken instead of recursing
        try:
            raw = self._expand_node(getattr(self.trees[name], lang), lang, where, stack + (me,), deps, errors)
        except _Broken:
            raw = None
        if raw is not None:
            from tosaudit.catalogue import _format_validation

            try:
                Node.model_validate(raw)
            except ValidationError as exc:
                errors.extend(_format_validation(self.path, exc, prefix=where + "."))
                raw = None
        self.raw_trees[key] = raw
        self.deps[me] = deps
        return raw

    def _resolve_tree(self, name: Any, lang: str, stack: tuple[Key, ...], deps: set[Key], errors: list[str]) -> Any:
        key: Key = ("tree", name, lang)
        if key in stack:
            chain = " -> ".join(k[1] for k in (*stack[stack.index(key):], key))
            raise RefError(f"trees use each other in a cycle: {chain}")
        t = self.trees.get(name) if isinstance(name, str) else None
        if t is None:
            raise RefError(f"unknown shared tree {name!r} (see {self.path.name}: trees)")
        if getattr(t, lang) is None:
            raise RefError(f"shared tree {name!r} has no {lang!r} tree (see {self.path.name}: trees.{name})")
        raw = self._tree(name, lang, stack, errors)
        if raw is None:
            raise _Broken
        deps.add(key)
        deps.update(self.deps.get(key, ()))
        return raw

    # ------------------------------------------------------------------ expanding
    def _expand_node(self, raw: Any, lang: str, where: str, stack: tuple[Key, ...], deps: set[Key],
                     errors: list[str], file: Path | None = None) -> Any:
        """A node's raw data with its references expanded. Reports each bad reference (naming
        ``file`` and the key) and raises _Broken at the end when there was one."""
        bad: list[str] = []

        def regex_text(text: str, key: str) -> str:
            try:
                return expand_refs(text, lambda n: self._resolve_pattern(n, lang, stack, deps, errors))[0]
            except RefError as exc:
                bad.append(f"{file or self.path}: {key}: {exc}")
            except _Broken:
                bad.append("")  # reported where the pattern is defined
            return text

        def node(x: Any, key: str) -> Any:
            if isinstance(x, str):  # shorthand: a bare string is a regex
                return regex_text(x, key)
            if isinstance(x, list):  # shorthand: a bare list is an `any`
                return [node(k, f"{key}[{i}]") for i, k in enumerate(x)]
            if not isinstance(x, dict):
                return x  # left to the schema to complain about
            if "use" in x:
                if len(x) != 1:
                    others = ", ".join(str(k) for k in x if k != "use")
                    bad.append(f"{file or self.path}: {key}: a `use` node stands alone (found also {others})")
                    return x
                try:
                    return self._resolve_tree(x["use"], lang, stack, deps, errors)
                except RefError as exc:
                    bad.append(f"{file or self.path}: {key}.use: {exc}")
                except _Broken:
                    bad.append("")
                return x
            out = dict(x)
            if isinstance(x.get("regex"), str):
                out["regex"] = regex_text(x["regex"], f"{key}.regex")
            for k in ("any", "all"):
                if isinstance(x.get(k), list):
                    out[k] = [node(c, f"{key}.{k}[{i}]") for i, c in enumerate(x[k])]
            if "not" in x:
                out["not"] = node(x["not"], f"{key}.not")
            near = x.get("near")
            if isinstance(near, dict) and isinstance(near.get("items"), list):
                out["near"] = {**near, "items": [node(c, f"{key}.near.items[{i}]")
                                                 for i, c in enumerate(near["items"])]}
            return out

        result = node(raw, where)
        if bad:
            errors.extend(b for b in bad if b)
            raise _Broken
        return result

    def expand_rule(self, data: dict, path: Path, errors: list[str]) -> dict | None:
        """A rule file's data with the references in ``match`` and ``unless`` expanded; None
        (after appending the problems to ``errors``) when a reference is bad."""
        if self.broken:
            return None  # the catalogue does not load anyway; its problem is reported for patterns.yaml
        rule_id = data.get("id") if isinstance(data.get("id"), str) else path.stem
        out = dict(data)
        ok = True
        used: set[Key] = set()
        match = data.get("match")
        if isinstance(match, dict):
            out["match"] = {}
            for lang, tree in match.items():
                try:
                    out["match"][lang] = self._expand_node(tree, lang, f"match.{lang}", (), used, errors, path)
                except _Broken:
                    ok = False
        unless = data.get("unless")
        if isinstance(unless, dict):
            out["unless"] = {}
            for lang, items in unless.items():
                try:
                    out["unless"][lang] = self._expand_node(items, lang, f"unless.{lang}", (), used, errors, path) \
                        if isinstance(items, list) else items
                except _Broken:
                    ok = False
        for key in used:
            self.used_by.setdefault(key, set()).add(rule_id)
        return out if ok else None

    # ------------------------------------------------------------------ reporting
    def compile_problems(self) -> list[str]:
        """Lint problems: named patterns whose (expanded) regex does not compile. Checked by the
        lint rather than at load, like every regex of the catalogue, to keep loading fast."""
        from tosaudit.match import FLAGS

        out = []
        for (name, lang), text in self.texts.items():
            if text is None:
                continue
            try:
                regex.compile(text, FLAGS)
            except regex.error as exc:
                out.append(f"{self.path}: patterns.{name}.{lang}: pattern {name!r} does not compile: {exc}")
        return out

    def unused(self) -> list[str]:
        """Lint problems: named pieces (per language) that no rule uses."""
        out = []
        for kind, items in (("pattern", self.patterns), ("tree", self.trees)):
            for name, item in items.items():
                for lang in LANGS:
                    if getattr(item, lang) is not None and not self.used_by.get((kind, name, lang)):
                        how = f"{{{{{name}}}}} in a regex" if kind == "pattern" else f"{{use: {name}}} as a node"
                        out.append(f"{self.path}: {kind}s.{name}.{lang}: never used by a rule "
                                   f"(use it as {how} in a {lang} tree, or remove it)")
        return out

    def users(self, kind: str, name: str) -> list[str]:
        """The rules using a named piece in any language, sorted."""
        return sorted(set().union(*(self.used_by.get((kind, name, lang), set()) for lang in LANGS)))

    def used_in(self, rule_id: str) -> list[Key]:
        """The named pieces a rule uses (directly or through others)."""
        return sorted(k for k, ids in self.used_by.items() if rule_id in ids)


class _Broken(Exception):
    """A reference to a piece that is itself broken (its problem is reported where it is defined)."""
