"""CroMEL: composition encoders aligned with crystal-structure encoders.

G. S. Na, "Cross-modality material embedding loss for transferring knowledge between heterogeneous
material descriptors", *npj Comput. Mater.* (2025), doi:10.1038/s41524-025-01723-1.

* :class:`CompositionEncoder` -- the "generator": 600-d matscholar mean/min/max descriptor
  (:func:`composition_descriptor`) -> Linear 64 -> PReLU -> Linear 64 -> PReLU, plus a softplus
  noise head. Deterministic mean path by default; the reference's sampling is an option.
* :class:`CroMELPretrainer` -- trains a CGCNN-style structure encoder on crystal graphs
  (:func:`structure_to_graph`) and one or several source properties, and the composition encoder
  aligned with it (adversarial as published, or paired: :data:`ALIGNMENTS`); or aligns the
  composition encoder with a *frozen* pretrained structure teacher (``teacher="chgnet"``:
  :class:`CHGNetTeacher`, optional extra ``pip install "skcromel[chgnet]"``; or precomputed
  embeddings).
* :class:`CroMELFeaturizer` -- compositions -> 64-d embeddings from a pretrained source.
* :class:`CroMELRegressor` -- fine-tunes a *fresh copy* of the pretrained composition encoder per
  ``fit`` (cross-validation folds can never leak into each other) with a small head.

``source`` arguments accept a registry name (``"cromel-offline-cosine"`` ships with skcromel and
is the default), ``"cromel-ref:<name>"`` for a reference checkpoint in the data home, a path to a
checkpoint written by :meth:`CroMELPretrainer.save` or to a reference ``*_cromel.pt``, a
:class:`CompositionEncoder`, or a fitted :class:`CroMELPretrainer`; all named and file sources are
resolved by :func:`skcromel.registry.load_pretrained`. The reference checkpoints have no licence
and are never shipped (:func:`load_reference_checkpoint` reads your own copy).
"""

from ._encoder import DESCRIPTOR, CompositionEncoder, composition_descriptor
from ._estimators import CroMELFeaturizer, CroMELRegressor
from ._graphs import (
    CrystalGraph,
    GraphBatch,
    batch_graphs,
    element_table,
    gaussian_expansion,
    structure_to_graph,
    structures_to_graphs,
)
from ._losses import (
    ALIGNMENTS,
    critic_loss_reference,
    critic_loss_wgan_gp,
    generator_loss,
    info_nce_loss,
    paired_cosine_loss,
    paired_mse_loss,
)
from ._pretrainer import CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CroMELPretrainer
from ._reference import (
    load_reference_checkpoint,
    reference_generator_state,
    reference_head_state,
    reference_structure_state,
)
from ._sources import (
    ARCHITECTURE_TYPE,
    DEFAULT_SOURCE,
    build_composition_encoder,
    export_source,
    load_composition_encoder,
    read_cromel_checkpoint,
    read_reference_checkpoint,
)
from ._teachers import (
    CHGNET_EXTRA,
    CHGNET_FEATURES,
    TEACHERS,
    CHGNetTeacher,
    chgnet_features,
    chgnet_version,
    load_chgnet,
    resolve_teacher,
    structure_fingerprint,
)

__all__ = [
    "ALIGNMENTS",
    "CHGNET_EXTRA",
    "CHGNET_FEATURES",
    "TEACHERS",
    "CHGNetTeacher",
    "chgnet_features",
    "chgnet_version",
    "load_chgnet",
    "resolve_teacher",
    "structure_fingerprint",
    "ARCHITECTURE_TYPE",
    "CHECKPOINT_FORMAT",
    "CHECKPOINT_VERSION",
    "DEFAULT_SOURCE",
    "DESCRIPTOR",
    "CompositionEncoder",
    "CroMELFeaturizer",
    "CroMELPretrainer",
    "CroMELRegressor",
    "CrystalGraph",
    "GraphBatch",
    "batch_graphs",
    "build_composition_encoder",
    "composition_descriptor",
    "critic_loss_reference",
    "critic_loss_wgan_gp",
    "element_table",
    "gaussian_expansion",
    "generator_loss",
    "info_nce_loss",
    "paired_cosine_loss",
    "paired_mse_loss",
    "read_cromel_checkpoint",
    "read_reference_checkpoint",
    "reference_generator_state",
    "reference_head_state",
    "reference_structure_state",
    "export_source",
    "load_composition_encoder",
    "load_reference_checkpoint",
    "structure_to_graph",
    "structures_to_graphs",
]
