"""Rules that lint the rules: what pydantic cannot see on its own.

Each problem names the file and the key, e.g.
``rules/data/backup-duty.yaml: legal_basis[1]: unknown norm id 'BGB-307-9'``.
"""

from __future__ import annotations

import regex

from tosaudit.catalogue import Catalogue
from tosaudit.catalogue.schema import Node, Rule
from tosaudit.match import PatternError, compile_rules

MIN_EXAMPLES = 2
BUILTIN_PLACEHOLDERS = {"clause", "page"}
_PLACEHOLDER = regex.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")


def _children(node: Node) -> list[Node]:
    if node.any:
        return node.any
    if node.all:
        return node.all
    if node.not_ is not None:
        return [node.not_]
    if node.near is not None:
        return node.near.items
    return []


def _regexes(node: Node) -> list[str]:
    if node.regex is not None:
        return [node.regex]
    return [r for k in _children(node) for r in _regexes(k)]


def _terms(node: Node) -> list[str]:
    if node.terms is not None:
        return list(node.terms)
    return [t for k in _children(node) for t in _terms(k)]


def group_names(rule: Rule, lang: str) -> set[str]:
    names: set[str] = set()
    for pat in _regexes(rule.match[lang]):  # type: ignore[index]
        try:
            names.update(regex.compile(pat).groupindex)
        except regex.error:
            pass
    return names


def lint_rule(rule: Rule, cat: Catalogue) -> list[str]:
    where = rule.path or rule.id
    out: list[str] = []
    for i, nid in enumerate(rule.legal_basis):
        if nid not in cat.norms:
            out.append(f"{where}: legal_basis[{i}]: unknown norm id {nid!r} (see rules/legal.yaml)")
    for i, did in enumerate(rule.decisions):
        if did not in cat.decisions:
            out.append(f"{where}: decisions[{i}]: unknown decision id {did!r} (see rules/legal.yaml)")
    if not rule.legal_basis:
        out.append(f"{where}: legal_basis: a rule needs at least one legal basis")
    for i, sector in enumerate(rule.applies_to):
        if sector not in cat.sectors:
            known = ", ".join(cat.sectors) or "none"
            out.append(f"{where}: applies_to[{i}]: unknown sector {sector!r} (known: {known}; see rules/sectors.yaml)")
        elif sector in rule.applies_to[:i]:
            out.append(f"{where}: applies_to[{i}]: sector {sector!r} is listed twice")
    for lang in rule.langs:
        try:
            compile_rules([rule], lang)
        except PatternError as exc:
            out.append(f"{where}: match.{lang}: {exc}")
    for lang in rule.langs:
        trees = [("match", rule.match[lang])] + [  # type: ignore[index]
            (f"unless.{lang}[{i}]", u) for i, u in enumerate(rule.unless.get(lang, []))  # type: ignore[call-overload]
        ]
        for where_key, tree in trees:
            for t in _terms(tree):
                if "*" in t.strip().strip("*"):
                    key = f"match.{lang}" if where_key == "match" else where_key
                    out.append(f"{where}: {key}: term {t!r} has a '*' inside; '*' only works at the "
                               "start or end of a term (use a regex for a gap)")
    all_groups: set[str] = set()
    for lang in rule.langs:
        all_groups |= group_names(rule, lang)
    if rule.contradicts is not None:
        for k in rule.contradicts.when.features():
            if k not in cat.features:
                out.append(f"{where}: contradicts.when: unknown feature key {k!r} (see rules/features.yaml)")
        named: dict[str, str] = {}  # group -> what the condition reads from it
        for _, ref in rule.contradicts.when.capture_refs():
            named.setdefault(ref.capture, "capture")
            if ref.unit is not None:
                named.setdefault(ref.unit, "unit")
        for cap, what in named.items():
            for lang in rule.langs:
                if cap not in group_names(rule, lang):
                    out.append(f"{where}: contradicts.when: {what} {cap!r} is not a named group "
                               f"(?P<{cap}>...) in match.{lang}")
        for feature, ref in rule.contradicts.when.capture_refs():
            fd = cat.features.get(feature)
            if ref.as_ is None or fd is None:
                continue
            if fd.unit is None:
                out.append(f"{where}: contradicts.when: {feature} has no unit in rules/features.yaml; "
                           f"a capture converted to {ref.as_!r} cannot be compared with it")
            elif fd.unit != ref.as_:
                out.append(f"{where}: contradicts.when: capture {ref.capture!r} is converted to {ref.as_!r}, "
                           f"but {feature} is in {fd.unit!r} (use as: {fd.unit})")
    allowed = BUILTIN_PLACEHOLDERS | all_groups | set(cat.features)
    texts = {"message": rule.message, "why": rule.why, "ask": rule.ask}
    if rule.contradicts is not None:
        texts["contradicts.message"] = rule.contradicts.message
        if rule.contradicts.ask is not None:
            texts["contradicts.ask"] = rule.contradicts.ask
    for key, lt in texts.items():
        for lang in ("de", "en"):
            for name in _PLACEHOLDER.findall(lt.get(lang)):
                if name not in allowed:
                    out.append(f"{where}: {key}.{lang}: unknown placeholder {{{name}}}")
    for lang in rule.langs:
        ex = rule.examples.get(lang)  # type: ignore[call-overload]
        if ex is None:
            out.append(f"{where}: examples.{lang}: missing (a rule needs passing and failing examples per language)")
            continue
        if len(ex.fail) < MIN_EXAMPLES:
            out.append(f"{where}: examples.{lang}.fail: needs at least {MIN_EXAMPLES} examples that must fire")
        if len(ex.pass_) < MIN_EXAMPLES:
            out.append(f"{where}: examples.{lang}.pass: needs at least {MIN_EXAMPLES} examples that must not fire")
    for lang in rule.examples:
        if lang not in rule.match:
            out.append(f"{where}: examples.{lang}: examples for a language the rule has no pattern for")
    return out


def lint(cat: Catalogue) -> list[str]:
    from tosaudit.conflicts import lint_conflicts

    out: list[str] = []
    for r in cat.rules:
        out.extend(lint_rule(r, cat))
    out.extend(lint_conflicts(cat))
    if cat.patterns is not None:  # rules/patterns.yaml
        out.extend(cat.patterns.compile_problems())
        out.extend(cat.patterns.unused())
    return out
