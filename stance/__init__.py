"""stance: who says what about offshoring in news text.

The package reads as the pipeline: ``io`` (safe files), ``corpus`` (articles
-> sentences, gold labels, labelled rows), ``speakers`` (who says each
sentence), ``models`` (train, predict), ``evaluation`` (cross-validation,
metrics, reports, TweetEval), ``annotate`` (labelling and agreement),
``analysis`` (who stands where) and a thin Typer ``cli``.
Importing it is cheap: heavy libraries are imported where they are used.
"""

__version__ = "0.1.0"
