"""regimegraph: a knowledge graph and rules engine for English social care inspection regimes."""

__version__ = "0.1.0"
