"""The report's own words in each language: templates keyed by purpose.

Filled by :mod:`._text` (see its docstring for the format specs).  Every key
exists in every language with the same fields (``tests/test_insight_truth.py``).
English lives here, Chinese in :mod:`._templates_zh`; nothing else is imported.
"""

from ._templates_zh import ZH

EN = {
    # ---------------------------------------------------------- relations
    "relations.title": "Features related to {target}: {top:list3}",
    "relations.lead": (
        "{n_related} of {n_tested} features relate to {target} (tests per column "
        "kind, Benjamini-Hochberg false-discovery rate {alpha:pct} over all {n_tests} "
        "tests)."
    ),
    "relations.feature": (
        "{column}: {band:word} and {certainty:word} ({measure} {effect:.2f}, "
        "q {q:=p})"
    ),
    "contrast.rate_quarters": (
        "{target} = {cls} in {high:pct} of the rows in the highest quarter of {column} "
        "(>= {high_edge:num}) vs {low:pct} in the lowest (<= {low_edge:num})"
    ),
    "contrast.rate_levels": (
        "{target} = {cls} in {high:pct} of the rows with {column} = {high_level} vs "
        "{low:pct} with {column} = {low_level}"
    ),
    "contrast.median_quarters": (
        "median {target} {high:num} in the highest quarter of {column} "
        "(>= {high_edge:num}) vs {low:num} in the lowest (<= {low_edge:num})"
    ),
    "contrast.median_levels": (
        "median {target} {high:num} for {column} = {high_level} vs {low:num} for "
        "{column} = {low_level}"
    ),
    "relations.feature.bins": (
        "{column}: {band:word} and {certainty:word}, and {shape:word} ({measure} "
        "{effect:.2f} across quantile bins of {column}, against {trend_measure} "
        "{trend:.2f} for a plain trend; q {q:=p})"
    ),
    "relations.feature.missing": (
        "{column}: {band:word} and {certainty:word}, through whether it is missing "
        "({measure} {effect:.2f}, q {q:=p})"
    ),
    "contrast.rate_bins": (
        "share of {target} = {cls} by quantile bin of {column} (bins starting at "
        "{edges:nums}): {values:pcts}"
    ),
    "contrast.median_bins": (
        "median {target} by quantile bin of {column} (bins starting at {edges:nums}): "
        "{values:nums}"
    ),
    "contrast.rate_missing": (
        "{target} = {cls} in {missing:pct} of the rows where {column} is missing vs "
        "{present:pct} where it is present"
    ),
    "contrast.median_missing": (
        "median {target} {missing:num} where {column} is missing vs {present:num} where "
        "it is present"
    ),
    "relations.leak.title": (
        "Possible target leakage: {columns:list3} {columns:pick|nearly copies|nearly copy} "
        "{target}"
    ),
    "relations.leak": (
        "{items:list} {columns:pick|predicts|predict} {target} almost perfectly "
        "(effect at least {threshold:.2f}). A column this close to the target is "
        "usually recorded after it or derived from it, and would not be known when "
        "predicting: check how {columns:pick|it was|they were} collected, and drop "
        "{columns:pick|it|them} unless known before {target} is. A model trained with "
        "{columns:pick|it|them} scores well and fails in use."
    ),
    "relations.leak.item": "{column} ({measure} {effect:.2f})",
    "relations.leaks_left_out": (
        "{columns:list} {columns:pick|is|are} left out of this finding and of the rules: "
        "{columns:pick|it nearly copies|they nearly copy} {target} (possible leakage)."
    ),
    "relations.item": "{feature:t}: {contrast:t}.",
    "relations.unrelated": (
        "No evidence of a relation (q >= {alpha:.2f}) for {columns:list}; this is not "
        "proof of independence."
    ),
    "relations.none.title": "No feature shows a relation to {target}",
    "relations.none": (
        "{n_tested} features were tested against {target}; none passes the "
        "false-discovery control at {alpha:pct} (smallest q {q_min:=p}). With "
        "{n_rows} rows, weak relations can go unseen."
    ),
    "redundant.title": "{n_pairs:n|redundant feature pair|redundant feature pairs}",
    "redundant": (
        "{n_pairs:n|pair|pairs} of features move together (association at least "
        "{threshold:.2f}, q {q_max:<=p}): {groups:groups}. Keeping one per group loses little "
        "information and makes importances easier to read: correlated features "
        "share, and hide, each other's importance (the model's grouped permutation "
        "importance shuffles each group together)."
    ),
    "redundant.none.title": "No redundant features",
    "redundant.none": (
        "No pair among {n_columns:n|column|columns} is associated at "
        "{threshold:.2f} or more."
    ),
    # ------------------------------------------------------------- rules
    "rule.title": "When {conditions:and}, then {consequent}",
    "rule": (
        "{confidence:pct} of the rows with {conditions:and} have {consequent}, "
        "against {base:pct} over all rows (lift {lift:.2f}, q {q:=p}); the rule "
        "covers {support:pct} of the rows (support), {covered} of {n_rows}, and "
        "{recall:pct} of those with {consequent}."
    ),
    "rules.none.title": "No association rule for {target}",
    "rules.none_related": (
        "No feature is related to {target}, so none makes a rule's condition."
    ),
    "rules.none_leaks": (
        "Only {columns:list}, which {columns:pick|nearly copies|nearly copy} {target} "
        "(possible leakage), {columns:pick|relates|relate} to it: no rule is made from "
        "{columns:pick|it|them}."
    ),
    "rules.none": (
        "{n_candidates:n|candidate rule|candidate rules} reached the minimum support "
        "and confidence; none is significant at a false-discovery rate of "
        "{alpha:pct}, or adds to a shorter rule."
    ),
    # --------------------------------------------------------- structure
    "clusters.title": "{k} {band:word} clusters in {space:word}",
    "clusters": (
        "K-means on {space:word} finds {k} clusters (silhouette {silhouette:.2f}, "
        "the best over k = 2..{k_max}): {profiles:profiles}."
    ),
    "clusters.agreement": (
        "The clusters {follow:word} {target} (adjusted Rand index {ari:.2f})."
    ),
    "clusters.none.title": "No clusters across all of {space:word} together",
    "clusters.none": (
        "Looked for clusters in all of {space:word} together: none (best silhouette "
        "{silhouette:.2f} at k = {k}, over k = 2..{k_max}; clear structure starts at "
        "{threshold:.2f})."
    ),
    "clusters.none.subspace": (
        "Clusters confined to a few columns can be drowned by the others: cluster "
        "those columns alone to look for them."
    ),
    "clusters.restated.title": "Clusters in {space:word} only restate {column}",
    "clusters.restated": (
        "K-means finds {k} clusters (silhouette {silhouette:.2f}), but they match the "
        "values of {column} (adjusted Rand index {ari:.2f}): no structure beyond "
        "that column."
    ),
    "clusters.restated_combined.title": (
        "Clusters in {space:word} only restate combinations of {columns:and}"
    ),
    "clusters.restated_combined": (
        "K-means finds {k} clusters (silhouette {silhouette:.2f}), but the combinations "
        "of the values of {columns:and} predict them (adjusted Rand index {ari:.2f}): "
        "no structure beyond those columns."
    ),
    "pca.title": "{needed} of {n_features} dimensions carry {target:pct} of the variance",
    "pca": (
        "{needed:n|principal component|principal components} {needed:pick|explains|explain} "
        "{explained:pct} of the variance of the {n_features} standardised features "
        "(at least {target:pct}); the first ({first:pct}) is led by {leading:list}."
    ),
    "pca.compress": (
        "The data lies close to a {needed}-dimensional space: "
        "PCA(n_components={target}) keeps it in {needed} columns."
    ),
    "pca.spread": "The variance is spread out: little to gain from compressing.",
    "pca.none.title": "No redundant directions among the features",
    "pca.none": (
        "All {n_features} standardised features are needed to keep {target:pct} of "
        "the variance."
    ),
    "outliers.title": "{share:pct} of rows hold extreme values",
    "outliers": (
        "{n_outliers} rows ({share:pct}) have at least one value more than {iqr:num} "
        "inter-quartile ranges beyond the quartiles, mostly in {per_column:counts}. "
        "Check them for entry errors; if genuine, prefer robust models (trees) or "
        "scaling (RobustScaler) over plain standardisation."
    ),
    "outliers.none.title": "No extreme values",
    "outliers.none": (
        "No value lies more than {iqr:num} inter-quartile ranges beyond its column's "
        "quartiles."
    ),
    # ------------------------------------------------------------ target
    "imbalance.title": "{target} is imbalanced ({ratio:num} to 1)",
    "imbalance": (
        "{majority} makes up {majority_share:pct} of {target} ({majority_rows} rows) "
        "and {minority} only {minority_share:pct} ({minority_rows} rows): {ratio:num} to 1. "
        "Always "
        "predicting {majority} already scores {majority_share:pct} accuracy: pass "
        "class_weight=\"balanced\" (skdeepmine's classifiers, RandomForest, "
        "HistGradientBoosting, LogisticRegression) or resample, and compare models "
        "by balanced accuracy or F1, not accuracy."
    ),
    "imbalance.tiny": (
        "{classes:list} {classes:pick|has|have} fewer than {min_rows} rows: too few "
        "for 5-fold stratified cross-validation."
    ),
    "imbalance.none.title": "The classes of {target} are balanced",
    "imbalance.none": (
        "The largest class has {ratio:num} times the rows of the smallest (under "
        "{threshold:num})."
    ),
    "skew.title": "{target} is skewed to the {direction:word} (skewness {skewness:.2f})",
    "skew.log1p": (
        "{target} has a long {direction:word} tail (skewness {skewness:.2f}): mean "
        "{mean:num} vs median {median:num}. Squared-error models chase the tail; fit "
        "on log1p(target): "
        "TransformedTargetRegressor(regressor=..., func=np.log1p, "
        "inverse_func=np.expm1), or judge models by median absolute error."
    ),
    "skew.yeo-johnson": (
        "{target} has a long {direction:word} tail (skewness {skewness:.2f}): mean "
        "{mean:num} vs median {median:num}. Squared-error models chase the tail; fit "
        "on a Yeo-Johnson "
        "transform of the target: TransformedTargetRegressor(regressor=..., "
        "transformer=PowerTransformer()), or judge models by median absolute error."
    ),
    "skew.none.title": "{target} is not skewed",
    "skew.none": "Skewness {skewness:.2f}, under {threshold:num} in absolute value.",
    # ------------------------------------------------------------- model
    "importance.title": "The model relies most on {relied:list3}",
    "importance.none.title": "No single feature or group carries the model",
    "importance.lead": (
        "On {n_rows} held-out rows, each feature (and each group of redundant "
        "features, together) was shuffled {n_repeats} times; the cost in {score:word} "
        "with a 95% interval over the rows:"
    ),
    "importance.lead.none": (
        "On {n_rows} held-out rows, each feature (and each group of redundant "
        "features, together) was shuffled {n_repeats} times."
    ),
    "importance.item": "{name} {mean:num} ± {half:num}",
    "importance.items": "{items:list}.",
    "importance.group": (
        "{members:list} matter together (shuffled together they cost {mean:num} ± "
        "{half:num}) more than any one alone: they stand in for each other."
    ),
    "importance.unused": (
        "Shuffling {unused:list} changes the score by no more than noise (paired "
        "test over rows, corrected for the number of features): the model does "
        "not rely on {unused:pick|it|them}."
    ),
    "importance.screened": (
        "Of {n_features} features, the {n_screened} most related to the target "
        "were shuffled one by one; the other {n_rest} together cost {rest_mean:num} "
        "± {rest_half:num}."
    ),
    "importance.nothing": (
        "No feature's shuffling lowers the {score:word} beyond noise: the model "
        "spreads over redundant features or learnt little."
    ),
    "class_errors.title": "Most errors on {worst} ({error:pct} missed)",
    "class_errors.none.title": "No held-out errors",
    "class_errors.lead": (
        "Held-out accuracy {accuracy:pct}, balanced accuracy {balanced:pct}."
    ),
    "class_errors.worst": (
        "{worst} is missed most: {error:pct} of its {support} rows are misclassified."
    ),
    "class_errors.into": "They are mostly predicted as {into} ({n_into} rows).",
    "class_errors.none": "Every held-out row is classified correctly.",
    "class_errors.chance.title": (
        "The model does no better than chance (balanced accuracy {balanced:pct})"
    ),
    "class_errors.chance": (
        "Its 95% interval, {low:pct} to {high:pct}, includes chance ({chance:pct}): "
        "the model learnt nothing the held-out rows confirm, so its errors say "
        "nothing about the data."
    ),
    "regression_errors.chance.title": (
        "The model does no better than predicting the mean (held-out R^2 {r2:.2f})"
    ),
    "regression_errors.chance": (
        "An R^2 of 0 or less: the model learnt nothing the held-out rows confirm."
    ),
    "regression_errors.title": (
        "Held-out R^2 {r2:.2f}; errors largest for {worst:word} values"
    ),
    "regression_errors": (
        "On {n_rows} held-out rows the model reaches R^2 {r2:.2f} (MAE {mae:num}). "
        "Mean absolute error is {worst_mae:num} for the {worst:word} third of the "
        "target, against {others:counts}."
    ),
    "deep_share.title": "Deep features carry {deep:pct} of the hybrid's importance",
    "deep_share": (
        "The hybrid's {estimator} puts {deep:pct} of its reliance on the "
        "{n_deep} deep features and {raw:pct} on the raw features (shuffling each "
        "group as a block)."
    ),
    "deep_share.deep": "The network's learnt features carry most of the model.",
    "deep_share.raw": (
        "The raw features carry most of the model; the network adds comparatively "
        "little."
    ),
    "deep_share.neither": "The model uses neither.",
    "blend_weight.title": "The network carries {network:pct} of the hybrid's predictions",
    "blend_weight": (
        "The hybrid averages its network's predicted {what:t} (weight {network:pct}) "
        "with its {estimator}'s on the raw features ({estimator_weight:pct}), a weight "
        "chosen on training rows held out from both parts."
    ),
    "blend_weight.network": (
        "The {estimator} did not help on those rows: the network alone predicts."
    ),
    "blend_weight.estimator": (
        "The network did not help on those rows: the {estimator} alone predicts."
    ),
    "blend_weight.both": (
        "On those rows the mix had a lower squared error than either part alone: both "
        "parts contribute."
    ),
    "blend_weight.kept_both": (
        "Neither part was right on clearly more of those rows, so both are kept; among "
        "weights of equal accuracy the one nearest an even mix is chosen, so this weight "
        "does not show that each part adds accuracy (the parts may predict the same "
        "classes)."
    ),
    "blend_weight.probabilities": "probabilities",
    "blend_weight.values": "values",
    # ------------------------------------- generic "checked, nothing found"
    "checked.title": "Checked: {what:t}",
    "checked": "Looked for {what:t}: none found.",
    "what.missing_values": "missing values",
    "what.target_quality": "missing target values",
    "what.constant_columns": "constant columns",
    "what.duplicate_rows": "duplicate rows",
    "what.high_cardinality": "high-cardinality columns",
    "what.identifiers": "identifier columns",
    "what.row_numbers": "row-number columns",
    "what.class_imbalance": "class imbalance",
    "what.skewed_target": "a skewed target",
    "what.deep_clusters": "clusters in deep features",
    "what.other": "{name}",
    # ---------------------------------------------------------- the page
    "page.findings": "Findings",
    "page.n_findings": "{n:n|finding|findings}",
    "page.ranked": "Ranked by strength (0 to 1): how strongly the data shows each finding.",
    "page.checked": "Checked, nothing found",
    "page.checked_note": "Each miner that ran and what it saw.",
    "page.nothing": "Nothing stood out.",
    "page.evidence": "Evidence",
    "page.strength": "strength {strength:.2f}",
    "page.overview": "Strength of the findings",
    "summary.n_rows": "Rows",
    "summary.n_columns": "Columns",
    "summary.columns_detail": "{n} ({numeric} numeric, {categorical} categorical)",
    "summary.targets": "Target",
    "summary.rows_sampled": "Rows sampled for mining",
    "summary.deep_features": "Deep features",
    "summary.estimator": "Model",
    "summary.trained_on": "Model trained on",
    "summary.as_given": "as given (already fitted)",
    "summary.split": "{train} rows, judged on {test} held-out rows",
    "summary.data": "Data",
    "summary.cross_validation": "Cross-validation",
    "summary.best_model": "Best model",
    "kind.data_quality": "data quality",
    "kind.target": "target",
    "kind.relationships": "relationships",
    "kind.association_rules": "association rules",
    "kind.structure": "structure",
    "kind.model": "model",
    "task.classification": "classification",
    "task.regression": "regression",
    "report.title": "Insight report",
    "chart.strength": "strength",
    "summary.left_out_of_the_models": "Left out of the models",
    "summary.identifiers": "{columns} (identifiers)",
    "summary.dropped_columns": "Dropped columns",
    "summary.values_clipped": "Values clipped",
    "summary.labels_the_figures_cannot_draw": "Labels the figures cannot draw",
    "summary.pipeline": "Pipeline ending in {name}",
    "summary.folds": "{k}-fold",
    "summary.folds_stratified": "{k}-fold stratified",
    "summary.folds_repeated": ", the {n} repeated rows kept in the fold of their copies",
    "summary.split_repeated": " (the {n} repeated rows kept on the same side as their copies)",
    "table.Model comparison": "Model comparison",
    "table.Rank": "Rank",
    "table.Model": "Model",
    "table.Balanced accuracy": "Balanced accuracy",
    "table.Accuracy": "Accuracy",
    "table.MAE": "MAE",
    "table.Fit time per fold (s)": "Fit time per fold (s)",
    "table.Decision tree": "Decision tree",
    "table.Random forest": "Random forest",
    "table.Histogram gradient boosting": "Histogram gradient boosting",
    "table.Neural network": "Neural network",
    "table.Hybrid (network + gradient boosting)": (
        "Hybrid (network + gradient boosting)"
    ),
    "chart.effect": "effect size of the related features (0 to 1)",
    "chart.cost": "{score:word} lost when shuffled",
    "chart.share_with": "share with {consequent}",
    "chart.all_rows": "all rows",
    "chart.rows_with": "rows with {conditions:and}",
    "chart.first_pc": "first principal component",
    "chart.second_pc": "second principal component",
    "chart.components": "principal components",
    "chart.cumulative": "cumulative share of variance",
    "chart.beyond": "rows beyond the fences",
    "chart.rows": "rows",
    "chart.spearman": "Spearman correlation",
    "chart.true": "true class",
    "chart.predicted": "predicted class",
    "chart.confusion": "Confusion matrix (held-out rows)",
    "chart.actual": "actual",
    "chart.prediction": "predicted",
    "chart.share_importance": "share of feature importance",
    "chart.deep": "deep features",
    "chart.raw": "raw features",
    "chart.share_prediction": "weight in the predictions",
    "chart.network": "network",
    "chart.estimator": "{estimator}",
    # ------------------------------- data quality (derived from evidence)
    "q.missing_values.title": "Missing values in {n:n|column|columns}",
    "q.missing_values": (
        "{n:n|column has|columns have} missing values, worst {worst:shares}; {rows} rows "
        "miss at least one value. Impute them (sklearn.impute.SimpleImputer) or use a "
        "model that accepts missing values, such as HistGradientBoosting."
    ),
    "q.missing_values.linked": (
        "{n:n|column has|columns have} missing values, worst {worst:shares}; {rows} rows "
        "miss at least one value. Whether a value is missing goes with the target for "
        "{linked:list} (see the related features): plain imputation would erase that "
        "signal. Impute with SimpleImputer(add_indicator=True), which keeps a "
        "missing-value flag, or use a model that accepts missing values, such as "
        "HistGradientBoosting."
    ),
    "q.infinite": "Infinite values (in {columns:list}) are counted as missing.",
    "q.chart.missing": "share of rows missing",
    "q.constant.title": "{n:n|constant column|constant columns}",
    "q.constant": (
        "{n:n|column holds|columns hold} a single value (ignoring missing ones) and "
        "carry no information: drop {columns:list} "
        "(sklearn.feature_selection.VarianceThreshold does it in a Pipeline)."
    ),
    "q.near_constant.title": "{n:n|near-constant column|near-constant columns}",
    "q.near_constant": (
        "In {n:n|column|columns} ({columns:list}), one value covers almost every row (up "
        "to {top:pct}): little to learn from, and rare values may be errors worth "
        "checking."
    ),
    "q.chart.top_share": "share of the most frequent value",
    "q.duplicates.title": "{n:n|duplicate row|duplicate rows}",
    "q.duplicates": (
        "{n:n|row|rows} ({share:pct}) {n:pick|repeats|repeat} an earlier row exactly "
        "({examples:repeats}). Drop them unless repeats are real events, and keep "
        "copies of a row in the same cross-validation fold (GroupKFold) so scores are "
        "not inflated."
    ),
    "q.duplicates.conflict": (
        "{n:n|repeated row carries|repeated rows carry} different values of {target}: "
        "no model can get all of them right."
    ),
    "q.identifiers.title": "Identifier columns: {columns:list}",
    "q.identifiers": (
        "{columns:list} identify rows rather than describing them: drop them before "
        "modelling (keep them aside to join predictions back). A model can memorise an "
        "identifier but cannot generalise from it."
    ),
    "q.high_cardinality.title": "High cardinality: {column} ({n_levels} levels)",
    "q.high_cardinality": (
        "{column} has {n_levels} distinct values ({share:pct} of its rows); one-hot "
        "encoding it would add a column per level; group rare levels "
        "(OneHotEncoder(max_categories=20)) or use sklearn.preprocessing.TargetEncoder."
    ),
    "q.high_cardinality.dates": (
        "{column} has {n_levels} distinct values ({share:pct} of its rows); its values "
        "read as dates: parse them (pandas.to_datetime) and derive features such as "
        "year, month or weekday instead of encoding each date as a category."
    ),
    "q.row_numbers.title": "{column} counts the rows",
    "q.row_numbers": (
        "{column} runs {first:num} ... {last:num}, rising by 1 (a few numbers may be "
        "missing): a row number or saved index, not a measurement. Drop it (read_csv(index_col=0) if it is the index) "
        "so that models cannot learn the row order."
    ),
    "q.missing_target.title": "{target} is missing in {n} rows",
    "q.missing_target": (
        "{n} rows ({share:pct}) have no value for {target}; supervised models cannot "
        "use them, and the target findings leave them out."
    ),
}


TEMPLATES = {"en": EN, "zh": ZH}
