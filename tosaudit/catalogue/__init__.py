"""Load, select and lint the rule catalogue (the data lives in ``rules/``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import yaml
from pydantic import ValidationError

from tosaudit.catalogue.patterns import SharedPatterns
from tosaudit.catalogue.schema import SECTOR_ALL, Decision, LegalTable, Norm, Rule, SectorDef, SectorTable, unknown_sector
from tosaudit.errors import CatalogueError, SectorError
from tosaudit.models import SEVERITY_ORDER, FeatureDef, LegalRef

__all__ = ["Catalogue", "load_catalogue", "rules_dir", "CatalogueError", "SectorError"]

SPECIAL_FILES = {"legal.yaml", "features.yaml", "conflicts.yaml", "sectors.yaml", "patterns.yaml"}


def rules_dir() -> Path:
    """Where the catalogue lives: inside the installed package, or the checkout's rules/."""
    here = Path(__file__).resolve().parent.parent  # the tosaudit package
    for cand in (here / "rules", here.parent / "rules"):
        if (cand / "legal.yaml").is_file():
            return cand
    raise CatalogueError(
        [f"no rule catalogue found (looked in {here / 'rules'} and {here.parent / 'rules'}); reinstall tosaudit"]
    )


def _format_validation(path: Path, err: ValidationError, prefix: str = "") -> list[str]:
    out = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"] if p not in ("function-after[_exactly_one(), Node]",))
        loc = prefix + loc
        out.append(f"{path}: {loc or '(top)'}: {e['msg']}")
    return out


#: libyaml's C parser when PyYAML was built with it (about 6x faster on the ~100 rule files; same
#: documents), else the pure-Python safe loader
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, errors: list[str]):
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_LOADER)
    except yaml.YAMLError as exc:
        errors.append(f"{path}: not valid YAML: {exc}".replace("\n", " "))
    except OSError as exc:
        errors.append(f"{path}: cannot read: {exc.strerror}")
    return None


@dataclass
class Catalogue:
    rules: list[Rule]
    norms: dict[str, Norm]
    decisions: dict[str, Decision]
    features: dict[str, FeatureDef]
    root: Path
    version: str
    by_id: dict[str, Rule] = field(default_factory=dict)
    #: compiled matchers by (rule ids, language, timeout); reused across audits
    matchers: dict = field(default_factory=dict, repr=False)
    #: clause-against-clause definitions from rules/conflicts.yaml (see tosaudit.conflicts)
    conflicts: list = field(default_factory=list)
    #: the sector vocabulary from rules/sectors.yaml, by id, in file order
    sectors: dict[str, SectorDef] = field(default_factory=dict)
    #: named patterns and shared trees from rules/patterns.yaml (tosaudit.catalogue.patterns)
    patterns: SharedPatterns | None = None

    def __post_init__(self) -> None:
        self.by_id = {}
        for r in self.rules:
            self.by_id[r.id] = r
            for a in r.aliases:
                self.by_id.setdefault(a, r)

    # ------------------------------------------------------------------ selection
    def select(
        self,
        select: Iterable[str] = (),
        ignore: Iterable[str] = (),
        lang: str | None = None,
        min_severity: str | None = None,
    ) -> list[Rule]:
        """Rules chosen by id, alias, category or claudette code (``select``/``ignore``),
        by language and by lowest severity. An unknown selector raises CatalogueError."""
        sel = [s.strip() for s in select if s.strip()]
        ign = [s.strip() for s in ignore if s.strip()]
        for s in sel + ign:
            if not self._known_selector(s):
                raise CatalogueError([f"unknown rule, category or severity in --select/--ignore: {s!r}"])
        out = []
        for r in self.rules:
            if sel and not any(self._selects(s, r) for s in sel):
                continue
            if any(self._selects(s, r) for s in ign):
                continue
            if lang and lang not in r.match:
                continue
            if min_severity and SEVERITY_ORDER[self.max_severity(r)] < SEVERITY_ORDER[min_severity]:
                continue
            out.append(r)
        return out

    def check_sector(self, sector: str, where: str = "--sector") -> str:
        """``sector`` when it is a sector id of rules/sectors.yaml (or ``all``); else a one-line
        SectorError naming ``where`` and the valid ids."""
        s = sector.strip().lower()
        if s == SECTOR_ALL or s in self.sectors:
            return s
        raise SectorError(f"{where}: {unknown_sector(sector, [*self.sectors, SECTOR_ALL])} ({SECTOR_ALL} = every rule)")

    @staticmethod
    def split_by_sector(rules: Iterable[Rule], sector: str | None) -> tuple[list[Rule], list[Rule]]:
        """(rules written for ``sector`` or for every sector, rules written only for other sectors).

        ``None`` or ``all``: every rule is kept."""
        rules = list(rules)
        if sector is None or sector == SECTOR_ALL:
            return rules, []
        kept = [r for r in rules if r.applies_to_sector(sector)]
        return kept, [r for r in rules if not r.applies_to_sector(sector)]

    @staticmethod
    def max_severity(rule: Rule) -> str:
        sev = rule.severity
        if rule.contradicts and SEVERITY_ORDER[rule.contradicts.severity] > SEVERITY_ORDER[sev]:
            sev = rule.contradicts.severity
        return sev

    def _known_selector(self, s: str) -> bool:
        return any(self._selects(s, r) for r in self.rules) or s in SEVERITY_ORDER

    @staticmethod
    def _selects(s: str, r: Rule) -> bool:
        return (
            s == r.id
            or s in r.aliases
            or s == r.category
            or s.upper() in r.claudette
            or s == r.severity
            or (s.endswith("*") and r.id.startswith(s[:-1]))
        )

    # ------------------------------------------------------------------ legal refs
    def legal_refs(self, rule: Rule, lang: str) -> list[LegalRef]:
        out = []
        for nid in rule.legal_basis:
            n = self.norms.get(nid)
            if n is not None:
                out.append(LegalRef(id=n.id, citation=n.citation, summary=n.summary.get(lang), url=n.url))
        return out

    def decision_refs(self, rule: Rule, lang: str) -> list[LegalRef]:
        out = []
        for did in rule.decisions:
            d = self.decisions.get(did)
            if d is not None:
                out.append(LegalRef(id=d.id, citation=d.citation, summary=d.summary.get(lang), url=d.url))
        return out


def load_catalogue(root: str | Path | None = None) -> Catalogue:
    """Load and validate every rule file; raises CatalogueError naming each file and key."""
    if root is None:
        return _load_default()
    return _load(Path(root))


@lru_cache(maxsize=1)
def _load_default() -> Catalogue:
    return _load(rules_dir())


def _load(root: Path) -> Catalogue:
    if not root.is_dir():
        raise CatalogueError([f"{root}: rule catalogue folder not found"])
    errors: list[str] = []
    digest = hashlib.sha256()

    legal_path = root / "legal.yaml"
    norms: dict[str, Norm] = {}
    decisions: dict[str, Decision] = {}
    data = _read_yaml(legal_path, errors) if legal_path.exists() else None
    if data is None and not legal_path.exists():
        errors.append(f"{legal_path}: missing (the table of legal norms)")
    elif data is not None:
        try:
            table = LegalTable.model_validate(data)
            for n in table.norms:
                if n.id in norms:
                    errors.append(f"{legal_path}: norms: duplicate id {n.id!r}")
                norms[n.id] = n
            for d in table.decisions:
                if d.id in decisions:
                    errors.append(f"{legal_path}: decisions: duplicate id {d.id!r}")
                decisions[d.id] = d
        except ValidationError as exc:
            errors.extend(_format_validation(legal_path, exc))
        digest.update(legal_path.read_bytes())

    feat_path = root / "features.yaml"
    features: dict[str, FeatureDef] = {}
    data = _read_yaml(feat_path, errors) if feat_path.exists() else None
    if data is not None:
        items = data.get("features") if isinstance(data, dict) else None
        if not isinstance(items, list):
            errors.append(f"{feat_path}: features: expected a list of feature definitions")
        else:
            for i, item in enumerate(items):
                try:
                    fd = FeatureDef.model_validate(item)
                except ValidationError as exc:
                    errors.extend(_format_validation(feat_path, exc, prefix=f"features[{i}]."))
                    continue
                if fd.key in features:
                    errors.append(f"{feat_path}: features[{i}].key: duplicate key {fd.key!r}")
                if fd.type == "enum" and not fd.values:
                    errors.append(f"{feat_path}: features[{i}].values: an enum feature needs its allowed values")
                features[fd.key] = fd
        digest.update(feat_path.read_bytes())

    sectors = _load_sectors(root, errors, digest)
    shared = _load_patterns(root, errors, digest)

    rules: list[Rule] = []
    seen: dict[str, Path] = {}
    for path in sorted(root.rglob("*.yaml")):
        if path.parent == root and path.name in SPECIAL_FILES:
            continue
        data = _read_yaml(path, errors)
        if data is None:
            continue
        digest.update(path.relative_to(root).as_posix().encode())
        raw = path.read_bytes()
        digest.update(raw)
        if not isinstance(data, dict):
            errors.append(f"{path}: (top): a rule file holds one mapping (id, title, match, ...)")
            continue
        if b"{{" in raw or b"use:" in raw:  # {{name}} and {use: name} from rules/patterns.yaml
            data = shared.expand_rule(data, path, errors)
            if data is None:
                continue
        try:
            rule = Rule.model_validate(data)
        except ValidationError as exc:
            errors.extend(_format_validation(path, exc))
            continue
        rule.path = str(path)
        if path.stem != rule.id:
            errors.append(f"{path}: id: rule id {rule.id!r} must equal the file name {path.stem!r}")
        for name in [rule.id, *rule.aliases]:
            if name in seen:
                errors.append(f"{path}: id: {name!r} is already used in {seen[name]}")
            seen[name] = path
        rules.append(rule)

    conflicts = _load_conflicts(root, seen, errors, digest)
    if errors:
        raise CatalogueError(errors)
    from tosaudit import __version__

    version = f"{__version__}+{digest.hexdigest()[:10]}"
    return Catalogue(rules=rules, norms=norms, decisions=decisions, features=features, root=root, version=version,
                     conflicts=conflicts, sectors=sectors, patterns=shared)


def _load_sectors(root: Path, errors: list[str], digest) -> dict[str, SectorDef]:
    """rules/sectors.yaml: the sector vocabulary (optional file; without it no sector is known)."""
    path = root / "sectors.yaml"
    if not path.exists():
        return {}
    data = _read_yaml(path, errors)
    if data is None:
        return {}
    digest.update(path.read_bytes())
    try:
        table = SectorTable.model_validate(data)
    except ValidationError as exc:
        errors.extend(_format_validation(path, exc))
        return {}
    out: dict[str, SectorDef] = {}
    for i, sd in enumerate(table.sectors):
        if sd.id in out:
            errors.append(f"{path}: sectors[{i}].id: duplicate id {sd.id!r}")
        out[sd.id] = sd
    return out


def _load_patterns(root: Path, errors: list[str], digest) -> SharedPatterns:
    """rules/patterns.yaml: named patterns and shared trees (optional file)."""
    path = root / "patterns.yaml"
    if not path.exists():
        return SharedPatterns(path=path)
    n = len(errors)
    data = _read_yaml(path, errors)
    if len(errors) > n:  # not readable or not YAML (reported): skip the rules that use it
        return SharedPatterns(path=path, broken=True)
    digest.update(path.read_bytes())
    return SharedPatterns.load(path, data, errors)


def _load_conflicts(root: Path, rule_ids: dict, errors: list[str], digest) -> list:
    """rules/conflicts.yaml: clause-against-clause definitions (optional file)."""
    from tosaudit.catalogue.schema import ConflictTable

    path = root / "conflicts.yaml"
    if not path.exists():
        return []
    data = _read_yaml(path, errors)
    if data is None:
        return []
    digest.update(path.read_bytes())
    try:
        table = ConflictTable.model_validate(data)
    except ValidationError as exc:
        errors.extend(_format_validation(path, exc))
        return []
    seen: set[str] = set()
    for i, c in enumerate(table.conflicts):
        if c.id in seen or c.id in rule_ids:
            errors.append(f"{path}: conflicts[{i}].id: {c.id!r} is already used")
        seen.add(c.id)
    return table.conflicts
