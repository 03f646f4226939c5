"""Structure reading shared by the CroMEL benchmark scripts (``chgnet_embeddings.py``,
``pretrain_offline.py``): the fast reader of the simple P1 CIFs of the CE spinels and the
reduction of their F-centred conventional cells to the primitive cell.

The scripts import it as a sibling module (they put their own folder on ``sys.path``).
"""

from __future__ import annotations

import tarfile

import numpy as np


def read_p1_cif(text):
    """(abc, angles, species, frac) of a simple P1 CIF (fast path for the 5k spinel files)."""
    cell, header, rows, in_loop = {}, [], [], False
    for line in text.splitlines():
        t = line.split()
        if not t:
            continue
        if t[0].startswith("_cell_"):
            cell[t[0]] = float(t[1])
        elif t[0] == "loop_":
            header, in_loop = [], True
        elif in_loop and t[0].startswith("_"):
            header.append(t[0])
        elif in_loop and "_atom_site_fract_x" in header and len(t) == len(header):
            rows.append(t)
    col = {h: i for i, h in enumerate(header)}
    sym = col.get("_atom_site_type_symbol", col.get("_atom_site_label"))
    species = [r[sym] for r in rows]
    frac = np.array(
        [[float(r[col[f"_atom_site_fract_{a}"]]) for a in "xyz"] for r in rows], dtype=float
    )
    abc = [cell[f"_cell_length_{a}"] for a in "abc"]
    ang = [cell[f"_cell_angle_{a}"] for a in ("alpha", "beta", "gamma")]
    return abc, ang, species, frac


def fcc_primitive(structure):
    """Primitive cell of an F-centred conventional cell (spinel Fd-3m: 56 -> 14 sites)."""
    from pymatgen.core import Lattice, Structure

    P = np.array([[0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]])
    lat = Lattice(P @ structure.lattice.matrix)
    frac = lat.get_fractional_coords(structure.cart_coords) % 1.0
    key = np.round(frac, 4) % 1.0
    _, first = np.unique(key, axis=0, return_index=True)
    first = np.sort(first)
    out = Structure(lat, [structure.species[i] for i in first], frac[first])
    if len(out) * 4 != len(structure) or out.composition.reduced_formula != (
        structure.composition.reduced_formula
    ):
        raise ValueError("not an F-centred cell")
    return out


def read_spinel_primitives(tgz, keep):
    """``(keys, structures)`` of the P1 CIFs in the tar file ``tgz`` whose file name (without
    ``.cif``) is in ``keep``, in the tar's order, each reduced to its primitive cell
    (:func:`fcc_primitive`)."""
    from pymatgen.core import Lattice, Structure

    keys, structs = [], []
    with tarfile.open(tgz) as tf:
        for m in tf.getmembers():
            if not m.name.endswith(".cif"):
                continue
            key = m.name.rsplit("/", 1)[-1][:-4]
            if key not in keep:
                continue
            abc, ang, species, frac = read_p1_cif(tf.extractfile(m).read().decode())
            conv = Structure(Lattice.from_parameters(*abc, *ang), species, frac)
            structs.append(fcc_primitive(conv))
            keys.append(key)
    return keys, structs
