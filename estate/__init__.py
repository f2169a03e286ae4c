"""estate: discover a council's legacy IT estate and rationalise it, alone and together."""

__version__ = "0.1.0"
