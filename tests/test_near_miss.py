"""Near-miss keys in open sections: a key one slip away from a key the trainer reads there
(`warmpu` for `warmup`) is reported, as an error where the missing key stops the run."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cfglint.findings import Finding
from cfglint.schema import findings_with_schema, schema_findings
from cfglint.source.read import parse_text
from cfglint.spelling import near_miss

SEDD = """\
defaults:
  - _self_
  - model: small
ngpus: 8
training:
  batch_size: 512
  n_iters: 1300001
  ema: 0.9999
optim:
  optimizer: AdamW
  lr: 3e-4
  warmpu: 2500
  grad_clip: 1.
"""


def lint(text: str, family: str) -> list[Finding]:
    doc = parse_text("cfg.yaml", text, "yaml")
    assert doc.ok, doc.problems
    return [f for f in schema_findings(doc, family) if f.code == "CFG701"]


def fixed(text: str, f: Finding) -> str:
    assert f.fix is not None
    for e in sorted(f.fix.edits, key=lambda e: e.start, reverse=True):
        text = text[:e.start] + e.content + text[e.end:]
    return text


def test_sedd_warmup_typo_is_an_error_at_its_line_with_a_safe_rename() -> None:
    [f] = lint(SEDD, "sedd")
    assert (f.line, f.column, f.key_text, f.severity) == (12, 3, "optim.warmpu", "error")
    assert "did you mean `warmup`?" in f.message and "struct mode" in f.message
    assert "louaaron/Score-Entropy-Discrete-Diffusion:losses.py" in f.message
    assert f.fix is not None and f.fix.safety == "safe"
    after = fixed(SEDD, f)
    assert "  warmup: 2500\n" in after and lint(after, "sedd") == []


def test_sedd_fork_read_without_hydra_gets_a_warning() -> None:
    # the protein_lig_sedd fork (curriculum section) loads with yaml.safe_load
    [f] = lint(SEDD + "curriculum:\n  enabled: true\n", "sedd")
    assert f.severity == "warning" and f.fix is not None and f.fix.safety == "unsafe"


def test_a_section_a_defaults_group_may_fill_is_only_a_warning() -> None:
    text = SEDD.replace("  - model: small\n", "  - model: small\n  - optim: adamw\n")
    [f] = lint(text, "sedd")
    assert f.severity == "warning"


def test_basicsr_near_miss_is_a_warning_with_an_unsafe_rename() -> None:
    text = ("name: x\nmodel_type: SRModel\nnetwork_g:\n  type: RRDBNet\n  num_in_ch: 3\n"
            "  num_out_ch: 3\ntrain:\n  total_iter: 1000\n  warmup_iters: 100\n")
    [f] = lint(text, "basicsr")
    assert (f.key_text, f.severity) == ("train.warmup_iters", "warning")
    assert "silently ignored" in f.message and "did you mean `warmup_iter`?" in f.message
    assert f.fix is not None and f.fix.safety == "unsafe"


def test_no_near_miss_when_the_target_is_set_or_the_value_does_not_fit() -> None:
    assert lint(SEDD.replace("  warmpu: 2500\n", "  warmpu: 2500\n  warmup: 100\n"),
                "sedd") == []
    [f] = lint(SEDD.replace("warmpu: 2500", "warmpu: [1, 2]"), "sedd")
    assert f.fix is None  # a list does not fit `warmup` (an integer)


def test_keys_a_trainer_never_reads_are_not_near_miss_targets() -> None:
    schema: dict[str, Any] = {"type": "object", "properties": {"sec": {
        "type": "object", "properties": {
            "report_all": {"type": "boolean", "x-cfglint-note": "no code reads this key"},
            "warmup": {"type": "integer"}}}}}
    doc = parse_text("cfg.yaml", "sec:\n  report_al: true\n  warmpu: 3\n", "yaml")
    found = findings_with_schema(doc, "sedd", schema)
    assert [f.key_text for f in found] == ["sec.warmpu"]


def test_known_keys_annotation_opens_near_misses_in_a_free_form_section() -> None:
    schema: dict[str, Any] = {"type": "object", "properties": {"kwargs": {
        "type": "object", "x-cfglint-open": True,
        "x-cfglint-known-keys": ["weight_decay", "betas"]}}}
    doc = parse_text("cfg.yaml", "kwargs:\n  weight_decya: 0.01\n  anything: 1\n", "yaml")
    [f] = findings_with_schema(doc, "sedd", schema)
    assert f.key_text == "kwargs.weight_decya" and "`weight_decay`" in f.message
    without = {"type": "object", "properties": {"kwargs": {"type": "object",
                                                           "x-cfglint-open": True}}}
    assert findings_with_schema(doc, "sedd", without) == []


def test_a_key_another_branch_of_the_schema_knows_is_not_a_near_miss() -> None:
    schema: dict[str, Any] = {"type": "object", "properties": {"type": {"type": "string"}},
                              "allOf": [{"properties": {"typo": {"type": "integer"}}}]}
    doc = parse_text("cfg.yaml", "type: x\ntypo: 3\n", "yaml")
    assert findings_with_schema(doc, "sedd", schema) == []


# --- the slip itself ---------------------------------------------------------------------------

def test_slips_that_count_and_differences_that_do_not() -> None:
    assert near_miss("warmpu", ["warmup", "lr"]) == "warmup"  # neighbours swapped
    assert near_miss("n_iter", ["n_iters"]) == "n_iters"  # one dropped
    assert near_miss("Warmup", ["warmup"]) == "warmup"  # case
    assert near_miss("lrs", ["lr"]) is None  # too short to guess
    assert near_miss("beta3", ["beta1", "beta2"]) is None  # digits only
    assert near_miss("pixel_opt2", ["pixel_opt"]) is None  # a numbered sibling
    assert near_miss("val_1", ["val"]) is None
    assert near_miss("abcdx", ["abcde", "abcdy"]) is None  # two candidates: no guess


_KEY = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=5, max_size=12)


@given(_KEY, st.integers(min_value=0, max_value=11), st.sampled_from("abcdefghijklmnop_"))
def test_one_replaced_letter_is_found_and_a_key_never_misses_itself(
        key: str, at: int, letter: str) -> None:
    at = min(at, len(key) - 1)
    typo = key[:at] + letter + key[at + 1:]
    assert near_miss(key, [key]) is None
    if typo != key:
        assert near_miss(typo, [key]) == key
        assert near_miss(key, [typo]) == typo  # symmetric


def test_a_very_long_key_is_no_slip_of_a_short_one() -> None:
    """The lengths decide before any character is compared: a 200,000-character key is
    checked against a schema's keys at once (fuzzing found one that took seconds)."""
    known = ["learning_rate"] + [f"unrelated_key_{i:03d}" for i in range(300)]
    assert near_miss("gradient_accu" + "x" * 200_000, known) is None
    assert near_miss("learning_rat", known) == "learning_rate"


_TEXT = st.text(alphabet="abAB_12İi̇", min_size=0, max_size=7)


@given(_TEXT, _TEXT)
def test_a_slip_is_what_the_edit_distance_says_in_any_order_of_checks(a: str, b: str) -> None:
    from cfglint.spelling import _one_edit, _slip, _strip_digits

    expected = (min(len(a), len(b)) >= 4 and _strip_digits(a) != _strip_digits(b)
                and (a.lower() == b.lower() or _one_edit(a, b)))
    assert _slip(a, b) == expected


def _near_miss_by_every_key(name: str, known: list[str]) -> str | None:
    """The definition: every known key compared."""
    from cfglint.spelling import _slip

    found = [k for k in known if k != name and _slip(name, k)]
    return found[0] if len(found) == 1 else None


@given(_TEXT, st.lists(_TEXT, max_size=8))
def test_comparing_only_keys_of_near_length_finds_what_comparing_every_key_finds(
        name: str, known: list[str]) -> None:
    assert near_miss(name, known) == _near_miss_by_every_key(name, known)


_LONG = st.text(alphabet="aB1", min_size=62, max_size=67)  # around the indexed length


@given(_LONG, st.lists(_LONG, max_size=6))
def test_keys_past_the_indexed_length_are_compared_as_every_key_is(
        name: str, known: list[str]) -> None:
    known += [name[:-1], name[1:] + "x", name.upper()]  # slips of it, some past the index
    assert near_miss(name, known) == _near_miss_by_every_key(name, known)
