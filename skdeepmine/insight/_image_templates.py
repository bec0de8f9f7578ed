"""The words of the image and signal findings (``_images.py``), per language.

Merged into :data:`._templates.TEMPLATES`; every key exists in both
languages with the same fields (``tests/test_insight_truth.py``).  This module
imports nothing.
"""

IMAGE_EN = {
    "image.balance.title": "{n_classes} classes; the smallest, {smallest}, has {small_share:pct}",
    "image.balance": (
        "Samples per class: {counts:counts}. The smallest class has {ratio:.2f} times "
        "as many samples as the largest."
    ),
    "image.balance.advice": (
        "Consider class_weight='balanced' or balanced_batches=True of the CNN."
    ),
    "image.accuracy.title": (
        "Held-out accuracy {accuracy:pct}; worst class {worst} ({worst_accuracy:pct})"
    ),
    "image.accuracy": (
        "Accuracy of each class on {n_test} held-out samples: {per_class:shares}."
    ),
    "image.confusion.title": (
        "Most confused: {true} taken for {predicted} ({count} of {n_true})"
    ),
    "image.confusion": (
        "The most frequent confusions (given -> predicted) among the held-out "
        "samples: {pairs:counts}. The figure shows examples of each."
    ),
    "image.confusion.none.title": "No class is confused with another",
    "image.confusion.none": (
        "Looked for confused classes: every held-out sample was predicted as its own class."
    ),
    "image.attribution.title": "Where the model looks: class-average {method} maps",
    "image.attribution": (
        "Averaged over the held-out samples of each class ({method}), the strongest "
        "attribution lies at {peaks:list}; {top_share:pct} of the attribution falls in "
        "the top tenth of the positions."
    ),
    "image.peak.image": "{cls}: row {row}, column {col}",
    "image.peak.none": "{cls}: nowhere (every attribution is zero)",
    "image.peak.signal": "{cls}: position {position}",
    "image.attribution.title.all": "Where the model looks: average {method} map",
    "image.attribution.all": (
        "Averaged over the held-out samples ({method}), the strongest attribution lies "
        "at {peaks:list}; {top_share:pct} of the attribution falls in the top tenth of "
        "the positions."
    ),
    "image.peak.image.all": "row {row}, column {col}",
    "image.peak.none.all": "nowhere (every attribution is zero)",
    "image.peak.signal.all": "position {position}",
    "image.label_errors.title": "{n:n|suspected label error|suspected label errors}",
    "image.label_errors": (
        "The model contradicts the given label of {n:n|held-out sample|held-out samples} "
        "with at least {threshold:pct} confidence: {items:list}. Check these labels "
        "before trusting the accuracy."
    ),
    "image.label_error.item": "#{index} labelled {given}, predicted {predicted} ({confidence:pct})",
    "image.label_errors.none.title": "No suspected label errors",
    "image.label_errors.none": (
        "Looked for label errors: no held-out sample is contradicted with at least "
        "{threshold:pct} confidence."
    ),
    "image.clusters.title": "{k} clusters in the network's deep features ({layer})",
    "image.clusters": (
        "K-means on the {layer} activations of {n} samples finds {k} clusters "
        "(silhouette {silhouette:.2f}): {profiles:list}."
    ),
    "image.cluster.item": (
        "cluster {cluster} ({share:pct}): mostly {majority} ({purity:pct}), "
        "accuracy {accuracy:pct}"
    ),
    "image.cluster.item.data": "cluster {cluster} ({share:pct}): mostly {majority} ({purity:pct})",
    "image.cluster.item.regression": "cluster {cluster} ({share:pct}): mean target {mean:num}",
    "image.regression.title": "Held-out R^2 {r2:.2f}",
    "image.regression": (
        "On {n_test} held-out samples the model reaches R^2 = {r2:.2f}. Largest errors: "
        "{items:list}."
    ),
    "image.regression.item": "#{index} target {given:num}, predicted {predicted:num}",
    "image.caption.regression": "#{index} {given:num} → {predicted:num}",
    "image.chart.regression": "Largest errors (target → predicted)",
    "image.clusters.none.title": "No clear clusters in the deep features",
    "image.clusters.none": (
        "Looked for clusters in the {layer} activations: no split reaches a "
        "silhouette of {threshold:.2f} (best {silhouette:.2f})."
    ),
    "image.clusters.few": (
        "Did not look for clusters in the {layer} activations: {n} held-out "
        "samples are too few (at least 20, 10 per cluster)."
    ),
    "image.caption.pair": "{true} → {predicted}",
    "image.caption.error": "#{index} {given} → {predicted} {confidence:pct}",
    "image.caption.class": "{cls}",
    "image.chart.accuracy": "held-out accuracy",
    "image.chart.count": "samples",
    "image.chart.pc": "principal component {n}",
    "image.chart.confusion": "Examples of the most confused pairs (given → predicted)",
    "image.chart.errors": "Suspected label errors (given → predicted, confidence)",
    "image.chart.maps": "Class-average attribution ({method})",
    "image.chart.maps.all": "Average attribution ({method})",
    "image.caption.class.all": "all held-out samples",
}

IMAGE_ZH = {
    "image.balance.title": "{n_classes} 个类别；最小的类别 {smallest} 占 {small_share:pct}",
    "image.balance": (
        "各类别样本数：{counts:counts}。最小类别的样本数是最大类别的 {ratio:.2f} 倍。"
    ),
    "image.balance.advice": (
        "可考虑 CNN 的 class_weight='balanced' 或 balanced_batches=True。"
    ),
    "image.accuracy.title": (
        "留出集准确率 {accuracy:pct}；最差类别 {worst}（{worst_accuracy:pct}）"
    ),
    "image.accuracy": "{n_test} 个留出样本上各类别的准确率：{per_class:shares}。",
    "image.confusion.title": (
        "最常混淆：{true} 被判为 {predicted}（{n_true} 个中 {count} 个）"
    ),
    "image.confusion": (
        "留出样本中最常见的混淆（给定 -> 预测）：{pairs:counts}。图中给出各自的示例。"
    ),
    "image.confusion.none.title": "没有类别被混淆",
    "image.confusion.none": "已检查混淆的类别：每个留出样本都被预测为其自身类别。",
    "image.attribution.title": "模型关注的位置：各类别平均的 {method} 图",
    "image.attribution": (
        "按类别对留出样本平均（{method}），最强的归因位于 {peaks:list}；"
        "{top_share:pct} 的归因落在前十分之一的位置。"
    ),
    "image.peak.image": "{cls}：第 {row} 行，第 {col} 列",
    "image.peak.none": "{cls}：无（所有归因均为零）",
    "image.peak.signal": "{cls}：位置 {position}",
    "image.attribution.title.all": "模型关注的位置：平均 {method} 图",
    "image.attribution.all": (
        "对全部留出样本平均（{method}），最强的归因位于 {peaks:list}；"
        "{top_share:pct} 的归因落在前十分之一的位置。"
    ),
    "image.peak.image.all": "第 {row} 行，第 {col} 列",
    "image.peak.none.all": "无（所有归因均为零）",
    "image.peak.signal.all": "位置 {position}",
    "image.label_errors.title": "{n} 个疑似标注错误",
    "image.label_errors": (
        "模型以至少 {threshold:pct} 的置信度否定了 {n} 个留出样本的给定标签：{items:list}。"
        "在相信准确率之前请检查这些标签。"
    ),
    "image.label_error.item": "#{index} 标为 {given}，预测为 {predicted}（{confidence:pct}）",
    "image.label_errors.none.title": "没有疑似标注错误",
    "image.label_errors.none": (
        "已检查标注错误：没有留出样本被以至少 {threshold:pct} 的置信度否定。"
    ),
    "image.clusters.title": "网络深度特征（{layer}）中的 {k} 个簇",
    "image.clusters": (
        "对 {n} 个样本的 {layer} 激活做 K-means，得到 {k} 个簇"
        "（轮廓系数 {silhouette:.2f}）：{profiles:list}。"
    ),
    "image.cluster.item": (
        "簇 {cluster}（{share:pct}）：多为 {majority}（{purity:pct}），准确率 {accuracy:pct}"
    ),
    "image.cluster.item.data": "簇 {cluster}（{share:pct}）：多为 {majority}（{purity:pct}）",
    "image.cluster.item.regression": "簇 {cluster}（{share:pct}）：目标均值 {mean:num}",
    "image.regression.title": "留出集 R^2 {r2:.2f}",
    "image.regression": "模型在 {n_test} 个留出样本上的 R^2 = {r2:.2f}。最大的误差：{items:list}。",
    "image.regression.item": "#{index} 目标 {given:num}，预测 {predicted:num}",
    "image.caption.regression": "#{index} {given:num} → {predicted:num}",
    "image.chart.regression": "最大的误差（目标 → 预测）",
    "image.clusters.none.title": "深度特征中没有清晰的簇",
    "image.clusters.none": (
        "已在 {layer} 激活中寻找簇：没有划分的轮廓系数达到 {threshold:.2f}"
        "（最佳 {silhouette:.2f}）。"
    ),
    "image.clusters.few": (
        "未在 {layer} 激活中寻找簇：{n} 个留出样本太少（至少需要 20 个，每簇 10 个）。"
    ),
    "image.caption.pair": "{true} → {predicted}",
    "image.caption.error": "#{index} {given} → {predicted} {confidence:pct}",
    "image.caption.class": "{cls}",
    "image.chart.accuracy": "留出集准确率",
    "image.chart.count": "样本数",
    "image.chart.pc": "主成分 {n}",
    "image.chart.confusion": "最常混淆的类别对示例（给定 → 预测）",
    "image.chart.errors": "疑似标注错误（给定 → 预测，置信度）",
    "image.chart.maps": "各类别平均归因（{method}）",
    "image.chart.maps.all": "平均归因（{method}）",
    "image.caption.class.all": "全部留出样本",
}

IMAGE_TEMPLATES = {"en": IMAGE_EN, "zh": IMAGE_ZH}
