"""The report's own words in Simplified Chinese (see :mod:`._templates`).

The same keys and fields as the English templates. This module imports nothing.
"""

ZH = {
    "relations.title": "与 {target} 相关的特征：{top:list3}",
    "relations.lead": (
        "{n_tested} 个特征中有 {n_related} 个与 {target} 相关（按列类型选用检验，"
        "对全部 {n_tests} 个检验做 Benjamini-Hochberg 校正，错误发现率 {alpha:pct}）。"
    ),
    "relations.feature": (
        "{column}：{band:word}且{certainty:word}（{measure} {effect:.2f}，q {q:=p}）"
    ),
    "contrast.rate_quarters": (
        "{column} 最高四分之一（>= {high_edge:num}）的行中 {target} = {cls} 占 "
        "{high:pct}，最低四分之一（<= {low_edge:num}）中占 {low:pct}"
    ),
    "contrast.rate_levels": (
        "{column} = {high_level} 的行中 {target} = {cls} 占 {high:pct}，"
        "{column} = {low_level} 的行中占 {low:pct}"
    ),
    "contrast.median_quarters": (
        "{column} 最高四分之一（>= {high_edge:num}）中 {target} 的中位数为 "
        "{high:num}，最低四分之一（<= {low_edge:num}）中为 {low:num}"
    ),
    "contrast.median_levels": (
        "{column} = {high_level} 时 {target} 的中位数为 {high:num}，"
        "{column} = {low_level} 时为 {low:num}"
    ),
    "relations.feature.bins": (
        "{column}：{band:word}且{certainty:word}，并且{shape:word}（按 {column} 的分位数"
        "分箱 {measure} {effect:.2f}，而单调趋势的 {trend_measure} 为 {trend:.2f}；"
        "q {q:=p}）"
    ),
    "relations.feature.missing": (
        "{column}：{band:word}且{certainty:word}，体现在是否缺失上（{measure} "
        "{effect:.2f}，q {q:=p}）"
    ),
    "contrast.rate_bins": (
        "按 {column} 的分位数分箱（各箱起点 {edges:nums}），{target} = {cls} 的比例依次为 "
        "{values:pcts}"
    ),
    "contrast.median_bins": (
        "按 {column} 的分位数分箱（各箱起点 {edges:nums}），{target} 的中位数依次为 "
        "{values:nums}"
    ),
    "contrast.rate_missing": (
        "{column} 缺失的行中 {target} = {cls} 占 {missing:pct}，有值的行中占 {present:pct}"
    ),
    "contrast.median_missing": (
        "{column} 缺失时 {target} 的中位数为 {missing:num}，有值时为 {present:num}"
    ),
    "relations.leak.title": "可能的目标泄漏：{columns:list3} 几乎复制了 {target}",
    "relations.leak": (
        "{items:list} 几乎完美地预测 {target}（效应至少 {threshold:.2f}）。与目标如此接近的列"
        "通常是在目标之后记录的或由目标推导而来，预测时无法得到：请核实 {columns:list} 的采集方式，"
        "除非在 {target} 之前就已知，否则请删除。用它训练的模型得分很高，实际使用时却会失效。"
    ),
    "relations.leak.item": "{column}（{measure} {effect:.2f}）",
    "relations.leaks_left_out": (
        "{columns:list} 未列入本发现和关联规则：它们几乎复制了 {target}（可能的泄漏）。"
    ),
    "relations.item": "{feature:t}：{contrast:t}。",
    "relations.unrelated": (
        "{columns:list} 没有相关的证据（q >= {alpha:.2f}）；但这并不证明它们独立。"
    ),
    "relations.none.title": "没有特征与 {target} 相关",
    "relations.none": (
        "对 {target} 检验了 {n_tested} 个特征，在错误发现率 {alpha:pct} 的控制下"
        "没有一个显著（最小 q {q_min:=p}）。只有 {n_rows} 行时，弱关系可能无法察觉。"
    ),
    "redundant.title": "{n_pairs} 对冗余特征",
    "redundant": (
        "{n_pairs} 对特征同步变化（关联度至少 {threshold:.2f}，q {q_max:<=p}）：{groups:groups}。"
        "每组只保留一个几乎不损失信息，并使重要性更易解读：相关特征会分摊并掩盖彼此的"
        "重要性（模型的分组置换重要性会把每组一起打乱）。"
    ),
    "redundant.none.title": "没有冗余特征",
    "redundant.none": "{n_columns} 列中没有任何一对的关联度达到 {threshold:.2f}。",
    "rule.title": "当 {conditions:and} 时，{consequent}",
    "rule": (
        "满足 {conditions:and} 的行中有 {confidence:pct} 为 {consequent}，"
        "全体行中为 {base:pct}（提升度 {lift:.2f}，q {q:=p}）；该规则覆盖 "
        "{support:pct} 的行（支持度），即 {n_rows} 行中的 {covered} 行，"
        "以及 {consequent} 行中的 {recall:pct}。"
    ),
    "rules.none.title": "{target} 没有关联规则",
    "rules.none_related": "没有特征与 {target} 相关，因此没有可作规则条件的特征。",
    "rules.none_leaks": (
        "只有几乎复制了 {target} 的 {columns:list}（可能的泄漏）与之相关：不用它们构造规则。"
    ),
    "rules.none": (
        "{n_candidates} 条候选规则达到最小支持度和置信度，但在错误发现率 {alpha:pct} "
        "下没有一条显著，或没有在更短的规则之上带来提升。"
    ),
    "clusters.title": "{space:word}中有 {k} 个{band:word}的簇",
    "clusters": (
        "K-means 在{space:word}中找到 {k} 个簇（轮廓系数 {silhouette:.2f}，"
        "为 k = 2..{k_max} 中最佳）：{profiles:profiles}。"
    ),
    "clusters.agreement": "这些簇与 {target} {follow:word}（调整兰德指数 {ari:.2f}）。",
    "clusters.none.title": "{space:word}整体上没有簇",
    "clusters.none": (
        "在全部{space:word}上一起寻找簇：没有发现（最佳轮廓系数 {silhouette:.2f}，k = {k}，"
        "范围 k = 2..{k_max}；清晰结构从 {threshold:.2f} 起）。"
    ),
    "clusters.none.subspace": "只存在于少数几列中的簇可能被其他列淹没：可单独对这些列聚类来寻找。",
    "clusters.restated.title": "{space:word}中的簇只是重现了 {column}",
    "clusters.restated": (
        "K-means 找到 {k} 个簇（轮廓系数 {silhouette:.2f}），但它们与 {column} 的取值"
        "一致（调整兰德指数 {ari:.2f}）：除该列外没有其他结构。"
    ),
    "clusters.restated_combined.title": "{space:word}中的簇只是重现了 {columns:list} 的取值组合",
    "clusters.restated_combined": (
        "K-means 找到 {k} 个簇（轮廓系数 {silhouette:.2f}），但 {columns:list} 的取值组合"
        "即可预测它们（调整兰德指数 {ari:.2f}）：除这些列外没有其他结构。"
    ),
    "pca.title": "{n_features} 个维度中的 {needed} 个承载了 {target:pct} 的方差",
    "pca": (
        "{needed} 个主成分解释了 {n_features} 个标准化特征 {explained:pct} 的方差"
        "（至少 {target:pct}）；"
        "第一个主成分（{first:pct}）主要由 {leading:list} 构成。"
    ),
    "pca.compress": (
        "数据接近一个 {needed} 维空间：PCA(n_components={target}) 用 {needed} 列即可保留。"
    ),
    "pca.spread": "方差分布较分散：压缩收益不大。",
    "pca.none.title": "特征之间没有冗余方向",
    "pca.none": "需要全部 {n_features} 个标准化特征才能保留 {target:pct} 的方差。",
    "outliers.title": "{share:pct} 的行含有极端值",
    "outliers": (
        "{n_outliers} 行（{share:pct}）至少有一个值超出四分位数 {iqr:num} 倍四分位距，"
        "主要在 {per_column:counts}。请检查是否为录入错误；若属实，请优先使用稳健模型"
        "（树模型）或缩放方法（RobustScaler），而不是普通标准化。"
    ),
    "outliers.none.title": "没有极端值",
    "outliers.none": "没有任何值超出其列四分位数 {iqr:num} 倍四分位距。",
    "imbalance.title": "{target} 类别不平衡（{ratio:num} 比 1）",
    "imbalance": (
        "{majority} 占 {target} 的 {majority_share:pct}（{majority_rows} 行），"
        "{minority} 仅占 {minority_share:pct}（{minority_rows} 行），即 {ratio:num} 比 1。总是预测 "
        "{majority} 就能得到 {majority_share:pct} 的准确率：请传入 "
        "class_weight=\"balanced\"（skdeepmine 的分类器、RandomForest、"
        "HistGradientBoosting、LogisticRegression）或重采样，并用平衡准确率或 F1 "
        "而不是准确率来比较模型。"
    ),
    "imbalance.tiny": "{classes:list} 少于 {min_rows} 行：不足以做 5 折分层交叉验证。",
    "imbalance.none.title": "{target} 的类别是平衡的",
    "imbalance.none": "最大类别的行数是最小类别的 {ratio:num} 倍（低于 {threshold:num}）。",
    "skew.title": "{target} 向{direction:word}偏斜（偏度 {skewness:.2f}）",
    "skew.log1p": (
        "{target} 有一条长长的{direction:word}尾（偏度 {skewness:.2f}）：均值 {mean:num}，"
        "中位数 {median:num}。平方误差模型会追逐尾部；请在 log1p(target) 上拟合："
        "TransformedTargetRegressor(regressor=..., func=np.log1p, "
        "inverse_func=np.expm1)，或用中位数绝对误差评判模型。"
    ),
    "skew.yeo-johnson": (
        "{target} 有一条长长的{direction:word}尾（偏度 {skewness:.2f}）：均值 {mean:num}，"
        "中位数 {median:num}。平方误差模型会追逐尾部；请在目标的 Yeo-Johnson 变换上拟合："
        "TransformedTargetRegressor(regressor=..., transformer=PowerTransformer())，"
        "或用中位数绝对误差评判模型。"
    ),
    "skew.none.title": "{target} 没有偏斜",
    "skew.none": "偏度 {skewness:.2f}，绝对值低于 {threshold:num}。",
    "importance.title": "模型最依赖 {relied:list3}",
    "importance.none.title": "没有单个特征或特征组支撑模型",
    "importance.lead": (
        "在 {n_rows} 个留出行上，每个特征（以及每组冗余特征，整体）被打乱 {n_repeats} 次；"
        "{score:word}的损失及其在各行上的 95% 区间："
    ),
    "importance.lead.none": (
        "在 {n_rows} 个留出行上，每个特征（以及每组冗余特征，整体）被打乱 {n_repeats} 次。"
    ),
    "importance.item": "{name} {mean:num} ± {half:num}",
    "importance.items": "{items:list}。",
    "importance.group": (
        "{members:list} 共同起作用（一起打乱损失 {mean:num} ± {half:num}），"
        "多于其中任何一个单独打乱：它们可以互相替代。"
    ),
    "importance.unused": (
        "打乱 {unused:list} 对分数的影响不超过噪声（按行配对检验，已按特征数校正）：模型不依赖它们。"
    ),
    "importance.screened": (
        "{n_features} 个特征中，与目标最相关的 {n_screened} 个被逐一打乱；"
        "其余 {n_rest} 个一起打乱损失 {rest_mean:num} ± {rest_half:num}。"
    ),
    "importance.nothing": (
        "打乱任何特征都不会使{score:word}下降超过噪声：模型分散在冗余特征上，或学到的很少。"
    ),
    "class_errors.title": "{worst} 的错误最多（{error:pct} 被错分）",
    "class_errors.none.title": "留出数据上没有错误",
    "class_errors.lead": "留出准确率 {accuracy:pct}，平衡准确率 {balanced:pct}。",
    "class_errors.worst": "{worst} 被错分最多：其 {support} 行中有 {error:pct} 被错分。",
    "class_errors.into": "它们大多被预测为 {into}（{n_into} 行）。",
    "class_errors.none": "每个留出行都分类正确。",
    "class_errors.chance.title": "模型不比随机猜测更好（平衡准确率 {balanced:pct}）",
    "class_errors.chance": (
        "其 95% 区间 {low:pct} 至 {high:pct} 包含随机水平（{chance:pct}）："
        "模型没有学到留出数据能证实的规律，它的错误也说明不了数据。"
    ),
    "regression_errors.chance.title": "模型不比预测均值更好（留出 R^2 {r2:.2f}）",
    "regression_errors.chance": "R^2 不大于 0：模型没有学到留出数据能证实的规律。",
    "regression_errors.title": "留出 R^2 {r2:.2f}；{worst:word}值处误差最大",
    "regression_errors": (
        "在 {n_rows} 个留出行上模型的 R^2 为 {r2:.2f}（MAE {mae:num}）。目标{worst:word}"
        "三分之一处的平均绝对误差为 {worst_mae:num}，其他部分为 {others:counts}。"
    ),
    "deep_share.title": "深度特征承载了混合模型 {deep:pct} 的重要性",
    "deep_share": (
        "混合模型的 {estimator} 把 {deep:pct} 的依赖放在 {n_deep} 个深度特征上，"
        "{raw:pct} 放在原始特征上（每组整体打乱）。"
    ),
    "deep_share.deep": "网络学到的特征承载了模型的大部分。",
    "deep_share.raw": "原始特征承载了模型的大部分；网络的贡献相对较小。",
    "deep_share.neither": "模型两者都没有使用。",
    "blend_weight.title": "网络承载了混合模型 {network:pct} 的预测",
    "blend_weight": (
        "混合模型把网络预测的{what:t}（权重 {network:pct}）与其 {estimator} 在原始特征上的"
        "预测（{estimator_weight:pct}）加权平均；权重在两部分都未训练的留出训练行上选定。"
    ),
    "blend_weight.network": "{estimator} 在这些行上没有帮助：只用网络预测。",
    "blend_weight.estimator": "网络在这些行上没有帮助：只用 {estimator} 预测。",
    "blend_weight.both": "在这些行上，混合的平方误差低于任一部分单独的误差：两部分都有贡献。",
    "blend_weight.kept_both": (
        "在这些行上没有哪一部分明显预测正确得更多，所以两部分都保留；准确率相同的权重中选最"
        "接近各半的一个，因此这个权重并不说明每一部分都提高了准确率（两部分可能预测出相同"
        "的类别）。"
    ),
    "blend_weight.probabilities": "概率",
    "blend_weight.values": "值",
    "checked.title": "已检查：{what:t}",
    "checked": "检查了{what:t}：未发现。",
    "what.missing_values": "缺失值",
    "what.target_quality": "目标缺失值",
    "what.constant_columns": "常数列",
    "what.duplicate_rows": "重复行",
    "what.high_cardinality": "高基数列",
    "what.identifiers": "标识符列",
    "what.row_numbers": "行号列",
    "what.class_imbalance": "类别不平衡",
    "what.skewed_target": "目标偏斜",
    "what.deep_clusters": "深度特征中的簇",
    "what.other": "{name}",
    "page.findings": "发现",
    "page.n_findings": "{n} 项发现",
    "page.ranked": "按强度排序（0 到 1）：数据显示每项发现的强烈程度。",
    "page.checked": "已检查，未发现",
    "page.checked_note": "每个运行过的挖掘器及其所见。",
    "page.nothing": "没有突出的发现。",
    "page.evidence": "证据",
    "page.strength": "强度 {strength:.2f}",
    "page.overview": "各项发现的强度",
    "summary.n_rows": "行数",
    "summary.n_columns": "列数",
    "summary.columns_detail": "{n}（{numeric} 个数值列，{categorical} 个类别列）",
    "summary.targets": "目标",
    "summary.rows_sampled": "挖掘时抽样的行数",
    "summary.deep_features": "深度特征",
    "summary.estimator": "模型",
    "summary.trained_on": "模型训练于",
    "summary.as_given": "传入时已拟合",
    "summary.split": "{train} 行，并在 {test} 个留出行上评估",
    "summary.data": "数据",
    "summary.cross_validation": "交叉验证",
    "summary.best_model": "最佳模型",
    "kind.data_quality": "数据质量",
    "kind.target": "目标",
    "kind.relationships": "关系",
    "kind.association_rules": "关联规则",
    "kind.structure": "结构",
    "kind.model": "模型",
    "task.classification": "分类",
    "task.regression": "回归",
    "report.title": "洞察报告",
    "chart.strength": "强度",
    "summary.left_out_of_the_models": "未纳入模型",
    "summary.identifiers": "{columns}（标识符）",
    "summary.dropped_columns": "已删除的列",
    "summary.values_clipped": "被截断的值",
    "summary.labels_the_figures_cannot_draw": "图中无法绘制的标签",
    "summary.pipeline": "以 {name} 结尾的流水线",
    "summary.folds": "{k} 折",
    "summary.folds_stratified": "{k} 折分层",
    "summary.folds_repeated": "，{n} 个重复行与其副本留在同一折",
    "summary.split_repeated": "（{n} 个重复行与其副本留在同一侧）",
    "table.Model comparison": "模型比较",
    "table.Rank": "排名",
    "table.Model": "模型",
    "table.Balanced accuracy": "平衡准确率",
    "table.Accuracy": "准确率",
    "table.MAE": "平均绝对误差",
    "table.Fit time per fold (s)": "每折拟合时间（秒）",
    "table.Decision tree": "决策树",
    "table.Random forest": "随机森林",
    "table.Histogram gradient boosting": "直方图梯度提升",
    "table.Neural network": "神经网络",
    "table.Hybrid (network + gradient boosting)": "混合模型（网络 + 梯度提升）",
    "chart.effect": "相关特征的效应量（0 到 1）",
    "chart.cost": "打乱后{score:word}的损失",
    "chart.share_with": "{consequent} 的比例",
    "chart.all_rows": "全部行",
    "chart.rows_with": "满足 {conditions:and} 的行",
    "chart.first_pc": "第一主成分",
    "chart.second_pc": "第二主成分",
    "chart.components": "主成分个数",
    "chart.cumulative": "累计方差比例",
    "chart.beyond": "超出界限的行数",
    "chart.rows": "行数",
    "chart.spearman": "Spearman 相关系数",
    "chart.true": "真实类别",
    "chart.predicted": "预测类别",
    "chart.confusion": "混淆矩阵（留出行）",
    "chart.actual": "实际值",
    "chart.prediction": "预测值",
    "chart.share_importance": "特征重要性占比",
    "chart.deep": "深度特征",
    "chart.raw": "原始特征",
    "chart.share_prediction": "在预测中的权重",
    "chart.network": "网络",
    "chart.estimator": "{estimator}",
    "q.missing_values.title": "{n} 列有缺失值",
    "q.missing_values": (
        "{n} 列有缺失值，最严重的是 {worst:shares}；{rows} 行至少缺一个值。请填补"
        "（sklearn.impute.SimpleImputer）或使用接受缺失值的模型，如 HistGradientBoosting。"
    ),
    "q.missing_values.linked": (
        "{n} 列有缺失值，最严重的是 {worst:shares}；{rows} 行至少缺一个值。"
        "{linked:list} 是否缺失与目标相关（见相关特征）：直接填补会抹去这一信号。"
        "请用 SimpleImputer(add_indicator=True) 填补（保留缺失标记），或使用接受缺失值的"
        "模型，如 HistGradientBoosting。"
    ),
    "q.infinite": "无穷值（在 {columns:list} 中）按缺失值计。",
    "q.chart.missing": "缺失行的比例",
    "q.constant.title": "{n} 个常数列",
    "q.constant": (
        "{n} 列只有一个取值（不计缺失值），不携带任何信息：请删除 {columns:list}"
        "（sklearn.feature_selection.VarianceThreshold 可在 Pipeline 中完成）。"
    ),
    "q.near_constant.title": "{n} 个近似常数列",
    "q.near_constant": (
        "在 {n} 列（{columns:list}）中，一个取值几乎覆盖所有行（最高 {top:pct}）：可学习的信息很少，"
        "少见的取值可能是值得检查的错误。"
    ),
    "q.chart.top_share": "最常见取值的比例",
    "q.duplicates.title": "{n} 个重复行",
    "q.duplicates": (
        "{n} 行（{share:pct}）与之前的某行完全相同（{examples:repeats}）。除非重复是真实"
        "事件，否则请删除；并把同一行的副本放在同一个交叉验证折中（GroupKFold），"
        "以免分数虚高。"
    ),
    "q.duplicates.conflict": "{n} 个重复行的 {target} 取值不同：没有模型能全部预测正确。",
    "q.identifiers.title": "标识符列：{columns:list}",
    "q.identifiers": (
        "{columns:list} 用于标识行而不是描述行：建模前请删除（另行保存以便把预测结果"
        "关联回来）。模型可以记住标识符，但无法从中泛化。"
    ),
    "q.high_cardinality.title": "高基数：{column}（{n_levels} 个取值）",
    "q.high_cardinality": (
        "{column} 有 {n_levels} 个不同取值（占其行数的 {share:pct}）；独热编码会为每个"
        "取值增加一列；请合并少见取值（OneHotEncoder(max_categories=20)）或使用 "
        "sklearn.preprocessing.TargetEncoder。"
    ),
    "q.high_cardinality.dates": (
        "{column} 有 {n_levels} 个不同取值（占其行数的 {share:pct}）；这些值是日期：请解析"
        "（pandas.to_datetime）并提取年、月、星期等特征，而不是把每个日期编码为一个类别。"
    ),
    "q.row_numbers.title": "{column} 是行号",
    "q.row_numbers": (
        "{column} 从 {first:num} 到 {last:num}，逐行加 1（可能缺少少数编号）：这是行号或保存的索引，而不是测量值。"
        "请删除（若它是索引，用 read_csv(index_col=0)），以免模型学到行的顺序。"
    ),
    "q.missing_target.title": "{target} 在 {n} 行中缺失",
    "q.missing_target": (
        "{n} 行（{share:pct}）没有 {target} 的值；监督模型无法使用它们，目标相关的发现"
        "也不包含这些行。"
    ),
}
