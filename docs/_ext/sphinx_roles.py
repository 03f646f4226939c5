"""Griffe extension for the skcromel docs: Sphinx roles in docstrings -> mkdocstrings links.

skcromel's docstrings are numpydoc and use Sphinx roles (``:class:`~skcromel.meta.DeltaRegressor```,
``:func:`load_pretrained```, ``:data:`STATS```, ``:meth:`CroMELPretrainer.save```, ``:mod:``).
MkDocs does not know them, so this extension rewrites every role, when the package is loaded, to

* an autorefs cross-reference ``[`DeltaRegressor`][skcromel.meta.DeltaRegressor]`` when the target
  is a public skcromel object (one listed in a public module's ``__all__``, a public member of
  one, or a public module): the link goes to the *public* path the API pages document, never to
  the private module that defines the object;
* inline code otherwise (external objects such as ``pandas.Series``, private helpers), so that no
  raw role and no broken link reaches the built site.

Names are resolved the way Sphinx resolves them from the docstring's location: the enclosing
class, the defining module, its public package, then the top-level package. Resolution imports
skcromel (the docs build needs it installed anyway, for the gallery).

It also adds the names that public packages import lazily (``__getattr__`` + ``_LAZY``) as griffe
aliases, so that ``::: skcromel.structure.CETransferRegressor`` works like any other public path.

Loaded by mkdocstrings through ``extensions:`` in ``mkdocs.yml``.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
import re
import warnings
from types import ModuleType

import griffe

PACKAGE = "skcromel"
logger = logging.getLogger("mkdocs.plugins.skcromel_roles")

#: ``:role:`target```, ``:py:role:`~target```, ``:role:`title <target>```
ROLE = re.compile(
    r":(?:py:)?(?P<role>class|func|meth|data|attr|mod|exc|obj|const):"
    r"`(?P<prefix>[~!]?)(?P<body>[^`]+?)`"
)
TITLED = re.compile(r"^(?P<title>.+?)\s*<(?P<target>[^<>]+)>$")
#: a prose line inside a numpydoc section ("Other parameters: see TorchRegressor."), which the
#: numpy parser would read as a parameter named "Other"
SECTION_NOTE = re.compile(r"^(?:Other|Remaining|All other) parameters?\b[^:]*:.*$", re.IGNORECASE)


def _is_public_module(name: str) -> bool:
    return not any(part.startswith("_") for part in name.split("."))


def _public_modules() -> dict[str, ModuleType]:
    """Every public module of the package (no ``_`` in its dotted name), imported."""
    root = importlib.import_module(PACKAGE)
    mods = {PACKAGE: root}
    for info in pkgutil.walk_packages(root.__path__, prefix=PACKAGE + "."):
        if _is_public_module(info.name):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                mods[info.name] = importlib.import_module(info.name)
    return mods


def _public_package(module: str) -> str:
    """``skcromel.cromel._estimators`` -> ``skcromel.cromel``."""
    parts = module.split(".")
    while len(parts) > 1 and parts[-1].startswith("_"):
        parts.pop()
    return ".".join(parts)


class _Index:
    """Where each public object is documented: ``id(obj)`` -> public dotted path."""

    def __init__(self) -> None:
        self.modules = _public_modules()
        self.by_id: dict[int, str] = {}
        self._objects: list[object] = []  # keeps the indexed objects (and their ids) alive
        candidates: dict[int, list[str]] = {}
        for mod_name, mod in self.modules.items():
            for name in getattr(mod, "__all__", ()):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    obj = getattr(mod, name, None)
                if obj is None or not (inspect.isclass(obj) or inspect.isroutine(obj)):
                    continue
                candidates.setdefault(id(obj), []).append(f"{mod_name}.{name}")
                self._objects.append(obj)
        for key, paths in candidates.items():
            self.by_id[key] = min(paths, key=self._rank_for(paths))

    def _rank_for(self, paths):
        # the home of an object is the public module whose name is the longest prefix of the
        # module that defines it (skcromel.utils.sha256_file rather than skcromel.datasets.*);
        # then the deepest path (skcromel.featurizers.ElementStats rather than skcromel.*)
        def rank(path: str):
            mod_name = path.rsplit(".", 1)[0]
            obj = getattr(self.modules[mod_name], path.rsplit(".", 1)[1])
            defining = getattr(obj, "__module__", "") or ""
            prefix = len(mod_name) if defining.startswith(mod_name) else 0
            return (-prefix, -mod_name.count("."), path)

        return rank

    # ------------------------------------------------------------------ lookup
    def _import(self, path: str):
        """Runtime object for a dotted path inside the package: (module, [attrs], object)."""
        parts = path.split(".")
        for cut in range(len(parts), 0, -1):
            mod_name = ".".join(parts[:cut])
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    module = importlib.import_module(mod_name)
            except ImportError:
                continue
            obj = module
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    for attr in parts[cut:]:
                        obj = getattr(obj, attr)
            except AttributeError:
                return None
            return module, parts[cut:], obj
        return None

    def public_path(self, path: str) -> str | None:
        """The documented public path of a resolvable dotted path, or None."""
        found = self._import(path)
        if found is None:
            return None
        module, attrs, obj = found
        if not attrs:
            return module.__name__ if module.__name__ in self.modules else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            first = getattr(module, attrs[0])
        base = (
            self.by_id.get(id(first))
            if (inspect.isclass(first) or inspect.isroutine(first))
            else None
        )
        if base is None:
            for mod_name in (module.__name__, _public_package(module.__name__)):
                mod = self.modules.get(mod_name)
                if mod is not None and attrs[0] in getattr(mod, "__all__", ()):
                    if getattr(mod, attrs[0], None) is first:
                        base = f"{mod_name}.{attrs[0]}"
                        break
        if base is None:
            return None
        rest = attrs[1:]
        if any(a.startswith("_") for a in rest):
            return None
        return ".".join([base, *rest])

    def resolve(self, target: str, scope_module: str, scope_class: str | None) -> str | None:
        if target.startswith("."):  # relative module reference, e.g. :mod:`._baselines`
            package = (
                scope_module.rsplit(".", 1)[0]
                if not self._is_package(scope_module)
                else scope_module
            )
            candidates = [package + target]
        elif target.split(".")[0] == PACKAGE:
            candidates = [target]
        else:
            candidates = []
            if scope_class:
                candidates.append(f"{scope_class}.{target}")
            candidates += [
                f"{scope_module}.{target}",
                f"{_public_package(scope_module)}.{target}",
                f"{PACKAGE}.{target}",
            ]
        for cand in candidates:
            if cand.split(".")[0] != PACKAGE:
                continue
            path = self.public_path(cand)
            if path is not None:
                return path
        return None

    def _is_package(self, module: str) -> bool:
        found = self._import(module)
        return bool(found and not found[1] and hasattr(found[0], "__path__"))


def _move_section_notes(text: str) -> str:
    """Move "Other parameters: see X." lines out of numpydoc sections, above the first section."""
    lines = text.split("\n")
    headers = [
        i for i in range(1, len(lines)) if set(lines[i].strip()) == {"-"} and lines[i - 1].strip()
    ]
    if not headers:
        return text
    title = headers[0] - 1  # the line holding the first section's name
    notes = [i for i in range(title, len(lines)) if SECTION_NOTE.match(lines[i].strip())]
    if not notes:
        return text
    kept = [line for i, line in enumerate(lines) if i not in notes]
    moved = [lines[i].strip() for i in notes]
    return "\n".join(kept[:title] + moved + [""] + kept[title:])


class SphinxRoles(griffe.Extension):
    """Rewrite Sphinx roles of skcromel docstrings into mkdocstrings cross-references."""

    def __init__(self) -> None:
        super().__init__()
        self._index: _Index | None = None
        self._done = False

    @property
    def index(self) -> _Index:
        if self._index is None:
            self._index = _Index()
        return self._index

    def on_package(self, *, pkg: griffe.Module, **kwargs) -> None:
        if pkg.path != PACKAGE or self._done:
            return
        self._done = True
        self._add_lazy_aliases(pkg)
        seen: set[int] = set()
        self._rewrite(pkg, seen)

    # griffe < 2 calls the same event on_package_loaded
    on_package_loaded = on_package

    # ------------------------------------------------------------------ lazy exports
    def _add_lazy_aliases(self, pkg: griffe.Module) -> None:
        for mod_name, mod in self.index.modules.items():
            try:
                gmod = pkg if mod_name == PACKAGE else pkg[mod_name[len(PACKAGE) + 1 :]]
            except KeyError:
                continue
            for name in getattr(mod, "__all__", ()):
                if name in gmod.members:
                    continue
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    obj = getattr(mod, name, None)
                target = self._lazy_target(gmod, name, obj)
                if target is not None:
                    gmod.set_member(name, griffe.Alias(name, target, parent=gmod))

    @staticmethod
    def _lazy_target(gmod: griffe.Module, name: str, obj: object) -> str | None:
        module = getattr(obj, "__module__", None)
        qualname = getattr(obj, "__qualname__", None)
        if inspect.isclass(obj) or inspect.isroutine(obj):
            if module and qualname and module.startswith(PACKAGE):
                return f"{module}.{qualname}"
            return None
        # data: the private submodule of this package that defines it
        for sub in gmod.modules.values():
            if sub.name.startswith("_") and name in sub.members and not sub.members[name].is_alias:
                return f"{sub.path}.{name}"
        return None

    # ------------------------------------------------------------------ docstrings
    def _rewrite(self, obj: griffe.Object, seen: set[int]) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if obj.docstring is not None:
            value = _move_section_notes(obj.docstring.value)
            if ":`" in value:
                value = self.rewrite(value, obj)
            obj.docstring.value = value
        for member in obj.members.values():
            if not member.is_alias:
                self._rewrite(member, seen)

    def rewrite(self, text: str, obj: griffe.Object) -> str:
        module = obj.module.path if not obj.is_module else obj.path
        if obj.is_class:
            scope_class = obj.path
        elif obj.parent is not None and obj.parent.is_class:
            scope_class = obj.parent.path
        else:
            scope_class = None

        def replace(match: re.Match) -> str:
            role, prefix, body = match["role"], match["prefix"], match["body"].strip()
            titled = TITLED.match(body)
            title, target = (titled["title"], titled["target"]) if titled else (None, body)
            if title is None:
                title = target.rsplit(".", 1)[-1] if prefix == "~" else target
                if role in ("func", "meth") and not title.endswith(")"):
                    title += "()"
            path = None if prefix == "!" else self.index.resolve(target, module, scope_class)
            if path is None:
                logger.debug(
                    "skcromel roles: %s: no public target for :%s:`%s`", obj.path, role, body
                )
                return f"`{title}`"
            return f"[`{title}`][{path}]"

        return ROLE.sub(replace, text)
