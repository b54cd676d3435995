"""JSON with comments and trailing commas (tsconfig.json, VS Code settings, .jsonc) reads as
JSONC with exact spans; a trainer that parses with json.load still gets the error it will hit.
Standard input without a name is sniffed, never assumed to be YAML."""

from __future__ import annotations

import json
from typing import Any

from cli_helpers import no_traceback, run_cfglint
from hypothesis import given, settings
from hypothesis import strategies as st

from cfglint.pipeline import lint_document
from cfglint.settings import Settings
from cfglint.source.document import Mapping, Scalar, Sequence, to_python
from cfglint.source.json_reader import read_json
from cfglint.source.read import parse_text, sniff_format

TSCONFIG = """\
{
  // compiler settings
  "compilerOptions": {
    "target": "es2022", /* the runtime */
    "strict": true,
    "lib": ["dom", "es2022",],
  },
}
"""

GUI_PRESET = """\
{
  "LoRA_type": "Standard",
  "learning_rate": 0.0001, // tuned
  "optimizer": "AdamW",
  "network_dim": 16,
  "network_alpha": 16,
  "epoch": 10
}
"""


def test_jsonc_reads_with_the_values_json_has_and_exact_spans():
    doc = read_json("tsconfig.json", TSCONFIG)
    assert doc.problems == []
    stripped = TSCONFIG.replace("// compiler settings", "").replace("/* the runtime */", "")
    stripped = stripped.replace('"es2022",]', '"es2022"]').replace("],\n  },\n}", "]\n  }\n}")
    assert to_python(doc.root) == json.loads(stripped)
    target = doc.find(("compilerOptions", "target"))
    assert target is not None
    assert TSCONFIG[target.span.start:target.span.end] == '"es2022"'
    assert [c.text for c in doc.comments] == [" compiler settings", " the runtime "]
    assert [p.message.split(" (")[0] for p in doc.lenient] == [
        "a comment", "a comment", "a trailing comma", "a trailing comma", "a trailing comma"]


def test_tsconfig_and_vscode_settings_get_no_findings_even_when_named():
    for name in ("tsconfig.json", ".vscode/settings.json", "x.jsonc"):
        doc = parse_text(name, TSCONFIG, "json")
        assert lint_document(doc, Settings(), explicit=True).findings == []


def test_a_trainer_that_parses_with_json_load_gets_cfg001_at_the_first_comment():
    doc = parse_text("preset.json", GUI_PRESET, "json")
    result = lint_document(doc, Settings(), explicit=True)
    assert result.family == "kohya-gui"
    (finding,) = result.findings
    assert (finding.code, finding.severity, finding.line) == ("CFG001", "error", 3)
    assert GUI_PRESET[finding.span.start:finding.span.end] == "// tuned"
    assert "json.load" in finding.message


def test_suppression_comments_work_in_jsonc(tmp_path):
    text = '{\n  // cfglint: file-ignore[CFG005]\n  "lr": 1,\n  "lr": 2\n}\n'
    (tmp_path / "cfg.jsonc").write_text(text)
    proc = run_cfglint("--quiet", "--select", "CFG005,CFG006", "cfg.jsonc", cwd=tmp_path)
    no_traceback(proc)
    assert (proc.returncode, proc.stdout) == (0, "")


def test_an_unterminated_block_comment_is_a_located_parse_error():
    doc = read_json("x.json", '{"a": 1 /* open\n}')
    (problem,) = doc.problems
    assert problem.offset == 8 and "unterminated" in problem.message


_KEYS = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=6)
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                     st.floats(allow_nan=False, allow_infinity=False), _KEYS)
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)), max_leaves=12)
_GAPS = st.sampled_from(["", " ", "\n", " // note\n", "/* c */", "\n  /* a\n b */ "])


def _dump(value: Any, gaps: st.DataObject) -> str:
    """JSON text of ``value`` with comments in the gaps and, sometimes, trailing commas."""
    def gap() -> str:
        return gaps.draw(_GAPS)

    if isinstance(value, dict):
        items = [f"{gap()}{json.dumps(k)}{gap()}:{gap()}{_dump(v, gaps)}{gap()}"
                 for k, v in value.items()]
        trail = "," if items and gaps.draw(st.booleans()) else ""
        return "{" + ",".join(items) + trail + gap() + "}"
    if isinstance(value, list):
        items = [f"{gap()}{_dump(v, gaps)}{gap()}" for v in value]
        trail = "," if items and gaps.draw(st.booleans()) else ""
        return "[" + ",".join(items) + trail + gap() + "]"
    return json.dumps(value)


@settings(max_examples=60, deadline=None)
@given(_VALUES, st.data())
def test_comments_and_trailing_commas_never_change_values_or_spans(value, data):
    text = _dump(value, data)
    doc = read_json("x.jsonc", text)
    assert doc.problems == []
    assert to_python(doc.root) == json.loads(json.dumps(value))
    for node in doc.walk():
        raw = text[node.span.start:node.span.end]
        if isinstance(node, Scalar):
            assert json.loads(raw) == node.value or node.value != node.value
        elif isinstance(node, Mapping | Sequence):
            assert raw[0] + raw[-1] in ("{}", "[]")


# --- standard input without a name -------------------------------------------------------


def test_sniffing_picks_json_toml_or_yaml():
    assert sniff_format('{"lr": 1}') == "json"
    assert sniff_format("{\n  // c\n  \"lr\": 1,\n}\n") == "json"
    assert sniff_format('[general]\nshuffle_caption = true\n') == "toml"
    assert sniff_format('learning_rate = 1e-4\n') == "toml"
    assert sniff_format("lr: 1e-4\n") == "yaml"
    assert sniff_format("{a: 1}\n") == "yaml"  # a YAML flow mapping, not JSON
    assert sniff_format('[general]\nbroken = \n') == "toml"  # its error is TOML's
    assert sniff_format("") == "yaml"


def test_piped_toml_and_json_keep_their_trainer(tmp_path):
    toml = b'network_module = "networks.lora"\nlearning_rate = 1e-4\noptimizer_type = "AdamW"\n' \
        b'max_train_step = 100\nnetwork_dim = 4\n'
    proc = run_cfglint("--format", "json", "--select", "CFG0,CFG701", "-", cwd=tmp_path,
                       stdin=toml)
    no_traceback(proc)
    found = json.loads(proc.stdout)
    assert [(f["code"], f["family"], f["key"]) for f in found] == [
        ("CFG701", "kohya", "max_train_step")]
    gui = GUI_PRESET.replace(" // tuned", "").replace('"epoch": 10', '"epoch": 10, "epoch": 12')
    proc = run_cfglint("--format", "json", "--select", "CFG0", "-", cwd=tmp_path,
                       stdin=gui.encode())
    assert [(f["code"], f["family"]) for f in json.loads(proc.stdout)] == [
        ("CFG005", "kohya-gui")]
