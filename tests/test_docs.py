"""The documentation: every page in the nav, every public name on an API page, user pages free of
machine-local paths and session notes, Sphinx roles rendered, and the strict MkDocs build.

The source checks need nothing beyond skcromel. The build checks need the ``docs`` extra
(mkdocs, mkdocstrings, mkdocs-gallery) and skip cleanly without it; the full build that runs every
example of the gallery is marked slow.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CONFIG = ROOT / "mkdocs.yml"
ROLE_EXTENSION = DOCS / "_ext" / "sphinx_roles.py"

pytestmark = pytest.mark.skipif(
    not CONFIG.is_file(), reason="documentation sources not present (installed package)"
)

#: a Sphinx role that reached the output unrendered
RAW_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|data|attr|mod|exc|obj|const):`")
#: paths of a particular machine
MACHINE_PATH = re.compile(r"(?<![\w.])/(?:work|tmp|root)/")
#: notes about the work that produced a page rather than about the software
SESSION_NOTE = re.compile(
    r"this session|this task|not done yet|none was lent|no gpu was lent|the lead wires",
    re.IGNORECASE,
)


def _user_pages() -> list[Path]:
    """Pages written for users: docs/ outside the benchmark results and generated files, the
    README and the example scripts."""
    pages = [
        p
        for p in DOCS.rglob("*.md")
        if p.relative_to(DOCS).parts[0] not in ("benchmarks", "generated", "_ext")
    ]
    return sorted(pages) + [ROOT / "README.md", *sorted((ROOT / "examples").glob("*.py"))]


def _doc_pages() -> set[str]:
    return {
        p.relative_to(DOCS).as_posix()
        for p in DOCS.rglob("*.md")
        if p.relative_to(DOCS).parts[0] not in ("generated", "_ext")
    }


def _nav_pages() -> set[str]:
    """The .md files named in the nav of mkdocs.yml (read as text: no YAML library needed)."""
    text = CONFIG.read_text(encoding="utf-8")
    nav = text.split("\nnav:", 1)[1]
    nav = re.split(r"\n(?=\S)", nav, maxsplit=1)[0]  # up to the next top-level key
    return set(re.findall(r"([\w\-./]+\.md)\s*$", nav, re.MULTILINE))


def _public_modules() -> dict[str, object]:
    import skcromel

    mods = {"skcromel": skcromel}
    for info in pkgutil.walk_packages(skcromel.__path__, prefix="skcromel."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mods[info.name] = importlib.import_module(info.name)
    return mods


# ------------------------------------------------------------------------------ sources
def _benchmark_pages() -> list[Path]:
    """Benchmark pages and runner reports: they may narrate runs, but not a machine's paths."""
    return sorted((DOCS / "benchmarks").rglob("*.md"))


@pytest.mark.parametrize(
    "page", _user_pages() + _benchmark_pages(), ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_user_page_has_no_machine_paths_or_session_notes(page):
    text = page.read_text(encoding="utf-8")
    problems = [
        f"line {i}: {line.strip()[:100]}"
        for i, line in enumerate(text.splitlines(), start=1)
        if MACHINE_PATH.search(line) or SESSION_NOTE.search(line)
    ]
    assert not problems, f"{page.relative_to(ROOT)}:\n" + "\n".join(problems)


def test_every_page_is_in_the_nav():
    missing = sorted(_doc_pages() - _nav_pages())
    assert not missing, f"pages under docs/ that are not in the nav of mkdocs.yml: {missing}"
    dangling = sorted(p for p in _nav_pages() - _doc_pages() if not p.startswith("generated/"))
    assert not dangling, f"nav entries without a page: {dangling}"


def test_api_pages_cover_every_public_name():
    api = "\n".join(p.read_text(encoding="utf-8") for p in sorted((DOCS / "api").glob("*.md")))
    documented = set(re.findall(r"^::: ([\w.]+)", api, re.MULTILINE))
    index = (DOCS / "api" / "index.md").read_text(encoding="utf-8")
    missing = []
    for name, module in _public_modules().items():
        exported = getattr(module, "__all__", ())
        if name == "skcromel":  # top-level shortcuts: listed on the API index page
            missing += [
                f"skcromel.{n} (not in the table of api/index.md)"
                for n in exported
                if f"`{n}`" not in index
            ]
            continue
        if name not in documented:
            missing.append(f"{name} (module: no '::: {name}' block)")
        missing += [f"{name}.{n}" for n in exported if f"{name}.{n}" not in documented]
    assert not missing, "public names without API documentation:\n" + "\n".join(missing)


def test_sphinx_roles_become_links_to_public_paths():
    """The griffe extension leaves no role in any docstring of the package; every link it makes
    points at a public (documented) path."""
    griffe = pytest.importorskip("griffe")
    sys.path.insert(0, str(ROLE_EXTENSION.parent))
    try:
        import sphinx_roles
    finally:
        sys.path.remove(str(ROLE_EXTENSION.parent))
    extension = sphinx_roles.SphinxRoles()
    package = griffe.load(
        "skcromel",
        search_paths=[str(ROOT)],
        extensions=griffe.load_extensions(extension),
        docstring_parser="numpy",
    )
    raw, links = [], set()

    def walk(obj, seen):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if obj.docstring is not None:
            if RAW_ROLE.search(obj.docstring.value):
                raw.append(obj.path)
            links.update(re.findall(r"\]\[([\w.]+)\]", obj.docstring.value))
        for member in obj.members.values():
            if not member.is_alias:
                walk(member, seen)

    walk(package, set())
    assert not raw, f"docstrings with unrendered Sphinx roles: {raw}"
    assert links, "no role was turned into a link"
    private = sorted(link for link in links if any(p.startswith("_") for p in link.split(".")))
    assert not private, f"links to private paths: {private}"


# ------------------------------------------------------------------------------ build
def _build(site: Path, *, gallery: bool) -> subprocess.CompletedProcess:
    """Strict build into ``site``; with ``gallery`` every example runs (also unchanged ones)."""
    for module in ("mkdocs", "mkdocstrings", "mkdocstrings_handlers.python", "mkdocs_gallery"):
        pytest.importorskip(module)
    pythonpath = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(pythonpath),  # this checkout's skcromel, not another install
        SKCROMEL_DOCS_GALLERY="true" if gallery else "false",
        SKCROMEL_DOCS_RUN_STALE="true" if gallery else "false",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        MPLBACKEND="Agg",
        NO_MKDOCS_2_WARNING="1",
    )
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(CONFIG), "-d", str(site)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stderr[-6000:]}"
    return proc


def _check_site(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    raw = [p.relative_to(site).as_posix() for p in pages if RAW_ROLE.search(p.read_text("utf-8"))]
    assert not raw, f"raw Sphinx roles in the built site: {raw}"
    user = [p for p in pages if p.relative_to(site).parts[0] != "benchmarks"]
    bad = [
        p.relative_to(site).as_posix()
        for p in user
        if MACHINE_PATH.search(p.read_text("utf-8")) or SESSION_NOTE.search(p.read_text("utf-8"))
    ]
    assert not bad, f"machine-local paths or session notes in built user pages: {bad}"
    api = (site / "api" / "featurizers" / "index.html").read_text("utf-8")
    assert 'id="skcromel.featurizers.ElementStats"' in api  # class headings at the public path


def test_strict_build(tmp_path):
    """``mkdocs build --strict`` without running the examples (about 15 s on 2 cores)."""
    _build(tmp_path / "site", gallery=False)
    _check_site(tmp_path / "site")


@pytest.mark.slow
def test_strict_build_with_gallery(tmp_path):
    """The full build: every example of the gallery runs (a few minutes on one core)."""
    _build(tmp_path / "site", gallery=True)
    _check_site(tmp_path / "site")
    gallery = tmp_path / "site" / "generated" / "gallery"
    examples = sorted((ROOT / "examples").glob("plot_*.py"))
    for example in examples:
        page = (gallery / example.stem / "index.html").read_text("utf-8")
        assert "mkd_glr_" in page and ".png" in page, f"{example.name}: no figure on its page"
