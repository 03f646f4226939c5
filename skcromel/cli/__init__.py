"""Command-line interface: ``skcromel <command> ...`` (or ``python -m skcromel.cli``).

Commands
--------
featurize            compositions in a CSV/XLSX column -> feature table (CSV)
presets              list featurizer presets
datasets             the dataset catalogue as a table; ``--download`` fetches files
models               the benchmark's model recipes
zoo                  the pretrained sources, read from their model cards
demo                 the main job: featurize and model a dataset that ships with pymatgen
pretrain             train a source model (e.g. ElemNet) on a composition -> property table
benchmark            run models x datasets under a named (published or leak-free) protocol
screen-perovskites   tolerance / octahedral factor screening of ABO3 candidates

Every parser lives here; building them imports no numerical library (``skcromel --help`` is fast),
and each command imports what it needs when it runs. A user error (unknown name, missing file,
bad row...) prints one line ``skcromel: error: ...`` on stderr with exit code 2, with "did you
mean" suggestions for misspelled names; every ``--help`` shows the defaults.
"""

from ._demo import DEMO_MODELS, run_demo
from ._main import build_parser, main

__all__ = ["DEMO_MODELS", "build_parser", "main", "run_demo"]
