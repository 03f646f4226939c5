"""Cross-property transfer learning with ElemNet.

V. Gupta et al., "Cross-property deep transfer learning framework for enhanced predictive
analytics on small materials data", *Nat. Commun.* 12, 6595 (2021); ElemNet: D. Jha et al.,
*Sci. Rep.* 8, 17593 (2018).

* :class:`ElemNetRegressor` -- ElemNet trained from scratch on element fractions.
* :class:`CrossPropertyRegressor` -- ElemNet initialised from a pretrained *source* model (another
  property, usually a large computed dataset) and fine-tuned on the target.
* :class:`CrossPropertyFeaturizer` -- frozen post-ReLU activations of hidden layers of a source
  (and its own prediction) as features for any scikit-learn model (the paper's "feature
  extraction" mode).
* :func:`pretrain_elemnet` / :func:`save_source` -- train a source on a composition -> property
  table, with every near duplicate of a benchmark composition excluded
  (:func:`benchmark_compositions`, :func:`exclude_near_duplicates`), and write it as a registry model directory
  (``skcromel pretrain elemnet`` on the command line).

All estimators take compositions (formula strings, pymatgen objects, dicts; 1-D or one column).
Sources are registry names or model directories (:func:`skcromel.registry.load_pretrained`); every
``fit`` starts from a fresh copy of the source weights.
"""

from ._estimators import (
    DEFAULT_SOURCE,
    ELEMNET_INPUT,
    CrossPropertyFeaturizer,
    CrossPropertyRegressor,
    ElemNetRegressor,
)
from ._pretrain import (
    EXCLUSION_RULE,
    EXPERIMENTAL_TARGETS,
    audit_source_leaks,
    benchmark_compositions,
    benchmark_target_formulas,
    composition_set_sha256,
    exclude_near_duplicates,
    exclusion_rule,
    float16_check,
    prepare_pretraining_data,
    pretrain_elemnet,
    pretrain_elemnet_multitask,
    read_exclude_file,
    register_data_home_sources,
    save_source,
    source_cards,
    source_table,
    source_training_compositions,
    write_exclude_file,
)

__all__ = [
    "DEFAULT_SOURCE",
    "ELEMNET_INPUT",
    "EXCLUSION_RULE",
    "EXPERIMENTAL_TARGETS",
    "CrossPropertyFeaturizer",
    "CrossPropertyRegressor",
    "ElemNetRegressor",
    "audit_source_leaks",
    "benchmark_compositions",
    "benchmark_target_formulas",
    "composition_set_sha256",
    "exclude_near_duplicates",
    "exclusion_rule",
    "float16_check",
    "prepare_pretraining_data",
    "pretrain_elemnet",
    "pretrain_elemnet_multitask",
    "read_exclude_file",
    "register_data_home_sources",
    "save_source",
    "source_cards",
    "source_table",
    "source_training_compositions",
    "write_exclude_file",
]
