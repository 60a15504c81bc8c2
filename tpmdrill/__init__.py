"""tpmdrill: drill technical product-manager interviews with spaced repetition."""

__version__ = "0.1.0"
