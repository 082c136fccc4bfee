"""Fit the same-role verdict on the reference set, validate it on held-out collections, ship it.

    python scripts/same_role/fit.py [--corpora ../shared/corpora] [--out benchmarks/results/same_role]
                                    [--write-model]

1. The reference set (`build_reference.py`): pairs of distinct corpus agents, labelled same job (1) or
   not (0); unsure pairs are left out. The goal is measured on pairs from different collections; the
   model is fitted on pairs within collections too (a user's folder often comes from one source, and
   a collection's sibling agents, `c4-code` / `c4-context`, are the hardest negatives).
2. Leave one collection out, five times: the document-frequency tables are counted on the other four
   collections' agents only, the logistic regression is fitted on the pairs that do not involve the
   held-out collection, and it predicts the pairs that do (its own pairs included). Nothing about the
   held-out collection is seen: neither its words' frequencies nor its labels.
3. Every pair involves two collections, so it is predicted twice (once with each held out); the pooled
   numbers use the mean of its two held-out predictions, so each pair counts once.
4. Reports, per held-out collection and pooled: ROC AUC, average precision, precision and recall at the
   likely and possible bands, Brier score, a reliability table; recall split by whether the two names
   have the same words, and for a content-only model (no name feature), for comparison.
5. `--write-model`: refits on everything (tables from all reference agents, regression on all pairs) and
   writes `agentkit/_overlap/verdict_model.json`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_reference as br  # noqa: E402

from agentkit._overlap import terms  # noqa: E402
from agentkit._overlap import verdict as v  # noqa: E402

# feature -> (transform, offset): topic and description enter as log(x + 0.02), so that the step from
# 0.1 to 0.2 counts about as much as the one from 0.3 to 0.6; the name cosine enters as it is. The body
# score is not a regression feature: across collections no same-role pair shares its body (its fitted
# weight was 0.00), and copies are handled by the copy rule (agentkit._overlap.verdict.COPY).
# The name feature is 0 for names that contrast (each has a specific word the other lacks: siblings that
# serve different platforms or stages), and `extra` (the share of a name made of specific words the other
# lacks) says how much one is a specialisation of the other (agentkit._overlap.terms.NameWords).
SPEC = {
    "topic": ("log", 0.02),
    "description": ("log", 0.02),
    "name": ("linear", 0.0),
    "extra": ("linear", 0.0),
}
CONTENT_ONLY = {k: spec for k, spec in SPEC.items() if k not in ("name", "extra")}
C = 1.0  # inverse L2 strength of the logistic regression (sklearn's default)
# The bands, chosen on the pooled held-out predictions (see choose_bands): likely is the default verdict.
GOAL_PRECISION, GOAL_RECALL = 0.9, 0.8


class Reference:
    """The labelled pairs with everything needed to compute their features under any DF table."""

    def __init__(self, corpora: Path) -> None:
        from agentkit._overlap.shingles import shingle_sets

        self.reference = br.load_reference(corpora)
        self.info = [info for info, _ in self.reference]
        agents = [agent for _, agent in self.reference]
        self.fields = terms.Fields.of(agents)
        self.shingles = shingle_sets([a.body if isinstance(a.body, str) else "" for a in agents])
        self.keep, self.copies = br.representatives(self.reference)
        i, j, y, within = br.labelled_pairs(self.reference)
        self.unsure = int(np.isnan(y[~within]).sum())
        self.unsure_within = int(np.isnan(y[within]).sum())
        labelled = ~np.isnan(y)
        self.i, self.j, self.y = i[labelled], j[labelled], y[labelled].astype(int)
        self.within = within[labelled]
        self.unsure_i, self.unsure_j = i[~labelled], j[~labelled]
        self.collection = np.array([info.collection for info in self.info])
        self.collections = sorted(set(self.collection))
        self.body = terms.body_jaccard(self.shingles, self.i, self.j)

    def features(self, rows: list[int], i=None, j=None) -> dict[str, np.ndarray]:
        """The features of the labelled pairs (or of the pairs i, j), with DF tables counted over `rows`
        (agent positions)."""
        df = terms.document_frequencies(self.fields, rows)
        vec = terms.vectors(self.fields, df, len(rows))
        i, j = (self.i, self.j) if i is None else (i, j)
        out = {k: terms.rowwise(vec[k], i, j) for k in ("topic", "description", "name")}
        contrast, out["extra"] = terms.name_words(self.fields, df, len(rows)).contrast(i, j)
        out["name"] = np.where(contrast, 0.0, out["name"])
        out["body"] = self.body if i is self.i else terms.body_jaccard(self.shingles, i, j)
        return out

    def involves(self, collection: str) -> np.ndarray:
        """Pairs with an agent of `collection` (its own pairs included)."""
        return (self.collection[self.i] == collection) | (self.collection[self.j] == collection)


def design(features: dict[str, np.ndarray], spec: dict[str, tuple[str, float]]) -> np.ndarray:
    return np.column_stack([v._transform(kind, features[k], offset) for k, (kind, offset) in spec.items()])


def fit_model(features, y, spec, mask=None):
    from sklearn.linear_model import LogisticRegression

    x = design(features, spec)
    if mask is not None:
        x, y = x[mask], y[mask]
    return LogisticRegression(C=C, max_iter=5000).fit(x, y)


def held_out(ref: Reference, spec, unsure: bool = False):
    """Held-out probabilities of every labelled pair: (pooled, per collection the predictions of the
    pairs that involve it). The model for collection c is fitted on the pairs, within and across
    collections, that involve no agent of c, with DF tables counted without c's agents. Pooled: the
    mean of a cross-collection pair's two held-out predictions; a within-collection pair has one.
    With `unsure`, also the pooled held-out probabilities of the unsure pairs (third value)."""
    both = np.full((len(ref.i), 2), np.nan)
    other = np.full((len(ref.unsure_i), 2), np.nan)
    per = {}
    for c in ref.collections:
        rows = [x for x in ref.keep if ref.collection[x] != c]
        features = ref.features(rows)
        test = ref.involves(c)
        model = fit_model(features, ref.y, spec, ~test)
        p = model.predict_proba(design(features, spec)[test])[:, 1]
        p = np.where(ref.body[test] >= v.COPY, np.maximum(p, v.COPY_PROBABILITY), p)  # the copy rule
        per[c] = p
        side = np.where(ref.collection[ref.i[test]] == c, 0, 1)
        both[np.flatnonzero(test), side] = p
        if unsure:
            mine = (ref.collection[ref.unsure_i] == c) | (ref.collection[ref.unsure_j] == c)
            f = ref.features(rows, ref.unsure_i[mine], ref.unsure_j[mine])
            q = model.predict_proba(design(f, spec))[:, 1]
            q = np.where(f["body"] >= v.COPY, np.maximum(q, v.COPY_PROBABILITY), q)
            other[np.flatnonzero(mine), np.where(ref.collection[ref.unsure_i[mine]] == c, 0, 1)] = q
    pooled = np.nanmean(both, axis=1)
    return (pooled, per, np.nanmean(other, axis=1)) if unsure else (pooled, per)


def grouped(ref: Reference, pooled: np.ndarray, unsure: np.ndarray, threshold: float) -> np.ndarray:
    """Which labelled pairs end up in one group (SameRole.groups, complete linkage, on the held-out
    probabilities)."""
    from agentkit._overlap.groups import complete

    keep = np.array(ref.keep)
    position = np.full(len(ref.reference), -1)
    position[keep] = np.arange(len(keep))
    n = len(keep)
    i = np.concatenate([position[ref.i], position[ref.unsure_i]])
    j = np.concatenate([position[ref.j], position[ref.unsure_j]])
    p = np.concatenate([pooled, unsure])
    label = np.arange(n)
    for k, members in enumerate(complete(n, i, j, p, threshold)):
        label[members] = n + k
    return label[position[ref.i]] == label[position[ref.j]]


def group_scores(
    ref: Reference, pooled: np.ndarray, unsure: np.ndarray, threshold: float
) -> dict[str, float]:
    """Pairs in one group against pairs of one role, across collections: precision and recall."""
    cross = ~ref.within
    y = ref.y[cross]
    same = grouped(ref, pooled, unsure, threshold)[cross]
    return {
        "threshold": threshold,
        "precision": float(y[same].mean()) if same.any() else 0.0,
        "recall": float(same[y == 1].mean()),
    }


def scores(y: np.ndarray, p: np.ndarray, likely: float, possible: float) -> dict[str, float]:
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    out = {"pairs": int(len(y)), "same_role": int(y.sum())}
    out["roc_auc"] = float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan")
    out["average_precision"] = float(average_precision_score(y, p))
    out["brier"] = float(brier_score_loss(y, p))
    for band, t in (("likely", likely), ("possible", possible)):
        hat = p >= t
        out[f"{band}_flagged"] = int(hat.sum())
        out[f"{band}_precision"] = float(y[hat].mean()) if hat.any() else float("nan")
        out[f"{band}_recall"] = float(hat[y == 1].mean())
    return out


def reliability(y: np.ndarray, p: np.ndarray) -> list[dict[str, float]]:
    edges = [0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001]
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        m = (p >= lo) & (p < hi)
        if m.any():
            rows.append(
                {
                    "bin": f"{lo:.2f}-{min(hi, 1.0):.2f}",
                    "pairs": int(m.sum()),
                    "mean_probability": float(p[m].mean()),
                    "same_role_share": float(y[m].mean()),
                }
            )
    return rows


def choose_bands(y: np.ndarray, p: np.ndarray) -> tuple[float, float, list[dict[str, float]]]:
    """The two bands, from pooled held-out predictions on a grid of 0.05.

    likely (the default verdict): the lowest threshold of at least 0.5 (so that "likely" means more
    likely than not) whose precision is >= 0.9; possible: the highest threshold below it whose recall
    is >= 0.95 (what a person reviewing "possible" pairs would not miss).
    """
    grid = []
    for t in np.round(np.arange(0.05, 0.96, 0.05), 2):
        hat = p >= t
        precision = float(y[hat].mean()) if hat.any() else 0.0
        grid.append({"threshold": float(t), "precision": precision, "recall": float(hat[y == 1].mean())})
    ok = [g["threshold"] for g in grid if g["threshold"] >= 0.5 and g["precision"] >= GOAL_PRECISION]
    likely = min(ok) if ok else 0.9
    wide = [g["threshold"] for g in grid if g["recall"] >= 0.95 and g["threshold"] < likely]
    possible = max(wide, default=round(likely / 2, 2))
    return float(likely), float(possible), grid


def name_words_equal(ref: Reference) -> np.ndarray:
    """Pairs whose two names have the same words once lower-cased, aliased and stemmed (name cosine 1)."""
    df = terms.document_frequencies(ref.fields, ref.keep)
    vec = terms.vectors(ref.fields, df, len(ref.keep))
    return terms.rowwise(vec["name"], ref.i, ref.j) > 0.999


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=br.CORPORA)
    parser.add_argument("--out", type=Path, default=br.OUT)
    parser.add_argument("--write-model", action="store_true", help="refit on everything and ship it")
    args = parser.parse_args()

    ref = Reference(args.corpora)
    cross = ~ref.within
    print(
        f"{len(ref.reference)} agents ({len(ref.keep)} distinct); labelled pairs: {int(cross.sum())} across "
        f"collections ({int(ref.y[cross].sum())} same role, {ref.unsure} unsure left out), "
        f"{int(ref.within.sum())} within one ({int(ref.y[ref.within].sum())} same role, "
        f"{ref.unsure_within} unsure left out)"
    )
    pooled, per, unsure = held_out(ref, SPEC, unsure=True)
    cross = ~ref.within
    y, p = ref.y[cross], pooled[cross]
    likely, possible, grid = choose_bands(y, p)
    group_grid = [group_scores(ref, pooled, unsure, t) for t in (likely, possible)]
    results: dict = {"likely": likely, "possible": possible, "threshold_grid": grid}
    results["groups"] = group_grid
    results["pooled"] = scores(y, p, likely, possible)
    results["per_collection"] = {}
    for c in ref.collections:
        test = ref.involves(c)
        mine = cross[test]  # the cross-collection pairs among those that involve c
        results["per_collection"][c] = scores(ref.y[test][mine], per[c][mine], likely, possible)
    results["reliability"] = reliability(y, p)
    same_words = name_words_equal(ref)[cross]
    results["by_name"] = {
        "names with the same words": scores(y[same_words], p[same_words], likely, possible),
        "names with different words": scores(y[~same_words], p[~same_words], likely, possible),
    }
    results["within_collections"] = scores(ref.y[ref.within], pooled[ref.within], likely, possible)
    content, _ = held_out(ref, CONTENT_ONLY)
    results["content_only"] = scores(y, content[cross], likely, possible)
    print(f"bands: likely >= {likely}, possible >= {possible}; groups: complete linkage")
    for g in group_grid:
        print(
            f"  groups at {g['threshold']:.2f}: pairs in one group vs one role P {g['precision']:.3f} R {g['recall']:.3f}"
        )
    header = f"{'held out':46}{'pairs':>8}{'same':>6}{'AUC':>8}{'AP':>7}{'P@likely':>10}{'R@likely':>10}"
    print(header + f"{'P@poss':>8}{'R@poss':>8}{'Brier':>9}")
    rows = [*results["per_collection"].items(), ("pooled (each pair once)", results["pooled"])]
    for name, s in rows:
        print(
            f"{name:46}{s['pairs']:8}{s['same_role']:6}{s['roc_auc']:8.4f}{s['average_precision']:7.3f}"
            f"{s['likely_precision']:10.3f}{s['likely_recall']:10.3f}{s['possible_precision']:8.3f}"
            f"{s['possible_recall']:8.3f}{s['brier']:9.5f}"
        )
    extra = [
        *results["by_name"].items(),
        ("within one collection (not the goal)", results["within_collections"]),
    ]
    for name, s in extra:
        print(
            f"  {name:44} same {s['same_role']:4}  P@likely {s['likely_precision']:.3f}  R@likely {s['likely_recall']:.3f}"
        )
    s = results["content_only"]
    print(
        f"  content only (no name feature): AUC {s['roc_auc']:.4f} AP {s['average_precision']:.3f} "
        f"P@likely {s['likely_precision']:.3f} R@likely {s['likely_recall']:.3f}"
    )
    print("reliability (pooled held-out): bin, pairs, mean predicted, observed share")
    for r in results["reliability"]:
        print(f"  {r['bin']:>11} {r['pairs']:8} {r['mean_probability']:8.3f} {r['same_role_share']:8.3f}")

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "validation.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if args.write_model:
        features = ref.features(ref.keep)
        model = fit_model(features, ref.y, SPEC)
        weights = {
            k: (kind, offset, float(w))
            for (k, (kind, offset)), w in zip(SPEC.items(), model.coef_[0], strict=True)
        }
        shipped = v.Model(
            weights=weights,
            intercept=float(model.intercept_[0]),
            likely=likely,
            possible=possible,
            documents=len(ref.keep),
            df=terms.document_frequencies(ref.fields, ref.keep),
            about=(
                "Same-role verdict for agentkit: logistic regression weights and the reference document "
                f"frequencies ({len(ref.keep)} distinct agents of five MIT collections; terms in 2+ "
                "agents). Written by scripts/same_role/fit.py; see docs/same-role.md."
            ),
        )
        shipped.save()
        print(
            f"wrote {v.MODEL_FILE} ({v.MODEL_FILE.stat().st_size // 1024} KB): {weights}, intercept {model.intercept_[0]:.3f}"
        )


if __name__ == "__main__":
    main()
