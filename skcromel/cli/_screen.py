"""``skcromel screen-perovskites``: tolerance / octahedral factor screening of ABO3 candidates."""

from __future__ import annotations

import argparse
import sys

from ..exceptions import DataNotFoundError
from ._common import CLIError, at_least, check_column, check_file, read_table

__all__ = ["add_screen_subparser"]


def _energy_predictor(args):
    """The formation-energy model of ``--predict-energy``: a pickle, or trained on the data home."""
    import pickle

    if args.model:
        path = check_file(args.model, "--model file")
        try:
            with open(path, "rb") as fh:  # only load model files you trust (pickle)
                model = pickle.load(fh)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            raise CLIError(
                f"--model {path} is not a readable pickle ({type(exc).__name__}: {exc})"
            ) from exc
        if not hasattr(model, "predict"):
            raise CLIError(f"--model {path} does not hold a fitted model with predict()")
        return model
    from ..config import get_data_home
    from ..datasets import SPINEL_CSV
    from ..structure import perovskite_energy_model

    try:
        import torch

        torch.set_num_threads(args.threads)
    except ImportError:  # pragma: no cover
        pass
    home = get_data_home(args.data_home)
    if not (home / SPINEL_CSV).is_file():
        raise CLIError(
            f"--predict-energy trains on the Center-Environment data of the data home, and "
            f"{home / SPINEL_CSV} is missing (data home from --data-home or "
            "$SKCROMEL_DATA_HOME); put the CE files there (`skcromel datasets --collection ce`), "
            "or pass --model with a pickled fitted model"
        )
    print("training the spinel -> perovskite CE transfer model on the data home "
          "(about 1-2 min on one CPU thread)...", file=sys.stderr)  # fmt: skip
    try:
        model = perovskite_energy_model(
            args.data_home, n_ensemble=args.n_ensemble, random_state=args.seed, delta=args.delta
        )
    except DataNotFoundError as exc:
        raise CLIError(f"--predict-energy: {exc}") from exc
    if args.save_model:
        with open(args.save_model, "wb") as fh:
            pickle.dump(model, fh)
        print(f"saved the model to {args.save_model}", file=sys.stderr)
    return model


def _cmd_screen(args) -> int:
    import pandas as pd

    from ..structure import screen_perovskites

    if args.input and args.elements:
        raise CLIError("give an input CSV or --elements, not both")
    kw = dict(t_window=(args.t_min, args.t_max), mu_window=(args.mu_min, args.mu_max))
    if args.predict_energy or args.model:
        kw.update(
            predictor=_energy_predictor(args),
            max_formation_energy=args.max_formation_energy,
            predict_all=args.predict_all,
        )
    if args.radii:
        radii_path = check_file(args.radii, "--radii file")
        radii = read_table(radii_path)
        values = pd.to_numeric(radii.iloc[:, 1], errors="coerce") if radii.shape[1] > 1 else None
        if values is None or values.isna().any():
            raise CLIError(
                f"--radii {radii_path} must have two columns, element and radius (angstrom), "
                "with a number in every row"
            )
        kw["radii"] = dict(zip(radii.iloc[:, 0].astype(str), values.astype(float)))
    if args.input:
        path = check_file(args.input)
        table = read_table(path)
        check_column(table, args.column, path)
        result = screen_perovskites(table[args.column].tolist(), **kw)
    else:
        if not args.elements:
            raise CLIError("give an input CSV or --elements Sr,Ti,La,...")
        result = screen_perovskites(
            elements=[e.strip() for e in args.elements.split(",") if e.strip()], **kw
        )
    if args.stable_only:
        result = result[result["stable"]]
    if args.output == "-":
        result.to_csv(sys.stdout, index=False)
    else:
        result.to_csv(args.output, index=False)
        n = int(result["stable"].sum())
        what = (
            "pass t, mu and the energy filter" if "formation_energy" in result else "pass t and mu"
        )
        print(f"wrote {len(result)} candidates ({n} {what}) to {args.output}")
    return 0


def add_screen_subparser(subparsers) -> argparse.ArgumentParser:
    """Register ``skcromel screen-perovskites`` on an ``argparse`` sub-parser collection."""
    p = subparsers.add_parser(
        "screen-perovskites",
        help="tolerance / octahedral factor screening of ABO3 candidates",
        description="Geometric screening of ABO3 perovskite candidates (Goldschmidt tolerance "
        "and octahedral factor), optionally with a predicted formation energy.",
    )
    p.add_argument("input", nargs="?", default=None, help="CSV with a formula column (optional)")
    p.add_argument("--column", default="formula", help="formula column of the input CSV")
    p.add_argument("--elements", default=None, help="comma-separated cations: all A-B pairs")
    p.add_argument("--t-min", type=float, default=0.7, help="tolerance factor t > this")
    p.add_argument("--t-max", type=float, default=1.1, help="tolerance factor t <= this")
    p.add_argument("--mu-min", type=float, default=0.45, help="octahedral factor mu > this")
    p.add_argument("--mu-max", type=float, default=0.7, help="octahedral factor mu < this")
    p.add_argument("--stable-only", action="store_true", help="write only passing candidates")
    p.add_argument(
        "--radii",
        default=None,
        help="CSV element,radius (angstrom): one radius per element on both sites",
    )
    g = p.add_argument_group("formation energy (spinel -> perovskite CE transfer model)")
    g.add_argument(
        "--predict-energy",
        action="store_true",
        help="predict formation energy (eV/atom); trains on the data home's ce/csv "
        "unless --model is given",
    )
    g.add_argument(
        "--model",
        default=None,
        help="pickled fitted predictor (formulas -> eV/atom); implies --predict-energy",
    )
    g.add_argument("--save-model", default=None, help="pickle the trained model here")
    g.add_argument(
        "--max-formation-energy",
        type=float,
        default=-1.0,
        help="stable needs E_f <= this (eV/atom); Li et al. used -1.0",
    )
    g.add_argument(
        "--predict-all",
        action="store_true",
        help="predict the energy of every candidate, not only those passing t and mu",
    )
    g.add_argument("--data-home", default=None, help="data folder (default: $SKCROMEL_DATA_HOME)")
    g.add_argument("--n-ensemble", type=at_least(1), default=1, help="fine-tuned networks averaged")
    g.add_argument("--seed", type=int, default=0, help="seed of the energy model")
    g.add_argument(
        "--delta",
        action="store_true",
        help="learn the residual to the Materials Project competing-phase hull (needs "
        "crabnet/data/matbench/mp_e_form.csv in the data home)",
    )
    g.add_argument("--threads", type=at_least(1), default=1, help="torch CPU threads")
    p.add_argument("-o", "--output", default="-", help="output CSV (default: stdout)")
    p.set_defaults(func=_cmd_screen)
    return p
