"""Python source → Document: the calls a module makes, with exact spans.

A Python file is linted for what it hands to a library (a search space, a config dict),
so the tree is the module's calls and dict displays: each call whose callee is a dotted
name becomes an entry ``callee: {0: arg, 1: arg, keyword: arg}`` at the place it is
written, and ``name = {...}`` an entry ``name: {...}``; literals
become scalars, lists and tuples sequences, dicts mappings, a nested call a mapping
whose ``()`` entry names the callee, and any other expression a scalar tagged ``expr``
holding its source text. The syntax tree itself (``ast``) is kept on the Document for
analyses that need statements. Nothing is imported or evaluated: ``ast.parse`` only
parses, and the parser is the one of the running Python.

Spans are character offsets: ``ast`` columns count UTF-8 bytes, so they are converted
per line.
"""

from __future__ import annotations

import ast
import io
import tokenize

from cfglint.source.document import (
    Comment,
    Document,
    Entry,
    KeyPath,
    Mapping,
    Node,
    ParseProblem,
    Scalar,
    Sequence,
    Span,
)

CALLEE_KEY = "()"  # the entry of a nested call's mapping that names its callee
EXPR_TAG = "expr"  # tag of a scalar that is an expression, not a literal


def dotted_name(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of names and attributes, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


class Positions:
    """Character offsets of ``ast`` positions (1-based lines, UTF-8 byte columns)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def offset(self, line: int, col: int) -> int:
        start = self.doc.offset_of(line, 1)
        text = self.doc.line_text(line)
        if text.isascii():
            return start + col
        return start + len(text.encode("utf-8")[:col].decode("utf-8", "ignore"))

    def span(self, node: ast.AST) -> Span:
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end_line = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
        end_col = getattr(node, "end_col_offset", None)
        end = self.offset(end_line, end_col) if end_col is not None else start
        return Span(start, max(start, end))


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.pos = Positions(doc)

    def text(self, span: Span) -> str:
        return self.doc.text[span.start : span.end]

    def node(self, expr: ast.expr, path: KeyPath) -> Node:
        span = self.pos.span(expr)
        raw = self.text(span)
        if isinstance(expr, ast.Constant):
            return Scalar(span, path, expr.value, raw)
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub | ast.UAdd) \
                and isinstance(expr.operand, ast.Constant) \
                and isinstance(expr.operand.value, int | float) \
                and not isinstance(expr.operand.value, bool):
            value = expr.operand.value
            return Scalar(span, path, -value if isinstance(expr.op, ast.USub) else value, raw)
        if isinstance(expr, ast.List | ast.Tuple | ast.Set):
            return Sequence(span, path, [self.node(e, (*path, i)) for i, e in enumerate(expr.elts)],
                            flow=True)
        if isinstance(expr, ast.Dict):
            return self.mapping(expr, span, path)
        if isinstance(expr, ast.Call) and dotted_name(expr.func) is not None:
            return self.call(expr, span, path, nested=True)
        return Scalar(span, path, raw, raw, tag=EXPR_TAG)

    def mapping(self, expr: ast.Dict, span: Span, path: KeyPath) -> Mapping:
        out = Mapping(span, path, flow=True)
        for k, v in zip(expr.keys, expr.values, strict=True):
            if k is None:
                continue  # ``**other``: nothing to name
            key_span = self.pos.span(k)
            name = k.value if isinstance(k, ast.Constant) else self.text(key_span)
            key = Scalar(key_span, (*path, str(name)), name, self.text(key_span))
            out.entries.append(Entry(key, self.node(v, (*path, str(name)))))
        return out

    def call(self, expr: ast.Call, span: Span, path: KeyPath, nested: bool = False) -> Mapping:
        out = Mapping(span, path, flow=True)
        if nested:
            callee = self.pos.span(expr.func)
            at = Span(callee.start, callee.start)  # the key is not written: an empty span
            out.entries.append(Entry(Scalar(at, (*path, CALLEE_KEY), CALLEE_KEY, ""),
                                     Scalar(callee, (*path, CALLEE_KEY),
                                            dotted_name(expr.func), self.text(callee))))
        for i, arg in enumerate(expr.args):
            at = self.pos.span(arg)
            key = Scalar(Span(at.start, at.start), (*path, str(i)), str(i), "")
            out.entries.append(Entry(key, self.node(arg, (*path, str(i)))))
        for kw in expr.keywords:
            if kw.arg is None:
                continue  # ``**kwargs``
            at = self.pos.span(kw)
            key = Scalar(Span(at.start, at.start + len(kw.arg)), (*path, kw.arg), kw.arg, kw.arg)
            out.entries.append(Entry(key, self.node(kw.value, (*path, kw.arg))))
        return out

    def calls(self, tree: ast.Module) -> list[Entry]:
        """Every call of a dotted name that is not an argument of another such call, and
        every dict display assigned to a plain name."""
        entries: list[Entry] = []
        stack: list[ast.AST] = [tree]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) \
                    and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                target = self.pos.span(node.targets[0])
                name = node.targets[0].id
                key = Scalar(target, (name,), name, name)
                entries.append(Entry(key, self.mapping(node.value, self.pos.span(node.value),
                                                       (name,))))
                continue
            callee_name = dotted_name(node.func) if isinstance(node, ast.Call) else None
            if isinstance(node, ast.Call) and callee_name is not None:
                callee = self.pos.span(node.func)
                key = Scalar(callee, (callee_name,), callee_name, self.text(callee))
                entries.append(Entry(key, self.call(node, self.pos.span(node), (callee_name,))))
                stack.append(node.func)  # calls inside the callee chain are rare, but real
                continue
            stack.extend(reversed(list(ast.iter_child_nodes(node))))
        entries.sort(key=lambda e: e.key.span.start)
        return entries


def comments(text: str) -> list[Comment]:
    """``#`` comments from the tokenizer (exact: strings are never mistaken for comments)."""
    out: list[Comment] = []
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type != tokenize.COMMENT:
                continue
            row, col = tok.start
            start = starts[row - 1] + col
            own = lines[row - 1][:col].strip() == ""
            out.append(Comment(Span(start, start + len(tok.string)), tok.string[1:], own))
    except (tokenize.TokenError, SyntaxError):
        pass  # the comments seen so far are kept; the parse problem is reported elsewhere
    return out


def read_python(path: str, text: str) -> Document:
    doc = Document(path=path, text=text, format="python", root=None)
    try:
        tree = ast.parse(text, filename=path, type_comments=False)
    except SyntaxError as err:
        line, col = err.lineno or 1, max(1, err.offset or 1)
        doc.problems.append(ParseProblem(f"Python syntax error: {err.msg}",
                                         doc.offset_of(line, col)))
        return doc
    except (ValueError, RecursionError, MemoryError) as err:
        doc.problems.append(ParseProblem(f"cannot parse this Python file: {err}", 0))
        return doc
    builder = _Builder(doc)
    doc.root = Mapping(Span(0, len(text)), (), builder.calls(tree))
    doc.syntax = tree
    doc.comments = comments(text)
    return doc
