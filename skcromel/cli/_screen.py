"""``skcromel screen-perovskites``: geometric (tau, tolerance / octahedral factor) screening of
ABO3 candidates, with a reason for every decision."""

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


def _windows(args):
    """``t_window`` / ``mu_window`` from ``--t-min`` ... ``--mu-max`` (None: the rule's own); a
    bound not given keeps the rule's (or is open when the rule has no such window)."""
    from ..structure._screening import SCREENING_RULES

    spec = SCREENING_RULES[args.rule]
    out = {}
    for name, low, high in (("t", args.t_min, args.t_max), ("mu", args.mu_min, args.mu_max)):
        if low is None and high is None:
            continue
        default = spec[f"{name}_window"] or (float("-inf"), float("inf"))
        window = (default[0] if low is None else low, default[1] if high is None else high)
        if not window[0] < window[1]:
            raise CLIError(f"--{name}-min must be below --{name}-max (got {window[0]:g}, "
                           f"{window[1]:g})")  # fmt: skip
        out[f"{name}_window"] = window
    return out


def _cmd_screen(args) -> int:
    import pandas as pd

    from ..structure import screen_perovskites

    if args.input and args.elements:
        raise CLIError("give an input CSV or --elements, not both")
    if args.radii and not getattr(args, "rule_given", False):
        # tau needs oxidation states, which --radii does not give: Li et al.'s convention
        args.rule = "li2023"
        print("--radii: screening with rule li2023 (Li et al.'s t and mu windows; rule tau "
              "needs oxidation states); --rule t_mu for the other window rule",
              file=sys.stderr)  # fmt: skip
    elif args.radii and args.rule == "tau":
        raise CLIError(
            "--radii gives one radius per element without oxidation states, and rule 'tau' "
            "needs them: use --rule li2023 (Li et al.'s windows) or --rule t_mu"
        )
    kw = dict(rule=args.rule, **_windows(args))
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
        try:
            result = screen_perovskites(
                elements=[e.strip() for e in args.elements.split(",") if e.strip()], **kw
            )
        except ValueError as exc:  # unknown element symbols
            raise CLIError(f"--elements: {exc}") from exc
    if args.stable_only:
        result = result[result["stable"]]
    if args.output == "-":
        result.to_csv(sys.stdout, index=False)
    else:
        result.to_csv(args.output, index=False)
        n = int(result["stable"].sum())
        what = f"pass rule '{args.rule}'" + (
            " and the energy filter" if "formation_energy" in result else ""
        )
        print(
            f"wrote {len(result)} candidates ({n} {what}) to {args.output}; the reason column "
            "says why each was kept or rejected"
        )
    return 0


class _RuleAction(argparse.Action):
    """Stores ``--rule`` and notes that it was given (``--radii`` defaults to li2023 otherwise)."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)
        namespace.rule_given = True


def add_screen_subparser(subparsers) -> argparse.ArgumentParser:
    """Register ``skcromel screen-perovskites`` on an ``argparse`` sub-parser collection."""
    p = subparsers.add_parser(
        "screen-perovskites",
        help="tau / tolerance / octahedral factor screening of ABO3 candidates",
        description="Geometric screening of ABO3 perovskite candidates (Bartel's tau, or "
        "Goldschmidt tolerance and octahedral factor windows) with Shannon radii, optionally "
        "with a predicted formation energy. Every row gets a reason column: why it was kept "
        "or rejected, or which radius is missing.",
    )
    p.add_argument("input", nargs="?", default=None, help="CSV with a formula column (optional)")
    p.add_argument("--column", default="formula", help="formula column of the input CSV")
    p.add_argument("--elements", default=None, help="comma-separated cations: all A-B pairs")
    p.add_argument(
        "--rule",
        choices=["tau", "t_mu", "li2023"],
        default="tau",
        action=_RuleAction,
        help="decision rule: tau = Bartel et al. 2019, tau < 4.18 (the most accurate on known "
        "perovskite and non-perovskite oxides); t_mu = 0.825 < t <= 1.059 and 0.414 < mu < "
        "0.732; li2023 = Li et al. 2023, 0.7 < t <= 1.1 and 0.45 < mu < 0.7 (with Shannon radii "
        "it rejects SrTiO3 and BaTiO3) (default: tau; li2023 with --radii)",
    )
    p.add_argument("--t-min", type=float, default=None, help="tolerance factor t > this "
                   "(default: the rule's window; none for tau)")  # fmt: skip
    p.add_argument("--t-max", type=float, default=None, help="tolerance factor t <= this")
    p.add_argument("--mu-min", type=float, default=None, help="octahedral factor mu > this "
                   "(default: the rule's window; none for tau)")  # fmt: skip
    p.add_argument("--mu-max", type=float, default=None, help="octahedral factor mu < this")
    p.add_argument("--stable-only", action="store_true", help="write only passing candidates")
    p.add_argument(
        "--radii",
        default=None,
        help="CSV element,radius (angstrom): one radius per element on both sites (needs "
        "--rule li2023 or t_mu)",
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
