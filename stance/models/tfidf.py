"""The TF-IDF baseline: word and character n-grams + balanced logistic regression (or a linear SVM).

Word n-grams catch the vocabulary of a stance ("jobs lost", "cost savings"),
character n-grams survive inflection and the odd typo; the classes are
weighted because ``neutral`` outnumbers the rest. It trains in well under a
second, so it is the sanity check every richer model has to beat.

It is saved with skops, not pickle: loading a pickle runs arbitrary code,
while skops rebuilds only the types we list in :data:`TRUSTED` and we refuse
a file that contains anything else.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.errors import StanceError
from stance.models import skops_io
from stance.models.base import Rows
from stance.models.common import (
    ModelBase,
    check_trainable,
    class_counts,
    full_proba,
    one_thread,
    row_text,
    str_field,
)

if TYPE_CHECKING:
    import numpy as np

WEIGHTS = "model.skops"

#: The only types a saved TF-IDF model may contain; anything else is refused.
TRUSTED: list[str] = [
    "builtins.dict",
    "builtins.list",
    "builtins.slice",
    "builtins.str",
    "builtins.tuple",
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
    "numpy.ndarray",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.HashingVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_selection._variance_threshold.VarianceThreshold",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
    "sklearn.svm._classes.LinearSVC",
]

#: The ``classifier`` config values.
CLASSIFIERS = ("logreg", "svm")
#: The ``class_weight`` config values: ``balanced`` weighs each stance inversely to its frequency.
CLASS_WEIGHTS = ("balanced", "none")

#: Placeholders so that an all-empty speaker or context column still has a vocabulary.
NO_SPEAKER = "nospeaker"
NO_CONTEXT = "nocontext"


def _columns(rows: Rows, speaker_form: str = "name") -> np.ndarray:
    """Rows -> an ``(n, 3)`` object array: text, speaker (name, role or both), context."""
    import numpy as np

    from stance.models.speaker_role import speaker_inputs

    for index, row in enumerate(rows):
        str_field(row, "speaker", index)  # a located error for a non-string speaker
    speakers = speaker_inputs(rows, speaker_form)
    table = np.empty((len(rows), 3), dtype=object)
    for index, row in enumerate(rows):
        table[index, 0] = row_text(row, index)
        table[index, 1] = speakers[index] or NO_SPEAKER
        table[index, 2] = str_field(row, "context", index) or NO_CONTEXT
    return table


class TfidfModel(ModelBase):
    """Word + char TF-IDF (and optionally speaker and context words) -> logistic regression."""

    name = "tfidf"
    description = "word and character n-gram TF-IDF features with a class-balanced logistic regression (scikit-learn)"
    defaults: dict[str, Any] = {
        "use_speaker": True,
        "speaker_form": "role",
        "use_context": False,
        "word_ngram_max": 2,
        "char_ngram_min": 2,
        "char_ngram_max": 5,
        "hash_features": 262144,
        "sublinear_tf": True,
        "classifier": "logreg",
        "class_weight": "balanced",
        "C": 1.0,
        "max_iter": 5000,
        "grid_search": False,
        "grid_C": [0.1, 1.0, 10.0, 100.0],
        "grid_folds": 3,
    }
    positive = (
        "word_ngram_max",
        "char_ngram_min",
        "char_ngram_max",
        "hash_features",
        "C",
        "max_iter",
        "grid_C",
        "grid_folds",
    )
    ordered = (("char_ngram_min", "char_ngram_max"),)

    def __init__(self, config: dict[str, Any] | None = None, *, seed: int = 0) -> None:
        super().__init__(config, seed=seed)
        self.pipeline: Any = None

    def _build(self, labels: list[int]) -> Any:
        from sklearn.compose import ColumnTransformer
        from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer, TfidfVectorizer
        from sklearn.feature_selection import VarianceThreshold
        from sklearn.pipeline import Pipeline

        c = self.config
        sublinear = c["sublinear_tf"]

        def hashed(analyzer: str, ngrams: tuple[int, int]) -> Any:
            # Hashed n-grams instead of a vocabulary: skops writes a vocabulary
            # as verbose JSON (19 MB, seconds to save and load for 235 sentences),
            # while hashing stores nothing but the idf weights.
            size = int(c["hash_features"])
            vectorizer = HashingVectorizer(
                analyzer=analyzer, ngram_range=ngrams, n_features=size, alternate_sign=False, norm=None
            )
            return Pipeline([("hash", vectorizer), ("tfidf", TfidfTransformer(sublinear_tf=sublinear))])

        parts = [
            ("word", hashed("word", (1, c["word_ngram_max"])), 0),
            ("char", hashed("char_wb", (c["char_ngram_min"], c["char_ngram_max"])), 0),
        ]
        if c["use_speaker"]:
            parts.append(("speaker", TfidfVectorizer(sublinear_tf=True), 1))
        if c["use_context"]:
            parts.append(("context", hashed("word", (1, c["word_ngram_max"])), 2))
        classifier = self._classifier(labels)
        # Dropping the hash columns no training sentence uses keeps the classifier small and fast.
        return Pipeline(
            [("features", ColumnTransformer(parts)), ("used", VarianceThreshold(0.0)), ("classifier", classifier)]
        )

    def _classifier(self, labels: list[int]) -> Any:
        """Logistic regression, or a linear SVM calibrated so that ``predict_proba`` exists.

        The SVM is the SemEval-2016 organisers' classifier; on TweetEval it
        scores about a point above logistic regression. Its scores are turned
        into probabilities by sigmoid calibration on internal folds of the
        training data: 3 folds, fewer when the rarest stance has fewer rows.
        """
        from collections import Counter

        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        c = self.config
        kind, weight = c["classifier"], c["class_weight"]
        if kind not in CLASSIFIERS:
            raise StanceError(f"unknown classifier {kind!r}; allowed: {', '.join(CLASSIFIERS)}", field="classifier")
        if weight not in CLASS_WEIGHTS:
            raise StanceError(
                f"unknown class_weight {weight!r}; allowed: {', '.join(CLASS_WEIGHTS)}", field="class_weight"
            )
        balanced = "balanced" if weight == "balanced" else None
        if kind == "logreg":
            return LogisticRegression(C=c["C"], class_weight=balanced, max_iter=c["max_iter"], random_state=self.seed)
        rarest = min(Counter(labels).values())
        if rarest < 2:
            raise StanceError(
                "the svm classifier needs at least 2 training rows of every stance it sees "
                "(its probabilities are calibrated by cross-validation); use classifier=logreg",
                field="classifier",
            )
        svm = LinearSVC(C=c["C"], class_weight=balanced, max_iter=c["max_iter"], random_state=self.seed)
        return CalibratedClassifierCV(svm, method="sigmoid", cv=min(3, rarest))

    def fit(self, train: Rows, *, validation: Rows | None = None) -> dict[str, Any]:
        """Fit on ``train``; the grid search (if on) uses only ``train``, folds grouped by article."""
        labels = check_trainable(train)
        started = time.perf_counter()
        X = _columns(train, self.config["speaker_form"])
        pipeline = self._build(labels)
        facts: dict[str, Any] = {"train_size": len(train), "class_counts": class_counts(train)}
        with one_thread():
            if self.config["grid_search"]:
                pipeline, facts["grid"] = self._grid_search(pipeline, X, labels, train)
            else:
                pipeline.fit(X, labels)
        self.pipeline = pipeline
        facts["features"] = int(pipeline.named_steps["used"].get_support().sum())
        facts["fit_seconds"] = round(time.perf_counter() - started, 3)
        return facts

    def _grid_search(self, pipeline: Any, X: Any, labels: list[int], rows: Rows) -> tuple[Any, dict[str, Any]]:
        from collections import Counter

        from sklearn.model_selection import GridSearchCV, GroupKFold, StratifiedKFold

        folds = int(self.config["grid_folds"])
        groups = [row.get("article") or f"row-{i}" for i, row in enumerate(rows)]
        if len(set(groups)) >= folds:
            cv: Any = GroupKFold(n_splits=folds)
        else:
            smallest = min(Counter(labels).values())
            if smallest < 2:
                pipeline.fit(X, labels)
                return pipeline, {"skipped": "too few rows of the rarest stance for cross-validation"}
            cv = StratifiedKFold(n_splits=min(folds, smallest), shuffle=True, random_state=self.seed)
        key = "classifier__estimator__C" if self.config["classifier"] == "svm" else "classifier__C"
        search = GridSearchCV(pipeline, {key: list(self.config["grid_C"])}, scoring="f1_macro", cv=cv, n_jobs=1)
        search.fit(X, labels, groups=groups)
        self.config["C"] = float(search.best_params_[key])
        return search.best_estimator_, {"best_C": self.config["C"], "best_macro_f1": float(search.best_score_)}

    def predict_proba(self, rows: Rows) -> np.ndarray:
        """``(n, 3)`` probabilities in STANCES order."""
        import numpy as np

        if self.pipeline is None:
            raise StanceError("the model is not trained yet")
        if len(rows) == 0:
            return np.zeros((0, 3))
        with one_thread():
            proba = self.pipeline.predict_proba(_columns(rows, self.config["speaker_form"]))
        return full_proba(proba, [int(c) for c in self.pipeline.classes_])

    def save(self, run_dir: Path) -> None:
        """Write ``model.skops`` and the marker."""
        skops_io.save_run(run_dir, WEIGHTS, self.pipeline, self)

    @classmethod
    def load(cls, run_dir: Path) -> TfidfModel:
        """Rebuild a saved model, refusing any type outside :data:`TRUSTED`."""
        from sklearn.pipeline import Pipeline

        model, pipeline = skops_io.load_run(cls, run_dir, WEIGHTS, TRUSTED, expected=Pipeline)
        model.pipeline = pipeline
        return model
