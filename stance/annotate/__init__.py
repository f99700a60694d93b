"""Annotating: the labelling session, annotator histories and exchange formats.

``store`` keeps each annotator's append-only history and folds it into
labels; ``suggest`` proposes speaker and stance; ``session`` is the
labelling state machine and ``terminal`` its keyboard front end;
``formats`` reads and writes Label Studio, doccano, Prodigy and CSV files;
``adjudicate`` turns disagreements into gold labels.
"""
