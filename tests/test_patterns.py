"""Named patterns and shared trees (rules/patterns.yaml): expansion, errors, lint, and the bundled use."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import regex
import yaml

from tosaudit.catalogue import load_catalogue, rules_dir
from tosaudit.catalogue.docs import render_rules_md
from tosaudit.catalogue.examples import cases, run_case
from tosaudit.catalogue.lint import lint
from tosaudit.catalogue.patterns import RefError, expand_refs
from tosaudit.catalogue.schema import Node
from tosaudit.errors import CatalogueError
from tosaudit.match import FLAGS, compile_rules
from tosaudit.prefilter import analyse

POWER_DE = r"\b(?:behalten\s+uns\s+vor|ist\s+berechtigt|können\s+wir)\b"
POWER_EN = r"\b(?:we\s+may|reserves?\s+the\s+right\s+to)\b"
PRICE_DE = r"\b(?:Preise?|Entgelte?)\b"
PRICE_EN = r"\b(?:prices?|fees?)\b"

PATTERNS = {
    "patterns": {
        "power": {"description": "the provider's power", "de": POWER_DE, "en": POWER_EN},
        "price": {"description": "a price", "de": PRICE_DE, "en": PRICE_EN},
    },
    "trees": {
        "power-over-price": {
            "description": "the power and a price in one sentence",
            "de": {"near": {"items": ["{{power}}", {"regex": "{{price}}"}], "within": 8}},
            "en": {"near": {"items": [{"regex": "{{power}}"}, "{{price}}"], "within": 8}},
        },
    },
}

RULE = {
    "id": "demo-price-power",
    "title": {"de": "Preisänderung", "en": "Price change"},
    "category": "price",
    "severity": "warning",
    "confidence": "medium",
    "legal_basis": ["BGB-307-1-1"],
    "match": {"de": {"use": "power-over-price"}, "en": {"use": "power-over-price"}},
    # an inline reference: the price is fixed
    "unless": {"de": [{"regex": r"{{price}}\s+(?:sind|bleiben)\s+fest"}], "en": [r"{{price}}\s+are\s+fixed"]},
    "message": {"de": "Klausel {clause}", "en": "Clause {clause}"},
    "why": {"de": "w", "en": "w"},
    "ask": {"de": "a", "en": "a"},
    "examples": {
        "de": {"fail": ["Wir behalten uns vor, die Preise jederzeit zu ändern.",
                        "Der Anbieter ist berechtigt, das Entgelt anzupassen."],
               "pass": ["Wir behalten uns vor, die Preise zu ändern; bestehende Preise bleiben fest.",
                        "Der Kunde ist berechtigt, jederzeit zu kündigen."]},
        "en": {"fail": ["We may change our prices at any time.", "The provider reserves the right to raise fees."],
               "pass": ["We may change prices, but existing prices are fixed.", "You may cancel at any time."]},
    },
}


def _write(root: Path, patterns: dict | None = None, rule: dict | None = None) -> Path:
    (root / "patterns.yaml").write_text(yaml.safe_dump(patterns or PATTERNS, allow_unicode=True), encoding="utf-8")
    f = root / "price" / "demo-price-power.yaml"
    f.write_text(yaml.safe_dump(rule or RULE, allow_unicode=True), encoding="utf-8")
    return f


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    (root / "price").mkdir(parents=True)
    shutil.copy(rules_dir() / "legal.yaml", root / "legal.yaml")
    shutil.copy(rules_dir() / "features.yaml", root / "features.yaml")
    _write(root)
    return root


def _problems(root: Path) -> list[str]:
    with pytest.raises(CatalogueError) as e:
        load_catalogue(root)
    return e.value.problems


def _leaves(node: Node) -> list[str]:
    if node.regex is not None:
        return [node.regex]
    kids = node.any or node.all or ([node.not_] if node.not_ else []) or (node.near.items if node.near else [])
    return [p for k in kids for p in _leaves(k)]


# ---------------------------------------------------------------------------- expansion of one regex


def test_a_whole_leaf_reference_is_the_pattern_itself_and_an_inline_one_a_group():
    texts = {"x": "ab|c", "y": r"\bfoo\b"}
    assert expand_refs("{{y}}", texts.__getitem__) == (r"\bfoo\b", ["y"])
    got, names = expand_refs(r"{{x}}{2}\s+{{y}}", texts.__getitem__)
    assert got == r"(?:ab|c){2}\s+(?:\bfoo\b)" and names == ["x", "y"]
    # the quantifier applies to the whole pattern, the alternation stays inside it
    assert regex.fullmatch(got, "abc foo") and regex.fullmatch(got, "cc foo")
    assert not regex.fullmatch(got, "ab foo")


def test_regex_syntax_with_braces_is_left_alone():
    for text in (r"\w{1,3}", r"x{2}", r"(?:ab){e<=1}", r"\p{Lu}\w+", r"\{\{power\}\}", r"\{{power}}", "a{,5}"):
        assert expand_refs(text, lambda n: pytest.fail(f"resolved {n} in {text}")) == (text, [])


@pytest.mark.parametrize("text", ["{{ power }}", "{{Power}}", "{{power", "a{{1,3}}", "{{power_x}}"])
def test_a_malformed_reference_is_an_error_not_a_literal(text):
    with pytest.raises(RefError, match="is not a reference"):
        expand_refs(text, lambda n: "x")


# ---------------------------------------------------------------------------- a rule using named pieces


def test_a_rule_with_named_patterns_and_a_shared_tree_loads_expanded(scratch: Path):
    cat = load_catalogue(scratch)
    r = cat.by_id["demo-price-power"]
    assert _leaves(r.match["de"]) == [POWER_DE, PRICE_DE]  # whole-leaf references: the pattern, unwrapped
    assert _leaves(r.match["en"]) == [POWER_EN, PRICE_EN]
    assert r.match["de"].near.within == 8
    assert r.unless["de"][0].regex == f"(?:{PRICE_DE})" + r"\s+(?:sind|bleiben)\s+fest"
    assert r.unless["en"][0].regex == f"(?:{PRICE_EN})" + r"\s+are\s+fixed"
    assert lint(cat) == []
    assert cat.patterns.used_in("demo-price-power") == [
        ("pattern", "power", "de"), ("pattern", "power", "en"), ("pattern", "price", "de"),
        ("pattern", "price", "en"), ("tree", "power-over-price", "de"), ("tree", "power-over-price", "en")]


def test_the_examples_and_the_prefilter_see_the_expanded_patterns(scratch: Path):
    cat = load_catalogue(scratch)
    results = [(c.id, run_case(c, cat)) for c in cases(cat)]
    assert len(results) == 8 and all(ok for _, (ok, _) in results), results
    for lang, power in (("de", POWER_DE), ("en", POWER_EN)):
        _, pool = compile_rules(cat.rules, lang)
        assert not any("{{" in p for p in pool.by_pattern)
        leaf = pool.by_pattern[power]
        assert leaf.prefilter is not None and leaf.prefilter == analyse(power, regex.IGNORECASE | regex.UNICODE)
        assert leaf.prefilter.word_start


def test_rules_md_lists_the_shared_pieces_and_their_rules(scratch: Path):
    md = render_rules_md(load_catalogue(scratch))
    assert "## Shared patterns" in md
    assert "| `{{power}}` | de, en | [`demo-price-power`](#demo-price-power) | the provider's power |" in md
    assert "| tree `power-over-price` | de, en | [`demo-price-power`](#demo-price-power) |" in md


def test_rules_show_names_the_pieces_a_rule_uses(scratch: Path, capsys):
    from tosaudit.cli import main

    assert main(["rules", "show", "demo-price-power", "--rules", str(scratch)]) == 0
    out = capsys.readouterr().out
    assert "use: power-over-price" in out  # the file as written
    assert "#   tree power-over-price (de, en): the power and a price in one sentence" in out
    assert "#   {{price}} (de, en): a price" in out


# ---------------------------------------------------------------------------- errors name the file and the key


def test_an_unknown_reference_names_the_file_and_the_key(scratch: Path):
    rule = {**RULE, "match": {"de": {"any": ["x", {"regex": r"{{powr}}\s+y"}]}, "en": {"use": "power-over-price"}}}
    f = _write(scratch, rule=rule)
    problems = _problems(scratch)
    assert problems == [f"{f}: match.de.any[1].regex: unknown pattern {{{{powr}}}} (see patterns.yaml: patterns)"]


def test_an_unknown_reference_in_unless_and_a_missing_language(scratch: Path):
    patterns = yaml.safe_load(yaml.safe_dump(PATTERNS))
    del patterns["patterns"]["price"]["en"]
    rule = {**RULE, "unless": {"de": [r"{{nope}}"]}}
    f = _write(scratch, patterns=patterns, rule=rule)
    problems = "\n".join(_problems(scratch))
    assert f"{f}: unless.de[0]: unknown pattern {{{{nope}}}}" in problems
    # the shared tree's English version uses {{price}}, which has no English text
    assert "patterns.yaml: trees.power-over-price.en.near.items[1]: pattern {{price}} has no 'en' text" in problems


def test_an_unknown_tree_and_a_use_node_with_other_keys(scratch: Path):
    rule = {**RULE, "match": {"de": {"use": "power-over-prices"}, "en": {"use": "power-over-price", "within": 3}}}
    f = _write(scratch, rule=rule)
    problems = _problems(scratch)
    assert f"{f}: match.de.use: unknown shared tree 'power-over-prices' (see patterns.yaml: trees)" in problems
    assert f"{f}: match.en: a `use` node stands alone (found also within)" in problems


def test_a_malformed_reference_in_a_rule_is_a_load_error(scratch: Path):
    f = _write(scratch, rule={**RULE, "unless": {"de": [r"{{ price }}\s+fest"]}})
    assert any(p.startswith(f"{f}: unless.de[0]: ") and "is not a reference" in p for p in _problems(scratch))


def test_patterns_in_a_cycle_and_an_invalid_tree(scratch: Path):
    patterns = yaml.safe_load(yaml.safe_dump(PATTERNS))
    patterns["patterns"]["a"] = {"description": "a", "de": r"x{{b}}"}
    patterns["patterns"]["b"] = {"description": "b", "de": r"y{{a}}"}
    patterns["trees"]["bad"] = {"description": "bad", "de": {"near": {"items": ["{{power}}"]}}}
    _write(scratch, patterns=patterns)
    problems = "\n".join(_problems(scratch))
    assert "cycle: {{a}} -> {{b}} -> {{a}}" in problems or "cycle: {{b}} -> {{a}} -> {{b}}" in problems
    assert "patterns.yaml: trees.bad.de.near.items:" in problems


def test_a_named_pattern_needs_a_good_name_and_a_description(scratch: Path):
    patterns = yaml.safe_load(yaml.safe_dump(PATTERNS))
    patterns["patterns"]["Bad_Name"] = {"description": "x", "de": "x"}
    _write(scratch, patterns=patterns)
    where = str(scratch / "patterns.yaml")
    # only the file's own problem: the rules that use it are not reported as well
    assert _problems(scratch) == [f"{where}: patterns: Value error, name 'Bad_Name': use lower-case letters, "
                                  "digits and '-' (e.g. terms-object)"]
    patterns = yaml.safe_load(yaml.safe_dump(PATTERNS))
    patterns["patterns"]["price"].pop("description")
    patterns["patterns"]["power"].pop("en")
    patterns["patterns"]["power"].pop("de")
    _write(scratch, patterns=patterns)
    problems = _problems(scratch)
    assert f"{where}: patterns.price.description: Field required" in problems
    assert any(p.startswith(f"{where}: patterns.power: ") and "at least one language" in p for p in problems)
    assert len(problems) == 2


# ---------------------------------------------------------------------------- lint


def test_lint_names_a_pattern_that_does_not_compile(scratch: Path):
    patterns = yaml.safe_load(yaml.safe_dump(PATTERNS))
    patterns["patterns"]["price"]["de"] = r"\b(?:Preise?|Entgelte?\b"
    _write(scratch, patterns=patterns)
    problems = lint(load_catalogue(scratch))
    assert any(p.startswith(str(scratch / "patterns.yaml") + ": patterns.price.de: pattern 'price' does not compile")
               for p in problems), problems


def test_lint_reports_pieces_no_rule_uses(scratch: Path):
    patterns = yaml.safe_load(yaml.safe_dump(PATTERNS))
    patterns["patterns"]["spare"] = {"description": "not used", "de": "x", "en": "y"}
    patterns["trees"]["spare-tree"] = {"description": "not used", "en": "{{spare}}"}
    rule = {**RULE, "unless": {"de": [r"{{spare}}\s+z"]}}  # only the German text of {{spare}} is used
    _write(scratch, patterns=patterns, rule=rule)
    problems = lint(load_catalogue(scratch))
    where = str(scratch / "patterns.yaml")
    assert sorted(problems) == [
        f"{where}: patterns.spare.en: never used by a rule (use it as {{{{spare}}}} in a regex in a en tree, or remove it)",
        f"{where}: trees.spare-tree.en: never used by a rule (use it as {{use: spare-tree}} as a node in a en tree, "
        "or remove it)",
    ]


# ---------------------------------------------------------------------------- the bundled catalogue


def test_the_bundled_catalogue_expands_every_reference():
    cat = load_catalogue()
    assert cat.patterns is not None and cat.patterns.patterns and cat.patterns.trees
    for r in cat.rules:
        trees = list(r.match.values()) + [u for us in r.unless.values() for u in us]
        for t in trees:
            for p in _leaves(t):
                assert "{{" not in p, (r.id, p)
                regex.compile(p, FLAGS)


def test_the_terms_change_rules_share_one_tree():
    cat = load_catalogue()
    one, two = cat.by_id["terms-change-unilateral"], cat.by_id["terms-change-without-notice"]
    for lang in ("de", "en"):
        assert two.match[lang].all[0] == one.match[lang]
    assert "{{power}}" in Path(cat.patterns.path).read_text(encoding="utf-8")
    assert cat.patterns.users("tree", "terms-change") == ["terms-change-unilateral", "terms-change-without-notice"]
