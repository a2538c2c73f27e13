"""Strings of the Networks page and its figures (landscape slice, caveat, decision boundary, curves,
per-block internals, singular values), and the network scenes' registry texts."""

STRINGS = {
    "nav.networks": ("Networks", "神经网络"),
    # figures
    "net.pc": ("PC{i} ({share}% of the paths' spread)", "主成分 {i}（占路径变化的 {share}%）"),
    "net.dir": ("random direction {i} (filter-normalised)", "随机方向 {i}（按滤波器归一化）"),
    "net.landscape_title": ("Loss on a slice through the paths", "穿过路径的损失切面"),
    "net.caveat_title": ("Loss on the path vs. on the slice", "路径上与切面上的损失"),
    "net.caveat.path": ("{name}: loss on the path", "{name}：路径上的损失"),
    "net.caveat.slice": ("{name}: slice under the projected point", "{name}：投影点处切面上的损失"),
    "net.boundary.p1": ("P(class 1)", "P(类别 1)"),
    "net.boundary.edge": ("decision boundary (50%)", "决策边界（50%）"),
    "net.boundary.train": ("train, class {cls}", "训练集，类别 {cls}"),
    "net.boundary.test": ("test, class {cls}", "测试集，类别 {cls}"),
    "net.boundary_title": (
        "Step {step}: accuracy {train}% train, {test}% test",
        "第 {step} 步：训练准确率 {train}%，测试准确率 {test}%",
    ),
    "net.curves_title": ("Training curves", "训练曲线"),
    "net.curve.train_loss": ("{name}: train loss", "{name}：训练损失"),
    "net.curve.test_loss": ("{name}: test loss", "{name}：测试损失"),
    "net.curve.train_acc": ("{name}: train accuracy", "{name}：训练准确率"),
    "net.curve.test_acc": ("{name}: test accuracy", "{name}：测试准确率"),
    "net.accuracy": ("accuracy", "准确率"),
    "net.layers_title": (
        "Per block under {name}: weights, updates, effective step",
        "{name} 下各参数块：权重、更新量、有效步长",
    ),
    "net.layers.weight": ("||weights||", "||权重||"),
    "net.layers.update": ("||update|| (log)", "||更新量||（对数）"),
    "net.layers.effective": ("||update|| / ||gradient|| (log)", "||更新量|| / ||梯度||（对数）"),
    "net.sv_title": (
        "Singular values of A B (dotted: the target's)",
        "A B 的奇异值（虚线：目标矩阵的奇异值）",
    ),
    "net.sv": ("singular value", "奇异值"),
    # page
    "net.title": ("Networks", "神经网络"),
    "net.caption": (
        "Real little networks with many parameters, trained exactly by the optimizers you pick, from "
        "the same initial weights and on the same minibatches.",
        "真正的小型神经网络，参数众多；你选的优化器从相同的初始权重、在相同的小批量数据上精确地训练它们。",
    ),
    "net.controls": ("Network", "网络"),
    "net.scene": ("Problem", "问题"),
    "net.choice.data": ("Data set", "数据集"),
    "net.choice.hidden": ("Hidden layers", "隐藏层"),
    "net.choice.activation": ("Activation", "激活函数"),
    "net.optimizers": ("Optimizers (1 to 3)", "优化器（1 到 3 个）"),
    "net.optimizers_help": (
        "Each runs from the same initial weights on the same minibatches, with its own learning rate.",
        "每个优化器都从相同的初始权重出发，使用相同的小批量数据，学习率各自设定。",
    ),
    "net.too_few": ("Pick at least one optimizer.", "请至少选择一个优化器。"),
    "net.lr": ("learning rate: {name}", "学习率：{name}"),
    "net.steps": ("Steps", "步数"),
    "net.batch": ("Minibatch size (n = {n} is the full batch)", "小批量大小（n = {n} 即全批量）"),
    "net.seed": ("Minibatch seed", "小批量随机种子"),
    "net.plane": ("Slice directions", "切面方向"),
    "net.plane.pca": ("PCA of the paths", "路径的主成分"),
    "net.plane.random": ("Random, filter-normalised", "随机方向（按滤波器归一化）"),
    "net.plane_help": (
        "PCA: the two directions along which the paths (all of them together) moved most, through the "
        "first optimizer's final weights. Random: two Gaussian directions scaled row by row to the "
        "weights (Li et al. 2018).",
        "主成分：所有路径合在一起变化最大的两个方向，经过第一个优化器的最终权重。随机：两个高斯方向，"
        "逐行缩放到权重的大小（Li 等，2018）。",
    ),
    "net.focus": ("Optimizer shown in the boundary and per-block views", "决策边界与分块视图显示的优化器"),
    "net.cursor": ("Step", "步"),
    "net.cursor_help": (
        "Every view shows this step: the marker on the slice, the boundary, the line in the curves.",
        "所有视图都显示这一步：切面上的标记、决策边界、曲线上的竖线。",
    ),
    "net.caveat_note": (
        "A slice is two directions out of {dim}: where the dashed line leaves the solid one, the "
        "network's weights were off the plane and the contour under the path is not the loss it had.",
        "切面只是 {dim} 个方向中的两个：虚线偏离实线的地方，网络的权重不在这个平面上，路径下方的等高线并不是它当时的损失。",
    ),
    "net.metric.params": ("parameters", "参数个数"),
    "net.metric.loss": ("final loss: {name}", "最终损失：{name}"),
    "net.metric.diverged": ("diverged at step {step}", "第 {step} 步发散"),
    "net.tab.landscape": ("Landscape", "损失地形"),
    "net.tab.boundary": ("Decision boundary", "决策边界"),
    "net.tab.layers": ("Per block", "分块视图"),
    "net.tab.sv": ("Singular values", "奇异值"),
    "net.csv": ("Run of {name}: every step (CSV)", "{name} 的运行：每一步（CSV）"),
    "net.html_boundary": ("Decision boundary animation (HTML, offline)", "决策边界动画（HTML，可离线）"),
    "net.html_landscape": ("Loss slice with the paths (HTML, offline)", "损失切面与路径（HTML，可离线）"),
    "net.bad_problem": ("These settings do not make a problem: {error}", "这些设置无法构成问题：{error}"),
    "net.bad_run": ("The run failed: {error}", "运行失败：{error}"),
}

#: The network scenes' registry texts (optviz/nets/scenes.py), English -> Chinese.
TEXTS = {
    "MLP classifier": "多层感知机分类器",
    "A small network learns to separate two classes of 2-D points.": "一个小网络学习把二维平面上的两类点分开。",
    "Low-rank matrix factorisation": "低秩矩阵分解",
    "Fit A B to a rank-4 target from a tiny start: plain GD learns its singular values one at a time.": (
        "从极小的初值出发，用 A B 拟合一个秩为 4 的目标矩阵：普通梯度下降一次学会一个奇异值。"
    ),
    "The seed's model with many correlated inputs: correlation sets the conditioning.": (
        "初始示例的模型换成许多相关的输入特征：相关性决定了问题的条件数。"
    ),
    "The data set: two classes of points.": "数据集：两类点。",
    "Hidden layers: units per layer.": "隐藏层：每层的神经元个数。",
    "The hidden layers' nonlinearity.": "隐藏层的非线性激活函数。",
    "Number of data points (train and test).": "数据点个数（训练集与测试集合计）。",
    "Jitter added to every point.": "加在每个点上的随机抖动。",
    "Seed of the generated data.": "生成数据的随机种子。",
    "Seed of the initial weights.": "初始权重的随机种子。",
    "Number of input features d.": "输入特征个数 d。",
    "Correlation between every pair of features.": "任意两个特征之间的相关系数。",
    "Number of data points.": "数据点个数。",
    "Standard deviation of the noise on y.": "y 上噪声的标准差。",
    "Rows and columns of the target matrix.": "目标矩阵的行数与列数。",
    "Inner dimension of the factors A and B.": "因子 A 和 B 的内部维度。",
    "Scale of the initial entries.": "初始元素的尺度。",
    "Seed of the target matrix.": "目标矩阵的随机种子。",
    # choice options
    "circle": "圆环",
    "xor": "异或",
    "gaussians": "两团高斯",
    "spiral": "螺旋",
    "moons": "双月",
    "tanh": "tanh",
    "relu": "ReLU",
}
