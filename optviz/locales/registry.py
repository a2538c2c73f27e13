"""Simplified Chinese for every English text declared in the registries.

Keys are the exact English strings of ``Param.help``, ``StateVar.meaning``, ``Optimizer.summary``,
``Optimizer.name``, problem and schedule names and summaries; ``optviz.i18n.tr`` looks them up.
``tests/test_i18n.py`` enumerates the registries and fails on any text missing here. Maths symbols
and code names (lr, beta1, v_hat) stay as they are.
"""

TEXTS = {
    # --- shared hyperparameters (optviz/optimizers/base.py) ---
    "Step size: how far each update moves the parameters.": "步长：每次更新让参数移动多远。",
    "Decay of the first-moment EMA (momentum); closer to 1 averages over more steps.": (
        "一阶矩指数滑动平均（动量）的衰减率；越接近 1，平均的步数越多。"
    ),
    "Decay of the second-moment EMA; small values make the step size jumpy.": (
        "二阶矩指数滑动平均的衰减率；取值太小会让步长忽大忽小。"
    ),
    "Added to the denominator for stability; when large it turns the method into plain SGD.": (
        "加在分母上以保证数值稳定；取值很大时，方法会退化成普通的 SGD。"
    ),
    "Pull of the parameters towards zero (L2 penalty or decoupled decay).": (
        "把参数拉向零的力度（L2 惩罚或解耦的权重衰减）。"
    ),
    "Fraction of the previous step carried into the next one.": "上一步中被带入下一步的比例。",
    # --- optimizer names ---
    "SGD": "SGD（随机梯度下降）",
    "SGD + momentum (heavy ball)": "SGD + 动量（重球法）",
    "Nesterov momentum": "Nesterov 动量",
    "Adagrad": "Adagrad",
    "RMSprop": "RMSprop",
    "Adadelta": "Adadelta",
    "Adam": "Adam",
    "AMSGrad": "AMSGrad",
    "Adamax": "Adamax",
    "AdamW": "AdamW",
    "NAdam": "NAdam",
    "RAdam": "RAdam",
    "AdaBelief": "AdaBelief",
    "Lion": "Lion",
    "Yogi": "Yogi",
    "Adan": "Adan",
    "Schedule-Free SGD": "Schedule-Free SGD（免调度 SGD）",
    "Schedule-Free AdamW": "Schedule-Free AdamW（免调度 AdamW）",
    "Prodigy": "Prodigy",
    "ADOPT": "ADOPT",
    "AdEMAMix": "AdEMAMix",
    "Rprop": "Rprop（弹性反向传播）",
    "MARS (AdamW form)": "MARS（AdamW 形式）",
    "Muon": "Muon",
    "LAMB": "LAMB",
    "LARS": "LARS",
    "Adafactor": "Adafactor",
    # --- sgd, momentum, nesterov ---
    "Step straight down the gradient, scaled by the learning rate.": "沿梯度方向直接下降，步长由学习率决定。",
    "Per-coordinate step size applied to the update direction.": "作用在更新方向上的逐坐标步长。",
    "Accumulate a velocity from past gradients, so steps build up along consistent directions.": (
        "用过去的梯度累积出一个速度，让步子在方向一致的地方越走越大。"
    ),
    "Shrinks the new gradient's share of the momentum buffer: buf = mu*buf + (1 - tau)*g.": (
        "减小新梯度在动量缓冲中的占比：buf = mu*buf + (1 - tau)*g。"
    ),
    "Momentum buffer: a running (undamped) sum of past gradients.": "动量缓冲：过去梯度的累加（无阻尼）。",
    "Momentum that looks ahead: the step uses the gradient plus the already-updated velocity.": (
        "向前看一步的动量：更新方向是梯度加上已经更新过的速度。"
    ),
    # --- adagrad, rmsprop, adadelta ---
    "Divide each coordinate's step by the root of its summed squared gradients.": (
        "把每个坐标的步长除以该坐标梯度平方累加和的平方根。"
    ),
    "Divides the learning rate by 1 + (t-1)*lr_decay.": "把学习率除以 1 + (t-1)*lr_decay。",
    "Starting value of the sum of squared gradients.": "梯度平方累加和的初始值。",
    "Sum of all squared gradients so far: it only grows.": "到目前为止所有梯度平方的和：它只增不减。",
    "Per-coordinate step size multiplying the (bias-corrected) momentum: lr / (sqrt(v_hat) + eps).": (
        "乘在（偏差修正后的）动量上的逐坐标步长：lr / (sqrt(v_hat) + eps)。"
    ),
    "Adagrad with a leaky average of squared gradients, so the step size stops shrinking.": (
        "把 Adagrad 的梯度平方累加换成会“遗忘”的滑动平均，于是步长不再一直缩小。"
    ),
    "Decay of the squared-gradient EMA (smoothing constant).": "梯度平方指数滑动平均的衰减率（平滑常数）。",
    "Second moment: an EMA of the squared gradient g^2.": "二阶矩：梯度平方 g^2 的指数滑动平均。",
    "Momentum buffer of normalised gradients (used when momentum > 0).": (
        "归一化梯度的动量缓冲（momentum > 0 时使用）。"
    ),
    "RMSprop whose numerator is a running RMS of past updates, so it needs almost no learning rate.": (
        "分子换成过去更新量的均方根的 RMSprop，因此几乎不需要设置学习率。"
    ),
    "Decay of both running averages (squared gradients and squared updates).": (
        "两个滑动平均（梯度平方与更新量平方）共同的衰减率。"
    ),
    "EMA of squared updates: gives the step its units.": "更新量平方的指数滑动平均：让步长具有参数的量纲。",
    # --- adam family ---
    "Momentum on the gradient plus RMSprop's per-coordinate scaling, both bias-corrected.": (
        "梯度上的动量加上 RMSprop 的逐坐标缩放，两者都做了偏差修正。"
    ),
    "First moment: an EMA of the gradient g.": "一阶矩：梯度 g 的指数滑动平均。",
    "Bias-corrected first moment m / (1 - beta1^t).": "偏差修正后的一阶矩 m / (1 - beta1^t)。",
    "Bias-corrected second moment v / (1 - beta2^t).": "偏差修正后的二阶矩 v / (1 - beta2^t)。",
    "Adam whose second moment can only grow, which repairs Adam's known non-convergence cases.": (
        "二阶矩只增不减的 Adam，修复了 Adam 已知的不收敛情形。"
    ),
    "Running maximum of v: the denominator never shrinks.": "v 的历史最大值：分母永不变小。",
    "Bias-corrected running maximum vmax / (1 - beta2^t).": "偏差修正后的历史最大值 vmax / (1 - beta2^t)。",
    "Adam with the infinity norm in place of the root mean square.": "用无穷范数代替均方根的 Adam。",
    "Exponentially weighted infinity norm: max(beta2*u, |g| + eps).": "指数加权的无穷范数：max(beta2*u, |g| + eps)。",
    "Per-coordinate step size lr / u multiplying m_hat.": "乘在 m_hat 上的逐坐标步长 lr / u。",
    "Adam with weight decay applied to the weights directly, not mixed into the adaptive gradient.": (
        "把权重衰减直接作用在权重上、而不混进自适应梯度里的 Adam。"
    ),
    "Adam with a Nesterov look-ahead: the step mixes the current gradient and the next momentum.": (
        "带 Nesterov 前瞻的 Adam：更新混合了当前梯度和下一步的动量。"
    ),
    "Warms the momentum up: mu_t = beta1 (1 - 0.5 * 0.96^(t*psi)).": (
        "让动量逐渐升温：mu_t = beta1 (1 - 0.5 * 0.96^(t*psi))。"
    ),
    "Product of the momentum schedule mu_1 ... mu_t.": "动量系数的连乘 mu_1 ... mu_t。",
    "Momentum coefficient mu_t this step.": "本步的动量系数 mu_t。",
    "Adam that starts as momentum SGD until the variance of its adaptive step can be trusted.": (
        "先以动量 SGD 起步、直到自适应步长的方差可信后才切换的 Adam。"
    ),
    "Length of the approximated SMA; adaptive steps start once it exceeds 5.": (
        "近似简单移动平均（SMA）的长度；超过 5 后才开始自适应步长。"
    ),
    "Variance rectification factor (0 while still un-rectified).": "方差修正系数（尚未修正时为 0）。",
    "Adam that scales steps by how surprising the gradient is, not by how large it is.": (
        "按梯度有多“出乎意料”而不是有多大来缩放步长的 Adam。"
    ),
    "EMA of (g - m)^2: how far the gradient strays from its prediction.": (
        "(g - m)^2 的指数滑动平均：梯度偏离其预测值的程度。"
    ),
    "Bias-corrected belief s / (1 - beta2^t).": "偏差修正后的“信念” s / (1 - beta2^t)。",
    # --- lion, yogi, adan ---
    "Move every coordinate by exactly the learning rate, in the sign of a momentum blend.": (
        "每个坐标都恰好移动一个学习率的距离，方向取动量混合值的符号。"
    ),
    "Interpolation whose sign is the step direction.": "插值量，它的符号就是更新方向。",
    "Every coordinate moves by exactly lr (times the sign).": "每个坐标恰好移动 lr（乘以符号）。",
    "Adam whose second moment changes additively, so it cannot forget large gradients too fast.": (
        "二阶矩以加法方式变化的 Adam，因此不会太快忘掉大梯度。"
    ),
    "First moment (starts at 1e-6).": "一阶矩（初始值为 1e-6）。",
    "Second moment, moved additively by sign(v - g^2) g^2 (starts at 1e-6).": (
        "二阶矩，按 sign(v - g^2) g^2 加法更新（初始值为 1e-6）。"
    ),
    "Nesterov momentum estimated from gradient differences, with Adam-style scaling.": (
        "用梯度差估计 Nesterov 动量，并采用 Adam 式的缩放。"
    ),
    "Decay of the squared-term EMA n.": "平方项指数滑动平均 n 的衰减率。",
    "EMA of gradient differences g_t - g_{t-1}.": "梯度差 g_t - g_{t-1} 的指数滑动平均。",
    "EMA of the squared Nesterov-corrected gradient.": "经 Nesterov 修正的梯度平方的指数滑动平均。",
    "Previous gradient.": "上一步的梯度。",
    "Bias-corrected gradient-difference EMA.": "偏差修正后的梯度差指数滑动平均。",
    "Bias-corrected squared-term EMA.": "偏差修正后的平方项指数滑动平均。",
    # --- schedule-free, prodigy ---
    "SGD whose gradients are taken between a plain SGD iterate and a running average: no schedule needed.": (
        "在普通 SGD 迭代点与其滑动平均之间取梯度的 SGD：不需要学习率调度。"
    ),
    "Interpolation between the SGD iterate z and the average x.": "SGD 迭代点 z 与平均点 x 之间的插值系数。",
    "The plain SGD iterate that y is pulled towards.": "y 被拉向的普通 SGD 迭代点。",
    "Sum of lr_max^2 over the steps so far.": "到目前为止各步 lr_max^2 的和。",
    "Largest scheduled learning rate so far: it weights each step.": "到目前为止（按调度）最大的学习率：用它给每一步加权。",
    "The averaged point x = (y - (1-b) z) / b, the one to evaluate.": "平均点 x = (y - (1-b) z) / b，评估时用的就是它。",
    "Averaging weight c_t = lr_max^2 / W.": "平均权重 c_t = lr_max^2 / W。",
    "Schedule-free averaging on top of Adam's normalised gradient.": "在 Adam 归一化梯度之上做免调度平均。",
    "Interpolation between the iterate z and the average x.": "迭代点 z 与平均点 x 之间的插值系数。",
    "Adam that estimates its own learning rate from how far it has travelled (D-adaptation).": (
        "根据自己走过的距离来估计学习率的 Adam（D-adaptation）。"
    ),
    "Initial estimate of the distance to the solution.": "到最优解距离的初始估计。",
    "Weighted sum of gradients used in the denominator of the d estimate.": "用于 d 估计分母的梯度加权和。",
    "Weighted sum of <g, x0 - x>: the numerator of the d estimate.": "<g, x0 - x> 的加权和：d 估计的分子。",
    "Current estimate of the distance to the solution (the step scale).": "当前对到最优解距离的估计（即步长尺度）。",
    "Largest d estimate so far.": "到目前为止最大的 d 估计。",
    "The start point.": "起点。",
    "The step scale d * lr used this step.": "本步使用的步长尺度 d * lr。",
    # --- second wave: adopt, ademamix, rprop, mars ---
    "Adam that normalises each gradient by the previous second moment, before the momentum.": (
        "先用上一步的二阶矩归一化每个梯度、再做动量平均的 Adam。"
    ),
    "Gradient divided by the previous step's sqrt(v), then clipped.": "梯度除以上一步的 sqrt(v)，再做截断。",
    "Clipping bound (t-1)^(1/4) on u.": "u 的截断界 (t-1)^(1/4)。",
    "Per-coordinate step size lr / max(sqrt(v_prev), eps) (0 on the first step, which only fills v).": (
        "逐坐标步长 lr / max(sqrt(v_prev), eps)（第一步为 0：第一步只填充 v）。"
    ),
    "Adam with a second, much slower momentum added on top, so old gradients keep helping.": (
        "在 Adam 之上再加一个慢得多的动量，让很久以前的梯度继续起作用。"
    ),
    "Decay of the slow momentum EMA m2; 0.9999 remembers about 10,000 steps.": (
        "慢动量指数滑动平均 m2 的衰减率；0.9999 大约记住 10,000 步。"
    ),
    "Weight of the slow momentum m2 added to the fast, bias-corrected one.": (
        "慢动量 m2 的权重，它被加到经偏差修正的快动量上。"
    ),
    "Fast first moment: an EMA of g with beta1.": "快的一阶矩：以 beta1 为衰减率的 g 的指数滑动平均。",
    "Slow first moment: an EMA of g with beta3, never bias-corrected.": (
        "慢的一阶矩：以 beta3 为衰减率的 g 的指数滑动平均，从不做偏差修正。"
    ),
    "Bias-corrected fast moment m1 / (1 - beta1^t).": "偏差修正后的快动量 m1 / (1 - beta1^t)。",
    "Use only the sign of each gradient coordinate; grow its step while the sign holds, shrink it on a flip.": (
        "只用梯度每个坐标的符号；符号不变时增大该坐标的步长，符号翻转时减小步长。"
    ),
    "Initial step size of every coordinate; Rprop adapts it from there and ignores later changes.": (
        "每个坐标的初始步长；Rprop 从这里开始自行调整，之后对学习率的改变不再理会。"
    ),
    "Factor that shrinks a coordinate's step when its gradient changes sign.": "梯度变号时缩小该坐标步长的因子。",
    "Factor that grows a coordinate's step while its gradient keeps its sign.": "梯度保持符号时增大该坐标步长的因子。",
    "Smallest allowed step size.": "允许的最小步长。",
    "Largest allowed step size.": "允许的最大步长。",
    "Previous gradient, set to 0 where its sign flipped (so the step shrinks only once).": (
        "上一步的梯度；在符号翻转的坐标上置为 0（这样步长只缩小一次）。"
    ),
    "Per-coordinate step size: how far each coordinate moves.": "逐坐标步长：每个坐标移动多远。",
    "Distance each coordinate moves this step (the step size).": "本步每个坐标移动的距离（即步长）。",
    "AdamW fed a variance-reduced gradient: the current one plus a multiple of its latest change.": (
        "输入方差缩减梯度的 AdamW：当前梯度加上其最近一次变化的若干倍。"
    ),
    "Strength of the variance-reduction term gamma beta1/(1-beta1) (g_t - g_{t-1}).": (
        "方差缩减项 gamma beta1/(1-beta1) (g_t - g_{t-1}) 的强度。"
    ),
    "Previous gradient (the variance-reduction term needs it).": "上一步的梯度（方差缩减项要用到它）。",
    "Variance-reduced gradient, scaled to norm at most 1: what the moments average.": (
        "方差缩减后的梯度，缩放到范数不超过 1：两个矩平均的就是它。"
    ),
    # --- second wave, structure-aware: muon, lamb, lars, adafactor ---
    "Momentum whose step on each weight matrix is orthogonalised: every direction moves by about the same amount.": (
        "对每个权重矩阵的步子做正交化的动量法：每个方向移动的距离大致相同。"
    ),
    "Step size: an orthogonalised step moves each direction of a matrix by about this much.": (
        "步长：正交化后的一步让矩阵的每个方向大约移动这么远。"
    ),
    "Floor on the momentum's norm before Newton-Schulz divides by it.": (
        "Newton-Schulz 迭代前用来除动量范数的下限。"
    ),
    "Momentum: an EMA of g (beta1 = 0.9 on the tensors AdamW takes).": (
        "动量：g 的指数滑动平均（交给 AdamW 的张量上 beta1 = 0.9）。"
    ),
    "AdamW's second moment, on tensors that are not matrices (0 on Muon's).": (
        "AdamW 的二阶矩，只在不是矩阵的张量上（Muon 处理的矩阵上为 0）。"
    ),
    "Distance each coordinate moved per unit of gradient, |Δθ| / |g| (0 where g = 0).": (
        "每个坐标每单位梯度移动的距离 |Δθ| / |g|（g = 0 处为 0）。"
    ),
    "Adam whose step on each tensor is rescaled to a fixed fraction of that tensor's norm.": (
        "把每个张量上的步子缩放为该张量范数固定比例的 Adam。"
    ),
    "Added to sqrt(v_hat) in Adam's denominator; when large, the direction becomes momentum.": (
        "加在 Adam 分母 sqrt(v_hat) 上；取值很大时，方向就变成动量方向。"
    ),
    "Trust ratio of the coordinate's tensor: ||θ|| / ||update|| (1 when either is 0).": (
        "该坐标所在张量的信任比 ||θ|| / ||update||（任一为 0 时取 1）。"
    ),
    "Per-coordinate step size multiplying m_hat: lr r / (sqrt(v_hat) + eps).": (
        "乘在 m_hat 上的逐坐标步长：lr r / (sqrt(v_hat) + eps)。"
    ),
    "Momentum SGD whose step on each tensor is scaled to a fixed fraction of that tensor's norm.": (
        "把每个张量上的步子缩放为该张量范数固定比例的动量 SGD。"
    ),
    "Fraction of the tensor's norm a step may move it, before the learning rate: η' = c ||θ|| / ||g||.": (
        "在乘学习率之前，一步可以让张量移动其范数的多大比例：η' = c ||θ|| / ||g||。"
    ),
    "Added to the update's norm in the trust ratio's denominator (0 as in optax).": (
        "加在信任比分母（更新量的范数）上的常数（与 optax 一样默认为 0）。"
    ),
    "Momentum of the scaled steps: lr r u plus momentum times the last one.": (
        "缩放后步子的动量：lr r u 加上动量系数乘以上一步的值。"
    ),
    "Per-coordinate step size multiplying the gradient: lr r.": "乘在梯度上的逐坐标步长：lr r。",
    "Adam-like scaling with a factored second moment (row and column averages) and steps relative to the weights' size.": (
        "类似 Adam 的缩放，但二阶矩按行、列平均分解存储，步长相对于权重的大小。"
    ),
    "Largest relative step: rho_t = min(lr, 1/sqrt(t)) times the tensor's RMS.": (
        "最大相对步长：rho_t = min(lr, 1/sqrt(t)) 乘以张量的均方根。"
    ),
    "Exponent of the second moment's schedule: each step mixes in a fraction t^beta2_decay of g^2.": (
        "二阶矩调度的指数：每一步按 t^beta2_decay 的比例混入 g^2。"
    ),
    "Smallest parameter RMS the step is scaled by, so tensors at zero still move.": (
        "步长所乘的参数均方根的下限，使位于零点的张量也能移动。"
    ),
    "Clipping threshold (at least 1): the step's RMS is capped at d before the relative scaling.": (
        "截断阈值（至少为 1）：在相对缩放之前，步子的均方根被限制在 d 以内。"
    ),
    "Second-moment estimate the step divides by: an EMA of g^2 on vectors, (row x column) / mean(row) on matrices.": (
        "步子所除的二阶矩估计：向量上是 g^2 的指数滑动平均，矩阵上是（行 × 列）/ 行的平均。"
    ),
    "On matrices: the EMA of the mean of g^2 over the coordinate's row (0 elsewhere).": (
        "矩阵上：该坐标所在行 g^2 均值的指数滑动平均（其他地方为 0）。"
    ),
    "On matrices: the EMA of the mean of g^2 over the coordinate's column (0 elsewhere).": (
        "矩阵上：该坐标所在列 g^2 均值的指数滑动平均（其他地方为 0）。"
    ),
    # --- second wave, matrix preconditioners: shampoo, soap (optviz/optimizers/preconditioned.py) ---
    "Shampoo": "Shampoo",
    "SOAP": "SOAP",
    "Precondition with full matrices of summed gradient outer products, so steps follow rotated valleys.": (
        "用梯度外积累加得到的完整矩阵做预条件，让步子能顺着倾斜（旋转）的山谷走。"
    ),
    "Weight of the previous preconditioned step mixed into the gradient (0: none).": (
        "混入梯度的上一步预条件更新的权重（0 表示不用）。"
    ),
    "Starting value epsilon * I of every preconditioner: keeps its inverse root finite.": (
        "每个预条件矩阵的初始值 epsilon * I：保证它的逆根有限。"
    ),
    "Recompute the inverse roots every this many steps (the step uses the last ones; before the first, none, so the parameters stay put).": (
        "每隔这么多步重新计算一次逆根（其间沿用上一次的结果；第一次计算之前没有逆根，参数保持不动）。"
    ),
    "The preconditioned step direction L^(-1/4) G R^(-1/4) (for a vector L^(-1/2) g), before lr.": (
        "预条件后的更新方向 L^(-1/4) G R^(-1/4)（对向量为 L^(-1/2) g），尚未乘学习率。"
    ),
    "Preconditioner statistics: epsilon I plus the sum of G G^T (and G^T G) over all steps.": (
        "预条件统计量：epsilon I 加上所有步的 G G^T（以及 G^T G）之和。"
    ),
    "Inverse roots of the statistics, L^(-1/4) and R^(-1/4) (L^(-1/2) for a vector).": (
        "统计量的逆根 L^(-1/4) 和 R^(-1/4)（对向量为 L^(-1/2)）。"
    ),
    "Effective step size: the length of the step divided by the length of the gradient.": (
        "有效步长：这一步的长度除以梯度的长度。"
    ),
    "Adam run in the rotated coordinates of Shampoo's preconditioner, refreshed every few steps.": (
        "在 Shampoo 预条件矩阵的旋转坐标系（每隔几步更新一次）中运行的 Adam。"
    ),
    "Refresh the eigenbasis every this many steps (one power iteration and a QR).": (
        "每隔这么多步更新一次特征基（一次幂迭代加一次 QR 分解）。"
    ),
    "First moment: an EMA of the gradient g (in the original coordinates).": (
        "一阶矩：梯度 g 的指数滑动平均（在原坐标系中）。"
    ),
    "Second moment: an EMA of the squared gradient rotated into the eigenbasis, Q^T g.": (
        "二阶矩：旋转到特征基后的梯度 Q^T g 的平方的指数滑动平均。"
    ),
    "Adam's step direction computed in the eigenbasis and rotated back: Q (Q^T m / (sqrt(v) + eps)).": (
        "在特征基中算出、再旋转回原坐标系的 Adam 更新方向：Q (Q^T m / (sqrt(v) + eps))。"
    ),
    "Preconditioner statistics: EMAs of G G^T (and G^T G) with beta2.": (
        "预条件统计量：以 beta2 为衰减率的 G G^T（以及 G^T G）的指数滑动平均。"
    ),
    "The eigenbasis of GG: Adam runs in these rotated coordinates.": "GG 的特征基：Adam 在这组旋转后的坐标中运行。",
    # --- second wave: lbfgs (optviz/optimizers/preconditioned.py) ---
    "L-BFGS": "L-BFGS",
    "Quasi-Newton: build a curvature estimate from the last few steps and gradient changes.": (
        "拟牛顿法：用最近几步的位移和梯度变化估计曲率。"
    ),
    "Step length tried along the L-BFGS direction (on the first step scaled by min(1, 1/sum|g|)).": (
        "沿 L-BFGS 方向尝试的步长（第一步乘以 min(1, 1/sum|g|)）。"
    ),
    "How many recent (step, gradient change) pairs shape the curvature estimate.": (
        "用最近多少对（位移，梯度变化）来估计曲率。"
    ),
    "0: no line search, step the learning rate; 1: strong Wolfe (torch's, with one trial per step: the step is kept only if the loss falls).": (
        "0：不做线搜索，直接按学习率走一步；1：强 Wolfe 线搜索（torch 的实现，每步只试一次：损失下降才接受这一步）。"
    ),
    "Search direction -H g from the two-loop recursion over the stored pairs.": (
        "由存储的向量对经双循环递推得到的搜索方向 -H g。"
    ),
    "Gradient of the previous step (its change y enters the memory).": "上一步的梯度（它的变化量 y 会存入记忆）。",
    "Step length t along d (torch's; kept for the next pair s = t d).": (
        "沿 d 的步长 t（torch 中的 t；留给下一对 s = t d 使用）。"
    ),
    "Step length actually taken (0 when the trial was rejected or d does not descend).": (
        "实际走出的步长（尝试被拒绝或 d 不是下降方向时为 0）。"
    ),
    "Scale y.s / y.y of the initial inverse Hessian.": "初始逆 Hessian 的尺度 y.s / y.y。",
    "Outer iterations so far (one per step unless the gradient vanished).": (
        "到目前为止的外层迭代次数（除非梯度消失，每步一次）。"
    ),
    "Number of (s, y) pairs in the memory.": "记忆中 (s, y) 向量对的个数。",
    "Loss-and-gradient evaluations this step cost (1, plus the line search's trials).": (
        "这一步花费的损失与梯度计算次数（1 次，加上线搜索的尝试次数）。"
    ),
    "Loss-and-gradient evaluations so far.": "到目前为止损失与梯度的计算总次数。",
    "The stored pairs s = t d and y = change of g, and rho = 1/(y.s).": (
        "存储的向量对 s = t d 和 y = g 的变化量，以及 rho = 1/(y.s)。"
    ),
    # --- problems ---
    "Linear regression: y = 3x + 4 + noise": "线性回归：y = 3x + 4 + 噪声",
    "Linear regression": "线性回归",
    "Fit a line to noisy points by mean squared error: a convex quadratic bowl in (w, b).": (
        "用均方误差给带噪声的数据点拟合一条直线：在 (w, b) 上是一个凸的二次碗。"
    ),
    "Number of data points.": "数据点个数。",
    "Standard deviation of the Gaussian noise on y.": "y 上高斯噪声的标准差。",
    "Slope of the true line.": "真实直线的斜率。",
    "Intercept of the true line.": "真实直线的截距。",
    "Smallest x; a range far from 0 makes a ravine.": "x 的最小值；远离 0 的取值范围会形成狭长的峡谷。",
    "Largest x (exclusive).": "x 的最大值（不含）。",
    "Random seed of the data.": "数据的随机种子。",
    "Rosenbrock": "Rosenbrock 函数",
    "Rosenbrock (banana valley)": "Rosenbrock 函数（香蕉形山谷）",
    "A curved, flat-bottomed valley: easy to find, hard to follow to (1, 1).": (
        "一条弯曲、谷底平坦的山谷：容易找到，却很难沿着它走到 (1, 1)。"
    ),
    "Beale": "Beale 函数",
    "Sharp ridges and flat plateaus around a minimum at (3, 0.5).": "最小值 (3, 0.5) 周围布满陡峭的山脊和平坦的高原。",
    "Himmelblau": "Himmelblau 函数",
    "Himmelblau (four minima)": "Himmelblau 函数（四个极小值）",
    "Sharp and flat minima": "尖锐与平坦的极小值",
    "Rare large gradients": "罕见的大梯度",
    "A sum of terms, a few with a large slope one way, most with a small slope the other: "
    "Reddi's trap for Adam with minibatches.": (
        "若干项之和：少数几项朝一个方向有很大的斜率，大多数项朝另一个方向只有很小的斜率："
        "这是 Reddi 为使用小批量的 Adam 设下的陷阱。"
    ),
    "Number of terms in the sum; a minibatch samples them.": "求和中的项数；每个小批量从中抽取。",
    "Slope C of the rare terms: 2/(C+1) of the terms have it, the others slope -1.": (
        "罕见项的斜率 C：有 2/(C+1) 的项是这个斜率，其余各项的斜率为 -1。"
    ),
    "A deep, narrow well and a shallow, wide one: SAM prefers the wide one.": (
        "一个又深又窄的坑和一个又浅又宽的坑：SAM 更喜欢宽的那个。"
    ),
    "Four equal minima: where you end up depends on where you start.": "四个同样低的极小值：最后落在哪一个，取决于从哪里出发。",
    "Booth": "Booth 函数",
    "A tilted quadratic bowl with its minimum at (1, 3).": "一个倾斜的二次碗，最小值在 (1, 3)。",
    "Rastrigin": "Rastrigin 函数",
    "Rastrigin (many local minima)": "Rastrigin 函数（大量局部极小值）",
    "A bowl covered in bumps: a local minimum every unit step.": "布满凸起的碗：每隔一个单位就有一个局部极小值。",
    "Ackley": "Ackley 函数",
    "A nearly flat plate with ripples and one deep hole at the origin.": "几乎平坦、带着波纹的平板，原点处有一个深洞。",
    "Saddle": "鞍面",
    "Saddle point": "鞍点",
    "x^2 - y^2: a minimum along x, a maximum along y; unbounded below.": (
        "x^2 - y^2：沿 x 方向是极小，沿 y 方向是极大；没有下界。"
    ),
    "Ill-conditioned quadratic": "病态二次函数",
    "Ill-conditioned quadratic (ravine)": "病态二次函数（峡谷）",
    "A long narrow ravine: SGD zig-zags across it, momentum runs along it.": (
        "一条狭长的峡谷：SGD 在两壁之间来回折返，动量法则顺着谷底前进。"
    ),
    "Ratio of the steepest to the flattest curvature.": "最陡方向与最平方向曲率之比。",
    "Std of Gaussian noise added to each gradient.": "加在每个梯度上的高斯噪声的标准差。",
    # --- run settings declared as Params (optviz/runner.py, optviz/app_state.py) ---
    "Seed of minibatches and gradient noise.": "小批量抽样与梯度噪声的随机种子。",
    "Start coordinate.": "起点坐标。",
    # --- schedules ---
    "Constant": "常数",
    "The same learning rate every step.": "每一步都使用相同的学习率。",
    "Step decay": "阶梯衰减",
    "Multiply the learning rate by gamma every step_size steps.": "每隔 step_size 步，把学习率乘以 gamma。",
    "Steps between decays.": "两次衰减之间的步数。",
    "Multiplier applied at each decay.": "每次衰减时乘上的系数。",
    "Exponential decay": "指数衰减",
    "Shrink the learning rate a little every step.": "每一步都把学习率缩小一点。",
    "Per-step multiplier.": "每步乘上的系数。",
    "Cosine annealing": "余弦退火",
    "Follow half a cosine from the full rate down to min_ratio of it.": (
        "沿半个余弦周期，从完整的学习率降到它的 min_ratio 倍。"
    ),
    "Final rate as a fraction of the initial.": "最终学习率占初始学习率的比例。",
    "Linear warm-up, then cosine": "线性预热，然后余弦退火",
    "Ramp up linearly (so early noisy steps stay small), then anneal.": (
        "先线性升高学习率（让早期不稳定的步子保持较小），再退火。"
    ),
    "Share of the steps spent warming up.": "用于预热的步数占比。",
    "Final rate as a fraction of the peak.": "最终学习率占峰值学习率的比例。",
    "One-cycle": "单周期（One-cycle）",
    "Rise to the peak rate, then anneal far below the start (Smith's one-cycle).": (
        "先升到峰值学习率，再退火到远低于起始值（Smith 的单周期策略）。"
    ),
    "Share of the steps spent rising.": "学习率上升阶段的步数占比。",
    "Initial rate = peak / div_factor.": "初始学习率 = 峰值 / div_factor。",
    "Final rate = initial / final_div_factor.": "最终学习率 = 初始学习率 / final_div_factor。",
    # --- modifiers (optviz/optimizers/modifiers.py); a chain's name and summary are built from these ---
    "Lookahead": "Lookahead（前瞻）",
    "Sharpness-Aware Minimization": "锐度感知最小化（SAM）",
    "Cautious (C-)": "谨慎优化器（C-）",
    "Lookahead({})": "Lookahead（{}）",
    "SAM({})": "SAM（{}）",
    "Cautious {}": "谨慎版 {}",
    "Let the inner optimizer take k fast steps, then pull back to a slow copy moved part of the way.": (
        "让内层优化器先快走 k 步，再退回到一份只向前挪了一部分的慢权重上。"
    ),
    "Step with the gradient taken a distance rho uphill, so the method prefers flat minima.": (
        "用在上坡方向距离 rho 处取得的梯度来更新，使方法偏好平坦的极小值。"
    ),
    "Drop the coordinates of the step that go uphill along the current gradient; scale up the rest.": (
        "丢掉更新中沿当前梯度方向上坡的那些坐标，并按比例放大其余坐标。"
    ),
    "Sync period: the fast weights take k steps before the slow weights catch up.": (
        "同步周期：快权重走 k 步之后，慢权重才跟上一次。"
    ),
    "Slow step size: how far the slow weights move towards the fast ones at each sync.": (
        "慢步长：每次同步时，慢权重向快权重移动多远。"
    ),
    "Radius of the ascent step: the gradient is taken this far uphill from the parameters.": (
        "上升步的半径：在离参数这么远的上坡处计算梯度。"
    ),
    "Slow weights: where the fast weights restart after every k steps.": "慢权重：每走 k 步后快权重重新出发的位置。",
    "Ascent point: the parameters moved rho along the normalised gradient.": (
        "上升点：参数沿归一化梯度方向移动 rho 后的位置。"
    ),
    "Gradient at the ascent point (same minibatch): what the inner optimizer uses.": (
        "上升点处的梯度（同一个小批量）：内层优化器用的就是它。"
    ),
    "Fraction of coordinates whose step was dropped (its sign disagreed with the gradient's).": (
        "被丢弃更新的坐标所占比例（其符号与梯度不一致）。"
    ),
}
