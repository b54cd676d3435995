"""Family detection over the corpus, checked against MANIFEST.tsv's family column.

The manifest labels a file by the repository it came from; detection looks at content
(and, for Hydra config-group files, at the primary config that selects the group). Every
disagreement is listed below with its reason; anything else fails.
"""

from __future__ import annotations

import collections

from corpus import manifest, require_corpus

from cfglint.families import detect_family
from cfglint.source.read import read_path

# manifest family → detected families that count as agreement
AGREES = {
    "kohya": {"kohya", "kohya-dataset", "kohya-gui"},
    "basicsr": {"basicsr", "traiNNer"},
    "other": {"generic"},
    "search-spaces": {"optuna", "ray-tune", "wandb-sweep"},
}

# (corpus path prefix, detected family) → why detection differs from the manifest
EXPECTED_MISSES: dict[tuple[str, str], str] = {
    ("sedd/architvasan__protein_lig_sedd@aurora-ddp-fixes/configs_OLD/sweep", "wandb-sweep"):
        "W&B sweeps (program, method, parameters) kept beside the SEDD configs they tune",
    ("search-spaces/korguchi__ACE-Step@s2a/config/accompaniment/optuna_search.json", "generic"):
        "a project's own JSON description of an Optuna space, read by its own script",
    ("search-spaces/wandb__sweeps/src/sweeps/config/schema.json", "generic"):
        "W&B's JSON Schema for sweep configs, not a sweep",
    ("ai-toolkit/ostris__ai-toolkit/config/examples/train_lora_omnigen2_24gb.yaml", "generic"):
        "does not parse (unterminated quote), so there is no content to detect",
    ("kohya/kohya-ss__sd-scripts/docs/train_network_README-ja.md.block01.toml", "generic"):
        "invalid TOML (duplicate network_args), no content to detect",
    ("kohya/kohya-ss__sd-scripts/docs/train_network_README-ja.md.block02.toml", "generic"):
        "invalid TOML (duplicate network_args), no content to detect",
    ("kohya/bmaltais__kohya_ss/examples/stable_cascade/test.toml", "generic"):
        "empty file",
    ("kohya/bmaltais__kohya_ss/test/config/leco_prompts.toml", "generic"):
        "LECO prompt list for a test, not a training config",
    ("kohya/KohakuBlueleaf__LyCORIS/example_configs/preset_configs/", "generic"):
        "LyCORIS network preset (module/algo selection), read by LyCORIS, not by sd-scripts",
    ("hydra/facebookresearch__hydra/tests/test_apps/", "generic"):
        "Hydra test-app configs with no Hydra syntax (no defaults list, interpolation or "
        "_target_); the app that loads them is Python code",
    ("hydra/ashleve__lightning-hydra-template/configs/callbacks/none.yaml", "generic"):
        "empty file (the 'no callbacks' option of a config group)",
    ("hydra/facebookresearch__hydra/hydra/conf/hydra/env/default.yaml", "generic"):
        "empty file (Hydra's default env group option)",
    ("hydra/facebookresearch__hydra/examples/advanced/config_search_path/additional_conf/",
     "generic"): "a group added to Hydra's search path from Python/CLI, not an ancestor folder",
    ("hydra/facebookresearch__hydra/examples/patterns/extending_configs/conf/db_schema/",
     "generic"): "selected by another group file (`/db_schema/base_mysql@_here_`), not by a "
                 "primary config in an ancestor folder",
    ("hydra/facebookresearch__hydra/examples/tutorials/basic/your_first_hydra_app/2_config_file/",
     "generic"): "primary config with no Hydra syntax; only the Python decorator makes it Hydra",
    ("hydra/facebookresearch__hydra/examples/tutorials/basic/your_first_hydra_app/3_using_config/",
     "generic"): "primary config with no Hydra syntax; only the Python decorator makes it Hydra",
    ("hydra/facebookresearch__hydra/examples/tutorials/basic/your_first_hydra_app/4_config_groups/",
     "generic"): "group options chosen only on the command line (`+db=mysql`): no defaults list "
                 "names the group",
    ("other/KohakuBlueleaf__LyCORIS/example_configs/training_configs/hcp/", "hydra"):
        "HCP-Diffusion configs use OmegaConf interpolation and _target_ specs, Hydra's syntax; "
        "linted with the hydra family (which checks only that syntax)",
    ("sedd/AlbertoForesti__Score-Entropy-Discrete-Diffusion/evaluate/config.d/", "hydra"):
        "evaluation configs of a SEDD fork: Hydra apps for MI estimators, not SEDD training "
        "configs",
    ("sedd/architvasan__protein_lig_sedd@aurora-ddp-fixes/wandb_config.yaml", "generic"):
        "Weights & Biases settings",
    ("sedd/architvasan__protein_lig_sedd@aurora-ddp-fixes/protlig_dd/configs/curriculum_examples",
     "generic"): "a catalogue of alternative curriculum blocks, not a loadable SEDD config",
    ("diffusion-pipe/TianDongL__Diffusion_pipe_in_ComfyUI_Win/train_config/main_example.toml",
     "generic"): "does not parse (an eval_datasets array left open), so there is no content",
    ("musubi-tuner/kohya-ss__musubi-tuner/docs/advanced_config.md.block02.toml", "generic"):
        "a one-line doc fragment with `...` in an array: not TOML",
    ("musubi-tuner/kohya-ss__musubi-tuner@pr-861/configs/dlay_lokr_prodigy_training.toml",
     "generic"): "does not parse (`= null`: TOML has no null)",
    ("musubi-tuner/sdbds__musubi-tuner-scripts/gui/presets/train/", "generic"):
        "presets of a third-party GUI for musubi-tuner (its own names: arch, dit_path, "
        "_source_script); the GUI, not musubi-tuner, reads them",
    ("musubi-tuner/kohya-ss__musubi-tuner@pr-818/src/musubi_tuner/gui/gui_config.json",
     "generic"): "a PR-only GUI's table of model and VRAM presets, not a config a musubi-tuner "
                 "script reads",
    ("axolotl/", "generic"):
        "axolotl is not a supported trainer: its configs are generic by design (facts by "
        "common key names, no unknown-key findings)",
    ("kohya/FHfanshu__sd-scripts-anima/configs/examples/anima_quickstart_single.toml",
     "generic"): "input of the fork's own converter ([dataset] data_dir, [lora] lora_rank, "
                 "[optimizer] type): most of its keys are no sd-scripts option",
    ("kohya/maruo555__sd-scripts@codex_sdxl-self-distill-v1/configs/self_distill/base.toml",
     "generic"): "config of the fork's own self-distillation script: 31 of its 48 keys are no "
                 "sd-scripts option",
    ("other/bghira__SimpleTuner/", "simpletuner"):
        "SimpleTuner's own examples (configs, dataset lists, LyCORIS configs, a prompt "
        "library, a WebUI template), filed under other/ by the manifest",
}


def _reason(path: str, got: str) -> str | None:
    for (prefix, fam), reason in EXPECTED_MISSES.items():
        if path.startswith(prefix) and fam == got:
            return reason
    return None


def test_family_detection_agrees_with_the_manifest_except_listed_cases() -> None:
    root = require_corpus()
    detected: collections.Counter[str] = collections.Counter()
    unexplained = []
    used: set[str] = set()
    for row in manifest():
        path = row["corpus_path"]
        got = detect_family(read_path(str(root / path)))
        detected[got] += 1
        expected = AGREES.get(row["family"], {row["family"]})
        if got in expected:
            continue
        reason = _reason(path, got)
        if reason is None:
            unexplained.append(f"{path}: manifest {row['family']}, detected {got}")
        else:
            used.add(reason)
    print(f"\nfamilies detected: {dict(sorted(detected.items()))}")
    assert not unexplained, "\n".join(unexplained)
    assert used == set(EXPECTED_MISSES.values()), "a listed miss no longer happens"


def test_modeline_naming_a_cfglint_schema_wins_over_content() -> None:
    from cfglint.source.read import parse_text

    text = ("# yaml-language-server: $schema=https://cfglint.dev/schemas/basicsr.schema.json\n"
            "job: extension\nconfig:\n  process:\n    - type: sd_trainer\n")
    assert detect_family(parse_text("a.yaml", text, "yaml")) == "basicsr"
    assert detect_family(parse_text("a.yaml", text, "yaml"), "sedd") == "basicsr"
    plain = parse_text("a.yaml", text.split("\n", 1)[1], "yaml")
    assert detect_family(plain) == "ai-toolkit"
    assert detect_family(plain, "sedd") == "sedd"


def test_schema_key_naming_a_cfglint_schema_selects_the_family() -> None:
    from cfglint.source.read import parse_text

    doc = parse_text("a.json", '{"$schema": "https://cfglint.dev/schemas/kohya-gui.schema.json",'
                     ' "x": 1}', "json")
    assert detect_family(doc) == "kohya-gui"


def test_schema_id_or_saved_copy_in_a_modeline_selects_the_family() -> None:
    from cfglint.source.read import parse_text

    body = "job: extension\nconfig:\n  process:\n    - type: sd_trainer\n"
    for ref in ("urn:cfglint:schema:basicsr", ".cfglint/basicsr.schema.json"):
        text = f"# yaml-language-server: $schema={ref}\n{body}"
        assert detect_family(parse_text("a.yaml", text, "yaml")) == "basicsr"


def test_toml_mostly_of_keys_sd_scripts_does_not_read_is_not_claimed_as_kohya() -> None:
    from cfglint.source.read import parse_text

    own = "".join(f"distill_knob_{i} = {i}\n" for i in range(6))
    fork = parse_text("a.toml", 'network_module = "networks.lora"\nlearning_rate = 1e-4\n'
                      'output_dir = "out"\n' + own, "toml")
    assert detect_family(fork) == "generic"
    stock = parse_text("a.toml", 'network_module = "networks.lora"\nlearning_rate = 1e-4\n'
                       'output_dir = "out"\ndistill_knob = 1\n', "toml")
    assert detect_family(stock) == "kohya"


def test_job_key_naming_no_ai_toolkit_job_kind_is_not_claimed_as_ai_toolkit() -> None:
    """A W&B Launch config has a ``job:`` too; ai-toolkit's run.py knows only its own kinds."""
    from cfglint.source.read import parse_text

    launch = parse_text("a.yaml", "job: team/proj/job-train:latest\nresource: local-container\n"
                        "entry_point: [python, train.py]\n", "yaml")
    assert detect_family(launch) == "generic"
    bare = parse_text("a.yaml", "job: train\nconfig:\n  name: run\n", "yaml")
    assert detect_family(bare) == "ai-toolkit"
