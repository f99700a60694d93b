"""Annotating: the labelling session, annotator histories, agreement and exchange.

``store`` keeps each annotator's append-only history, folds it into labels
and holds the session locks; ``suggest`` proposes speaker and stance and
orders the queue; ``session`` is the labelling state machine and
``terminal`` its keyboard front end (and the adjudication walk);
``compare`` runs :mod:`stance.annotate.agreement` over the histories;
``adjudicate`` turns disagreements into gold labels; ``formats`` and
``exchange`` write and read Label Studio, doccano, Prodigy and CSV files.
"""
