"""Lessons (optviz/lessons.py): a title, an explanation and a question for the class, per lesson.

Keys are ``lesson.<key>.title|text|question``; tests/test_lessons.py fails when a lesson lacks one.
"""

_LESSONS = {
    "ravine_momentum": {
        "title": ("SGD zig-zags down a ravine; momentum runs along it", "SGD 在峡谷中折返，动量顺谷而下"),
        "text": (
            "The quadratic 0.1x² + 2y² is twenty times steeper across (y) than along (x). At learning rate "
            "0.4 SGD overshoots in y every step, so it bounces from wall to wall, while along x it moves only "
            "8% of the remaining distance per step. Momentum with the same learning rate averages the "
            "alternating y-gradients away and accumulates speed along x: it converges in about a third of the steps.",
            "二次函数 0.1x² + 2y² 在横向（y）上比纵向（x）陡二十倍。学习率为 0.4 时，SGD 每一步都在 y 方向冲过头，"
            "于是在两壁之间来回弹跳，而在 x 方向每步只前进剩余距离的 8%。同样学习率的动量法会把来回变号的 y 梯度"
            "平均掉，并在 x 方向不断积累速度：它只用大约三分之一的步数就收敛了。",
        ),
        "question": (
            "Why does a larger learning rate not fix SGD here? What limits it?",
            "为什么在这里加大学习率救不了 SGD？是什么限制了它？",
        ),
    },
    "momentum_overshoot": {
        "title": ("Momentum overshoots", "动量会冲过头"),
        "text": (
            "With momentum 0.95 the velocity remembers about twenty past steps. The ball rolls down, builds up "
            "speed, runs straight past the minimum and has to turn around: the loss goes up and down again "
            "and again before it settles.",
            "动量取 0.95 时，速度大约记住了过去二十步。小球滚下山坡、越滚越快，径直冲过最小值后不得不折返："
            "损失一次又一次地先降后升，最后才稳定下来。",
        ),
        "question": (
            "Predict what happens with momentum 0.5, then try it. Which value would you pick, and why?",
            "先预测动量取 0.5 时会怎样，再动手试一试。你会选哪个值？为什么？",
        ),
    },
    "stability_limit": {
        "title": ("A learning rate past the stability limit", "超过稳定性极限的学习率"),
        "text": (
            "On a quadratic, SGD multiplies the distance to the minimum along each curvature direction by "
            "(1 − η·curvature) every step. The largest curvature here is 4, so any η above 2/4 = 0.5 makes "
            "that factor larger than 1 in size: at η = 0.55 each step overshoots further than the last and "
            "the run blows up.",
            "在二次函数上，SGD 每一步都把沿各曲率方向到最小值的距离乘以 (1 − η·曲率)。这里最大曲率是 4，"
            "所以只要 η 超过 2/4 = 0.5，这个因子的绝对值就大于 1：η = 0.55 时，每一步都比上一步冲得更远，"
            "训练最终发散。",
        ),
        "question": (
            "What is the largest safe learning rate for this problem, and which direction decides it?",
            "这个问题的最大安全学习率是多少？是哪个方向决定了它？",
        ),
    },
    "adam_sign": {
        "title": ("Adam's first steps are about lr · sign(g)", "Adam 的头几步约等于 lr · sign(g)"),
        "text": (
            "On its first step Adam's m̂ equals g and √v̂ equals |g|, so it moves every coordinate by exactly "
            "η in the direction of −sign(g), however large or small the gradient is. SGD moves along the "
            "gradient itself: steeply in b, where the gradient is larger. Adam sets off diagonally.",
            "第一步时，Adam 的 m̂ 等于 g，√v̂ 等于 |g|，所以无论梯度多大或多小，它都让每个坐标沿 −sign(g) 方向"
            "恰好移动 η。SGD 则沿梯度本身移动：在梯度更大的 b 方向上走得更多。Adam 却沿对角线出发。",
        ),
        "question": (
            "If the inputs x were 100 times larger, how would SGD's first step change? And Adam's?",
            "如果输入 x 放大 100 倍，SGD 的第一步会怎样变化？Adam 的呢？",
        ),
    },
    "epsilon_dominates": {
        "title": ("ε takes over when v̂ is tiny", "当 v̂ 很小时，ε 接管一切"),
        "text": (
            "Adam divides by √v̂ + ε. The x-gradient of this ravine is small (curvature 0.2), so there √v̂ "
            "soon falls below ε = 1 and the step becomes η·m̂/ε: plain momentum SGD with learning rate η/ε. "
            "The steep y coordinate, whose √v̂ stays above ε, still behaves like Adam and settles fast; x crawls.",
            "Adam 的分母是 √v̂ + ε。这个峡谷在 x 方向的梯度很小（曲率 0.2），那里的 √v̂ 很快就小于 ε = 1，"
            "更新变成 η·m̂/ε：相当于学习率为 η/ε 的普通动量 SGD。陡峭的 y 坐标的 √v̂ 始终大于 ε，仍然像 Adam 一样很快稳定，"
            "x 坐标却在缓慢爬行。",
        ),
        "question": (
            "Look at the effective learning rate of each coordinate. Which one is Adam and which one is SGD? "
            "What does ε = 1e-8 change?",
            "看看每个坐标的有效学习率：哪个坐标像 Adam，哪个像 SGD？把 ε 改成 1e-8 会有什么变化？",
        ),
    },
    "beta2_noisy": {
        "title": ("β2 too small makes Adam noisy", "β2 太小会让 Adam 很不稳定"),
        "text": (
            "With minibatches of 4 points each gradient is noisy. β2 = 0.9 averages the squared gradients "
            "over only about 10 steps, so √v̂ and with it the effective learning rate jump from step to "
            "step, and the path keeps jittering. The default 0.999 averages over about 1000 steps.",
            "每个小批量只有 4 个数据点，梯度噪声很大。β2 = 0.9 只对大约 10 步的梯度平方做平均，"
            "因此 √v̂ 以及有效学习率每一步都在跳动，路径一直在抖。默认值 0.999 则对大约 1000 步做平均。",
        ),
        "question": (
            "Watch the effective learning rate in the internals panel. What happens with β2 = 0.999?",
            "观察内部状态面板中的有效学习率。换成 β2 = 0.999 会怎样？",
        ),
    },
    "adagrad_stalls": {
        "title": ("Adagrad stalls; RMSprop keeps going", "Adagrad 停滞，RMSprop 继续前进"),
        "text": (
            "Adagrad divides by the root of the sum of all squared gradients so far. That sum only grows, so "
            "the steps shrink roughly like 1/√t and Adagrad stops short of the minimum. RMSprop replaces the "
            "sum by a moving average that forgets old gradients, so its steps stay useful and it converges.",
            "Adagrad 除以迄今所有梯度平方之和的平方根。这个和只增不减，所以步长大致按 1/√t 缩小，"
            "Adagrad 还没到最小值就停了下来。RMSprop 把累加和换成会遗忘旧梯度的滑动平均，"
            "步长一直保持有效，最终收敛。",
        ),
        "question": (
            "Adagrad was designed for sparse features. Why is a shrinking step helpful there and harmful here?",
            "Adagrad 是为稀疏特征设计的。为什么不断缩小的步长在那里有用，在这里却有害？",
        ),
    },
    "adamw_vs_adam": {
        "title": ("AdamW vs Adam with weight decay", "AdamW 与带权重衰减的 Adam"),
        "text": (
            "Both use weight_decay = 0.1, yet they stop at different points. Adam adds λθ to the gradient, so "
            "it ends exactly at the minimum of loss + λ/2·‖θ‖² (ridge regression). AdamW shrinks the weights by "
            "(1 − ηλ) outside the adaptive scaling, so its balance point depends on √v̂: the decay acts in "
            "units of the normalised step, the same for every coordinate.",
            "两者都设置 weight_decay = 0.1，却停在不同的位置。Adam 把 λθ 加到梯度上，所以它恰好停在 "
            "loss + λ/2·‖θ‖² 的最小值处（岭回归）。AdamW 在自适应缩放之外把权重乘以 (1 − ηλ)，"
            "它的平衡点取决于 √v̂：衰减以归一化步长为单位，对每个坐标一视同仁。",
        ),
        "question": (
            "In a network with millions of weights, some with huge gradients and some with tiny ones, which "
            "of the two regularises all of them evenly?",
            "在一个有数百万权重、有的梯度极大有的极小的网络里，这两种方法哪一种能对所有权重均匀地正则化？",
        ),
    },
    "saddle_escape": {
        "title": ("Escaping a saddle point", "逃离鞍点"),
        "text": (
            "On x² − y² the start sits almost on the ridge (y = 0.001), where the gradient pushing it off is "
            "tiny. SGD's escape grows by a factor (1 + 2η) per step and takes about 70 steps; momentum "
            "builds speed and escapes sooner; Adam normalises the tiny y-gradient to a full step of size η "
            "and leaves first.",
            "在 x² − y² 上，起点几乎就在山脊上（y = 0.001），把它推离山脊的梯度极小。SGD 的偏离每步只放大 "
            "(1 + 2η) 倍，需要约 70 步才能逃离；动量法积累速度，逃得更早；Adam 把微小的 y 梯度归一化成"
            "大小为 η 的完整一步，最先离开。",
        ),
        "question": (
            "What would happen with a start exactly at y = 0? Why are exact saddles rare with minibatch noise?",
            "如果起点恰好在 y = 0 会怎样？为什么在有小批量噪声时，恰好卡在鞍点上的情况很少见？",
        ),
    },
    "rastrigin_local_minima": {
        "title": ("Local minima on Rastrigin", "Rastrigin 函数上的局部极小值"),
        "text": (
            "Rastrigin's bowl is covered in bumps: there is a local minimum near every point with whole-number "
            "coordinates. SGD and momentum slide into the nearest one; Adam with a large step jumps a few "
            "bumps further before getting caught. None of them reaches the global minimum at the origin, "
            "because the gradient only describes the neighbourhood.",
            "Rastrigin 的碗面布满凸起：几乎每个整数坐标点附近都有一个局部极小值。SGD 和动量法滑进最近的那个；"
            "步长较大的 Adam 先跳过几个凸起，然后也被困住。它们都没能到达原点处的全局最小值，"
            "因为梯度只能描述附近的情况。",
        ),
        "question": (
            "What could help an optimizer find the origin: a bigger step, noise, or restarts from many points?",
            "什么能帮助优化器找到原点：更大的步长、噪声，还是从许多起点重新出发？",
        ),
    },
    "warmup": {
        "title": ("Learning-rate warm-up", "学习率预热"),
        "text": (
            "On Beale's function momentum at learning rate 0.05 flies off the sharp ridges near the start and "
            "diverges within a few steps. With a linear warm-up over the first 20% of the steps the early "
            "steps stay small while the path finds the valley; by the time the full rate arrives, the "
            "gradients are gentler and the run converges to (3, 0.5).",
            "在 Beale 函数上，学习率为 0.05 的动量法会从起点附近的陡峭山脊上飞出去，几步之内就发散。"
            "若在前 20% 的步数里线性预热，早期步长保持较小，路径先找到山谷；等学习率升到峰值时，"
            "梯度已经平缓，训练收敛到 (3, 0.5)。",
        ),
        "question": (
            "Switch the schedule to constant. At which step does it blow up, and why there?",
            "把调度改成常数。它在第几步发散？为什么是在那里？",
        ),
    },
    "minibatch_noise": {
        "title": ("Minibatch noise", "小批量噪声"),
        "text": (
            "Each step uses the gradient of a single random point instead of all 100. On average that "
            "gradient is right, but each one is noisy, so with a constant learning rate the path never "
            "settles: it keeps wandering around the minimum in a cloud whose size grows with η and shrinks "
            "with the batch size.",
            "每一步只用一个随机数据点的梯度，而不是全部 100 个点。平均来看这个梯度是对的，但每一个都带噪声，"
            "所以在恒定学习率下路径永远不会停稳：它一直在最小值周围的一团区域里游荡，"
            "这团区域随 η 增大而变大、随批量增大而变小。",
        ),
        "question": (
            "Name two ways to make the cloud smaller. What does each cost?",
            "说出两种让这团区域变小的方法。它们各自的代价是什么？",
        ),
    },
    "lion_sign": {
        "title": ("Lion's sign updates", "Lion 的符号更新"),
        "text": (
            "Lion moves every coordinate by exactly η at every step, in the direction of the sign of a "
            "momentum blend. Far from the minimum this is fast and steady; near it, the step cannot shrink, "
            "so Lion hops back and forth across the minimum by ±η per coordinate.",
            "Lion 每一步都让每个坐标恰好移动 η，方向由动量混合值的符号决定。远离最小值时，这样走得又快又稳；"
            "靠近最小值时，步长却无法缩小，于是 Lion 在最小值两侧以每个坐标 ±η 来回跳动。",
        ),
        "question": (
            "What would make Lion settle? Try a cosine schedule.",
            "怎样才能让 Lion 停稳？试试余弦调度。",
        ),
    },
    "schedule_free": {
        "title": ("Schedule-Free needs no schedule", "Schedule-Free 不需要学习率调度"),
        "text": (
            "Both runs use the same constant learning rate and the same noisy gradients. SGD keeps bouncing "
            "in a wide cloud around the minimum, since only a decaying schedule would calm it. Schedule-Free "
            "SGD takes its gradients at an interpolation between a fast iterate and its running average, and "
            "the averaging does the job of the schedule: it ends much closer.",
            "两次运行使用相同的恒定学习率和相同的带噪声梯度。SGD 一直在最小值周围的一大片区域里跳动，"
            "只有逐步衰减的调度才能让它安定下来。Schedule-Free SGD 在快速迭代点与其滑动平均之间的插值点处计算梯度，"
            "平均操作起到了调度的作用：它最终离最小值近得多。",
        ),
        "question": (
            "Why is it useful not to need the run length in advance, as a cosine schedule does?",
            "余弦调度需要事先知道训练长度。为什么不需要这一点是有用的？",
        ),
    },
    "prodigy_finds_step": {
        "title": ("Prodigy finds its own step size", "Prodigy 自己找到步长"),
        "text": (
            "Prodigy starts with a step scale d = 1e-6, far too small, and the learning rate left at 1. "
            "While the gradients keep pointing away from the start, its estimate of the distance to the "
            "solution grows by orders of magnitude within a few dozen steps, and the run converges without "
            "any learning-rate tuning.",
            "Prodigy 的初始步长尺度 d = 1e-6，小得离谱，学习率保持为 1。只要梯度一直指向远离起点的方向，"
            "它对到最优解距离的估计就在几十步内增长好几个数量级，无需调学习率就能收敛。",
        ),
        "question": (
            "Plot d in the internals panel. Why can d only grow? When could that be a problem?",
            "在内部状态面板中画出 d。为什么 d 只能增大？什么时候这会成为问题？",
        ),
    },
    "rosenbrock_valley": {
        "title": ("Finding the valley is easy, following it is hard", "找到山谷容易，沿着山谷走难"),
        "text": (
            "Rosenbrock's banana-shaped valley is steep across and almost flat along its floor. Every "
            "optimizer drops into the valley quickly; then SGD, held back by the steep walls, crawls along "
            "the floor, momentum accumulates speed along it, and Adam, whose steps are about η per coordinate, "
            "makes slow but steady progress.",
            "Rosenbrock 的香蕉形山谷横向陡峭、谷底却几乎平坦。每个优化器都能很快落入山谷；之后 SGD 受制于陡峭的谷壁，"
            "沿谷底缓慢爬行，动量法沿谷底积累速度，而每个坐标每步约移动 η 的 Adam 进展缓慢但稳定。",
        ),
        "question": (
            "Which optimizer is first to reach (1, 1), and what does its learning-rate limit depend on?",
            "哪个优化器最先到达 (1, 1)？它的学习率上限取决于什么？",
        ),
    },
    "shampoo_rotated_ravine": {
        "title": ("A rotated ravine: per-coordinate steps are not enough", "斜着的峡谷：逐坐标步长不够用"),
        "text": (
            "With every x between 2 and 3, the seed's loss is a ravine about 600 times steeper across than "
            "along, and it runs diagonally: w and b trade off against each other. Adagrad divides each "
            "coordinate by its own history, which can only stretch the picture along the axes, so it still "
            "crawls along the diagonal floor. Shampoo keeps the full 2 x 2 matrix of summed gradient outer "
            "products and divides by its square root: it undoes the rotation too, and walks straight down.",
            "当所有 x 都在 2 到 3 之间时，种子例子的损失是一个横向比纵向陡约 600 倍的峡谷，而且是斜着的："
            "w 和 b 互相抵消。Adagrad 用每个坐标自己的历史去除它，只能沿坐标轴拉伸画面，所以仍在斜着的谷底缓慢爬行。"
            "Shampoo 保留梯度外积之和的完整 2 x 2 矩阵并除以它的平方根：连旋转也一并消除，径直走到底。",
        ),
        "question": (
            "Would Adagrad do better if the ravine were along the axes (try the ill-conditioned quadratic)?",
            "如果峡谷沿着坐标轴（试试病态二次函数），Adagrad 会不会好一些？",
        ),
    },
    "lbfgs_rosenbrock": {
        "title": (
            "Curvature from the last few steps: L-BFGS on Rosenbrock",
            "用最近几步估计曲率：L-BFGS 走 Rosenbrock",
        ),
        "text": (
            "L-BFGS remembers the last 10 steps and how the gradient changed over each, builds from them an "
            "estimate of the inverse Hessian, and steps along -H g. In the curved banana valley that estimate "
            "turns each step along the floor, so it reaches (1, 1) in under 100 steps with one gradient per "
            "step, while Adam, whose step is about η per coordinate, is still walking along the valley after "
            "300.",
            "L-BFGS 记住最近 10 步以及每一步中梯度的变化，由此构造逆 Hessian 的估计，并沿 -H g 前进。"
            "在弯曲的香蕉形山谷里，这个估计会把每一步转向谷底的方向，所以它每步只算一次梯度，不到 100 步就到达 (1, 1)；"
            "而每个坐标每步约移动 η 的 Adam 走了 300 步仍在沿着山谷前进。",
        ),
        "question": (
            "What does L-BFGS need that SGD and Adam do not, and why is that expensive for a big network?",
            "L-BFGS 需要哪些 SGD 和 Adam 不需要的东西？为什么这对大型网络来说代价很高？",
        ),
    },
    "sam_flat_minimum": {
        "title": ("SAM leaves the sharp minimum for the flat one", "SAM 离开尖锐的极小值，去往平坦的那个"),
        "text": (
            "All three start in the basin of a deep but narrow well (30 times more curved than the wide one "
            "on the left). SGD and Adam settle at its bottom, the lowest loss on the map. SAM takes each "
            "gradient at a point rho = 0.5 uphill: from inside the narrow well that point lies outside it, "
            "on the slope that leads away, so SAM climbs out and settles in the wide well, whose loss is "
            "higher but barely changes around it: the kind of minimum that holds up when the data changes.",
            "三者都从一个又深又窄的坑的吸引域出发（它的曲率是左边宽坑的 30 倍）。SGD 和 Adam 停在它的底部，"
            "那是图上损失最低的地方。SAM 在往上坡 rho = 0.5 处的点求每一个梯度：从窄坑内部看，这个点落在坑外、"
            "在通往外面的斜坡上，所以 SAM 爬了出来，停在宽坑里。宽坑的损失更高，但周围几乎不变："
            "这正是数据变化时仍然站得住的那种极小值。",
        ),
        "question": (
            "Which minimum is better on the training data, and which would you trust on new data? What "
            "happens to SAM with rho = 0.1?",
            "哪个极小值在训练数据上更好？换成新数据，你更相信哪一个？把 rho 改成 0.1，SAM 会怎样？",
        ),
    },
    "spiral_boundary": {
        "title": ("Adam untangles the spiral; SGD stays on the plateau", "Adam 解开螺旋，SGD 困在平台上"),
        "text": (
            "A 16-16 tanh network (337 parameters) learns to tell the two arms of a spiral apart: 160 "
            "training points, 40 held out for the test. From the same weights, SGD at learning rate 0.5 is "
            "still at 61% train accuracy after 500 steps: its loss has only gone from 0.71 to 0.62. On this "
            "plateau the gradient is about 0.01 long, so SGD's steps (learning rate times gradient) are about "
            "0.005, and its boundary stays one gentle curve. Adam at 0.03 divides each coordinate's gradient "
            "by that coordinate's own recent size, so its steps stay long on the plateau (about 0.2, forty "
            "times SGD's): it passes 90% train accuracy by step 200 and 95% by step 380, and its boundary "
            "winds along the arms (the horizontal line through the centre crosses it six times, SGD's "
            "twice). A larger learning rate does not rescue SGD: at 1, 2 or 4 it still ends below 70% after "
            "1000 steps. Watch the test curves too: Adam ends at 97% on the training points but 85% on the "
            "held-out ones, and its test loss, lowest (0.56) at step 45, climbs back to 1.0 while its train "
            "loss falls to 0.07: it grows sure of itself on points it has never seen, and is wrong about some.",
            "一个 16-16 的 tanh 网络（337 个参数）要学会区分螺旋的两条臂：160 个训练点，另外 40 个留作测试。"
            "从相同的权重出发，学习率 0.5 的 SGD 训练 500 步后训练准确率仍只有 61%：损失只从 0.71 降到 0.62。"
            "在这片平台上梯度的长度约为 0.01，所以 SGD 每一步（学习率乘以梯度）只走约 0.005，它的决策边界"
            "始终是一条平缓的曲线。学习率 0.03 的 Adam 把每个坐标的梯度除以这个坐标自己近来的大小，所以在平台"
            "上步子依然很大（约 0.2，是 SGD 的四十倍）：它在第 200 步前训练准确率超过 90%，第 380 步前超过 "
            "95%，边界也顺着螺旋臂弯绕（穿过中心的水平线与它相交六次，与 SGD 的边界只相交两次）。加大学习率"
            "也救不了 SGD：取 1、2 或 4，跑完 1000 步仍低于 70%。也请留意测试曲线：Adam 最终在训练点上达到 "
            "97%，在留出的测试点上只有 85%；它的测试损失在第 45 步最低（0.56），之后又回升到 1.0，而训练损失"
            "降到 0.07：它对从没见过的点越来越有把握，其中一些却判断错了。",
        ),
        "question": (
            "Press Play on the decision boundary, then show SGD's boundary instead (the optimizer shown in the "
            "boundary view): how does each boundary change over training? What does the gap between Adam's "
            "train and test accuracy tell you?",
            "在决策边界图上按播放，再把边界视图显示的优化器换成 SGD：两条边界在训练中各自如何变化？"
            "Adam 的训练准确率和测试准确率之间的差距说明了什么？",
        ),
    },
    "slice_caveat": {
        "title": ("What a loss slice shows, and what it hides", "损失切面展示了什么，又隐藏了什么"),
        "text": (
            "SGD (learning rate 0.5) and Adam (0.03) train the same 8-8 tanh network (105 parameters) on the "
            "two moons for 300 steps. The slice is the plane through SGD's final weights (the first "
            "optimizer's) along the two directions in which both paths together moved most; its axes say how "
            "much of the paths' spread each holds: 71% and 26%, so the picture keeps almost all of the "
            "motion. Its contours are still the loss on that plane, not the loss the network had: the chart "
            "beside it draws each path's loss (solid) with the slice's loss under its projected point "
            "(dashed). They meet at SGD's final point, which lies on the plane by construction, and part "
            "elsewhere. Under the shared start the slice shows 0.36 where the network had 0.66. At the end the "
            "slice under Adam shows 0.060, about SGD's 0.065, as if both had stopped equally high; Adam's own "
            "loss is 0.021, three times lower, and lower than every point of the slice (its lowest is 0.032). "
            "The few percent of the spread the plane leaves out are enough: the loss is steep in the "
            "directions the picture does not show.",
            "SGD（学习率 0.5）和 Adam（0.03）在双月数据上训练同一个 8-8 的 tanh 网络（105 个参数），共 300 步。"
            "切面是经过 SGD 最终权重（第一个优化器的）的平面，两个方向取两条路径合在一起变化最大的方向；坐标轴"
            "标出了每个方向占路径变化的比例：71% 和 26%，所以这张图几乎保留了全部的运动。但等高线仍然只是这个"
            "平面上的损失，而不是网络当时真正的损失：旁边的图把每条路径上的损失（实线）和其投影点处切面上的"
            "损失（虚线）画在一起。两者在 SGD 的终点重合，因为按构造它就在平面上；在别处则会分开。在共同的"
            "起点下方，切面显示 0.36，而网络当时的损失是 0.66。到最后，Adam 下方的切面显示 0.060，和 SGD 的 "
            "0.065 差不多，看上去两者停在同样的高度；而 Adam 自己的损失是 0.021，低了三倍，比切面上任何一点"
            "都低（切面上最低是 0.032）。平面丢掉的那几个百分点的变化就足够了：在图上看不到的方向上，损失很陡。",
        ),
        "question": (
            "Which optimizer ended lower, and could you have told from the contours alone? Where along each "
            "path do the solid and dashed lines part, and what does that say about the weights at those steps?",
            "哪个优化器最终的损失更低？只看等高线你能看出来吗？沿着每条路径，实线和虚线在哪里分开？"
            "这说明那些步的权重处在什么位置？",
        ),
    },
    "adopt_small_beta2": {
        "title": (
            "ADOPT converges where Adam with a small beta2 does not",
            "ADOPT 能收敛，beta2 很小的 Adam 却不能",
        ),
        "text": (
            "The loss is the mean of 100 terms, and each step sees one of them (a minibatch of 1). 20 terms "
            "have a large slope, 9, that pulls x down; the other 80 have a small slope, -1, that pushes x up. "
            "On average the large ones win: the minimum is at x = -1. Adam with beta2 = 0.1 divides each "
            "gradient by a running size of the gradients that forgets within a step or two, so however large "
            "the gradient, the step is at most lr / sqrt(1 - beta2), about 1.05 lr: a rare large gradient moves "
            "it no further than a small one. 80 steps up against 20 down: Adam ends near x = +1, the small "
            "terms' own minimum, on the wrong side "
            "(the counterexample of Reddi, Kale and Kumar, 2018). ADOPT divides each gradient by the second "
            "moment of the steps before it, which knows nothing of the current gradient: a large gradient makes "
            "a large step, and with the same beta2 it reaches the minimum. AMSGrad, Reddi's own fix, heads the "
            "right way too, but it divides every step by the largest gradient it has seen (about 9), so it "
            "crawls. None of the three uses momentum (beta1 = 0): momentum would average the rare large "
            "gradients back in.",
            "损失是 100 项的平均，每一步只看到其中一项（批大小为 1）。其中 20 项的斜率很大，为 9，把 x 往小处拉；"
            "另外 80 项的斜率很小，为 -1，把 x 往大处推。平均下来大斜率占上风：极小值在 x = -1。"
            "beta2 = 0.1 的 Adam 用梯度大小的滑动平均去除每个梯度，而这个平均一两步就忘掉过去，所以不论梯度多大，"
            "一步最多走 lr / sqrt(1 - beta2)，约 1.05 lr：罕见的大梯度并不比小梯度把它推得更远。"
            "80 步向上，20 步向下：Adam 最后停在 x = +1 附近，也就是那些小斜率项自己的极小值，落在了错误的一侧"
            "（这就是 Reddi、Kale 和 Kumar 在 2018 年"
            "给出的反例）。ADOPT 用之前各步的二阶矩去除每个梯度，这个二阶矩对当前梯度一无所知：大梯度迈大步，"
            "于是在同样的 beta2 下它到达了极小值。AMSGrad 是 Reddi 自己提出的修正，它也朝正确的方向走，"
            "但它用见过的最大梯度（约为 9）去除每一步，所以走得很慢。三者都不用动量（beta1 = 0）："
            "动量会把罕见的大梯度重新平均进来。",
        ),
        "question": (
            "Why does a gradient 9 times larger not move Adam further than a small one? Give Adam "
            "beta2 = 0.999, or beta1 = 0.9: where does it end now, and why?",
            "为什么大 9 倍的梯度并不能把 Adam 推得比小梯度更远？把 Adam 的 beta2 改成 0.999，"
            "或者把 beta1 改成 0.9：它现在停在哪里？为什么？",
        ),
    },
    "muon_singular_values": {
        "title": ("Muon learns every singular value at once", "Muon 同时学会所有奇异值"),
        "text": (
            "Two small matrices A and B are fitted so that A B matches a target with singular values 4, 2, 1 "
            "and 0.5, from a tiny start. Plain gradient descent grows each direction at a speed proportional "
            "to its singular value, so it learns them one at a time, the largest first. Muon replaces the "
            "momentum of each matrix by its orthogonalisation (Newton-Schulz): every singular direction moves "
            "at the same speed, so all four are learned together, the smallest even first. AdamW, which "
            "normalises each entry on its own, lies in between. The price: Muon's steps keep their length, "
            "so at a constant learning rate its loss stays near 1e-2 instead of falling to 0.",
            "从很小的初值出发，拟合两个小矩阵 A 和 B，使 A B 等于奇异值为 4、2、1、0.5 的目标矩阵。"
            "普通梯度下降让每个方向以与其奇异值成正比的速度增长，所以一次只学会一个，最大的最先。"
            "Muon 把每个矩阵的动量换成它的正交化（Newton-Schulz 迭代）：每个奇异方向以相同的速度移动，"
            "所以四个奇异值一起学会，最小的甚至最先。逐元素归一化的 AdamW 介于两者之间。"
            "代价是：Muon 的步长不变，在恒定学习率下它的损失停在 1e-2 附近，而不会降到 0。",
        ),
        "question": (
            "In the singular-value view, in which order does each optimizer reach the dotted targets? "
            "What would make Muon's loss keep falling?",
            "在奇异值视图中，每个优化器按什么顺序到达虚线目标？怎样才能让 Muon 的损失继续下降？",
        ),
    },
}

STRINGS = {f"lesson.{key}.{part}": pair for key, parts in _LESSONS.items() for part, pair in parts.items()}
