"""How good is a model: the cross-validation protocol, splits, metrics, statistics and reports.

``protocol`` trains and scores models (``evaluate``, the speaker ablation)
and returns the dataclasses of ``results``, whose ``to_dict()`` is report.json;
``splits`` makes the folds; ``metrics`` and ``stats`` are pure functions
(scores, bootstrap CIs, paired tests), as is ``calibration`` (ECE,
reliability bins); ``report`` writes report.json,
report.md and plots; ``mistakes`` reads the misclassified sentences back;
``tweeteval/`` runs the public SemEval-2016 benchmark.
"""
