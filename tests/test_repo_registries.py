"""Open registries: a name outside upstream's list is looked up in the config's own
repository (read with ``ast``, never imported) before anything is said.

Each test builds a small repository of its own in a temporary folder: a ``.git`` entry
marks the work tree, and a few lines of Python register classes the way BasicSR,
Real-ESRGAN and traiNNer-redux projects do.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cfglint.findings import Finding
from cfglint.pipeline import lint_document
from cfglint.repo import index as repo_index
from cfglint.repo.root import repo_root
from cfglint.settings import settings_for
from cfglint.source.read import parse_text, read_path

MODEL_PY = """\
from basicsr.models.sr_model import SRModel
from basicsr.utils.registry import MODEL_REGISTRY


@MODEL_REGISTRY.register()
class SRModelMicroscopy(SRModel):
    pass
"""

ARCH_PY = """\
from torch import nn
from basicsr.utils.registry import ARCH_REGISTRY


@ARCH_REGISTRY.register()
class TinyNet(nn.Module):
    def __init__(self, num_in_ch, num_out_ch, num_feat=64, upscale=4):
        super().__init__()
"""

OPTIONS = """\
name: microscopy_x4
model_type: SRModelMicroscopy
scale: 4
num_gpu: 1
network_g:
  type: TinyNet
  num_in_ch: 1
  num_out_ch: 1
  num_feat: 32
train:
  optim_g:
    type: Adam
    lr: !!float 2e-4
  total_iter: 1000
  pixel_opt:
    type: L1Loss
    loss_weight: 1.0
"""


def make_repo(root: Path, files: dict[str, str], git: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if git:
        (root / ".git").mkdir()
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def lint(path: Path, *codes: str) -> list[Finding]:
    doc = read_path(str(path))
    found = lint_document(doc, settings_for(str(path))).findings
    return [f for f in found if not codes or f.code in codes]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "microscopy-sr", {
        "microscopy/models/microscopy_model.py": MODEL_PY,
        "microscopy/archs/tiny_arch.py": ARCH_PY,
        "options/train.yml": OPTIONS,
    })


# --- acceptance: a model registered in the repository's own *_model.py ---------------------

def test_model_registered_in_the_repositorys_own_model_file_is_not_a_bad_choice(
        repo: Path) -> None:
    assert lint(repo / "options/train.yml", "CFG003", "CFG701", "CFG002") == []


def test_misspelled_registered_model_is_a_warning_with_did_you_mean_over_upstream_and_repo(
        repo: Path) -> None:
    bad = repo / "options/bad.yml"
    bad.write_text(OPTIONS.replace("SRModelMicroscopy", "SRModelMicroscopyy"), encoding="utf-8")
    [f] = lint(bad, "CFG003")
    assert f.severity == "warning"
    assert f.key_text == "model_type" and f.line == 2
    assert "did you mean 'SRModelMicroscopy'?" in f.message
    assert "the git work tree `microscopy-sr/`" in f.message  # where cfglint looked
    assert "MODEL_REGISTRY" in f.message and str(repo) not in f.message


def test_a_typo_of_an_upstream_name_is_matched_against_upstream_too(repo: Path) -> None:
    bad = repo / "options/bad.yml"
    bad.write_text(OPTIONS.replace("model_type: SRModelMicroscopy", "model_type: SRModle"),
                   encoding="utf-8")
    [f] = lint(bad, "CFG003")
    assert f.severity == "warning" and "did you mean 'SRModel'?" in f.message


def test_without_python_in_the_repository_an_unknown_name_is_information(
        tmp_path: Path) -> None:
    root = make_repo(tmp_path / "configs-only", {"train.yml": OPTIONS})
    found = lint(root / "train.yml", "CFG003")
    assert {f.severity for f in found} == {"info"}
    assert {f.key_text for f in found} == {"model_type", "network_g.type"}
    assert all("no Python code under the git work tree `configs-only/`" in f.message
               for f in found)


def test_outside_a_git_work_tree_the_settings_root_is_searched(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "proj", {
        "pyproject.toml": "[tool.cfglint]\nselect = ['CFG0', 'CFG7']\n",
        "code/models/microscopy_model.py": MODEL_PY,
        "code/archs/tiny_arch.py": ARCH_PY,
        "configs/x4/train.yml": OPTIONS,
    }, git=False)
    assert lint(root / "configs/x4/train.yml", "CFG003") == []


def test_a_config_read_from_memory_is_information_at_most() -> None:
    doc = parse_text("-", OPTIONS, "yaml")
    found = [f for f in lint_document(doc, settings_for(".")).findings if f.code == "CFG003"]
    assert found and {f.severity for f in found} == {"info"}
    assert all("could not look" in f.message for f in found)


# --- keyword arguments of the repository's own architectures --------------------------------

def test_arch_kwargs_are_checked_against_the_repositorys_signature(repo: Path) -> None:
    bad = repo / "options/bad.yml"
    bad.write_text(OPTIONS.replace("num_feat: 32", "num_feats: 32")
                   .replace("  num_out_ch: 1\n", ""), encoding="utf-8")
    found = {(f.code, f.key_text): f for f in lint(bad, "CFG701", "CFG002")}
    unknown = found[("CFG701", "network_g.num_feats")]
    assert "did you mean `num_feat`?" in unknown.message
    assert "microscopy/archs/tiny_arch.py:6" in unknown.message
    assert "num_out_ch" in found[("CFG002", "network_g")].message


def test_a_key_the_repositorys_code_takes_out_before_the_call_is_not_flagged(
        repo: Path) -> None:
    (repo / "microscopy/models/wrap_model.py").write_text(
        "def build(opt):\n    opt.pop('init_scale', None)\n    return opt\n", encoding="utf-8")
    cfg = repo / "options/pop.yml"
    cfg.write_text(OPTIONS.replace("num_feat: 32", "num_feat: 32\n  init_scale: 0.1"),
                   encoding="utf-8")
    assert lint(cfg, "CFG701") == []


def test_a_fork_that_changes_an_upstream_signature_is_judged_by_its_own_code(
        tmp_path: Path) -> None:
    # EDVR is upstream; this fork's copy takes an argument upstream's does not
    root = make_repo(tmp_path / "basicsr-fork", {
        "basicsr/archs/edvr_arch.py": """\
            from basicsr.utils.registry import ARCH_REGISTRY

            @ARCH_REGISTRY.register()
            class EDVR:
                def __init__(self, num_in_ch=3, num_out_ch=3, num_feat=64, with_tsa=True,
                             deform_groups=8):
                    pass
            """,
        "options/edvr.yml": OPTIONS.replace("type: TinyNet", "type: EDVR")
        .replace("model_type: SRModelMicroscopy", "model_type: EDVRModel")
        .replace("num_feat: 32", "deform_groups: 4"),
    })
    assert lint(root / "options/edvr.yml", "CFG701", "CFG002", "CFG003") == []
    # the same config outside the fork: upstream's EDVR has no deform_groups
    plain = make_repo(tmp_path / "plain", {"edvr.yml": (root / "options/edvr.yml").read_text()})
    assert [f.key_text for f in lint(plain / "edvr.yml", "CFG701")] == ["network_g.deform_groups"]


# --- the ways code registers names -------------------------------------------------------------

@pytest.mark.parametrize("code", [
    # a call instead of a decorator
    "from basicsr.utils.registry import MODEL_REGISTRY\n"
    "class SRModelMicroscopy: pass\nMODEL_REGISTRY.register(SRModelMicroscopy)\n",
    # an aliased registry object
    "from basicsr.utils.registry import MODEL_REGISTRY as MR\n"
    "@MR.register()\nclass SRModelMicroscopy: pass\n",
    # BasicSR's suffix: get('X') falls back to 'X_basicsr'
    "from basicsr.utils.registry import MODEL_REGISTRY\n"
    "@MODEL_REGISTRY.register(suffix='basicsr')\nclass SRModelMicroscopy: pass\n",
    # a project's own registry named like BasicSR's
    "from proj.registry import PL_MODEL_REGISTRY\n"
    "@PL_MODEL_REGISTRY.register()\nclass SRModelMicroscopy: pass\n",
])
def test_every_registration_form_counts(tmp_path: Path, code: str) -> None:
    root = make_repo(tmp_path / "r", {"proj/models/m_model.py": code, "train.yml": OPTIONS,
                                      "proj/archs/tiny_arch.py": ARCH_PY})
    assert lint(root / "train.yml", "CFG003") == []


def test_a_suffix_other_than_basicsr_must_be_written_out(tmp_path: Path) -> None:
    code = ("from basicsr.utils.registry import MODEL_REGISTRY\n"
            "@MODEL_REGISTRY.register(suffix='micro')\nclass SRModelMicroscopy: pass\n")
    root = make_repo(tmp_path / "r", {"m/x_model.py": code, "m/tiny_arch.py": ARCH_PY,
                                      "train.yml": OPTIONS})
    [f] = lint(root / "train.yml", "CFG003")
    assert f.severity == "warning" and "SRModelMicroscopy_micro" in f.message
    fixed = root / "fixed.yml"
    fixed.write_text(OPTIONS.replace("SRModelMicroscopy", "SRModelMicroscopy_micro"), "utf-8")
    assert lint(fixed, "CFG003") == []


def test_registrations_computed_at_run_time_make_a_miss_information(tmp_path: Path) -> None:
    code = ("from basicsr.utils.registry import MODEL_REGISTRY\n"
            "for cls in make_models():\n    MODEL_REGISTRY.register(cls)\n")
    root = make_repo(tmp_path / "r", {"m/dyn_model.py": code, "m/tiny_arch.py": ARCH_PY,
                                      "train.yml": OPTIONS})
    [f] = lint(root / "train.yml", "CFG003")
    assert f.severity == "info" and "computed" in f.message


def test_trainner_names_ignore_case_and_functions_register_too(tmp_path: Path) -> None:
    arch = """\
        from traiNNer.utils.registry import ARCH_REGISTRY

        @ARCH_REGISTRY.register()
        def tinyspan(num_in_ch: int = 3, feature_channels: int = 48, scale: int = 4):
            return None
        """
    loss = """\
        from traiNNer.utils.registry import LOSS_REGISTRY

        @LOSS_REGISTRY.register()
        class EdgeLoss:
            def __init__(self, loss_weight: float, criterion: str = "l1") -> None:
                pass
        """
    options = """\
        name: tiny
        scale: 4
        use_amp: true
        network_g:
          type: TinySPAN
          feature_channels: 32
        train:
          losses:
            - type: edgeloss
              loss_weight: 1.0
              criterio: l2
        """
    root = make_repo(tmp_path / "redux-fork", {
        "traiNNer/archs/tinyspan_arch.py": arch, "traiNNer/losses/edge_loss.py": loss,
        "options/tiny.yml": options})
    found = lint(root / "options/tiny.yml", "CFG003", "CFG701")
    assert [(f.code, f.key_text) for f in found] == [("CFG701", "train.losses[0].criterio")]
    assert "did you mean `criterion`?" in found[0].message


# --- bounds -----------------------------------------------------------------------------------

def test_scan_skips_large_files_links_out_hidden_folders_and_environments(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = make_repo(tmp_path / "elsewhere", {"models/x_model.py": MODEL_PY}, git=False)
    root = make_repo(tmp_path / "r", {
        ".hidden/m_model.py": MODEL_PY, "venv/pyvenv.cfg": "home = /usr\n",
        "venv/lib/m_model.py": MODEL_PY, "big/m_model.py": MODEL_PY + "#" * 4096,
        "train.yml": OPTIONS, "m/tiny_arch.py": ARCH_PY})
    (root / "linked").symlink_to(outside / "models", target_is_directory=True)
    (root / "m/link_model.py").symlink_to(outside / "models/x_model.py")
    monkeypatch.setattr(repo_index, "MAX_FILE_BYTES", 1024)
    [f] = lint(root / "train.yml", "CFG003")
    assert f.key_text == "model_type"
    assert f.severity == "info"  # a file was skipped for its size: cfglint read only part
    found = repo_root(str(root / "train.yml"))
    assert found is not None
    listed = repo_index.index_for(found).files
    assert sorted(p.as_posix() for p in listed) == ["big/m_model.py", "m/tiny_arch.py"]


def test_the_file_cap_makes_a_miss_information(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo(tmp_path / "r", {f"m/a{i}.py": "x = 1\n" for i in range(5)}
                     | {"train.yml": OPTIONS})
    monkeypatch.setattr(repo_index, "MAX_FILES", 3)
    found = lint(root / "train.yml", "CFG003")
    assert found and {f.severity for f in found} == {"info"}
    assert all("part of the repository" in f.message for f in found)


def test_nothing_is_read_while_every_name_is_upstreams(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo(tmp_path / "r", {"train.yml": OPTIONS.replace(
        "SRModelMicroscopy", "SRModel").replace("TinyNet", "RRDBNet")
        .replace("num_in_ch: 1\n  num_out_ch: 1\n  num_feat: 32",
                 "num_in_ch: 3\n  num_out_ch: 3\n  num_feat: 64\n  num_block: 23")})

    def no_scan(_root: object) -> None:
        raise AssertionError("the repository was read")

    monkeypatch.setattr("cfglint.repo.names.index_for", no_scan)
    assert lint(root / "train.yml", "CFG003", "CFG701", "CFG002") == []


def test_the_plain_check_path_imports_neither_the_scanner_nor_libcst(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"train.yml": OPTIONS.replace(
        "SRModelMicroscopy", "SRModel").replace("TinyNet", "MSRResNet")
        .replace("num_in_ch: 1\n  num_out_ch: 1\n  num_feat: 32", "num_in_ch: 3")})
    probe = ("import sys; from cfglint.cli import main\n"
             "try:\n    main([sys.argv[1]])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m.split('.')[:2] == ['cfglint', 'repo']\n"
             "             or m.startswith('libcst')))")
    out = subprocess.run([sys.executable, "-c", probe, str(root / "train.yml")],
                         capture_output=True, text=True, check=True).stdout.strip().splitlines()
    assert out[-1] == ("['cfglint.repo', 'cfglint.repo.check', 'cfglint.repo.declare', "
                       "'cfglint.repo.verdict']")


# --- module paths: sd-scripts network_module, Hydra _target_ ---------------------------------

KOHYA = 'pretrained_model_name_or_path = "m.safetensors"\nnetwork_module = "{}"\n'


@pytest.mark.parametrize("module", ["networks.lora", "networks.lora_flux", "lycoris.kohya",
                                    "mynets.special_lora"])
def test_known_or_repository_network_modules_pass(tmp_path: Path, module: str) -> None:
    root = make_repo(tmp_path / "r", {"mynets/special_lora.py": "def create_network(): ...\n",
                                      "train.toml": KOHYA.format(module)})
    assert lint(root / "train.toml", "CFG003") == []


def test_an_unknown_network_module_is_information_with_did_you_mean(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"train.toml": KOHYA.format("lycoris.kohaya")})
    [f] = lint(root / "train.toml", "CFG003")
    assert f.severity == "info" and "did you mean `lycoris.kohya`?" in f.message
    assert "kohya-ss/sd-scripts:train_network.py" in f.message


HYDRA = """\
defaults:
  - _self_
model:
  _target_: {}
  lr: 0.001
optimizer:
  _target_: torch.optim.Adam
"""


@pytest.mark.parametrize("target", ["src.models.mnist.LitModel", "src.models.LitModel",
                                    "models.mnist.LitModel", "torch.nn.Linear",
                                    "src.models.mnist.LitModel.from_config"])
def test_hydra_targets_that_resolve_or_are_not_the_repositorys_pass(
        tmp_path: Path, target: str) -> None:
    root = make_repo(tmp_path / "app", {
        "src/models/__init__.py": "from .mnist import LitModel\n",
        "src/models/mnist.py": "class LitModel:\n    pass\n",
        "configs/train.yaml": HYDRA.format(target)})
    assert lint(root / "configs/train.yaml", "CFG003") == []


@pytest.mark.parametrize(("target", "hint"), [
    ("src.models.mnsit.LitModel", "did you mean `src.models.mnist`?"),
    ("src.models.mnist.LitModle", "did you mean `src.models.mnist.LitModel`?"),
])
def test_hydra_targets_into_the_repository_that_do_not_resolve_are_information(
        tmp_path: Path, target: str, hint: str) -> None:
    root = make_repo(tmp_path / "app", {
        "src/models/__init__.py": "",
        "src/models/mnist.py": "class LitModel:\n    pass\n",
        "configs/train.yaml": HYDRA.format(target)})
    [f] = lint(root / "configs/train.yaml", "CFG003")
    assert f.severity == "info" and f.key_text == "model._target_" and hint in f.message
