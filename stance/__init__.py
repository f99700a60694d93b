"""stance: who says what about offshoring in news text.

The package is split along the pipeline: corpus (articles -> sentences),
annotations (gold labels), models, evaluation, and a thin Typer CLI.
Importing it is cheap: heavy libraries are imported where they are used.
"""

__version__ = "0.1.0"
