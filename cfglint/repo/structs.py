"""Option structs a trainer decodes a whole file into, read from a repository with ``ast``:
traiNNer-redux decodes its options with ``msgspec`` into ``Struct`` classes declared
``forbid_unknown_fields=True`` (``traiNNer/utils/redux_options.py``), so a key is accepted
exactly where the struct of that level has a field of that name. Forks add fields there.

A field leads to the struct named by its annotation (``TrainOptions | None``,
``Annotated[TrainOptions, Meta(...)]``, ``dict[str, DatasetOptions]`` for the values of a
mapping, ``list[X]`` for the items of a list); a field of any other type (``dict[str, Any]``)
is not the structs' to judge: its keys are the business of the code that reads them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cfglint.source.document import KeyPath

Via = Literal["", "dict", "list"]  # the value itself, a mapping's values, a list's items
_WRAPPERS = frozenset({"Annotated", "Optional", "Union", "Final"})
_DICTS = frozenset({"dict", "Dict", "Mapping", "MutableMapping"})
_LISTS = frozenset({"list", "List", "tuple", "Tuple", "Sequence", "set", "frozenset"})


@dataclass(frozen=True)
class Field:
    """A field of an options struct, and the struct of its value if any."""

    child: str | None  # the struct class of the value, when the annotation names one
    via: Via = ""


@dataclass
class Struct:
    """An options class of a repository (msgspec/dataclass style): its fields."""

    name: str
    line: int
    bases: tuple[str, ...]
    fields: dict[str, Field] = field(default_factory=dict)
    strict: bool | None = None  # forbid_unknown_fields as the class says it (None: inherited)
    renamed: bool = False  # ``rename=``: the encoded names are not the field names


@dataclass(frozen=True)
class StructSet:
    """The option structs of one file, and the one the whole option file decodes into."""

    file: Path  # relative to the repository root
    root: str
    structs: dict[str, Struct]

    def accepts(self, path: KeyPath) -> bool | None:
        """Whether the decoder accepts the last key of ``path`` where it is; None when the
        structs do not decide (a free-form mapping, a struct renamed or not found)."""
        current = self.structs.get(self.root)
        i = 0
        while current is not None and i < len(path):
            key = path[i]
            if not isinstance(key, str) or current.renamed:
                return None
            fields = self._fields(current.name)
            if i == len(path) - 1:
                return key in fields or not self._strict(current.name)
            found = fields.get(key)
            if found is None or found.child is None:
                return None
            i += 1
            if found.via:
                if i >= len(path) or isinstance(path[i], str) != (found.via == "dict"):
                    return None
                i += 1
            current = self.structs.get(found.child)
        return None

    def _fields(self, name: str, depth: int = 0) -> dict[str, Field]:
        """A struct's fields, its bases' first (msgspec inherits them)."""
        struct = self.structs.get(name)
        if struct is None or depth > 8:
            return {}
        out: dict[str, Field] = {}
        for base in struct.bases:
            out.update(self._fields(base, depth + 1))
        out.update(struct.fields)
        return out

    def _strict(self, name: str, depth: int = 0) -> bool:
        """``forbid_unknown_fields``, which a struct inherits from its bases."""
        struct = self.structs.get(name)
        if struct is None or depth > 8:
            return False
        if struct.strict is not None:
            return struct.strict
        return any(self._strict(b, depth + 1) for b in struct.bases)


def read_structs(text: str, file: Path, root: str) -> StructSet | None:
    """The msgspec structs ``text`` defines; None when it does not parse or does not define
    ``root`` as a struct."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    names = _struct_names(classes)
    if root not in names:
        return None
    structs = {name: _struct(classes[name], names) for name in names}
    return StructSet(file, root, structs)


def _struct_names(classes: dict[str, ast.ClassDef]) -> set[str]:
    """Classes that derive from ``msgspec.Struct``, directly or through each other."""
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, cls in classes.items():
            if name not in found and any(b == "Struct" or b in found for b in _bases(cls)):
                found.add(name)
                changed = True
    return found


def _bases(cls: ast.ClassDef) -> tuple[str, ...]:
    return tuple(b.id if isinstance(b, ast.Name) else b.attr for b in cls.bases
                 if isinstance(b, (ast.Name, ast.Attribute)))


def _struct(cls: ast.ClassDef, structs: set[str]) -> Struct:
    out = Struct(cls.name, cls.lineno, tuple(b for b in _bases(cls) if b in structs))
    for kw in cls.keywords:
        if kw.arg == "forbid_unknown_fields" and isinstance(kw.value, ast.Constant):
            out.strict = bool(kw.value.value)
        elif kw.arg == "rename" and not (isinstance(kw.value, ast.Constant)
                                         and kw.value.value is None):
            out.renamed = True
    for item in cls.body:
        if not isinstance(item, ast.AnnAssign) or not isinstance(item.target, ast.Name):
            continue
        if _outer(item.annotation) == "ClassVar":
            continue
        name = _encoded_name(item.value) or item.target.id
        out.fields[name] = _field(item.annotation, structs)
    return out


def _encoded_name(value: ast.expr | None) -> str | None:
    """``field(name="x")``: the key msgspec reads for this field."""
    if isinstance(value, ast.Call):
        for kw in value.keywords:
            if kw.arg == "name" and isinstance(kw.value, ast.Constant) and isinstance(
                    kw.value.value, str):
                return kw.value.value
    return None


def _field(annotation: ast.expr, structs: set[str], via: Via = "") -> Field:
    """The struct an annotation leads to, and how (one struct among the alternatives)."""
    found: list[Field] = []
    for alt in _alternatives(annotation):
        head = _outer(alt)
        if head in structs:
            found.append(Field(head, via))
        elif head in _DICTS and isinstance(alt, ast.Subscript) and not via:
            args = _args(alt)
            if len(args) == 2:
                found.append(_field(args[1], structs, "dict"))
        elif head in _LISTS and isinstance(alt, ast.Subscript) and not via:
            args = _args(alt)
            if args:
                found.append(_field(args[0], structs, "list"))
    children = {f for f in found if f.child is not None}
    return children.pop() if len(children) == 1 else Field(None)


def _alternatives(annotation: ast.expr) -> list[ast.expr]:
    """``A | B``, ``Optional[A]``, ``Union[A, B]``, ``Annotated[A, ...]``, ``"A"`` -> A, B."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return []
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _alternatives(annotation.left) + _alternatives(annotation.right)
    head = _outer(annotation)
    if head in _WRAPPERS and isinstance(annotation, ast.Subscript):
        args = _args(annotation)
        chosen = args[:1] if head in ("Annotated", "Final") else args
        return [a for arg in chosen for a in _alternatives(arg)]
    return [annotation]


def _outer(annotation: ast.expr) -> str:
    """The name at the head of an annotation: ``dict`` for ``dict[str, X]``."""
    node = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _args(sub: ast.Subscript) -> list[ast.expr]:
    return list(sub.slice.elts) if isinstance(sub.slice, ast.Tuple) else [sub.slice]
