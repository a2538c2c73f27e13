"""Learn page: page chrome and one card per optimizer (what it does, when it is used, how it fails).

Card keys are ``learn.card.<optimizer key>.<what|uses|fails>``; tests/test_i18n.py fails when an
optimizer in the registry has no card, so a new optimizer cannot ship without one.
"""

_CARDS = {
    "sgd": {
        "what": (
            "SGD moves the parameters a fixed multiple of the negative gradient: θ ← θ − η g. "
            "It keeps no memory between steps, so each step depends only on the gradient at the current "
            "point. With minibatches that gradient is a noisy estimate, hence the word stochastic.",
            "SGD 每一步都沿负梯度方向移动固定倍数：θ ← θ − η g。它在步与步之间不保留任何记忆，"
            "每一步只取决于当前点的梯度。使用小批量数据时，这个梯度只是一个带噪声的估计，"
            "“随机”二字正是由此而来。",
        ),
        "uses": (
            "With momentum and a step or cosine schedule it is still the baseline for image classification "
            "(ResNets on ImageNet), where it often generalises as well as adaptive methods or better. "
            "Also the method to teach first, and a safe choice for convex problems of known curvature.",
            "配合动量和阶梯或余弦学习率调度，它至今仍是图像分类（如在 ImageNet 上训练 ResNet）的基准方法，"
            "泛化效果常常不输甚至优于自适应方法。它也是教学中最先讲的方法，在曲率已知的凸问题上是稳妥的选择。",
        ),
        "fails": (
            "The steepest direction sets the pace: η must stay below 2/L (L the largest curvature), "
            "so flat directions crawl and narrow ravines cause zig-zags. It is sensitive to the learning "
            "rate and to feature scaling, and slows to a crawl on plateaus and near saddle points.",
            "最陡的方向决定了速度：η 必须小于 2/L（L 为最大曲率），于是平缓方向上进展缓慢，"
            "狭长的峡谷里则会来回折返。它对学习率和特征缩放都很敏感，在平台区和鞍点附近几乎停滞。",
        ),
    },
    "momentum": {
        "what": (
            "Heavy-ball momentum keeps a velocity b, a running sum of past gradients, and steps along it. "
            "Where successive gradients agree the velocity builds up (up to 1/(1 − μ) times the plain "
            "step); where they alternate they cancel. Polyak proposed it in 1964 for ill-conditioned problems.",
            "重球动量法维护一个速度 b，即过去梯度的累加，并沿着它前进。相邻梯度方向一致时，"
            "速度不断积累（最多可达普通步长的 1/(1 − μ) 倍）；方向来回变化时则相互抵消。"
            "Polyak 于 1964 年为病态问题提出了这一方法。",
        ),
        "uses": (
            "The standard partner of SGD in computer vision (μ = 0.9 with a decaying learning rate), "
            "and anywhere the loss surface has long, shallow valleys.",
            "计算机视觉中 SGD 的标准搭档（μ = 0.9，配合逐步衰减的学习率），"
            "也适用于任何损失曲面存在狭长平缓山谷的场合。",
        ),
        "fails": (
            "It overshoots: with a large μ it runs past the minimum and circles around it before settling. "
            "The effective step is up to 1/(1 − μ) times larger than η suggests, so a learning rate "
            "tuned without momentum can diverge once momentum is added.",
            "它会冲过头：μ 较大时会越过最小值，在其附近绕圈后才停下。实际步长最多是 η 所示的 "
            "1/(1 − μ) 倍，因此在不带动量时调好的学习率，加上动量后可能发散。",
        ),
    },
    "nesterov": {
        "what": (
            "Nesterov momentum corrects for where the velocity is about to carry the parameters: the step "
            "is g + μ b instead of b, which is equivalent to taking the gradient at the look-ahead point. "
            "On smooth convex problems it attains the optimal O(1/k²) rate.",
            "Nesterov 动量会提前考虑速度即将把参数带到哪里：更新方向是 g + μ b 而不是 b，"
            "这等价于在“前瞻点”处计算梯度。在光滑凸问题上，它达到了最优的 O(1/k²) 收敛速度。",
        ),
        "uses": (
            "A drop-in replacement for heavy-ball momentum when training CNNs with SGD; at the same μ "
            "it damps oscillations a little better.",
            "用 SGD 训练卷积网络时，可直接替换重球动量；在相同 μ 下，它对振荡的抑制稍好一些。",
        ),
        "fails": (
            "It shares momentum's sensitivity to the learning rate. Its acceleration guarantee holds for "
            "convex problems with exact gradients and mostly disappears with noisy minibatch gradients.",
            "它和动量法一样对学习率敏感。它的加速保证只对使用精确梯度的凸问题成立，"
            "在带噪声的小批量梯度下基本消失。",
        ),
    },
    "adagrad": {
        "what": (
            "Adagrad gives every coordinate its own learning rate: it divides the step by the square root "
            "of that coordinate's summed squared gradients. Rarely updated coordinates keep large steps, "
            "frequent ones get small steps. The sum only grows, so the steps shrink roughly like 1/√t.",
            "Adagrad 给每个坐标各自的学习率：把步长除以该坐标梯度平方累加和的平方根。"
            "很少被更新的坐标保持较大的步长，频繁更新的坐标步长变小。这个累加和只增不减，"
            "所以步长大致按 1/√t 缩小。",
        ),
        "uses": (
            "Sparse features: linear models for click-through prediction, word embeddings, bag-of-words "
            "NLP; convex online learning, where its regret bound applies.",
            "稀疏特征场景：点击率预测中的线性模型、词向量、词袋模型的自然语言处理；"
            "以及其遗憾界适用的凸在线学习。",
        ),
        "fails": (
            "The accumulated sum never forgets, so on long or non-convex runs the steps shrink until "
            "training stalls short of the minimum. A few large early gradients slow a coordinate down for good.",
            "累加和从不遗忘，因此在较长或非凸的训练中，步长会一直缩小，直到还没到达最小值就停滞。"
            "早期少数几个大梯度会让某个坐标永久地变慢。",
        ),
    },
    "rmsprop": {
        "what": (
            "RMSprop replaces Adagrad's ever-growing sum with an exponential moving average v of squared "
            "gradients, so old gradients are forgotten at rate α. Each coordinate's step is g/√v, "
            "normalised to roughly unit size. Hinton proposed it in a Coursera lecture; it has no paper.",
            "RMSprop 把 Adagrad 不断增长的累加和换成梯度平方的指数滑动平均 v，旧梯度以速率 α 被遗忘。"
            "每个坐标的更新量是 g/√v，大小被归一化到大约一个单位。"
            "它由 Hinton 在 Coursera 课程中提出，从未正式发表论文。",
        ),
        "uses": (
            "Recurrent networks and reinforcement learning (DQN, A3C) before Adam became the default; "
            "still common in reinforcement learning.",
            "在 Adam 成为默认选择之前，广泛用于循环神经网络和强化学习（DQN、A3C）；在强化学习中至今仍很常见。",
        ),
        "fails": (
            "There is no bias correction: v starts at zero, so the first steps are much larger than lr "
            "(about lr/√(1 − α), ten times lr at α = 0.99). With a constant learning rate it keeps "
            "jittering around the minimum, because the normalised step does not shrink as g does.",
            "它没有偏差修正：v 从零开始，所以最初几步远大于 lr（约为 lr/√(1 − α)，α = 0.99 时是 lr 的十倍）。"
            "在恒定学习率下，它会在最小值附近不停抖动，因为归一化后的步长不会随 g 一起变小。",
        ),
    },
    "adadelta": {
        "what": (
            "Adadelta extends RMSprop by putting a running RMS of past updates in the numerator, so the "
            "step has the units of the parameters. The ratio √(u + ε)/√(v + ε) sets each coordinate's "
            "step size and lr (default 1) only rescales it: it was designed to need no learning rate.",
            "Adadelta 在 RMSprop 的基础上，把过去更新量的均方根放到分子上，让步长具有参数本身的量纲。"
            "比值 √(u + ε)/√(v + ε) 决定每个坐标的步长，lr（默认为 1）只起缩放作用："
            "它的设计目标就是不需要学习率。",
        ),
        "uses": (
            "Used for speech and text models around 2013-2015; rarely chosen today.",
            "在 2013-2015 年前后用于语音和文本模型；如今很少被选用。",
        ),
        "fails": (
            "It starts very slowly: u begins at zero, so the first steps are about √(ε/(1 − ρ)) long "
            "(about 0.003 with the defaults) whatever the gradient. ε acts as a hidden learning rate: "
            "the tuning moves into ε and ρ rather than going away.",
            "它起步非常慢：u 从零开始，所以无论梯度多大，最初几步的长度都约为 √(ε/(1 − ρ))"
            "（默认参数下约 0.003）。ε 实际上成了隐藏的学习率：调参并没有消失，只是转移到了 ε 和 ρ 上。",
        ),
    },
    "adam": {
        "what": (
            "Adam combines momentum (a moving average m of gradients) with RMSprop's scaling (a moving "
            "average v of squared gradients), both corrected for starting at zero. Each coordinate moves "
            "by about η·m̂/√v̂, so η, not the gradient's scale, sets the step size.",
            "Adam 把动量（梯度的滑动平均 m）和 RMSprop 的缩放（梯度平方的滑动平均 v）结合起来，"
            "并修正两者从零开始带来的偏差。每个坐标大约移动 η·m̂/√v̂，"
            "所以决定步长的是 η，而不是梯度的尺度。",
        ),
        "uses": (
            "Transformers, GANs, VAEs, reinforcement learning and most research code: the robust first "
            "choice for an unfamiliar problem (lr 1e-3 or 3e-4).",
            "Transformer、GAN、VAE、强化学习以及大多数科研代码都在用：面对陌生问题时稳妥的首选"
            "（lr 取 1e-3 或 3e-4）。",
        ),
        "fails": (
            "It can fail to converge on simple convex problems (Reddi et al., 2018) because v may shrink "
            "and let steps grow again. On image classification it often generalises worse than SGD with "
            "momentum; L2 weight decay gets rescaled per coordinate (hence AdamW); when v̂ is tiny, ε dominates.",
            "它在一些简单的凸问题上可能不收敛（Reddi 等，2018），因为 v 可能变小、让步长重新变大。"
            "在图像分类上，它的泛化往往不如带动量的 SGD；L2 权重衰减会被逐坐标地重新缩放（AdamW 因此诞生）；"
            "当 v̂ 很小时，ε 会主导分母。",
        ),
    },
    "amsgrad": {
        "what": (
            "AMSGrad divides by the running maximum of Adam's second moment, so a coordinate's effective "
            "step size can never increase. This repairs the counter-examples in which Adam forgets a rare "
            "large gradient and drifts away from the optimum. Otherwise it is Adam.",
            "AMSGrad 用 Adam 二阶矩的历史最大值作分母，因此每个坐标的有效步长永远不会变大。"
            "这修复了 Adam 忘掉罕见的大梯度、从而偏离最优点的反例。除此之外，它与 Adam 完全相同。",
        ),
        "uses": (
            "When Adam is unstable late in training or gradients contain rare large values; it is a flag "
            "(amsgrad=True) of torch.optim.Adam.",
            "适用于 Adam 在训练后期不稳定、或梯度中偶尔出现极大值的情形；在 torch.optim.Adam 中只需设置 "
            "amsgrad=True。",
        ),
        "fails": (
            "In practice it is rarely better than Adam, and one early large gradient keeps that "
            "coordinate's steps small for ever, much like Adagrad's stalling.",
            "实践中它很少比 Adam 更好；早期一个大梯度就会让该坐标的步长永远偏小，和 Adagrad 的停滞很像。",
        ),
    },
    "adamax": {
        "what": (
            "Adamax is the infinity-norm variant from the Adam paper. Instead of an average of squared "
            "gradients it keeps u = max(β2·u, |g|), a slowly decaying maximum of gradient magnitudes, and "
            "steps by (η/(1 − β1^t))·m/u. The maximum is not biased towards zero, so u needs no correction.",
            "Adamax 是 Adam 论文中提出的无穷范数变体。它不保存梯度平方的平均，而是保存 u = max(β2·u, |g|)，"
            "即缓慢衰减的梯度幅值最大值，每步移动 (η/(1 − β1^t))·m/u。"
            "最大值不会偏向零，所以 u 不需要偏差修正。",
        ),
        "uses": (
            "Models with embeddings and sparse or heavy-tailed gradients, where it is sometimes more stable than Adam.",
            "带有嵌入层、梯度稀疏或重尾的模型；在这些场合它有时比 Adam 更稳定。",
        ),
        "fails": (
            "One outlier gradient sets u for a long time (it decays only by β2 per step) and freezes that "
            "coordinate. Fewer tuned defaults are published for it than for Adam.",
            "一个异常大的梯度会在很长时间内决定 u（每步只按 β2 衰减），让该坐标几乎冻结。"
            "公开的经验参数也比 Adam 少得多。",
        ),
    },
    "adamw": {
        "what": (
            "AdamW is Adam with decoupled weight decay. Adam's L2 penalty λθ goes through the division by "
            "√v̂, which weakens it where gradients are large; AdamW instead shrinks the weights directly "
            "by (1 − ηλ) each step, so every coordinate is regularised the same way.",
            "AdamW 是带解耦权重衰减的 Adam。Adam 的 L2 惩罚 λθ 会经过除以 √v̂ 的缩放，"
            "在梯度大的坐标上被削弱；AdamW 则每步直接把权重乘以 (1 − ηλ)，"
            "让每个坐标受到同样的正则化。",
        ),
        "uses": (
            "The standard optimizer for transformers and large language models (BERT, GPT, ViT), usually "
            "with warm-up, cosine decay and λ between 0.01 and 0.1.",
            "训练 Transformer 和大语言模型（BERT、GPT、ViT）的标准优化器，通常配合预热、余弦衰减，"
            "λ 取 0.01 到 0.1。",
        ),
        "fails": (
            "The shrink factor is ηλ, so changing the learning rate changes the effective decay. Decay pulls "
            "towards zero, away from the unregularised minimum (a biased end point), and Adam's other "
            "failure modes remain.",
            "收缩系数是 ηλ，所以改变学习率也会改变实际的衰减强度。权重衰减把参数拉向零、"
            "偏离无正则化时的最小值（终点有偏差），Adam 的其他失效模式也依然存在。",
        ),
    },
    "nadam": {
        "what": (
            "NAdam puts Nesterov's look-ahead into Adam: the step mixes the bias-corrected current gradient "
            "with the next momentum, so it reacts one step earlier. The torch version also warms the "
            "momentum coefficient μ_t up through momentum_decay.",
            "NAdam 把 Nesterov 的前瞻思想放进 Adam：更新混合了偏差修正后的当前梯度和下一步的动量，"
            "因此反应早一步。torch 的实现还通过 momentum_decay 让动量系数 μ_t 逐渐升温。",
        ),
        "uses": (
            "A drop-in alternative to Adam, sometimes faster early in training of language and recurrent models.",
            "Adam 的直接替代品，在语言模型和循环网络的训练初期有时更快。",
        ),
        "fails": (
            "In practice the difference from Adam is small; it keeps Adam's sensitivity to ε and its "
            "coupled L2 weight decay.",
            "实践中它与 Adam 的差别不大；它保留了 Adam 对 ε 的敏感性以及耦合的 L2 权重衰减。",
        ),
    },
    "radam": {
        "what": (
            "RAdam notices that Adam's adaptive step has a huge variance in the first steps, when v̂ "
            "averages only a few gradients. It takes plain momentum steps until the approximate averaging "
            "length ρ_t exceeds 5, then switches on the scaling, damped by a factor r_t that rises to 1.",
            "RAdam 注意到：最初几步 v̂ 只平均了少数几个梯度，Adam 的自适应步长方差极大。"
            "因此它先走普通的动量步，直到近似平均长度 ρ_t 超过 5，才开启自适应缩放，"
            "并乘上一个逐渐升到 1 的修正系数 r_t。",
        ),
        "uses": (
            "Training that would need a learning-rate warm-up with Adam (transformers, NLP) when you would "
            "rather not tune one: it acts as an automatic warm-up.",
            "用 Adam 时需要学习率预热、但又不想去调预热的训练（Transformer、自然语言处理）：它相当于自动预热。",
        ),
        "fails": (
            "Its first steps are un-normalised momentum SGD, so their size depends on the gradient's scale: "
            "a large gradient makes a large jump. In experiments a plain linear warm-up does about as well.",
            "它最初几步是未经归一化的动量 SGD，步长取决于梯度的尺度：梯度大，跳得就远。"
            "实验表明，简单的线性预热效果与之相当。",
        ),
    },
    "adabelief": {
        "what": (
            "AdaBelief replaces Adam's v (an average of g²) by s, an average of (g − m)²: how far the "
            "gradient strays from its prediction m. Consistent gradients give a small s and large steps; "
            "surprising ones give small steps. In steep but straight regions it moves faster than Adam.",
            "AdaBelief 把 Adam 的 v（g² 的平均）换成 s，即 (g − m)² 的平均：梯度偏离其预测值 m 的程度。"
            "梯度一致时 s 小、步长大；梯度出乎意料时步长变小。在陡峭但笔直的区域，它比 Adam 走得更快。",
        ),
        "uses": (
            "Proposed to combine Adam's speed with SGD's generalisation on image classification and GANs; "
            "used in some vision and generative models.",
            "提出它是为了在图像分类和 GAN 上兼顾 Adam 的速度与 SGD 的泛化能力；在一些视觉和生成模型中有应用。",
        ),
        "fails": (
            "With very consistent gradients s becomes tiny, so ε (added inside s every step) decides the "
            "step size and steps can grow large. Its ε convention (1e-16, inside the root) differs from "
            "Adam's, and mixing the two changes the behaviour.",
            "梯度非常一致时 s 会变得极小，此时每步加进 s 的 ε 决定了步长，步子可能变得很大。"
            "它的 ε 约定（1e-16，加在根号内）与 Adam 不同，混用两者会改变行为。",
        ),
    },
    # --- modifiers: an optimizer in, an optimizer out ---
    "lookahead": {
        "what": (
            "Lookahead runs any optimizer (the fast weights) for k steps, then pulls a second copy of the "
            "weights (the slow weights) a fraction alpha of the way towards where the fast ones got, and "
            "restarts the fast weights from there. The slow weights average out the fast ones' zig-zags.",
            "Lookahead 让任意优化器（快权重）走 k 步，然后把另一份权重（慢权重）朝快权重到达的位置拉近 alpha 的比例，"
            "再让快权重从那里重新出发。慢权重把快权重的来回折返平均掉。",
        ),
        "uses": (
            "A cheap stabiliser around SGD or Adam when the learning rate is on the high side; vision and "
            "language models with k = 5-10 and alpha = 0.5.",
            "学习率偏大时套在 SGD 或 Adam 外面的低成本稳定器；视觉和语言模型中常用 k = 5-10、alpha = 0.5。",
        ),
        "fails": (
            "Every sync throws away part of the last k steps: on an easy, well-conditioned problem it only "
            "slows the inner optimizer down, by about a factor alpha.",
            "每次同步都会丢掉最近 k 步的一部分：在简单、条件良好的问题上，它只会让内层优化器变慢，大约慢 alpha 倍。",
        ),
    },
    "sam": {
        "what": (
            "Sharpness-Aware Minimization first steps uphill, a distance rho along the normalised gradient, "
            "and takes the gradient there; the inner optimizer then steps from the original point with that "
            "gradient. Minima whose surroundings are also low (flat ones) attract it more than sharp ones.",
            "锐度感知最小化（SAM）先沿归一化梯度向上坡走 rho 的距离，在那里求梯度；"
            "然后内层优化器带着这个梯度从原来的点出发走一步。周围也很低的（平坦的）极小值比尖锐的极小值更吸引它。",
        ),
        "uses": (
            "Better generalisation of image classifiers and fine-tuned language models, at the price of a "
            "second gradient per step; rho about 0.05 around SGD.",
            "提高图像分类器和微调语言模型的泛化能力，代价是每步多算一次梯度；套在 SGD 外面时 rho 约取 0.05。",
        ),
        "fails": (
            "Twice the gradients per step. Near a minimum the ascent point stays rho away, so with a "
            "constant rho the path keeps circling at about that distance instead of settling.",
            "每步需要两倍的梯度计算。在极小值附近，上升点始终离开 rho 的距离，"
            "所以 rho 不变时路径会在大约这个距离上绕圈，而不会停稳。",
        ),
    },
    "cautious": {
        "what": (
            "Cautious keeps only the coordinates of the inner optimizer's step that agree in sign with the "
            "current gradient (the others would move uphill), and rescales the rest by the fraction kept, so "
            "the step keeps its size. One line of code around AdamW or Lion.",
            "Cautious 只保留内层优化器更新中与当前梯度符号一致的坐标（其余坐标会往上坡走），"
            "并按保留的比例放大剩下的部分，使步长大小不变。套在 AdamW 或 Lion 外面只需一行代码。",
        ),
        "uses": (
            "Language-model pre-training with AdamW or Lion, where it was reported to save steps at no cost.",
            "配合 AdamW 或 Lion 做语言模型预训练，据报告能在不增加成本的情况下节省训练步数。",
        ),
        "fails": (
            "It removes exactly what momentum is for: carrying on across a gradient that flipped sign. "
            "In a ravine the masked coordinates stop at each zig-zag, and the masked fraction tells how often.",
            "它去掉的恰恰是动量的用处：在梯度变号时继续前进。在峡谷中，被屏蔽的坐标在每次折返时都会停下，"
            "被屏蔽的比例说明这种情况有多频繁。",
        ),
    },
    "lion": {
        "what": (
            "Lion (EvoLved Sign Momentum) was found by a program search at Google. It takes the sign of an "
            "interpolation between momentum and the current gradient, so every coordinate moves by exactly "
            "η. It keeps a single moment, so it needs less memory than Adam.",
            "Lion（EvoLved Sign Momentum，演化出的符号动量）是 Google 通过程序搜索发现的。"
            "它取动量与当前梯度插值的符号，因此每个坐标恰好移动 η。它只保存一个矩，比 Adam 更省内存。",
        ),
        "uses": (
            "Large vision, language and diffusion models, with a learning rate 3-10 times smaller than "
            "AdamW's and a larger weight decay.",
            "大型视觉、语言和扩散模型；学习率取 AdamW 的 1/10 到 1/3，权重衰减取得更大。",
        ),
        "fails": (
            "Its steps never shrink by themselves: near the minimum it hops back and forth by ±η per "
            "coordinate and needs a decaying schedule to settle. Sign updates discard magnitudes, which "
            "hurts with small, noisy batches.",
            "它的步长不会自己变小：在最小值附近，每个坐标以 ±η 来回跳动，需要衰减的学习率调度才能停稳。"
            "符号更新丢弃了梯度的大小信息，在小而嘈杂的批量下效果变差。",
        ),
    },
    "yogi": {
        "what": (
            "Yogi changes how Adam's second moment moves: v ← v − (1 − β2)·sign(v − g²)·g². The change is "
            "additive and bounded by g², so v cannot collapse quickly after a burst of large gradients and "
            "the effective learning rate rises more slowly. It also starts m and v at 1e-6 and uses ε = 1e-3.",
            "Yogi 改变了 Adam 二阶矩的更新方式：v ← v − (1 − β2)·sign(v − g²)·g²。"
            "这个变化是加法式的、且不超过 g²，所以在一阵大梯度之后 v 不会迅速塌缩，有效学习率上升得更慢。"
            "它还把 m 和 v 初始化为 1e-6，并取 ε = 1e-3。",
        ),
        "uses": (
            "Problems with sparse or heavy-tailed gradients where Adam's effective learning rate jumps, "
            "such as some recommendation and NLP tasks.",
            "梯度稀疏或重尾、Adam 的有效学习率容易突变的问题，例如一些推荐系统和自然语言处理任务。",
        ),
        "fails": (
            "Its large default ε makes it behave like momentum SGD when gradients are small, and its "
            "defaults are less battle-tested than Adam's.",
            "默认的 ε 较大，梯度很小时它的行为接近动量 SGD；它的默认参数也不如 Adam 的经受过充分检验。",
        ),
    },
    "adan": {
        "what": (
            "Adan estimates Nesterov momentum from the difference of consecutive gradients, without an "
            "extra gradient evaluation. It keeps three moving averages, of gradients (m), gradient "
            "differences (v) and the squared corrected gradient (n), each with its own β.",
            "Adan 利用相邻两步梯度之差来估计 Nesterov 动量，无需额外计算梯度。"
            "它维护三个滑动平均：梯度（m）、梯度差（v）以及修正后梯度的平方（n），各有自己的 β。",
        ),
        "uses": (
            "Proposed for vision transformers, CNNs and language models, where it reported reaching "
            "Adam/AdamW accuracy in fewer epochs.",
            "为视觉 Transformer、卷积网络和语言模型而提出，论文报告它能用更少的轮数达到 Adam/AdamW 的精度。",
        ),
        "fails": (
            "Three β values and an extra state vector (more memory to tune and store); with noisy minibatch "
            "gradients the gradient difference is mostly noise.",
            "有三个 β 和一个额外的状态向量（需要调的参数和内存都更多）；小批量梯度噪声大时，梯度差大部分是噪声。",
        ),
    },
    "sf_sgd": {
        "what": (
            "Schedule-Free SGD removes the learning-rate schedule. It keeps a plain SGD iterate z and a "
            "running average x of it, and takes gradients at y, an interpolation between the two set by β. "
            "The averaging does the work of a decaying schedule, so a constant learning rate converges. Each "
            "step's weight in the average is the largest learning rate so far, squared, so a decaying schedule "
            "does not make late steps count less.",
            "Schedule-Free SGD 去掉了学习率调度。它维护一个普通的 SGD 迭代点 z 以及 z 的滑动平均 x，"
            "并在两者之间由 β 决定的插值点 y 处计算梯度。平均操作起到了衰减调度的作用，"
            "因此恒定学习率也能收敛。每一步在平均中的权重是到目前为止最大学习率的平方，"
            "所以衰减的学习率调度不会让后面的步子权重变小。",
        ),
        "uses": (
            "Training when the number of steps is not known in advance (no cosine length to choose), or a "
            "run may be extended later.",
            "事先不知道训练步数（无需选择余弦周期长度）、或训练之后可能延长的场合。",
        ),
        "fails": (
            "The point to evaluate is the average x, not y where gradients are taken (the trajectory drawn "
            "here), and evaluating the wrong one looks worse. Deep networks still need a short warm-up, and "
            "the best learning rate is often larger than for scheduled SGD.",
            "应当评估的是平均点 x，而不是计算梯度的点 y（这里画出的轨迹），评估错了点效果会显得更差。"
            "深度网络仍需要短暂的预热，最佳学习率也往往比带调度的 SGD 更大。",
        ),
    },
    "sf_adamw": {
        "what": (
            "Schedule-Free AdamW applies schedule-free averaging to Adam's normalised gradient: g is divided "
            "by √v̂ (plus decoupled weight decay) and then drives the z, x and y updates of Schedule-Free SGD. "
            "It needs no cosine or linear decay: its average x converges with a constant learning rate.",
            "Schedule-Free AdamW 把免调度平均用在 Adam 归一化后的梯度上：g 先除以 √v̂（再加上解耦权重衰减），"
            "然后驱动 Schedule-Free SGD 中 z、x、y 的更新。它不需要余弦或线性衰减：平均点 x 在恒定学习率下就能收敛。",
        ),
        "uses": (
            "Language-model and vision training where the run length is unknown or may grow; it won the "
            "self-tuning track of the 2024 AlgoPerf competition.",
            "运行长度未知或可能延长的语言模型和视觉模型训练；它赢得了 2024 年 AlgoPerf 竞赛的自调参赛道。",
        ),
        "fails": (
            "It is sensitive to β1 (the interpolation) and usually wants a short warm-up; batch-norm "
            "statistics must be recomputed at x, and evaluation must use x, not y.",
            "它对 β1（插值系数）敏感，通常需要短暂预热；批归一化的统计量必须在 x 处重新计算，评估也必须用 x 而不是 y。",
        ),
    },
    "prodigy": {
        "what": (
            "Prodigy estimates the distance d from the start to the solution as it goes and uses d·η as its "
            "step scale, so the learning rate stays at 1. The estimate only grows: d starts at a tiny d0 and "
            "increases while gradients keep pointing away from the start. It refines D-Adaptation for Adam.",
            "Prodigy 在训练过程中估计从起点到最优解的距离 d，并以 d·η 作为步长尺度，所以学习率保持为 1 即可。"
            "这个估计只增不减：d 从很小的 d0 开始，只要梯度一直指向远离起点的方向就不断增大。"
            "它是 D-Adaptation 在 Adam 上的改进版。",
        ),
        "uses": (
            "Fine-tuning (for example LoRA adapters for diffusion models) and experiments where tuning the "
            "learning rate is too expensive.",
            "微调（例如扩散模型的 LoRA 适配器），以及调学习率代价太高的实验。",
        ),
        "fails": (
            "d can overshoot and never comes back down, giving steps that are too large late in training; "
            "it depends on d0 and on the start point, and on non-convex losses the distance estimate has "
            "no guarantee.",
            "d 可能估计过头且永远不会回落，导致训练后期步子过大；它依赖于 d0 和起点，"
            "在非凸损失上，距离估计没有理论保证。",
        ),
    },
    "rprop": {
        "what": (
            "Rprop ignores the size of the gradient and uses only its sign: each coordinate has its own step "
            "size Δ, multiplied by η⁺ = 1.2 while the gradient keeps its sign and by η⁻ = 0.5 when it flips, "
            "clipped to [Δmin, Δmax]. After a flip that coordinate does not move, and its stored gradient is "
            "set to 0 so the step shrinks only once. As in torch.optim.Rprop, the learning rate is only the "
            "initial step size: a schedule changes nothing after the first step.",
            "Rprop 不看梯度的大小，只用它的符号：每个坐标有自己的步长 Δ，梯度保持符号时乘以 η⁺ = 1.2，"
            "符号翻转时乘以 η⁻ = 0.5，并截断在 [Δmin, Δmax] 之内。符号翻转后，该坐标这一步不移动，"
            "保存的梯度也置为 0，这样步长只缩小一次。与 torch.optim.Rprop 一致，学习率只是初始步长："
            "第一步之后，学习率调度不再起任何作用。",
        ),
        "uses": (
            "Full-batch training of small networks, where it was long a favourite for its speed and for needing "
            "almost no tuning; a classic of the neural-network toolboxes of the 1990s and 2000s.",
            "小型网络的全批量训练：它速度快、几乎不用调参，长期深受欢迎；"
            "是 1990 和 2000 年代神经网络工具箱里的经典方法。",
        ),
        "fails": (
            "It needs exact full-batch gradients: with minibatches the signs flip at random and the step sizes "
            "collapse. Sign-only steps ignore curvature, and a large Δmax lets a coordinate leap far past the "
            "minimum before the flips shrink its step.",
            "它需要精确的全批量梯度：用小批量时符号会随机翻转，步长随之塌缩。只看符号的步子不考虑曲率，"
            "Δmax 较大时，某个坐标可能远远越过最小值，直到反复翻转才把步长缩小。",
        ),
    },
    "adopt": {
        "what": (
            "ADOPT divides each gradient by the square root of the previous step's second moment v, not the "
            "current one, and only then averages it into the momentum m; the step is −η m. Because g_t is not "
            "in its own denominator, the paper proves convergence for any β2, where Adam needs β2 tuned to the "
            "problem. As in optax's default, the normalised gradient is clipped to ±(t−1)^(1/4) and the first "
            "step only fills v, so the parameters start moving at step 2.",
            "ADOPT 用上一步（而不是当前）的二阶矩 v 的平方根去除每个梯度，然后才把它平均进动量 m；更新量为 −η m。"
            "由于 g_t 不出现在自己的分母里，论文证明它对任意 β2 都收敛，而 Adam 需要针对问题调 β2。"
            "与 optax 的默认设置一致，归一化后的梯度被截断在 ±(t−1)^(1/4) 之内，且第一步只填充 v，"
            "所以参数从第 2 步才开始移动。",
        ),
        "uses": (
            "Proposed in 2024 as a drop-in replacement for Adam (image classification, generative models, "
            "language-model pretraining, reinforcement learning), especially where Adam is unstable with a "
            "small β2 or needs a long warm-up.",
            "2024 年提出，作为 Adam 的直接替代（图像分类、生成模型、语言模型预训练、强化学习），"
            "尤其适合 Adam 在小 β2 下不稳定或需要长时间预热的场合。",
        ),
        "fails": (
            "Normalising by a stale v lags behind a sudden rise in gradient scale, and the (t−1)^(1/4) clip is "
            "a heuristic the theory does not cover. Its default ε = 1e-6 is larger than Adam's, and it is new, "
            "with few independent large-scale comparisons.",
            "用滞后一步的 v 归一化，跟不上梯度尺度的突然增大；(t−1)^(1/4) 的截断是理论没有覆盖的经验做法。"
            "它默认的 ε = 1e-6 比 Adam 的大；它还很新，独立的大规模对比不多。",
        ),
    },
    "ademamix": {
        "what": (
            "AdEMAMix adds to Adam a second, slow momentum m2 with β3 = 0.9999 (a memory of about 10,000 steps) "
            "and steps along (m̂1 + α m2)/(√v̂ + ε). The fast EMA follows the current landscape while the slow "
            "one keeps using gradients thousands of steps old, which the paper finds are still useful. This is "
            "optax.contrib.ademamix as it is by default: no warm-up of α and β3 (the paper ramps both up), and "
            "m2 is never bias-corrected.",
            "AdEMAMix 在 Adam 之外再加一个慢动量 m2，β3 = 0.9999（大约记住 10,000 步），"
            "更新方向为 (m̂1 + α m2)/(√v̂ + ε)。快的指数滑动平均跟随当前的地形，慢的则继续利用几千步以前的梯度，"
            "论文发现这些旧梯度仍然有用。这里复现的是默认设置下的 optax.contrib.ademamix："
            "α 和 β3 都不做预热（论文中两者逐渐增大），m2 也从不做偏差修正。",
        ),
        "uses": (
            "Language-model pretraining and long vision runs, where the paper reports matching AdamW with about "
            "half the tokens and forgetting the training data more slowly.",
            "语言模型预训练和长时间的视觉训练；论文报告它用大约一半的 token 就能达到 AdamW 的效果，"
            "而且遗忘训练数据更慢。",
        ),
        "fails": (
            "On short runs the slow EMA barely fills (m2 grows like 1 − β3^t), and without the paper's warm-up "
            "a large α early on can destabilise training. It keeps one more state vector than Adam and adds two "
            "hyperparameters to tune.",
            "训练步数少时，慢的指数滑动平均几乎填不满（m2 按 1 − β3^t 增长）；没有论文中的预热时，"
            "早期较大的 α 可能让训练不稳定。它比 Adam 多保存一个状态向量，还多了两个要调的超参数。",
        ),
    },
    "shampoo": {
        "what": (
            "Shampoo keeps, for each weight matrix G, a left statistic L = εI + Σ G Gᵀ and a right one "
            "R = εI + Σ Gᵀ G, and steps along L^(−1/4) G R^(−1/4): a whole matrix of curvature information "
            "instead of one number per coordinate. For a vector it is full-matrix Adagrad, L^(−1/2) g. On the "
            "2-D problems here (w, b) is one vector, so Shampoo keeps ONE full 2 × 2 preconditioner: unlike "
            "diagonal Adagrad it sees how the two coordinates vary together, so a rotated valley looks round "
            "to it. This is pytorch-optimizer 4.1.0's Shampoo with its defaults (the authors' code is not on "
            "PyPI); the inverse roots come from an SVD, and momentum, when on, mixes in the previous "
            "preconditioned step, as that implementation does.",
            "Shampoo 对每个权重矩阵 G 保存左统计量 L = εI + Σ G Gᵀ 和右统计量 R = εI + Σ Gᵀ G，"
            "沿 L^(−1/4) G R^(−1/4) 前进：用一整个矩阵的曲率信息，而不是每个坐标一个数。"
            "对向量而言，它就是全矩阵 Adagrad：L^(−1/2) g。在这里的二维问题上，(w, b) 被看作一个向量，"
            "所以 Shampoo 只保存一个完整的 2 × 2 预条件矩阵：与对角 Adagrad 不同，它能看到两个坐标如何一起变化，"
            "于是倾斜的山谷在它看来是圆的。这里复现的是默认设置下 pytorch-optimizer 4.1.0 的 Shampoo"
            "（作者的代码不在 PyPI 上）；逆根由 SVD 求得；动量开启时，混入的是上一步预条件后的更新，与该实现一致。",
        ),
        "uses": (
            "Large-scale training where a better preconditioner pays for its matrix roots: a distributed "
            "version won the external-tuning track of the 2024 AlgoPerf benchmark, and it is used for "
            "recommendation and language models.",
            "更好的预条件值得付出矩阵求根代价的大规模训练：它的分布式版本赢得了 2024 年 AlgoPerf 基准的外部调参赛道，"
            "也被用于推荐系统和语言模型。",
        ),
        "fails": (
            "Matrix roots cost O(n³) per dimension and are numerically touchy: with a small ε the first steps "
            "divide by nearly singular statistics. Like Adagrad it only accumulates, so its steps shrink for "
            "ever; practical versions add grafting, EMAs and infrequent root updates.",
            "矩阵求根每个维度要 O(n³) 的计算，数值上也很敏感：ε 很小时，最初几步要除以几乎奇异的统计量。"
            "它和 Adagrad 一样只累加，所以步长会一直缩小；实用的版本会加上嫁接（grafting）、指数滑动平均和不频繁的求根。",
        ),
    },
    "soap": {
        "what": (
            "SOAP runs Adam in the eigenbasis Q of Shampoo's statistics: it rotates the gradient into Q, keeps "
            "Adam's second moment there (one number per rotated coordinate), takes Adam's step and rotates it "
            "back. The statistics are EMAs of G Gᵀ and Gᵀ G; the basis comes from an eigendecomposition on the "
            "first step, which only fills the statistics (the parameters move from step 2), and is refreshed "
            "every 10 steps by one power iteration and a QR. On the 2-D problems here (w, b) is one vector "
            "with precondition_1d on, so Q is the 2 × 2 eigenbasis of the EMA of g gᵀ. This is "
            "pytorch-optimizer 4.1.0's SOAP with its defaults (shampoo_beta = β2); its QR runs in float32, "
            "as in the authors' code, and so does ours.",
            "SOAP 在 Shampoo 统计量的特征基 Q 中运行 Adam：先把梯度旋转到 Q 中，在那里保存 Adam 的二阶矩"
            "（每个旋转后的坐标一个数），算出 Adam 的一步，再旋转回来。统计量是 G Gᵀ 和 Gᵀ G 的指数滑动平均；"
            "特征基在第一步由特征分解得到（第一步只填充统计量，参数从第 2 步才开始移动），之后每 10 步用一次幂迭代加 QR 分解更新。"
            "在这里的二维问题上，(w, b) 被看作一个向量并开启 precondition_1d，所以 Q 是 g gᵀ 的指数滑动平均的 2 × 2 特征基。"
            "这里复现的是默认设置下 pytorch-optimizer 4.1.0 的 SOAP（shampoo_beta = β2）；"
            "它的 QR 分解用 float32 计算，与作者的代码一致，我们也一样。",
        ),
        "uses": (
            "Language-model pretraining (the paper's 360M and 660M models), where it needed about 40% fewer "
            "steps than AdamW and fewer than Shampoo, with one hyperparameter more than Adam (the refresh "
            "frequency).",
            "语言模型预训练（论文中的 3.6 亿和 6.6 亿参数模型）；它比 AdamW 少用约 40% 的步数，也比 Shampoo 少，"
            "而只比 Adam 多一个超参数（特征基的更新频率）。",
        ),
        "fails": (
            "Between refreshes the basis goes stale while the statistics move on; when a statistic has repeated "
            "eigenvalues (a wide matrix early on) the basis is not unique and the choice is arbitrary. It keeps "
            "two matrices per weight matrix, and the eigendecompositions cost O(n³).",
            "两次更新之间特征基会过时，而统计量还在变化；当统计量有重复特征值时（例如训练初期的宽矩阵），"
            "特征基不唯一，选哪一组是任意的。它对每个权重矩阵要多存两个矩阵，特征分解的代价是 O(n³)。",
        ),
    },
    "lbfgs": {
        "what": (
            "L-BFGS is a quasi-Newton method: from the last m pairs of steps s and gradient changes y it builds "
            "an estimate H of the inverse Hessian (applied by a two-loop recursion, never stored) and steps along "
            "d = −H g, so it crosses a 2-D quadratic bowl in a few steps whatever its conditioning. Here each app "
            "step is ONE outer iteration of torch.optim.LBFGS (max_iter=1) with the contract's history of 10 "
            "pairs, and costs one loss-and-gradient evaluation, recorded as state. With the strong-Wolfe line "
            "search it costs two: with max_iter=1 torch allows max_eval = 1, so the search tries the step once "
            "and keeps it only if the loss fell (else the step is 0).",
            "L-BFGS 是一种拟牛顿法：它用最近 m 对位移 s 和梯度变化 y 构造逆 Hessian 的估计 H"
            "（用双循环递推作用在梯度上，从不显式存储），沿 d = −H g 前进，所以不论条件数多大，"
            "它都能在几步之内穿过二维的二次碗。这里应用的每一步是 torch.optim.LBFGS 的一次外层迭代（max_iter=1），"
            "按约定保存 10 对历史，花费一次损失与梯度计算，并作为状态记录下来。使用强 Wolfe 线搜索时每步花费两次："
            "max_iter=1 时 torch 只允许 max_eval = 1，所以线搜索只尝试一次，损失下降才接受这一步（否则步长为 0）。",
        ),
        "uses": (
            "Full-batch problems of moderate size where gradients are exact: logistic regression and other "
            "convex fits (it is scikit-learn's default solver for logistic regression), physics-informed "
            "networks, style transfer, and fine-tuning a few parameters.",
            "梯度精确、规模适中的全批量问题：逻辑回归等凸拟合（它是 scikit-learn 逻辑回归的默认求解器）、"
            "物理信息神经网络、风格迁移，以及少量参数的微调。",
        ),
        "fails": (
            "Minibatch noise corrupts the gradient differences y, so the curvature estimate goes wrong in "
            "stochastic training. Without a line search a learning rate of 1 can overshoot on non-quadratic "
            "problems (try Rosenbrock); on non-convex ones y·s can be negative, and those pairs are skipped. "
            "The one-trial search here can reject the same step forever, leaving the parameters where they are.",
            "小批量噪声会污染梯度差 y，所以随机训练中的曲率估计会出错。不做线搜索时，学习率 1 在非二次问题上可能冲过头"
            "（试试 Rosenbrock）；在非凸问题上 y·s 可能为负，这样的向量对会被跳过。"
            "这里只试一次的线搜索可能一直拒绝同一步，让参数停在原地。",
        ),
    },
    "mars": {
        "what": (
            "MARS feeds AdamW a variance-reduced gradient c_t = g_t + γ β1/(1−β1) (g_t − g_{t−1}), rescaled so "
            "its norm is at most 1; the previous gradient is kept as state. The correction estimates how the "
            "gradient changes between consecutive points (a STORM-style estimator) at no extra gradient cost. "
            "This is timm's Mars with its defaults (AdamW form, γ = 0.025); timm applies MARS only to matrices, "
            "so here the two parameters form one 1 × 2 matrix and the norm covers both.",
            "MARS 给 AdamW 输入一个方差缩减的梯度 c_t = g_t + γ β1/(1−β1) (g_t − g_{t−1})，并缩放到范数不超过 1；"
            "上一步的梯度作为状态保存。这个修正项估计梯度在相邻两点之间如何变化（STORM 式估计），"
            "不需要额外计算梯度。这里复现的是默认设置下 timm 的 Mars（AdamW 形式，γ = 0.025）；"
            "timm 只对矩阵使用 MARS，所以这里把两个参数看作一个 1 × 2 矩阵，范数覆盖两者。",
        ),
        "uses": (
            "Pretraining language models (GPT-2 scale in the paper), where it reported a lower loss than AdamW "
            "for the same number of tokens.",
            "语言模型预训练（论文中为 GPT-2 规模）；论文报告在相同 token 数下它的损失低于 AdamW。",
        ),
        "fails": (
            "The difference g_t − g_{t−1} is noisy with small batches, so γ must stay small; the clipping to "
            "norm 1 shrinks every step while gradients are large, which on steep problems makes it slower than "
            "AdamW at the start.",
            "小批量时梯度差 g_t − g_{t−1} 噪声很大，所以 γ 必须取得小；把范数截断到 1 会在梯度较大时缩小每一步，"
            "在陡峭的问题上，它开始时比 AdamW 慢。",
        ),
    },
    "muon": {
        "what": (
            "Muon keeps a momentum m of the gradient and, for each weight matrix, replaces the Nesterov step "
            "(1−μ) g + μ m by its orthogonalised version: five Newton–Schulz iterations X ← aX + (bA + cA²)X "
            "with A = XXᵀ push every singular value towards 1, so the step moves all directions of the matrix "
            "by about the same amount, scaled by η √max(1, rows/cols). Tensors that are not matrices (biases) "
            "go through AdamW with torch's defaults (β = (0.9, 0.999), ε = 1e-8, weight decay 0.01) at the same "
            "learning rate, as optax.contrib.muon splits them. On the two-parameter problems (w, b) is one "
            "1 × 2 matrix: its only singular value is its length, so Muon there is normalised momentum: every "
            "step has the same length, 0.696 η (where five iterations leave a length of 1). This is torch.optim.Muon with Newton–Schulz in float64 (torch casts to bfloat16).",
            "Muon 保存梯度的动量 m；对每个权重矩阵，它把 Nesterov 步子 (1−μ) g + μ m 换成其正交化的版本："
            "五次 Newton–Schulz 迭代 X ← aX + (bA + cA²)X（A = XXᵀ）把每个奇异值推向 1，"
            "于是这一步让矩阵的所有方向移动大致相同的距离，再乘以 η √max(1, 行数/列数)。"
            "不是矩阵的张量（偏置）交给 AdamW（torch 的默认值：β = (0.9, 0.999)，ε = 1e-8，权重衰减 0.01），"
            "学习率相同，这与 optax.contrib.muon 的划分一致。在两个参数的问题上，(w, b) 是一个 1 × 2 矩阵："
            "它唯一的奇异值就是它的长度，所以 Muon 在这里就是归一化的动量：每一步长度都相同，为 0.696 η（五次迭代把长度 1 变成的值）。"
            "这里复现的是 torch.optim.Muon，但 Newton–Schulz 在 float64 中计算（torch 会转成 bfloat16）。",
        ),
        "uses": (
            "The hidden weight matrices of transformers and convolutional networks (the embeddings, the output "
            "layer and the gains stay on AdamW); it set speed records on the NanoGPT and CIFAR-10 speedrun "
            "benchmarks in 2024 and has since been used to pretrain large language models.",
            "Transformer 和卷积网络中的隐藏层权重矩阵（嵌入层、输出层和增益参数仍用 AdamW）；"
            "2024 年它在 NanoGPT 和 CIFAR-10 速通基准上创下速度纪录，此后被用于大语言模型的预训练。",
        ),
        "fails": (
            "It only makes sense for matrices: on vectors it is plain normalised momentum, which never takes "
            "smaller steps near a minimum unless the learning rate decays. The Newton–Schulz steps cost matrix "
            "products every step, and its learning rate does not transfer from AdamW's without rescaling.",
            "它只对矩阵有意义：在向量上它就是普通的归一化动量，除非学习率衰减，否则在最小值附近步子不会变小。"
            "每一步的 Newton–Schulz 迭代都要做矩阵乘法；它的学习率也不能不经换算就照搬 AdamW 的。",
        ),
    },
    "lamb": {
        "what": (
            "LAMB computes Adam's direction u = m̂/(√v̂ + ε) + λθ and then, for each tensor, rescales it by the "
            "trust ratio ‖θ‖/‖u‖, so every layer moves by the same fraction η of its own norm, whatever its "
            "gradients' scale. A tensor at zero, or a zero update, gets ratio 1. On the two-parameter problems "
            "(w, b) is one tensor: the step has length η‖θ‖, so from the origin the first step is Adam's and "
            "after that the run moves by a fixed fraction of its distance from the origin. This is optax.lamb.",
            "LAMB 先算出 Adam 的方向 u = m̂/(√v̂ + ε) + λθ，再对每个张量乘以信任比 ‖θ‖/‖u‖，"
            "于是不论梯度尺度如何，每一层都移动其自身范数的同一比例 η。位于零点的张量或为零的更新，信任比取 1。"
            "在两个参数的问题上，(w, b) 是一个张量：步长为 η‖θ‖，所以从原点出发的第一步就是 Adam 的一步，"
            "之后每一步移动它到原点距离的固定比例。这里复现的是 optax.lamb。",
        ),
        "uses": (
            "Large-batch pretraining: it trained BERT with batches of 32k–64k sequences in 76 minutes, where "
            "Adam needs a much smaller batch to stay stable.",
            "大批量预训练：它用 32k–64k 条序列的批量在 76 分钟内训练完 BERT，而 Adam 需要小得多的批量才能保持稳定。",
        ),
        "fails": (
            "Steps proportional to ‖θ‖ do not shrink near a minimum: without a decaying learning rate it "
            "circles the optimum at a fixed relative distance. Parameters that start at or near zero move "
            "very little, and the ratio is per tensor, so a tensor mixing very different scales is still "
            "badly scaled inside.",
            "与 ‖θ‖ 成正比的步子在最小值附近不会变小：学习率不衰减时，它会在离最优点固定相对距离处打转。"
            "从零或接近零出发的参数几乎不动；而且信任比是按张量算的，一个张量内部尺度差别很大时，内部仍然缩放不当。",
        ),
    },
    "lars": {
        "what": (
            "LARS is momentum SGD with a learning rate per tensor: each tensor's update u = g + λθ is scaled by "
            "the trust ratio c‖θ‖/(‖u‖ + ε) (1 when either norm is 0), so a layer moves a fraction η c of its "
            "norm per step, then the momentum m ← μm + η r u is applied. On the two-parameter problems (w, b) "
            "is one tensor: from the origin the first step is plain SGD's, and after that every step has length "
            "about η c ‖θ‖. This is optax.lars.",
            "LARS 是给每个张量一个学习率的动量 SGD：每个张量的更新 u = g + λθ 乘以信任比 c‖θ‖/(‖u‖ + ε)"
            "（任一范数为 0 时取 1），于是一层每步移动其范数的 η c 倍，然后再用动量 m ← μm + η r u 更新。"
            "在两个参数的问题上，(w, b) 是一个张量：从原点出发的第一步就是普通 SGD 的一步，"
            "之后每一步的长度约为 η c ‖θ‖。这里复现的是 optax.lars。",
        ),
        "uses": (
            "Large-batch training of convolutional networks: ResNet-50 on ImageNet with batches of 8k–32k "
            "images, usually with a warm-up and a polynomial decay of the learning rate.",
            "卷积网络的大批量训练：在 ImageNet 上用 8k–32k 张图片的批量训练 ResNet-50，通常配合学习率预热和多项式衰减。",
        ),
        "fails": (
            "The default trust coefficient 1e-3 makes steps tiny unless the learning rate is large; steps "
            "proportional to ‖θ‖ never shrink near the minimum, and the first step from the origin (ratio 1) "
            "can be far larger than all later ones, which momentum then carries on.",
            "默认信任系数 1e-3 会让步子非常小，除非学习率很大；与 ‖θ‖ 成正比的步子在最小值附近不会缩小；"
            "从原点出发的第一步（信任比为 1）可能比之后所有步子都大得多，而动量还会把它延续下去。",
        ),
    },
    "adafactor": {
        "what": (
            "Adafactor saves Adam's memory: for a matrix it keeps only the EMAs R of each row's and C of each "
            "column's mean g² and estimates v̂ = R Cᵀ / mean(R), instead of one number per weight. The decay is "
            "scheduled, 1 − β̂₂ = t^γ (γ = −0.8, so step 1 takes g² whole); the step g/√v̂ is clipped to RMS at "
            "most d and scaled relative to the tensor: by max(ε₂, RMS(θ)) · min(η, 1/√t). Vectors keep an "
            "unfactored v̂, and on the two-parameter problems (w, b) is one vector, so nothing is factored there "
            "(an RMSprop-like step whose size follows the parameters' RMS; this is torch.optim.Adafactor).",
            "Adafactor 节省 Adam 的内存：对一个矩阵，它只保存每一行和每一列 g² 均值的指数滑动平均 R 和 C，"
            "用 v̂ = R Cᵀ / mean(R) 来估计二阶矩，而不是每个权重一个数。衰减率按调度变化，1 − β̂₂ = t^γ"
            "（γ = −0.8，所以第一步完整取 g²）；步子 g/√v̂ 的均方根被截断在 d 以内，并相对于张量缩放："
            "乘以 max(ε₂, RMS(θ)) · min(η, 1/√t)。向量保留不分解的 v̂。在两个参数的问题上，(w, b) 是一个向量，"
            "所以这里没有任何分解：它是一种类似 RMSprop 的步子，大小跟随参数的均方根。这里复现的是 torch.optim.Adafactor。",
        ),
        "uses": (
            "Training large transformers when optimizer memory matters: T5 and PaLM were trained with it; its "
            "state for an m × n matrix is m + n numbers instead of Adam's 2mn.",
            "在优化器内存很重要时训练大型 Transformer：T5 和 PaLM 都用它训练；"
            "对一个 m × n 矩阵，它的状态只有 m + n 个数，而 Adam 需要 2mn 个。",
        ),
        "fails": (
            "Relative steps mean parameters near zero move only by ε₂ ρ: a tensor initialised at zero creeps. "
            "Without momentum it is noisier than Adam, and the factored estimate is poor when the gradient's "
            "scale does not factor into rows times columns.",
            "相对步长意味着接近零的参数每步只移动 ε₂ ρ：初始化为零的张量几乎不动。"
            "它没有动量，比 Adam 噪声更大；当梯度尺度不能分解为“行 × 列”时，分解估计很差。",
        ),
    },
}

STRINGS = {f"learn.card.{key}.{part}": pair for key, parts in _CARDS.items() for part, pair in parts.items()}

STRINGS |= {
    "learn.intro": (
        "Every optimizer in the app, one card each: what it does, its update rule, the state it keeps, "
        "where it comes from, when people use it and how it fails. Then ready-made lessons for class.",
        "本页为应用中的每个优化器准备了一张卡片：它做什么、更新规则、保存的状态、出处、"
        "人们何时使用它以及它会怎样失效。之后是可直接用于课堂的现成课例。",
    ),
    "learn.history.title": ("From SGD to today", "从 SGD 到今天"),
    "learn.history.text": (
        "Stochastic gradient descent dates from 1951. Momentum (1964) and Nesterov's acceleration (1983) "
        "made it faster on ravines; Rprop (1993) gave each coordinate its own step size, from gradient signs; "
        "L-BFGS (1989) estimates curvature from the last few steps; 2011-2012 brought per-coordinate learning rates (Adagrad, RMSprop, Adadelta); Adam (2014) became "
        "deep learning's default; later work repaired and extended it (AMSGrad, AdamW, RAdam, AdaBelief); "
        "the newest methods were found by program search (Lion) or drop the schedule and the learning rate "
        "altogether (Schedule-Free, Prodigy); layer-wise and matrix methods treat each weight matrix as a "
        "whole (LARS, LAMB, Adafactor, Shampoo, SOAP, Muon); and 2024 revisited Adam's normaliser, momentum "
        "and gradient noise (ADOPT, AdEMAMix, MARS).",
        "随机梯度下降诞生于 1951 年。动量法（1964）和 Nesterov 加速（1983）让它在峡谷中走得更快；"
        "Rprop（1993）根据梯度符号给每个坐标设定各自的步长；L-BFGS（1989）用最近几步估计曲率；"
        "2011-2012 年出现了逐坐标学习率（Adagrad、RMSprop、Adadelta）；Adam（2014）成为深度学习的默认选择；"
        "随后的工作修补并扩展了它（AMSGrad、AdamW、RAdam、AdaBelief）；最新的方法或由程序搜索发现（Lion），"
        "或干脆去掉学习率调度乃至学习率本身（Schedule-Free、Prodigy）；"
        "逐层和矩阵方法把每个权重矩阵当作整体处理（LARS、LAMB、Adafactor、Shampoo、SOAP、Muon）；"
        "2024 年的工作又重新审视了 Adam 的归一化、动量和梯度噪声（ADOPT、AdEMAMix、MARS）。",
    ),
    "learn.family.classic": ("Classic", "经典方法"),
    "learn.family.adaptive": ("Adaptive", "自适应方法"),
    "learn.family.frontier": ("Frontier", "前沿方法"),
    "learn.family.modifiers": ("Modifiers", "修饰器"),
    "learn.modifiers.intro": (
        "A modifier wraps any optimizer: an optimizer in, an optimizer out. Switch one on beside the "
        "optimizer in the Playground, add one from an optimizer's settings in Compare, or sweep its setting.",
        "修饰器可以套在任意优化器外面：输入一个优化器，输出一个优化器。在实验场中优化器旁边打开它，"
        "在对比页中从某个优化器的设置里添加它，或者扫描它的参数。",
    ),
    "learn.card.no_hparams": ("No settings of its own.", "没有自己的参数。"),
    "learn.cards.title": ("Optimizers", "优化器"),
    "learn.card.label": ("{name} · {year}", "{name} · {year}"),
    "learn.card.what": ("What it does", "它做什么"),
    "learn.card.rule": ("Update rule", "更新规则"),
    "learn.card.state": ("State it keeps", "保存的状态"),
    "learn.card.no_state": (
        "No state: each step uses only the current gradient.",
        "无状态：每一步只用当前梯度。",
    ),
    "learn.card.derived": ("derived, for display", "派生量，仅用于展示"),
    "learn.card.paper": ("Paper: {paper} ({year}).", "论文：{paper}（{year}）。"),
    "learn.card.reference": ("Reproduces: `{reference}`.", "与参考实现一致：`{reference}`。"),
    "learn.card.defaults": ("Defaults", "默认值"),
    "learn.card.col.name": ("hyperparameter", "超参数"),
    "learn.card.col.symbol": ("symbol", "符号"),
    "learn.card.col.default": ("default", "默认值"),
    "learn.card.col.help": ("meaning", "含义"),
    "learn.card.uses": ("When people use it", "什么时候用"),
    "learn.card.fails": ("Known failure modes", "已知的失效模式"),
    "learn.card.example": ("Live example", "实时示例"),
    "learn.card.example.caption": (
        "{steps} steps on {problem} from {start}, learning rate {lr:.3g} (the best of a small sweep; "
        "other hyperparameters at their defaults). Final loss {loss:.3g}.",
        "在{problem}上从 {start} 出发运行 {steps} 步，学习率 {lr:.3g}（小规模扫描中的最佳值；"
        "其他超参数取默认值）。最终损失 {loss:.3g}。",
    ),
    "learn.card.example.diverged": (
        "Every learning rate in the sweep diverged or stalled on this problem.",
        "在这个问题上，扫描中的所有学习率都发散或停滞了。",
    ),
    "learn.card.open": ("Open this example in the Playground", "在实验场中打开这个示例"),
    "learn.lessons.title": ("Lessons", "课例"),
    "learn.lessons.intro": (
        "Each lesson opens a prepared scene in the Playground, the Compare page or the Networks page. Read "
        "the explanation, ask the question, then press the link and let the class predict before the "
        "animation plays.",
        "每个课例都会在实验场、对比页或神经网络页中打开一个准备好的场景。先读说明、提出问题，"
        "再点击链接，在动画播放前让全班先预测结果。",
    ),
    "learn.lesson.question": ("Question for the class", "课堂提问"),
    "learn.lesson.open.playground": ("Open in the Playground", "在实验场中打开"),
    "learn.lesson.open.compare": ("Open in Compare", "在对比页中打开"),
    "learn.lesson.open.networks": ("Open in Networks", "在神经网络页中打开"),
    "learn.lesson.link": ("Link to this lesson (for slides):", "本课例的链接（可放进幻灯片）："),
    "learn.lesson.setup": (
        "Setup: {optimizers} on {problem}, {steps} steps.",
        "设置：{optimizers}，问题为{problem}，共 {steps} 步。",
    ),
}
