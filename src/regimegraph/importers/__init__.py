"""Importers: turn the tables in `data/sources/` into records, with row-level provenance.

Each importer returns an `ImportResult`: a graph of records in the project's
vocabulary, every record `prov:wasDerivedFrom` the CSV row it came from, and a
list of problems - one line per row it could not import, naming the file, row,
line and field. Problems are reported, never guessed away; a malformed file
raises `errors.InputError`.

The register comes first: the other tables name councils, and the
`CouncilResolver` built from the register graph turns their names into IRIs.
"""

from __future__ import annotations

from pathlib import Path

from .common import (
    ALIASES_FILE,
    CORRECTIONS_FILE,
    CQC_FILE,
    HISTORIC_FILE,
    REGISTER_FILE,
    STAR_RATINGS_FILE,
    CouncilResolver,
    ImportResult,
    Resolution,
    normalise_name,
    sources_dir,
)
from .cqc import import_cqc_assessments
from .register import councils_with_social_services_duties, import_register
from .star_ratings import import_star_ratings


def import_all(sources: Path | str | None = None) -> dict[str, ImportResult]:
    """Run every importer over the tables in `sources` (default: `data/sources/`).

    Keys name the import's graph (`graph:import/{key}`).
    """
    folder = Path(sources) if sources is not None else sources_dir()
    register = import_register(
        folder / REGISTER_FILE, folder / CORRECTIONS_FILE, folder / HISTORIC_FILE
    )
    resolver = CouncilResolver.from_graph(register.graph, folder / ALIASES_FILE)
    return {
        "council-register": register,
        "cqc-la-assessments": import_cqc_assessments(folder / CQC_FILE, resolver),
        "star-ratings": import_star_ratings(folder / STAR_RATINGS_FILE, resolver),
    }


__all__ = [
    "CouncilResolver",
    "ImportResult",
    "Resolution",
    "councils_with_social_services_duties",
    "import_all",
    "import_cqc_assessments",
    "import_register",
    "import_star_ratings",
    "normalise_name",
]
