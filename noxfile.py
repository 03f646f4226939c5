"""Developer sessions: ``nox -s lint tests``. Virtualenvs use pip (it sees the local CPU torch wheel)."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "virtualenv"
nox.options.sessions = ["lint", "tests"]
TORCH = "torch==2.13.0"


def _install(session: nox.Session, extras: str = "test,plot") -> None:
    session.install(TORCH)
    session.install("-e", f".[{extras}]")


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff>=0.5")
    session.run("ruff", "check", "skcromel", "tests", "benchmarks")
    session.run("ruff", "format", "--check", "skcromel", "tests", "benchmarks")


@nox.session
def tests(session: nox.Session) -> None:
    """Default suite: not slow, no GPU (< 10 minutes on 2 cores)."""
    _install(session)
    session.run("pytest", *session.posargs)


@nox.session
def tests_slow(session: nox.Session) -> None:
    """Long tests (training, full datasets): needs SKCROMEL_DATA_HOME for most."""
    _install(session)
    session.run("pytest", "-m", "slow", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Strict documentation build (MkDocs + mkdocstrings + mkdocs-gallery, which runs every example
    in examples/; a few minutes on one core)."""
    _install(session, "docs,plot")
    session.run(
        "mkdocs", "build", "--strict", *session.posargs,
        env={"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip


@nox.session
def benchmarks(session: nox.Session) -> None:
    """Speed benchmarks (ratios against the tool a user would otherwise pick)."""
    _install(session, "benchmarks,plot")
    session.run("python", "benchmarks/speed/featurize.py", *session.posargs)


@nox.session
def build(session: nox.Session) -> None:
    session.install("build")
    session.run("python", "-m", "build")
