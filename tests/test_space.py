"""Search spaces (Optuna, Ray Tune, W&B): the Python reader, the static space reader, the
guard proofs, the trainer survey of a space's points, fixes, and what the check path
does not import."""

from __future__ import annotations

import ast
import math
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from cfglint.discover import discover
from cfglint.families import detect, get_family
from cfglint.findings import FileResult, Finding
from cfglint.pipeline import RunOptions, lint_document
from cfglint.settings import Settings, SettingsError, parse_settings
from cfglint.source.document import Mapping, Scalar
from cfglint.source.read import parse_text, read_path
from cfglint.space import expr as E

SEED = ROOT / "tests" / "fixtures" / "space" / "kohya_lora_search.py"


def _lint(path: Path) -> FileResult:
    doc = read_path(str(path))
    return lint_document(doc, Settings())


def _by_code(result: FileResult, code: str) -> list[str]:
    return [f.message for f in result.findings if f.code == code]


# --- the kohya LoRA search with hand-written guards ----------------------------------

def test_seed_search_finds_both_dead_guards_the_prodigy_region_and_the_effective_lr() -> None:
    result = _lint(SEED)
    assert result.family == "optuna"
    dead = {f.line: f.message for f in result.findings if f.code == "CFG905"}
    text = SEED.read_text(encoding="utf-8").splitlines()
    lines = {i + 1 for i, line in enumerate(text) if line.strip().startswith("if ")}
    assert set(dead) == {min(lines), sorted(lines)[1]}  # the 8-bit guard and alpha == dim
    eight_bit, alpha = (dead[k] for k in sorted(dead))
    assert "lr > 0.00012" in eight_bit and "learning_rate in [6e-05, 0.00012]" in eight_bit
    assert "alpha == dim" in alpha and "network_alpha_ratio in [0.25, 0.5]" in alpha
    assert "multiplier on the learning rate" in alpha and "not a lack of regularisation" in alpha
    regions = _by_code(result, "CFG912")
    prodigy = [m for m in regions if "→ CFG206" in m]
    assert len(prodigy) == 1
    assert "optimizer_type='Prodigy' with learning_rate in [6e-05, 0.00012]" in prodigy[0]
    assert "on every point" in prodigy[0]
    assert any("→ CFG207" in m for m in regions)  # Prodigy with warmup, no safeguard_warmup
    (effective,) = _by_code(result, "CFG913")
    assert "covers [1.5e-05, 6e-05]" in effective
    assert "CFG905" not in {f.code for f in result.findings if "epochs" in f.message}


def test_fix_on_a_copy_applies_only_the_safe_rewrite_and_runs_nothing(tmp_path: Path) -> None:
    from cfglint.runner import Job, run_one

    marker = tmp_path / "imported"
    copy = tmp_path / "search.py"
    original = SEED.read_text(encoding="utf-8")
    copy.write_text(f"open({str(marker)!r}, 'w').close()\n" + original, encoding="utf-8")
    result = run_one(Job(str(copy), fix=True))
    assert result.fixes_applied == 1
    fixed = copy.read_text(encoding="utf-8")
    ast.parse(fixed)
    assert not marker.exists()
    before, after = original.splitlines(), fixed.splitlines()[1:]
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [(
        '    te_lr = trial.suggest_loguniform("text_encoder_lr", 0.00003, 0.00008)',
        '    te_lr = trial.suggest_float("text_encoder_lr", 0.00003, 0.00008, log=True)')]
    assert run_one(Job(str(copy), fix=True)).fixes_applied == 0
    assert copy.read_text(encoding="utf-8") == fixed


def test_region_guard_fix_is_a_suggestion_that_parses_and_prunes_the_region() -> None:
    result = _lint(SEED)
    fix = next(f.fix for f in result.findings if f.code == "CFG912" and "CFG206" in f.message)
    assert fix is not None and fix.safety == "suggest"
    from cfglint.edit import apply_edits

    text = apply_edits(result.doc.text, fix.edits)
    assert "if optimizer == 'Prodigy':" in text
    doc = parse_text("x.py", text, "python")
    space = get_family("optuna").space(doc)
    assert space is not None and len(space.guards) == 4


# --- the check path ------------------------------------------------------------------

def test_linting_a_yaml_config_imports_neither_libcst_nor_the_space_package(
        tmp_path: Path) -> None:
    config = tmp_path / "train.yaml"
    config.write_text("learning_rate: 1.0e-4\noptimizer: adamw\n", encoding="utf-8")
    code = ("import sys\nfrom cfglint.runner import Job, run_one\n"
            f"run_one(Job({str(config)!r}))\n"
            "print(sorted(m for m in sys.modules if m.startswith(('libcst', 'cfglint.space'))))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert proc.stdout.strip() == "[]"


def test_folder_walks_take_python_files_only_when_they_import_a_search_library(
        tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text("import torch\n", encoding="utf-8")
    (tmp_path / "search.py").write_text("import optuna\n", encoding="utf-8")
    (tmp_path / "tune.py").write_text("from ray import tune\n", encoding="utf-8")
    (tmp_path / "train.yaml").write_text("lr: 1.0\n", encoding="utf-8")
    def names(paths: list[str], **kw: bool) -> set[str]:
        return {Path(t.path).name for t in discover(paths, lambda p: Settings(), **kw)}

    assert names([str(tmp_path)]) == {"search.py", "tune.py", "train.yaml"}
    named = [str(tmp_path / "model.py"), str(tmp_path / "search.py")]
    assert names(named) == {"model.py", "search.py"}
    assert names(named, python_search_only=True) == {"search.py"}
    # pre-commit names every staged .py file: only search spaces are kept
    assert names(named, named_by_person=False) == {"search.py"}


# --- the Python reader ---------------------------------------------------------------

def test_python_reader_spans_are_the_source_text_of_calls_arguments_and_dict_entries() -> None:
    text = ('# é\nimport optuna\ncfg = {"lr": 1e-4, "name": "é"}\n'
            'def f(trial):\n    return trial.suggest_float("x", -1, 2.5, log=False)\n')
    doc = parse_text("s.py", text, "python")
    assert isinstance(doc.root, Mapping) and not doc.problems
    for node in doc.scalars():
        assert text[node.span.start:node.span.end] == node.raw
    cfg = doc.root.get("cfg")
    assert isinstance(cfg, Mapping) and isinstance(cfg.get("name"), Scalar)
    call = doc.root.get("trial.suggest_float")
    assert isinstance(call, Mapping)
    low = call.get("1")
    assert isinstance(low, Scalar) and low.value == -1 and low.raw == "-1"
    assert [c.text for c in doc.comments] == [" é"]


def test_python_syntax_error_is_a_located_cfg001() -> None:
    doc = parse_text("bad.py", "import optuna\ndef f(:\n", "python")
    result = lint_document(doc, Settings())
    assert [(f.code, f.line) for f in result.findings] == [("CFG001", 2)]


def test_suppression_comment_covers_a_space_finding() -> None:
    text = ("import optuna\n\ndef objective(trial):\n"
            "    lr = trial.suggest_float('lr', 1e-5, 1e-1)  # cfglint: ignore[CFG903]\n"
            "    return lr\n")
    result = lint_document(parse_text("s.py", text, "python"), Settings())
    assert [f.code for f in result.findings] == []


def test_python_files_that_import_no_search_library_are_not_claimed() -> None:
    doc = parse_text("m.py", "import torch\nx = dict(lr=1e-4)\n", "python")
    assert detect(doc).family == "generic"
    assert lint_document(doc, Settings()).findings == []


# --- settings ------------------------------------------------------------------------

def _settings(text: str) -> Settings:
    doc = parse_text("cfglint.toml", text, "toml")
    assert isinstance(doc.root, Mapping)
    return parse_settings(doc, doc.root)


def test_search_space_settings_name_the_trainer_and_map_names_to_keys() -> None:
    s = _settings('[search-space]\ntrainer = "kohya"\n[search-space.keys]\nlr = "learning_rate"\n')
    assert s.search_space == {"trainer": "kohya", "keys": {"lr": "learning_rate"}}
    with pytest.raises(SettingsError, match="unknown family `kohyaa`"):
        _settings('[search-space]\ntrainer = "kohyaa"\n')
    with pytest.raises(SettingsError, match="unknown `search-space` setting `trainers`"):
        _settings('[search-space]\ntrainers = "kohya"\n')


def test_settings_map_a_search_name_to_a_trainer_key_for_the_survey() -> None:
    text = ("import optuna\n\ndef objective(trial):\n"
            "    lr = trial.suggest_float('lr', 6e-5, 1.2e-4, log=True)\n"
            "    opt = trial.suggest_categorical('opt', ['AdamW', 'Prodigy'])\n"
            "    return lr\n")
    settings = Settings(search_space={"trainer": "kohya", "keys": {
        "lr": "learning_rate", "opt": "optimizer_type"}})
    result = lint_document(parse_text("s.py", text, "python"), settings)
    assert any(f.code == "CFG912" and "opt='Prodigy'" in f.message for f in result.findings)
    assert not [f for f in lint_document(parse_text("s.py", text, "python"),
                                         Settings()).findings if f.code == "CFG912"]


# --- the proofs are sound ------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(lo=st.floats(-100, 100), width=st.floats(0, 100), t=st.floats(0, 1),
       k=st.floats(-50, 50), op=st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
       scale=st.floats(-3, 3))
def test_interval_verdicts_never_contradict_a_point_inside_the_interval(
        lo: float, width: float, t: float, k: float, op: str, scale: float) -> None:
    cond = ("cmp", (op,), (("bin", "*", ("param", "x"), E.const(scale)), E.const(k)))
    boxed = E.truth(cond, {"x": E.Interval(lo, lo + width)})
    x = lo + t * width
    if math.isfinite(x) and boxed is not None:
        assert E.truth(cond, {"x": x}) is boxed


# --- W&B and Ray ---------------------------------------------------------------------

def test_wandb_sweep_detection_needs_a_method_and_parameter_definitions() -> None:
    sweep = "method: bayes\nparameters:\n  lr:\n    min: 0.0001\n    max: 0.1\n"
    assert detect(parse_text("s.yaml", sweep, "yaml")).family == "wandb-sweep"
    config = "method: lora\nparameters:\n  lr: 0.0001\n"
    assert detect(parse_text("c.yaml", config, "yaml")).family != "wandb-sweep"


def test_wandb_yaml_exponent_strings_are_flagged_for_the_sweep_loader() -> None:
    sweep = "method: grid\nparameters:\n  lr:\n    values: [1e-4, 3e-4]\n"
    result = lint_document(parse_text("s.yaml", sweep, "yaml"), Settings())
    assert [(f.code, f.severity) for f in result.findings] == [("CFG705", "warning")] * 2


def test_ray_space_keys_are_the_config_dict_keys() -> None:
    text = ("from ray import tune\nconfig = {'lr': tune.loguniform(1e-4, 1e-1), "
            "'layers': tune.choice([2, 4])}\n")
    doc = parse_text("r.py", text, "python")
    space = get_family("ray-tune").space(doc)
    assert space is not None
    assert [(p.name, p.kind, p.low, p.high, p.log) for p in space.params] == [
        ("lr", "float", 1e-4, 1e-1, True), ("layers", "categorical", None, None, False)]
    assert lint_document(doc, Settings(), RunOptions()).findings == []



def test_optuna_reader_follows_values_into_config_keys_and_reads_constraints() -> None:
    text = '''import optuna
from optuna.samplers import TPESampler

BASE = 2e-4


def constraints(trial):
    return [512 - trial.params["dim"]]


def objective(trial):
    args = object()
    cfg = {"seed": 1}
    lr = trial.suggest_float("lr", BASE / 10, BASE, log=True)
    dim = trial.suggest_int("dim", 8, 64, step=8)
    cfg["learning_rate"] = lr
    cfg.update({"network_dim": dim}, network_alpha=dim // 2)
    args.max_train_epochs = trial.suggest_int("epochs", 1, 10)
    cmd = ["--warmup-steps", str(trial.suggest_int("warmup", 0, 100))]
    if dim > 32:
        extra = trial.suggest_float("dropout", 0.0, 0.5)
    return cfg


study = optuna.create_study(sampler=TPESampler(constraints_func=constraints))
'''
    space = get_family("optuna").space(parse_text("s.py", text, "python"))
    assert space is not None
    lr = space.param("lr")
    assert lr is not None and (lr.low, lr.high, lr.log) == (2e-5, 2e-4, True)
    assert set(space.keys) >= {"learning_rate", "network_dim", "network_alpha",
                               "max_train_epochs", "warmup_steps"}
    assert E.evaluate(space.keys["network_alpha"], {"dim": 48}) == 24
    dropout = space.param("dropout")
    assert dropout is not None and dropout.active is not None  # suggested only when dim > 32
    (constraint,) = space.guards
    assert constraint.kind == "constraint"
    from cfglint.space.analysis import guard_verdict

    assert guard_verdict(constraint, space) == "always"  # 512 - dim > 0: never feasible


def test_wandb_sweep_dict_in_python_is_read_like_a_sweep_file() -> None:
    text = ('import wandb\nsweep = {"method": "random", "parameters": {\n'
            '    "lr": {"distribution": "log_uniform", "min": 0.0001, "max": 0.1}}}\n'
            'wandb.sweep(sweep)\n')
    doc = parse_text("s.py", text, "python")
    assert detect(doc).family == "wandb-sweep"
    result = lint_document(doc, Settings())
    assert [f.code for f in result.findings] == ["CFG908"]


def _regions(text: str) -> dict[str, Finding]:
    result = lint_document(parse_text("s.py", text, "python"), Settings(),
                           RunOptions(select=["CFG912"]))
    return {part.split(" ")[0]: f for f in result.findings for part in f.message.split("→ ")[1:]}


SPACE = ("import optuna\n\n\ndef objective(trial):\n"
         '    lr = trial.suggest_float("learning_rate", 1e-5, 1e-2, log=True)\n'
         '    opt = trial.suggest_categorical("optimizer_type", {choices})\n'
         '    return {{"learning_rate": lr, "optimizer_type": opt, "network_dim": 16,\n'
         '             "network_alpha": 16}}\n')


def test_a_region_at_one_end_of_a_range_is_bisected_and_the_bound_narrowed() -> None:
    from cfglint.edit import apply_edits

    text = SPACE.format(choices='["AdamW", "AdamW"]')
    cfg204 = _regions(text)["CFG204"]
    assert "learning_rate above about 0.0004999" in cfg204.message
    assert cfg204.fix is not None and cfg204.fix.safety == "suggest"
    narrowed = apply_edits(text, cfg204.fix.edits)
    assert '"learning_rate", 1e-5, 0.00049, log=True' in narrowed
    assert "CFG204" not in _regions(narrowed)


def test_a_region_inside_one_categorical_value_gets_a_guard_with_the_bisected_bound() -> None:
    from cfglint.edit import apply_edits

    text = SPACE.format(choices='["AdamW", "AdamW8bit"]')
    eight_bit = _regions(text)["CFG205"]
    assert "optimizer_type='AdamW8bit' and learning_rate above about 0.0001199" in \
        eight_bit.message
    assert eight_bit.fix is not None
    guarded = apply_edits(text, eight_bit.fix.edits)
    assert "if opt == 'AdamW8bit' and lr > 0.00012:" in guarded
    assert "CFG205" not in _regions(guarded)


_SNIPPETS = st.sampled_from([
    "import optuna\n", "from ray import tune\n", "def f(trial):\n", "    x = trial.suggest_float(",
    "'lr', 1e-5, 1e-2", ", log=True)\n", "    if x > 1:\n        raise optuna.TrialPruned()\n",
    "    return {'learning_rate': x}\n", "cfg = {'lr': tune.loguniform(1e-4, 1e-1)}\n",
    "trial.suggest_categorical('c', [1, 2, 3])\n", "    y = int(x * 2)\n", "é\n", "(((", "**",
])


@settings(max_examples=60, deadline=None)
@given(parts=st.lists(_SNIPPETS, max_size=10))
def test_any_python_text_gives_findings_or_a_parse_error_never_an_exception(
        parts: list[str]) -> None:
    text = "".join(parts)
    doc = parse_text("s.py", text, "python")
    for family in ("optuna", "ray-tune", "wandb-sweep", None):
        result = lint_document(doc, Settings(), RunOptions(family=family))
        assert all(f.line >= 1 for f in result.findings)
