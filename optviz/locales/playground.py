"""Strings of the Playground page, the shared controls (webui/ui.py) and URL-state warnings."""

STRINGS = {
    # shared controls (webui/ui.py)
    "ui.optimizer": ("Optimizer", "优化器"),
    "ui.optimizer_help": (
        "Grouped by family: classic, adaptive, frontier.",
        "按类别分组：经典、自适应、前沿。",
    ),
    "ui.family.classic": ("Classic", "经典"),
    "ui.family.adaptive": ("Adaptive", "自适应"),
    "ui.family.frontier": ("Frontier", "前沿"),
    "ui.scale_log": ("log scale", "对数刻度"),
    "ui.scale_log1m": ("log scale in 1 − value", "按 1 − 值 取对数刻度"),
    "ui.scale_linear": ("linear scale", "线性刻度"),
    "ui.param_range": (
        "Range [{low}, {high}], default {default}, {scale}.",
        "范围 [{low}, {high}]，默认 {default}，{scale}。",
    ),
    "ui.share_link": ("Link to this exact run (copy it):", "此次运行的链接（可复制）："),
    "ui.url_fixed": (
        "Some settings in the link were invalid and have been fixed:",
        "链接中的部分设置无效，已自动修正：",
    ),
    # URL-state warnings (optviz/app_state.py codes)
    "state.warn.repeated": (
        "'{name}' was given {count} times; the last value is used.",
        "“{name}”出现了 {count} 次，使用最后一个值。",
    ),
    "state.warn.too_long": (
        "The value of '{name}' is too long and was ignored.",
        "“{name}”的值过长，已忽略。",
    ),
    "state.warn.unknown_key": ("Unknown setting '{name}' was ignored.", "未知设置“{name}”，已忽略。"),
    "state.warn.not_for_optimizer": (
        "{optimizer} has no hyperparameter '{name}'; it was ignored.",
        "{optimizer} 没有超参数“{name}”，已忽略。",
    ),
    "state.warn.not_for_problem": (
        "'{name}' does not apply to {problem}; it was ignored.",
        "“{name}”不适用于 {problem}，已忽略。",
    ),
    "state.warn.unknown_choice": (
        "Unknown {what} '{value}'; using {fallback}.",
        "未知的 {what}“{value}”，改用 {fallback}。",
    ),
    "state.warn.not_a_number": (
        "'{name}' must be a number, got '{value}'; using {fallback}.",
        "“{name}”必须是数字，收到“{value}”，改用 {fallback}。",
    ),
    "state.warn.not_finite": (
        "'{name}' must be finite, got '{value}'; using {fallback}.",
        "“{name}”必须是有限数，收到“{value}”，改用 {fallback}。",
    ),
    "state.warn.clamped": (
        "'{name}'={value} is outside [{low}, {high}]; using {clamped}.",
        "“{name}”={value} 超出范围 [{low}, {high}]，改用 {clamped}。",
    ),
    "state.warn.rounded": (
        "'{name}' must be a whole number, got {value}; using {rounded}.",
        "“{name}”必须是整数，收到 {value}，改用 {rounded}。",
    ),
    "state.warn.bad_start": (
        "'start' must be two numbers 'x,y', got '{value}'; using the problem's start.",
        "“start”必须是两个数字“x,y”，收到“{value}”，改用该问题的默认起点。",
    ),
    "state.warn.over_budget": (
        "{steps} steps would cost about {seconds} s of computing; using {allowed} steps "
        "(a page may cost about {budget} s).",
        "{steps} 步约需 {seconds} 秒计算；改用 {allowed} 步（每个页面最多约 {budget} 秒）。",
    ),
    "state.warn.res_over_budget": (
        "A {res} x {res} grid on this network would cost about {seconds} s for {steps} steps; using "
        "{allowed} x {allowed} (a page may cost about {budget} s).",
        "在这个网络上，{res} × {res} 的网格跑 {steps} 步约需 {seconds} 秒；改用 {allowed} × {allowed}"
        "（每个页面最多约 {budget} 秒）。",
    ),
    "state.warn.bad_range": (
        "x_low must be below x_high (got {low} and {high}); using the defaults.",
        "x_low 必须小于 x_high（收到 {low} 和 {high}），改用默认值。",
    ),
    # figure texts (optviz/plots)
    "plot.loss": ("loss", "损失"),
    "plot.loss_shifted": (
        "loss + {shift} (shifted: the loss goes below zero)",
        "损失 + {shift}（已平移：损失可为负）",
    ),
    "plot.path": ("path", "轨迹"),
    "plot.direction": ("direction", "方向"),
    "plot.head": ("position", "位置"),
    "plot.step": ("step", "步"),
    "plot.start": ("start", "起点"),
    "plot.click_start": ("click to start here", "点击：从这里出发"),
    "plot.optimum": ("optimum", "最优点"),
    "plot.cursor": ("step {step}", "第 {step} 步"),
    "plot.play": ("Play", "播放"),
    "plot.pause": ("Pause", "暂停"),
    "plot.not_finite": (
        "The loss is not finite anywhere in this window",
        "此窗口内损失处处不是有限值",
    ),
    "plot.space_title": ("Parameter space (contours of log10 loss)", "参数空间（log10 损失等高线）"),
    "plot.surface_title": ("Loss surface (log10) with the path", "损失曲面（log10）与轨迹"),
    "plot.optimum_loss": ("optimum loss {value}", "最优损失 {value}"),
    "plot.converged_at": ("converged at step {step}", "第 {step} 步收敛"),
    "plot.diverged_at": ("diverged at step {step}", "第 {step} 步发散"),
    "plot.loss_title": ("Loss (log scale)", "损失（对数刻度）"),
    "plot.loss_title_linear": (
        "Loss (linear scale: the loss is not always positive)",
        "损失（线性刻度：损失并非总为正）",
    ),
    "plot.data": ("data (n = {n})", "数据（n = {n}）"),
    "plot.batch": ("minibatch of step {step} ({size} points)", "第 {step} 步的小批量（{size} 个点）"),
    "plot.true_line": ("true line y = {w}x + {b}", "真实直线 y = {w}x + {b}"),
    "plot.lsq_line": ("least-squares fit y = {w}x + {b}", "最小二乘拟合 y = {w}x + {b}"),
    "plot.fit_line": ("model at step {step}: y = {w}x + {b}", "第 {step} 步的模型：y = {w}x + {b}"),
    "plot.data_title": ("Data space", "数据空间"),
    "plot.internals_title": ("Optimizer internals", "优化器内部状态"),
    "plot.coords_legend": ("solid: {a}, dashed: {b}", "实线：{a}，虚线：{b}"),
    # the Playground page
    "playground.title": ("Playground: watch an optimizer train", "实验场：看优化器如何训练"),
    "playground.controls": ("Controls", "控制"),
    "playground.typed": ("Type exact values", "输入精确数值"),
    "playground.typed_help": (
        "Replace the sliders by number boxes, for values between the slider's marks.",
        "用数字输入框代替滑块，可输入滑块刻度之间的数值。",
    ),
    "playground.hparams": ("Hyperparameters of {name}", "{name} 的超参数"),
    "playground.problem_section": ("Problem", "问题"),
    "playground.problem": ("Problem", "问题"),
    "playground.problem.custom_formula": ("Your own formula f(x, y)", "自定义公式 f(x, y)"),
    "playground.problem.custom_csv": ("Your own data (CSV with x, y)", "自定义数据（含 x, y 的 CSV）"),
    "playground.custom_section": ("Your problem", "自定义问题"),
    "playground.custom_missing": (
        "Bring-your-own problems are not available in this version.",
        "此版本暂不支持自定义问题。",
    ),
    "playground.custom_waiting": (
        "Define your problem above to start training.",
        "请先在上方定义问题，然后开始训练。",
    ),
    "playground.bad_problem": ("These problem settings are not valid: {error}", "问题设置无效：{error}"),
    "playground.bad_run": ("This run cannot start: {error}", "无法开始运行：{error}"),
    "playground.run_section": ("Run", "运行"),
    "playground.steps": ("steps", "步数"),
    "playground.start": ("start {name}₀", "起点 {name}₀"),
    "playground.schedule": ("Learning-rate schedule", "学习率调度"),
    "playground.batch": ("batch size (n = {n}: full batch)", "批大小（n = {n} 即全批量）"),
    "playground.grad_noise": ("gradient noise (std)", "梯度噪声（标准差）"),
    "playground.seed": ("seed (minibatches, noise)", "随机种子（小批量、噪声）"),
    "playground.reset": ("Reset to defaults", "恢复默认设置"),
    "playground.cursor": ("Step cursor", "步数游标"),
    "playground.cursor_help": (
        "Moves the current step in every view: markers, fitted line, internals and the worked step.",
        "在所有视图中移动当前步：标记、拟合直线、内部状态和手算步骤。",
    ),
    "playground.cursor_readout": ("step {step} of {k}", "第 {step} 步，共 {k} 步"),
    "playground.metric_loss": ("loss at step {step}", "第 {step} 步的损失"),
    "playground.metric_steps": ("steps run", "已运行步数"),
    "playground.metric_distance": ("distance to optimum", "到最优点的距离"),
    "playground.metric_status": ("status", "状态"),
    "playground.status_diverged": ("diverged at {step}", "第 {step} 步发散"),
    "playground.status_converged": ("converged at {step}", "第 {step} 步收敛"),
    "playground.status_running": ("not converged", "未收敛"),
    "playground.shift_note": (
        "The loss reaches zero or below in this window, so the contours show log10(loss − minimum in the window).",
        "此窗口内损失可为零或负，因此等高线显示 log10(损失 − 窗口内最小值)。",
    ),
    "playground.looking_at": (
        "What you see: {optimizer} walking downhill on {problem}, from ■ across the loss contours.",
        "你看到的是：{optimizer} 在 {problem} 上从 ■ 出发，穿过损失等高线一步步下山。",
    ),
    "playground.surface": ("Show the 3-D surface", "显示三维曲面"),
    "playground.by_hand": ("This step, by hand", "手算这一步"),
    "playground.by_hand_caption": (
        "Step t = {step}: the rule above with this step's numbers (6 significant digits).",
        "第 t = {step} 步：将本步的数值代入上面的公式（6 位有效数字）。",
    ),
    "playground.by_hand_step0": (
        "Step 0 is the start point; showing step 1.",
        "第 0 步是起点；此处显示第 1 步。",
    ),
    "playground.coordinate_pick": ("Work through coordinate", "逐步演算的坐标"),
    "playground.coordinate": ("Coordinate **{name}**", "坐标 **{name}**"),
    "playground.no_steps": ("The run stopped before its first step.", "运行在第一步之前就停止了。"),
    "playground.share": ("Share and export", "分享与导出"),
    "playground.csv": ("Trace (CSV)", "轨迹（CSV）"),
    "playground.json": ("Configuration (JSON)", "配置（JSON）"),
    "playground.html": ("Animation (HTML, offline)", "动画（HTML，可离线）"),
    "playground.png_hint": (
        "A chart's camera button saves it as PNG; the path chart, which plays, is saved as an HTML file.",
        "图表的相机按钮可将其保存为 PNG；可播放的路径图保存为 HTML 文件。",
    ),
    # the internals panels' own quantities (optviz/plots/internals.py)
    "plot.internals.grad": (
        "Gradient at the current point (what the optimizer is given).",
        "当前点的梯度（优化器拿到的输入）。",
    ),
    "plot.internals.update": ("Change of the parameters this step.", "这一步参数的变化量。"),
    "plot.internals.lr": ("Learning rate after the schedule.", "经过学习率调度后的学习率。"),
    # explanations (optviz/explain.py codes)
    "explain.converged": (
        "Converged at step {step}: from there to the end of the run the loss stayed within 1e-6 of its "
        "starting gap to the optimum.",
        "第 {step} 步收敛：从这一步到运行结束，损失与最优值的差距始终保持在初始差距的 1e-6 以内。",
    ),
    "explain.diverged": (
        "Diverged at step {step}: the loss blew up (last finite loss {loss} at step {last}). The charts show the finite part.",
        "第 {step} 步发散：损失爆炸（最后一个有限损失为第 {last} 步的 {loss}）。图中只画出有限的部分。",
    ),
    "explain.unstable_lr": (
        "On this quadratic, gradient descent is stable only if the learning rate is below 2/λ_max = {limit} "
        "(λ_max = {lam}, the largest curvature). Here lr = {lr}, {ratio} times the limit, so every step "
        "overshoots further along the steepest direction.",
        "在这个二次函数上，只有学习率小于 2/λ_max = {limit}（λ_max = {lam}，最大曲率）时梯度下降才稳定。"
        "此处 lr = {lr}，是该上限的 {ratio} 倍，因此每一步都会沿最陡方向越冲越远。",
    ),
    "explain.unstable_momentum": (
        "With heavy-ball momentum μ = {mu} the limit widens to 2(1+μ)/λ_max = {limit}; lr = {lr} is beyond it.",
        "使用动量 μ = {mu} 时上限放宽到 2(1+μ)/λ_max = {limit}；lr = {lr} 仍超出该上限。",
    ),
    "explain.unstable_effective": (
        "This optimizer scales its step per coordinate: at the last step the effective step size was {eff} "
        "(largest coordinate), against a stability limit 2/λ_max = {limit} (λ_max = {lam}).",
        "该优化器按坐标缩放步长：最后一步的有效步长为 {eff}（取最大坐标），而稳定上限为 2/λ_max = {limit}（λ_max = {lam}）。",
    ),
    "explain.diverged_nonquadratic": (
        "The learning rate lr = {lr} is too large for the curvature this run met; try a value about 10 times smaller.",
        "学习率 lr = {lr} 对本次运行遇到的曲率来说过大；试试约小 10 倍的值。",
    ),
    "explain.stable_lr": (
        "For reference: lr = {lr} is below the plain gradient-descent stability limit 2/λ_max = {limit} (λ_max = {lam}).",
        "参考：lr = {lr} 低于普通梯度下降的稳定上限 2/λ_max = {limit}（λ_max = {lam}）。",
    ),
    "explain.stalled": (
        "Stalled: over the last {window} steps the parameters moved {moved} in total, while the optimum is still {distance} away.",
        "停滞：最后 {window} 步参数总共只移动了 {moved}，而离最优点仍有 {distance}。",
    ),
    "explain.shrinking": (
        "The step size shrank from {first} to {last} (a factor of {factor}) and never grew back: when a "
        "denominator only accumulates (Adagrad's sum of squared gradients), the steps fade away before the optimum is reached.",
        "步长从 {first} 缩小到 {last}（缩小 {factor} 倍）且再未增大：当分母只会累积（如 Adagrad 的梯度平方和）时，"
        "步长会在到达最优点之前逐渐消失。",
    ),
    "explain.not_yet": (
        "Not converged after {steps} steps (gap to the optimum {gap}); it is still moving: try more steps or a larger learning rate.",
        "{steps} 步后仍未收敛（与最优值相差 {gap}），但仍在移动：试试更多步数或更大的学习率。",
    ),
    "explain.not_yet_lr_max": (
        "Not converged after {steps} steps (gap to the optimum {gap}); it is still moving and the learning rate "
        "is already at its maximum ({high}): try more steps.",
        "{steps} 步后仍未收敛（与最优值相差 {gap}），仍在移动，而学习率已是最大值（{high}）：试试更多步数。",
    ),
    "explain.oscillating": (
        "Oscillating: over the last {window} steps the update reversed direction in {flips} of the steps and the "
        "gap to the lowest loss only went from {gap0} to {gap1}. More steps will not help: try a smaller learning "
        "rate (about half) or a decaying schedule.",
        "振荡：最后 {window} 步中有 {flips} 的步骤更新方向反转，与最低损失的差距只从 {gap0} 变为 {gap1}。"
        "增加步数没有用：试试更小的学习率（约一半）或衰减的学习率调度。",
    ),
    "explain.at_limit": (
        "lr = {lr} is at the stability limit 2/λ_max = {limit}: along the steepest direction each step multiplies "
        "the distance to the optimum by 1 − lr·λ_max = {factor}, so the run jumps from side to side without "
        "getting closer. Take lr clearly below the limit (for example {half}).",
        "lr = {lr} 正好处在稳定上限 2/λ_max = {limit}：沿最陡方向，每一步把到最优点的距离乘以 "
        "1 − lr·λ_max = {factor}，因此运行在两侧来回跳动而不靠近。请取明显低于上限的 lr（例如 {half}）。",
    ),
    "explain.noisy_bounce": (
        "The loss came within 1e-6 of its starting gap at step {step} but did not stay there (it ended at gap "
        "{gap}): with noisy gradients (minibatches or added noise) the run keeps bouncing around the optimum. "
        "A decaying schedule or a smaller learning rate lets it settle.",
        "损失在第 {step} 步进入了初始差距的 1e-6 以内，但没有停留（最终差距为 {gap}）：梯度带噪声"
        "（小批量或附加噪声）时，运行会在最优点附近不断跳动。衰减的学习率调度或更小的学习率能让它稳定下来。",
    ),
    "explain.minimum_unknown": (
        "The app does not know where this problem's minimum is, so it reports no convergence step. The loss went "
        "from {start} to {end}; the lowest was {best}, at step {step}.",
        "应用不知道这个问题的最小值在哪里，因此不报告收敛步数。损失从 {start} 变为 {end}；最低为 {best}，"
        "出现在第 {step} 步。",
    ),
    "explain.unbounded": (
        "This problem has no minimum (it is unbounded below): the loss can fall forever, so the run never 'converges'.",
        "该问题没有最小值（无下界）：损失可以一直下降，因此运行永远不会“收敛”。",
    ),
    "explain.loss_rose": (
        "The loss ended higher than it started ({start} -> {end}) without blowing up: the steps are too large "
        "for this landscape; try a smaller learning rate.",
        "损失最终高于初始值（{start} -> {end}），但没有爆炸：对这个地形来说步子太大了；试试更小的学习率。",
    ),
}
