"""The command-line interface."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from skcromel.cli import build_parser, main

REPO = Path(__file__).resolve().parents[2]


def _fails(argv, capsys) -> str:
    """Run ``main(argv)``, expect exit code 2 and return stderr (one ``skcromel: error`` line)."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    errors = [ln for ln in err.splitlines() if ln.startswith("skcromel: error: ")]
    assert len(errors) == 1 and err.splitlines()[-1] in errors or "Looked for" in err, err
    assert "Traceback" not in err
    return err


def test_featurize_csv(tmp_path, capsys):
    src = tmp_path / "in.csv"
    pd.DataFrame({"formula": ["Fe2O3", "NaCl"], "y": [1, 2]}).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    assert main(["featurize", str(src), "--featurizer", "xenonpy", "--keep", "-o", str(out)]) == 0
    df = pd.read_csv(out)
    assert df.shape == (2, 2 + 290)
    assert "wrote 2 rows" in capsys.readouterr().out


def test_featurize_bad_row_and_nan_policy(tmp_path, capsys):
    src = tmp_path / "in.csv"
    pd.DataFrame({"formula": ["Fe2O3", "Qq"]}).to_csv(src, index=False)
    err = _fails(["featurize", str(src), "-o", str(tmp_path / "o.csv")], capsys)
    assert "row 1: cannot use composition 'Qq'" in err and "line 3 of" in err
    assert "--on-error nan" in err and err.count("\n") == 1
    assert main(["featurize", str(src), "--on-error", "nan", "-o", str(tmp_path / "o.csv")]) == 0
    assert "skcromel: warning: ElementStats: 1 of 2 rows" in capsys.readouterr().err
    assert pd.read_csv(tmp_path / "o.csv").iloc[1].isna().all()


def test_featurize_reads_cells_as_written(tmp_path, capsys):
    """'NaN' is sodium nitride, 'NA' is not a formula, a blank line is a (bad) row: 5 lines in,
    4 rows out, in order; blank lines at the very end of the file are dropped with a note."""
    src = tmp_path / "in.csv"
    src.write_text("formula\nFe2O3\n\nNaN\nNA\n\n\n")
    out = tmp_path / "o.csv"
    err = _fails(["featurize", str(src), "--featurizer", "fractions", "-o", str(out)], capsys)
    assert "row 1: cannot use composition '': empty formula" in err and "line 3" in err
    assert main(["featurize", str(src), "--featurizer", "fractions", "--on-error", "nan",
                 "--keep", "-o", str(out)]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert "ignored 2 blank line(s) at the end" in err and "2 of 4 rows" in err
    df = pd.read_csv(out, keep_default_na=False)
    assert df["formula"].tolist() == ["Fe2O3", "", "NaN", "NA"]
    assert float(df.loc[2, "Na"]) == float(df.loc[2, "N"]) == 0.5  # "NaN": Na + N
    assert df.loc[1, "Fe"] == "" and df.loc[3, "Fe"] == ""  # NaN rows
    assert float(df.loc[0, "Fe"]) == pytest.approx(0.4)


def test_featurize_magpie_full_and_xlsx(tmp_path, capsys):
    src = tmp_path / "in.xlsx"
    pd.DataFrame({"formula": ["Fe2O3", "NaN"]}).to_excel(src, index=False)
    assert main(["featurize", str(src), "--featurizer", "magpie_full", "-o", "-"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert df.shape == (2, 149) and not df.isna().any().any()


def test_presets(capsys):
    assert main(["presets"]) == 0
    text = capsys.readouterr().out
    for name in ["magpie", "magpie_full", "matscholar", "xenonpy", "elemnet"]:
        assert name in text


# ------------------------------------------------------------------------------ errors
@pytest.fixture
def empty_home(tmp_path, monkeypatch):
    home = tmp_path / "empty_home"
    monkeypatch.setenv("SKCROMEL_DATA_HOME", str(home))
    return home


@pytest.mark.parametrize(
    "argv,expected,not_listed",
    [
        (["benchmark", "--datasets", "efee"], "unknown dataset 'efee'; did you mean 'efe'?",
         "matbench_steels"),
        (["benchmark", "--datasets", "efe", "--models", "rf_magpi"],
         "unknown model 'rf_magpi'; did you mean 'rf_magpie'", "elemnet_scratch"),
        (["benchmark", "--datasets", "efe", "--protocol", "grouped"],
         "unknown protocol 'grouped'; did you mean 'grouped-kfold'?", None),
        (["benchmark", "--suite", "suite15"], "unknown suite 'suite15'; did you mean 'suite14'?",
         "efe-cromel"),
        (["benchmark", "--datasets", "efe", "--n-splits", "1"],
         "argument --n-splits: must be at least 2, got 1", None),
        (["benchmark", "--datasets", "matbench_expt_is_metal", "--models", "xprop_mp_eform"],
         "xprop_mp_eform do not support classification", None),
        (["benchmark", "--datasets", "efe", "--plugins", "no_such_module_xyz"],
         "--plugins: cannot import 'no_such_module_xyz'", None),
        (["benchmark", "--datasets", "efe"], "dataset 'efe' is not available locally", None),
        (["featurize", "no_such_file.csv"], "input file 'no_such_file.csv' not found", None),
        (["featurize", "{csv}", "--featurizer", "magpi"],
         "unknown featurizer 'magpi'; did you mean 'magpie'", "xenonpy"),
        (["featurize", "{csv}", "--column", "fromula"],
         "has no column 'fromula'; did you mean 'formula'?", None),
        (["featurize", "{csv}", "--on-error", "nen"], "unknown choice 'nen'; did you mean 'nan'?",
         None),
        (["benchmrk"], "unknown command 'benchmrk'; did you mean 'benchmark'?", "zoo"),
        (["datasets", "--collection", "experimentl"],
         "unknown collection 'experimentl'; did you mean 'experimental'", None),
        (["datasets", "--download"], "--download needs dataset names or --collection", None),
        (["datasets", "--download", "efee"], "unknown dataset 'efee'; did you mean 'efe'?", None),
        (["screen-perovskites", "--elements", "Sr,Ti", "--predict-energy"],
         "--predict-energy trains on the Center-Environment data", None),
        (["screen-perovskites", "no_such_file.csv"], "input file 'no_such_file.csv' not found",
         None),
        (["screen-perovskites", "--elements", "Sr,Ti", "--model", "no_model.pkl"],
         "--model file 'no_model.pkl' not found", None),
        (["screen-perovskites"], "give an input CSV or --elements", None),
        (["pretrain", "elemnet", "--data", "no_such_file.csv", "--out", "{tmp}/src"],
         "--data file 'no_such_file.csv' not found", None),
        (["pretrain", "elemnet", "--data", "{csv}", "--target-col", "y", "--out", "{tmp}/src",
          "--epochs", "0"], "argument --epochs: must be at least 1", None),
        (["pretrain", "elemnet", "--data", "{csv}", "--target-col", "y", "--out", "{tmp}/src"],
         "column 'y' of", None),
    ],
    ids=lambda v: " ".join(v)[:60] if isinstance(v, list) else None,
)  # fmt: skip
def test_user_errors_are_one_line_with_exit_code_2(
    argv, expected, not_listed, tmp_path, empty_home, capsys
):
    csv = tmp_path / "in.csv"
    csv.write_text("formula,y\nFe2O3,1.5\nNaCl,abc\n")
    out = ["--out", str(tmp_path / "bench")] if argv[0] == "benchmark" else []
    argv = [a.replace("{csv}", str(csv)).replace("{tmp}", str(tmp_path)) for a in argv] + out
    err = _fails(argv, capsys)
    assert expected in err
    if "not available locally" not in expected:
        assert err.count("\n") == 1, err  # one line
    if not_listed:
        assert not_listed not in err  # a suggestion, not a dump of every name
    assert not empty_home.exists()  # nothing was written or downloaded


def test_traceback_on_request(monkeypatch, capsys):
    from skcromel.cli._common import CLIError

    monkeypatch.setenv("SKCROMEL_TRACEBACK", "1")
    with pytest.raises(CLIError, match="unknown featurizer"):
        main(["featurize", __file__, "--featurizer", "magpi"])


# ------------------------------------------------------------------------------ --help
def _all_parsers(parser):
    yield parser
    for action in parser._actions:
        if action.choices and isinstance(action.choices, dict):
            for sub in action.choices.values():
                yield from _all_parsers(sub)


def test_every_help_shows_the_defaults():
    from skcromel.cli._common import HelpFormatter

    parsers = list(_all_parsers(build_parser()))
    names = {p.prog for p in parsers}
    for cmd in ["featurize", "datasets", "models", "zoo", "demo", "benchmark", "pretrain elemnet",
                "screen-perovskites"]:  # fmt: skip
        assert f"skcromel {cmd}" in names
    checked = 0
    for p in parsers:
        assert isinstance(p._get_formatter(), HelpFormatter), p.prog
        text = p.format_help()
        for action in p._actions:
            if action.default in (None, False, [], "==SUPPRESS==") or not action.option_strings:
                continue
            assert action.help, (p.prog, action.dest)
            assert "(default:" in p._get_formatter()._get_help_string(action), (p.prog, action.dest)
            checked += 1
        assert "(default: None)" not in text and "(default: False)" not in text
    assert checked >= 27
    assert "(default: dummy rf_magpie)" in " ".join(
        p.format_help() for p in parsers if p.prog == "skcromel benchmark"
    ).replace("\n                        ", " ")


def test_help_is_fast_and_imports_no_numerical_library():
    """`skcromel --help` (and every sub-command's --help) must not import torch, pandas,
    scikit-learn or numpy, and takes well under 1.5 s."""
    code = (
        "import contextlib, io, sys\n"
        "from skcromel.cli import build_parser, main\n"
        "build_parser()\n"
        "for argv in (['--help'], ['featurize', '--help'], ['benchmark', '--help'],\n"
        "             ['datasets', '--help'], ['zoo', '--help'], ['pretrain', 'elemnet', '-h'],\n"
        "             ['screen-perovskites', '--help'], ['demo', '--help']):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            main(argv)\n"
        "        except SystemExit as exc:\n"
        "            assert exc.code == 0, exc.code\n"
        "heavy = ('torch', 'pandas', 'sklearn', 'numpy', 'scipy', 'pymatgen', 'matminer')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"imported at --help: {done.stdout.strip()}"
    walls = []
    for _ in range(3):  # the best of three: the machine may be busy
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "skcromel.cli", "--help"],
            cwd=REPO, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        walls.append(time.perf_counter() - t0)
        assert done.returncode == 0 and "featurize" in done.stdout
    assert min(walls) <= 1.5, walls


# ------------------------------------------------------------------------------ listings
def test_datasets_table_and_collection_filter(capsys):
    from skcromel.datasets import CATALOGUE

    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header == ["name", "task", "rows", "unit", "collection", "data"]
    assert f"{len(CATALOGUE)} datasets" in out
    assert main(["datasets", "--collection", "experimental-14", "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert len(df) == 14 and set(df["collection"]) == {"experimental-14"}
    row = df.set_index("name").loc["kingsbury_formation_enthalpy"]
    assert row["rows"] == 2135 and row["unit"] == "eV/atom" and row["data"] == "embedded"


def test_models_table(capsys):
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["name", "tasks", "description"]
    line = next(ln for ln in out.splitlines() if ln.startswith("rf_magpie "))
    assert "regression,classification" in line and "random forest" in line


def test_zoo_reads_the_model_cards(capsys):
    from skcromel.registry import list_pretrained

    assert main(["zoo"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:5] == ["name", "property", "unit", "database", "rows"]
    line = next(ln for ln in out.splitlines() if ln.startswith("elemnet-small-mp-eform "))
    card = list_pretrained(details=True)["elemnet-small-mp-eform"]
    for text in ["formation_energy_per_atom", "eV/atom", "Materials Project",
                 f"{card['metrics']['validation_mae']:.4g}", "1.1 MB"]:  # fmt: skip
        assert text in line
    assert f"{len(list_pretrained())} sources" in out
    assert main(["zoo", "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(df["name"]) == list_pretrained()


def test_zoo_with_a_broken_card_names_the_file(tmp_path, capsys):
    from skcromel import registry

    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "card.json").write_text('{"name": ')
    registry.register_source("broken-card", folder)
    try:
        err = _fails(["zoo"], capsys)
    finally:
        registry._EXTRA_SOURCES.pop("broken-card", None)
    assert f"model card {folder / 'card.json'} is not valid JSON" in err


# ------------------------------------------------------------------------------ --download
_ROWS = ("material_id,composition,Eg\n" + "".join(
    f"{i},{f},{g}\n"
    for i, (f, g) in enumerate(
        [("NaCl", 8.5), ("KBr", 7.4), ("MgO", 7.8), ("ZnO", 3.4), ("GaN", 3.4), ("Si", 1.1),
         ("GaAs", 1.4), ("CdTe", 1.5), ("ZnS", 3.7), ("TiO2", 3.0), ("Fe2O3", 2.1), ("CuO", 1.2)]
    )
)).encode()  # fmt: skip


@pytest.fixture
def fake_dataset(monkeypatch):
    """A catalogue entry whose file is 'downloaded' by a mocked _fetch_url (no network)."""
    from skcromel.datasets import CATALOGUE, DataFile, _download

    base = CATALOGUE["roost_expt_non_metal_gap"]
    f = DataFile("fake/gaps.csv", hashlib.sha256(_ROWS).hexdigest(), "https://example.org/g.csv")
    info = type(base)(**{**base.__dict__, "name": "fake_gaps", "files": (f,), "n_rows": 12,
                         "collection": "fake"})  # fmt: skip
    monkeypatch.setitem(CATALOGUE, "fake_gaps", info)
    calls = []

    def fetch(url, dest, **kwargs):
        calls.append(url)
        dest.write_bytes(_ROWS)

    monkeypatch.setattr(_download, "_fetch_url", fetch)
    monkeypatch.setattr(_download, "_sleep", lambda s: None)
    return calls


def test_datasets_download(tmp_path, fake_dataset, capsys):
    home = tmp_path / "home"
    assert main(["datasets", "--collection", "fake", "--data-home", str(home)]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[-1] == "download"
    assert main(["datasets", "--download", "fake_gaps", "--data-home", str(home)]) == 0
    assert "fake_gaps: downloaded 1 file(s)" in capsys.readouterr().out
    assert (home / "fake/gaps.csv").read_bytes() == _ROWS and len(fake_dataset) == 1
    assert main(["datasets", "--download", "--collection", "fake", "--data-home", str(home)]) == 0
    assert "already present" in capsys.readouterr().out and len(fake_dataset) == 1
    assert main(["datasets", "--collection", "fake", "--data-home", str(home)]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[-1] == "local"


def test_datasets_download_failure_says_where_to_put_the_file(tmp_path, monkeypatch, capsys):
    from skcromel.datasets import CATALOGUE, DataFile, _download

    base = CATALOGUE["roost_expt_non_metal_gap"]
    f = DataFile("fake/gaps.csv", hashlib.sha256(_ROWS).hexdigest(), "https://example.org/g.csv")
    monkeypatch.setitem(CATALOGUE, "fake_gaps", type(base)(**{**base.__dict__, "files": (f,)}))

    def offline(url, dest, **kwargs):
        raise OSError("Temporary failure in name resolution")

    monkeypatch.setattr(_download, "_fetch_url", offline)
    monkeypatch.setattr(_download, "_sleep", lambda s: None)
    home = tmp_path / "home"
    with pytest.raises(SystemExit) as info:
        main(["datasets", "--download", "fake_gaps", "--data-home", str(home)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "3 attempts" in err and f"Looked for the file at {home / 'fake/gaps.csv'}" in err
    assert err.splitlines()[-1] == "skcromel: error: could not download fake_gaps (reasons above)"


def test_benchmark_download(tmp_path, fake_dataset, capsys):
    home = tmp_path / "home"
    argv = ["benchmark", "--datasets", "fake_gaps", "--models", "dummy", "--seeds", "0",
            "--n-splits", "3", "--no-plots", "--data-home", str(home), "--out", str(tmp_path)]  # fmt: skip
    err = _fails(argv, capsys)
    assert "not available locally" in err and "pass --download" in err
    assert main([*argv, "--download"]) == 0
    captured = capsys.readouterr()
    assert "fake_gaps: downloaded 1 file(s)" in captured.err
    assert "fake_gaps" in captured.out and len(fake_dataset) == 1
    folds = pd.read_csv(tmp_path / "results_grouped-kfold.csv")
    assert len(folds) == 3 and folds["n_test"].sum() == 12


# ------------------------------------------------------------------------------ demo
def test_demo_quick(tmp_path, capsys, monkeypatch):
    import numpy as np

    from skcromel.benchmark import make_model
    from skcromel.cli import _demo

    # what --quick runs: the fine-tuned ElemNet with the full run's training settings (5 epochs
    # left it predicting about -0.7 eV/atom for every compound), ElemNet from scratch left out
    models = dict(_demo._models(quick=True))
    assert list(models) == ["dummy", "rf_magpie", "xprop_mp_eform", "transfer"]
    assert models["xprop_mp_eform"].get_params()["max_epochs"] == 60
    assert models["transfer"] is None  # the runner's quick settings
    assert [n for n, _ in _demo._models(quick=False)] == list(_demo.DEMO_MODELS)
    note = _demo._quick_note(400, 2135)
    assert "TransferRegressor (recommended) (n_estimators 3 instead of 8" in note
    assert "ElemNet-small, scratch left out" in note and "not numbers to report" in note
    assert _demo._workers() >= 1
    # the test run: one worker process, and the transfer model's sources fixed (the inner source
    # selection of sources="auto" alone takes ~25 s of CPU over the 5 folds)
    fixed = make_model("transfer", quick=True).set_params(sources=["elemnet-small-mp-eform"])
    real = _demo._models
    monkeypatch.setattr(_demo, "_models", lambda quick: [
        (n, fixed if n == "transfer" else e) for n, e in real(quick)])  # fmt: skip
    monkeypatch.setattr(_demo, "_workers", lambda: 1)

    assert main(["demo", "--quick", "--out", str(tmp_path)]) == 0
    for png in ("kingsbury_parity.png", "kingsbury_intervals.png"):
        assert (tmp_path / png).is_file()
    scores = pd.read_csv(tmp_path / "kingsbury_cv_scores.csv")
    by_model = scores.groupby("model").MAE.mean()
    assert set(by_model.index) == {"dummy mean", "RF on magpie", "ElemNet fine-tuned from MP ΔHf",
                                   "TransferRegressor (recommended)"}  # fmt: skip
    assert by_model["RF on magpie"] < 0.5 * by_model["dummy mean"]
    # an honest picture: the fine-tuned network learnt (no constant prediction) and beats the RF
    assert by_model["ElemNet fine-tuned from MP ΔHf"] < by_model["RF on magpie"]
    assert by_model["TransferRegressor (recommended)"] < by_model["RF on magpie"]
    assert (scores.groupby("model").fold.nunique() == 5).all()
    preds = pd.read_csv(tmp_path / "kingsbury_cv_predictions.csv")
    assert len(preds) == scores.groupby("model").n_test.sum().iloc[0]
    assert not preds.isna().any().any()
    fine = preds["ElemNet fine-tuned from MP ΔHf"]
    assert fine.std() > 0.7 * preds["target"].std()
    assert np.corrcoef(fine, preds["target"])[0, 1] > 0.9
    # the compositions and targets of the quick subsample line up
    from skcromel.datasets import load_kingsbury

    ds = load_kingsbury()
    truth = dict(zip(ds.X["composition"], ds.y))
    np.testing.assert_allclose(preds["target"], [truth[c] for c in preds["composition"]])
    label = "TransferRegressor (recommended)"
    inside = preds["target"].between(preds[f"{label} lower"], preds[f"{label} upper"])
    coverage = pd.read_csv(tmp_path / "kingsbury_interval_coverage.csv")
    assert coverage["model"].tolist() == [label] and coverage["level"].tolist() == [0.9]
    assert coverage["coverage"].iloc[0] == pytest.approx(inside.mean())
    assert 0.8 <= inside.mean() <= 1.0
    captured = capsys.readouterr()
    assert "grouped by compound" in captured.out
    assert f"{label}: 90 % prediction intervals hold" in captured.out
    # progress and what quick mode is, before the slow part; a line per model at the end
    lines = captured.out.splitlines()
    assert lines[0].startswith("loading the Kingsbury")
    quick = next(i for i, ln in enumerate(lines) if ln.startswith("quick mode: 400 of the 2135"))
    cv = next(i for i, ln in enumerate(lines) if ln.startswith("5-fold cross-validation of 4"))
    assert quick < cv
    for i, label in enumerate(["dummy mean", "RF on magpie"], start=1):
        assert any(ln.startswith(f"  [{i}/4] {label}") and "MAE" in ln for ln in lines)
    assert "benchmark folds" in captured.err  # the fold progress bar
