"""The SHACL engines `regimegraph check` can run, named once for the validator and the command.

Kept apart from validator.py so the command line can list them without
importing the engines themselves (pySHACL alone takes a second to import).
"""

from __future__ import annotations

# auto: sparql where it can validate the shapes (SHACL Core, no inference), turbo elsewhere.
ENGINES = ("auto", "sparql", "turbo", "pyshacl")
DEFAULT_ENGINE = "auto"
