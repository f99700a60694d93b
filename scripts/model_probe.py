"""Round 2 of the screen for the model for new articles (issue 13): variants of the `mpnet` recipe.

The folds and the scoring are scripts/feature_probe.py's (grouped stratified
5-fold by article, seed 0, and old -> new: `collection:seed,corpus-extra` ->
`collection:corpus-more`); models are trained on gold speakers unless a
variant says otherwise and always tested on the speaker finder's. Pooled
out-of-fold macro-F1, point estimates: a screen, not a result.

Sentence vectors are cached on disk (``--cache``, default
/tmp/stance-probe-cache, one .npz per encoder), so after the first run a
variant costs seconds. Usage (needs the mpnet extra):

    .venv/bin/python scripts/model_probe.py [--only NAME ...] [--tweeteval DIR]
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import probe_protocol as protocol
from probe_protocol import ARTICLES, FINDER, GOLD, OLD_NEW, ROWS, Proba, out_of_fold, score
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

from stance.evaluation.protocol import make_folds
from stance.models.common import compose_all
from stance.models.embeddings import encoder
from stance.models.prototypes import PROTOTYPES
from stance.models.speaker_role import ROLES, speaker_roles
from stance.schema import STANCES

Y = np.array([STANCES.index(s) for s in GOLD])
CACHE = Path("/tmp/stance-probe-cache")

#: How a role reads as words in front of the sentence (candidate 5, natural-language prefix).
SAYS = {
    "author": "The reporter writes",
    "union": "A union official says",
    "company": "A company spokesperson says",
    "government": "A government official says",
    "politician": "A politician says",
    "industry body": "An industry body says",
    "analyst": "An analyst says",
    "worker": "A worker says",
    "media": "A news report says",
    "person": "Someone says",
    "organisation": "An organisation says",
}


# ---------------------------------------------------------------- encodings (cached on disk)


def encode(base: str, texts: Sequence[str]) -> np.ndarray:
    """Normalised sentence vectors of ``texts`` from encoder ``base`` ("" MiniLM, "mpnet"), cached in CACHE."""
    file = CACHE / f"{base or 'minilm'}.npz"
    known: dict[str, np.ndarray] = {}
    if file.is_file():
        stored = np.load(file, allow_pickle=False)
        known = dict(zip(stored["texts"].tolist(), stored["vectors"], strict=True))
    todo = list(dict.fromkeys(t for t in texts if t not in known))
    if todo:
        model = encoder(base, "cpu", 128)
        fresh = model.encode(todo, batch_size=32, show_progress_bar=False, normalize_embeddings=True)
        known.update(zip(todo, np.asarray(fresh, dtype=np.float64), strict=True))
        CACHE.mkdir(parents=True, exist_ok=True)
        part = file.with_suffix(".part.npz")
        np.savez(part, texts=np.array(list(known)), vectors=np.vstack(list(known.values())))
        part.replace(file)
    return np.vstack([known[t] for t in texts])


def roles_of(rows: Sequence[dict]) -> list[str]:
    names = [str(r.get("speaker") or "").strip() for r in rows]
    return [role if name else "" for name, role in zip(names, speaker_roles(rows), strict=True)]


def role_table(roles: Sequence[str]) -> np.ndarray:
    table = np.zeros((len(roles), len(ROLES) + 1))
    for index, role in enumerate(roles):
        table[index, ROLES.index(role) if role in ROLES else len(ROLES)] = 1.0
    return table


def texts(rows: Sequence[dict], form: str) -> list[str]:
    """The encoder's input: "role: sentence" (prefix), the bare sentence, or "A union official says: ..." (says)."""
    if form == "prefix":
        return compose_all(rows, {"use_speaker": True, "speaker_form": "role"})[0]
    if form == "bare":
        return [r["text"] for r in rows]
    return [f"{SAYS[role]}: {r['text']}" if role else r["text"] for r, role in zip(rows, roles_of(rows), strict=True)]


class View:
    """Every row's features under one speaker source (gold or finder), computed once."""

    def __init__(self, rows: Sequence[dict]) -> None:
        self.rows = rows
        self.roles = role_table(roles_of(rows))
        self.prefixed = texts(rows, "prefix")
        self._vectors: dict[tuple[str, str], np.ndarray] = {}

    def vectors(self, base: str, form: str = "prefix") -> np.ndarray:
        key = (base, form)
        if key not in self._vectors:
            self._vectors[key] = encode(base, texts(self.rows, form))
        return self._vectors[key]


G, F = View(ROWS), View(FINDER)


# ---------------------------------------------------------------- protocol


def line(label: str, proba: Proba) -> None:
    cells = "  ".join(f"{name} {score(*proba[name]):.3f}" for name in protocol.PROTOCOLS)
    print(f"{label:68s} {cells}", flush=True)


def head(x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None, c: float = 1.0) -> LogisticRegression:
    if weights is None:
        return LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(x, y)
    return LogisticRegression(C=c, max_iter=5000).fit(x, y, sample_weight=weights)


def features(view: View, idx: Sequence[int], base: str = "mpnet", form: str = "prefix", role_weight=0.3) -> np.ndarray:
    return np.hstack([view.vectors(base, form)[idx], role_weight * view.roles[idx]])


def flat(train_view: View = G, **kw) -> Proba:
    def fit_predict(train: list[int], test: list[int]) -> np.ndarray:
        return head(features(train_view, train, **kw), Y[train]).predict_proba(features(F, test, **kw))

    return out_of_fold(fit_predict)


def balanced_weights(y: np.ndarray) -> np.ndarray:
    counts = np.bincount(y, minlength=3)
    return len(y) / (3 * counts[y])


# ---------------------------------------------------------------- candidates


def both_speakers() -> Proba:
    """Candidate 1b: each training sentence with the gold speaker, and again with the finder's when its role differs."""

    def fit_predict(train: list[int], test: list[int]) -> np.ndarray:
        extra = [i for i in train if G.prefixed[i] != F.prefixed[i]]
        x = np.vstack([features(G, train), features(F, extra)])
        return head(x, np.concatenate([Y[train], Y[extra]])).predict_proba(features(F, test))

    return out_of_fold(fit_predict)


def tfidf_block(train: list[int], test: list[int]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    return (
        vectorizer.fit_transform([G.prefixed[i] for i in train]),
        vectorizer.transform([F.prefixed[i] for i in test]),
    )


def fused(train: list[int], test: list[int], weight: float, train_view: View = G) -> np.ndarray:
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    t_train = vectorizer.fit_transform([train_view.prefixed[i] for i in train])
    t_test = vectorizer.transform([F.prefixed[i] for i in test])
    x_train = sparse.hstack([sparse.csr_matrix(features(train_view, train)), weight * t_train]).tocsr()
    x_test = sparse.hstack([sparse.csr_matrix(features(F, test)), weight * t_test]).tocsr()
    return head(x_train, Y[train]).predict_proba(x_test)


def fusion(weight: float) -> Proba:
    """Candidate 2: [mpnet | role columns | weight x TF-IDF word 1-2 grams] in one logistic regression."""
    return out_of_fold(lambda train, test: fused(train, test, weight))


def fusion_nested(grid: Sequence[float]) -> Proba:
    """Candidate 2, the TF-IDF weight picked by grouped 4-fold CV inside each training fold."""

    def fit_predict(train: list[int], test: list[int]) -> np.ndarray:
        inner = StratifiedGroupKFold(n_splits=4, shuffle=True, random_state=0)
        groups = [ARTICLES[i] for i in train]
        best, best_score = grid[0], -1.0
        for weight in grid:
            predicted: dict[int, np.ndarray] = {}
            for a, b in inner.split(np.zeros(len(train)), Y[train], groups):
                tr, te = [train[i] for i in a], [train[i] for i in b]
                predicted.update(zip(te, fused(tr, te, weight), strict=True))
            keys = sorted(predicted)
            got = score(keys, np.vstack([predicted[k] for k in keys]))
            if got > best_score:
                best, best_score = weight, got
        print(f"    nested pick {best} ({best_score:.3f})", flush=True)
        return fused(train, test, best)

    return out_of_fold(fit_predict)


def concat_minilm() -> Proba:
    def both(view: View, idx: list[int]) -> np.ndarray:
        return np.hstack([view.vectors("mpnet")[idx], view.vectors("")[idx], 0.3 * view.roles[idx]])

    return out_of_fold(lambda train, test: head(both(G, train), Y[train]).predict_proba(both(F, test)))


def prototype_sims(view: View, idx: Sequence[int], form: str = "bare", base: str = "mpnet") -> np.ndarray:
    """Cosine similarity of each sentence (encoded as ``form``) to each class hypothesis, one column per hypothesis."""
    hyps = [h for stance in STANCES for h in PROTOTYPES[stance]]
    return view.vectors(base, form)[idx] @ encode(base, hyps).T


def pool(sims: np.ndarray, how: str) -> np.ndarray:
    """Every hypothesis column ("all"), or per class its maximum ("max") or mean ("mean")."""
    if how == "all":
        return sims
    sizes = [len(PROTOTYPES[s]) for s in STANCES]
    edges = np.cumsum([0, *sizes])
    reduce = np.max if how == "max" else np.mean
    return np.hstack([reduce(sims[:, a:b], axis=1, keepdims=True) for a, b in zip(edges[:-1], edges[1:], strict=True)])


def prototypes(weight: float, how: str, form: str = "bare", text_form: str = "prefix", base: str = "mpnet") -> Proba:
    """Candidate 3: the hypothesis similarities as extra columns beside the sentence vector and role columns."""

    def extra(view: View, idx: list[int]) -> np.ndarray:
        sims = pool(prototype_sims(view, idx, form, base), how)
        return np.hstack([features(view, idx, base=base, form=text_form), weight * sims])

    return out_of_fold(lambda train, test: head(extra(G, train), Y[train]).predict_proba(extra(F, test)))


def zero_shot() -> Proba:
    """Candidate 3, no training at all: the class whose closest hypothesis is nearest (a floor for the signal)."""
    return out_of_fold(lambda train, test: pool(prototype_sims(F, test), "max"))


def two_stage() -> Proba:
    """Candidate 4: neutral vs stance-taking, then pro vs anti among stance-taking (each class-balanced)."""
    neutral = STANCES.index("neutral")

    def fit_predict(train: list[int], test: list[int]) -> np.ndarray:
        x, y = features(G, train), Y[train]
        first = head(x, (y != neutral).astype(int))
        taking = y != neutral
        second = head(x[taking], (y[taking] == STANCES.index("pro")).astype(int))
        xt = features(F, test)
        p_stance = first.predict_proba(xt)[:, 1]
        p_pro = second.predict_proba(xt)[:, 1]
        out = np.zeros((len(test), 3))
        out[:, STANCES.index("pro")] = p_stance * p_pro
        out[:, STANCES.index("anti")] = p_stance * (1 - p_pro)
        out[:, neutral] = 1 - p_stance
        return out

    return out_of_fold(fit_predict)


def tweeteval(folder: Path, weight: float, base: str = "mpnet") -> Proba:
    """Candidate 6: TweetEval train tweets as extra rows (no speaker), weighted ``weight`` x the class balance."""
    from stance.evaluation.tweeteval.readers import read_tweeteval_split, tweeteval_targets

    tweets = [row for target in tweeteval_targets(folder) for row in read_tweeteval_split(folder / target, "train")]
    x_extra = np.hstack([encode(base, [t["text"] for t in tweets]), 0.3 * role_table([""] * len(tweets))])
    y_extra = np.array([STANCES.index(t["stance"]) for t in tweets])

    def fit_predict(train: list[int], test: list[int]) -> np.ndarray:
        own = balanced_weights(Y[train])
        counts = np.bincount(Y[train], minlength=3)
        extra = weight * (len(train) / (3 * counts[y_extra]))
        x = np.vstack([features(G, train), x_extra])
        fitted = head(x, np.concatenate([Y[train], y_extra]), np.concatenate([own, extra]))
        return fitted.predict_proba(features(F, test))

    return out_of_fold(fit_predict)


def robustness() -> None:
    """The prototype columns under other fold seeds, and with each half of the hypotheses alone."""
    global PROTOTYPES
    saved_protocols, saved_prototypes = protocol.PROTOCOLS, PROTOTYPES
    protocol.PROTOCOLS = {f"seed {s}": make_folds(ROWS, cv="kfold", k=5, seed=s).folds for s in (1, 2, 3)}
    line("R mpnet default, grouped 5-fold under other seeds", flat())
    line("R + similarities x 1.0 (max), of 'role: sentence'", prototypes(1.0, "max", form="prefix"))
    line("R + similarities x 2.0 (max), of 'role: sentence'", prototypes(2.0, "max", form="prefix"))
    protocol.PROTOCOLS = saved_protocols
    for half, part in (("first", slice(0, 4)), ("second", slice(4, 8))):
        PROTOTYPES = {s: h[part] for s, h in saved_prototypes.items()}
        line(f"R {half} half of the hypotheses x 1.0 (max), of 'role: sentence'", prototypes(1.0, "max", form="prefix"))
        line(f"R {half} half of the hypotheses x 2.0 (max), of 'role: sentence'", prototypes(2.0, "max", form="prefix"))
    PROTOTYPES = saved_prototypes


def contrastive_encoder(train: list[int], pairs_per_sentence: int = 4, seed: int = 0):
    """Candidate 7: MiniLM fine-tuned SetFit-style on same/different-stance pairs of training sentences (1 epoch)."""
    import random
    import time

    import torch
    from sentence_transformers import SentenceTransformer

    from stance.models.common import base_model_path

    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = SentenceTransformer(base_model_path(""), device="cpu")
    model.max_seq_length = 128
    by_class = {c: [i for i in train if Y[i] == c] for c in range(3)}
    pairs = []
    for i in train:
        for k in range(pairs_per_sentence):
            same = k % 2 == 0
            other = rng.choice(by_class[Y[i]] if same else [j for j in train if Y[j] != Y[i]])
            pairs.append((G.prefixed[i], G.prefixed[other], 1.0 if same else 0.0))
    rng.shuffle(pairs)
    optimiser = torch.optim.AdamW(model.parameters(), lr=2e-5)
    model.train()
    started = time.perf_counter()
    for start in range(0, len(pairs), 16):
        if start and start % 800 == 0:
            print(f"      {start}/{len(pairs)} pairs, {time.perf_counter() - started:.0f} s", flush=True)
        batch = pairs[start : start + 16]
        a = model.tokenize([x[0] for x in batch])
        b = model.tokenize([x[1] for x in batch])
        ea = torch.nn.functional.normalize(model(a)["sentence_embedding"], dim=1)
        eb = torch.nn.functional.normalize(model(b)["sentence_embedding"], dim=1)
        target = torch.tensor([x[2] for x in batch])
        loss = torch.nn.functional.mse_loss((ea * eb).sum(dim=1), target)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    model.eval()
    return model


def setfit(pairs_per_sentence: int) -> Proba:
    import time

    def fit_predict(train: list[int], test: list[int]) -> np.ndarray:
        started = time.perf_counter()
        model = contrastive_encoder(train, pairs_per_sentence)

        def x(view: View, idx: list[int]) -> np.ndarray:
            vectors = model.encode([view.prefixed[i] for i in idx], batch_size=32, normalize_embeddings=True)
            return np.hstack([np.asarray(vectors, dtype=np.float64), 0.3 * view.roles[idx]])

        proba = head(x(G, train), Y[train]).predict_proba(x(F, test))
        print(f"    fold: {len(train)} sentences, {time.perf_counter() - started:.0f} s", flush=True)
        return proba

    return out_of_fold(fit_predict)


def combined(both: bool = False, tfidf: float = 0.0, minilm: bool = False, weight: float = 2.0) -> Proba:
    """The kept prototype columns (x ``weight``, max per class) with another candidate on top."""

    def x(view: View, idx: list[int]) -> np.ndarray:
        blocks = [features(view, idx), weight * pool(prototype_sims(view, idx, "prefix"), "max")]
        if minilm:
            blocks.append(view.vectors("")[idx])
        return np.hstack(blocks)

    def fit_predict(train: list[int], test: list[int]) -> np.ndarray:
        extra = [i for i in train if G.prefixed[i] != F.prefixed[i]] if both else []
        x_train = np.vstack([x(G, train), x(F, extra)]) if extra else x(G, train)
        y_train = np.concatenate([Y[train], Y[extra]])
        x_test = x(F, test)
        if tfidf:
            vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
            t_train = vectorizer.fit_transform([G.prefixed[i] for i in train] + [F.prefixed[i] for i in extra])
            x_train = sparse.hstack([sparse.csr_matrix(x_train), tfidf * t_train]).tocsr()
            x_test = sparse.hstack(
                [sparse.csr_matrix(x_test), tfidf * vectorizer.transform([F.prefixed[i] for i in test])]
            )
        return head(x_train, y_train).predict_proba(x_test)

    return out_of_fold(fit_predict)


def knn(k: int) -> Proba:
    """Candidate 3, a kNN head: the k most similar training sentences (cosine), distance-weighted votes."""
    from sklearn.neighbors import KNeighborsClassifier

    def fit_predict(train: list[int], test: list[int]) -> np.ndarray:
        model = KNeighborsClassifier(n_neighbors=k, metric="cosine", weights="distance")
        model.fit(G.vectors("mpnet")[train], Y[train])
        return model.predict_proba(F.vectors("mpnet")[test])

    return out_of_fold(fit_predict)


def centroids() -> Proba:
    """Candidate 3, a prototype head: cosine to each class's mean training vector, softmax with temperature 0.05."""

    def fit_predict(train: list[int], test: list[int]) -> np.ndarray:
        x = G.vectors("mpnet")[train]
        means = np.vstack([x[Y[train] == c].mean(axis=0) for c in range(3)])
        means /= np.linalg.norm(means, axis=1, keepdims=True)
        logits = F.vectors("mpnet")[test] @ means.T / 0.05
        logits -= logits.max(axis=1, keepdims=True)
        return np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)

    return out_of_fold(fit_predict)


def digest() -> str:
    return hashlib.sha256("\n".join(G.prefixed).encode()).hexdigest()[:12]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="run only these candidate groups")
    parser.add_argument("--tweeteval", type=Path, default=None, help="TweetEval's stance folder (for 'tweets')")
    parser.add_argument("--setfit-pairs", type=int, default=4, help="pairs per training sentence (for 'setfit')")
    parser.add_argument("--setfit-old-new-only", action="store_true", help="'setfit' on the old -> new split only")
    args = parser.parse_args()
    want = set(args.only or ["base", "train", "fusion", "nested", "proto", "two", "text", "tweets"])
    print(f"{len(ROWS)} sentences, gold inputs {digest()}", flush=True)
    if "base" in want:
        line("mpnet, role columns 0.3 (the registered default)", flat())
        line("MiniLM, role columns 0.3 (embeddings)", flat(base=""))
    if "train" in want:
        line("1a trained on the finder's speakers", flat(train_view=F))
        line("1b trained on gold + finder (when the role differs)", both_speakers())
    if "fusion" in want:
        for weight in (0.1, 0.2, 0.3, 0.5, 1.0):
            line(f"2 fusion mpnet | roles | {weight} x TF-IDF(word 1-2)", fusion(weight))
        line("2 mpnet + MiniLM concatenated, role columns 0.3", concat_minilm())
    if "nested" in want:
        line("2 fusion, TF-IDF weight nested in {0, 0.1, 0.2, 0.3, 0.5}", fusion_nested((0.0, 0.1, 0.2, 0.3, 0.5)))
    if "proto" in want:
        line("3 zero-shot: nearest class hypothesis, no training", zero_shot())
        for weight in (1.0, 3.0):
            line(f"3 + hypothesis similarities x {weight} (every hypothesis)", prototypes(weight, "all"))
            line(f"3 + hypothesis similarities x {weight} (max per class)", prototypes(weight, "max"))
    if "proto2" in want:
        for weight in (0.5, 1.0, 2.0):
            line(f"3 + similarities x {weight} (max per class)", prototypes(weight, "max"))
            line(f"3 + similarities x {weight} (mean per class)", prototypes(weight, "mean"))
            line(f"3 + similarities x {weight} (max), of 'role: sentence'", prototypes(weight, "max", form="prefix"))
            line(f"3+5 bare sentence + similarities x {weight} (max)", prototypes(weight, "max", text_form="bare"))
            line(f"3+5 bare sentence + similarities x {weight} (mean)", prototypes(weight, "mean", text_form="bare"))
        line("3 MiniLM + similarities x 1.0 (max)", prototypes(1.0, "max", base=""))
        line("3 MiniLM + similarities x 1.0 (mean)", prototypes(1.0, "mean", base=""))
    if "setfit" in want:
        import torch

        torch.set_num_threads(2)
        if args.setfit_old_new_only:
            protocol.PROTOCOLS = {"old -> new": OLD_NEW}
        n = args.setfit_pairs
        line(f"7 SetFit-style contrastive MiniLM ({n} pairs a sentence, 1 epoch) + LR", setfit(n))
    if "robust" in want:
        robustness()
    if "heads" in want:
        for k in (5, 15, 30):
            line(f"3 kNN head (k = {k}, cosine, distance-weighted) on 'role: sentence'", knn(k))
        line("3 nearest class centroid head on 'role: sentence'", centroids())
    if "combo" in want:
        line("K prototypes x 2.0 (max) of 'role: sentence' (the kept mpnet)", combined())
        line("K + trained on gold + finder speakers", combined(both=True))
        line("K + 1.0 x TF-IDF(word 1-2)", combined(tfidf=1.0))
        line("K + 0.3 x TF-IDF(word 1-2)", combined(tfidf=0.3))
        line("K + MiniLM concatenated", combined(minilm=True))
    if "two" in want:
        line("4 two-stage: neutral vs stance, then pro vs anti", two_stage())
    if "text" in want:
        line("5 bare sentence + role columns", flat(form="bare"))
        line("5 'A union official says: ...' + role columns", flat(form="says"))
        line("5 'A union official says: ...', MiniLM", flat(form="says", base=""))
    if "tweets" in want and args.tweeteval is not None:
        for weight in (0.05, 0.1, 0.3):
            line(f"6 + TweetEval train tweets, weight {weight}", tweeteval(args.tweeteval, weight))


if __name__ == "__main__":
    main()
