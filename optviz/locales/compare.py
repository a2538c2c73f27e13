"""Strings of the Compare page and its figures (overlaid paths, loss curves, animation, table)."""

STRINGS = {
    # figures
    "compare.fig.loss": ("loss", "损失"),
    "compare.fig.loss_shifted": ("loss + {shift}", "损失 + {shift}"),
    "compare.fig.step": ("step", "步"),
    "compare.fig.start": ("start", "起点"),
    "compare.fig.click_start": ("click to start here", "点击：从这里出发"),
    "compare.fig.optimum": ("minimum", "最小值点"),
    "compare.fig.optimum_loss": ("minimum loss {value}", "最小损失 {value}"),
    "compare.fig.final": ("final loss {loss}", "最终损失 {loss}"),
    "compare.fig.diverged_at": ("diverged at step {step}", "在第 {step} 步发散"),
    "compare.fig.paths_title": ("Paths from the same start", "同一起点出发的路径"),
    "compare.fig.predict_title": (
        "Where will each optimizer go? Predict, then reveal",
        "每个优化器会走向哪里？先预测，再揭晓",
    ),
    "compare.fig.loss_title": ("Loss per step", "每步的损失"),
    "compare.fig.race_title": ("All paths, step by step", "所有路径，逐步播放"),
    "compare.fig.play": ("Play", "播放"),
    "compare.fig.pause": ("Pause", "暂停"),
    # shared run settings (webui/ui.run_settings_controls, used by the Compare and Sweep pages)
    "ui.run.problem": ("Problem", "问题"),
    "ui.run.problem_params": ("Problem parameters", "问题参数"),
    "ui.run.steps": ("Steps", "步数"),
    "ui.run.settings": (
        "Run settings: start, schedule, minibatch, noise, seed",
        "运行设置：起点、学习率调度、小批量、噪声、随机种子",
    ),
    "ui.run.start": ("Start", "起点"),
    "ui.run.schedule": ("Learning-rate schedule", "学习率调度"),
    "ui.run.batch": ("Minibatch size", "小批量大小"),
    # page
    "compare.caption": (
        "Several optimizers from the same start, on the same problem, with the same minibatches.",
        "多个优化器从同一起点出发，在同一问题上使用相同的小批量数据。",
    ),
    "compare.optimizers": ("Optimizers (2 to 8)", "优化器（2 到 8 个）"),
    "compare.optimizers_help": (
        "Each keeps its own hyperparameters (below) and its own colour in every chart; a copy of an "
        "optimizer (#2) keeps its colour with a dashed line.",
        "每个优化器保留自己的超参数（见下方），并在所有图中使用同一种颜色；同一优化器的副本（#2）颜色相同，用虚线表示。",
    ),
    "compare.add_copy": ("Add a copy with other settings", "添加副本，换一组设置"),
    "compare.add_modified": ("Add {name}", "添加 {name}"),
    "compare.add_modified_help": (
        "Runs this optimizer once more inside a modifier (Lookahead, SAM, Cautious), from these settings, "
        "so the two runs differ only by the modifier.",
        "在一个修饰器（Lookahead、SAM、Cautious）里再运行一次这个优化器，从当前设置开始，两次运行只差这个修饰器。",
    ),
    "compare.add_copy_help": (
        "Runs this optimizer once more, starting from these settings: change one (Adam's beta2 = 0.9 "
        "against 0.999) and compare the two runs.",
        "再运行一次这个优化器，从当前设置开始：改动其中一个（例如 Adam 的 beta2 = 0.9 对比 0.999），比较两次运行。",
    ),
    "compare.too_few": ("Pick at least two optimizers to compare.", "请至少选择两个优化器进行对比。"),
    "compare.hparams": ("Hyperparameters", "超参数"),
    "compare.fair": ("Fair comparison: tune each learning rate", "公平对比：分别调优学习率"),
    "compare.fair_help": (
        "Runs a quick sweep of {points} learning rates per optimizer on this problem and budget, and uses "
        "the best (fastest to converge, else lowest final loss).",
        "针对当前问题和步数，为每个优化器快速扫描 {points} 个学习率，并采用最佳者（收敛最快；若均未收敛则取最终损失最低者）。",
    ),
    "compare.fair_rates": ("Learning rates chosen by the sweep", "扫描选出的学习率"),
    "compare.fair_caveat": (
        "Only the learning rate is tuned; every other hyperparameter stays as set. That favours optimizers "
        "whose other defaults happen to suit this problem, so read the result as one fair-ish view, not a verdict.",
        "只调优了学习率，其他超参数保持不变。这会偏向那些其他默认值恰好适合该问题的优化器，"
        "因此结果只是一种相对公平的视角，而非定论。",
    ),
    "compare.fair_none": ("every rate diverged; kept {lr}", "所有学习率均发散，保留 {lr}"),
    "compare.col.set_lr": ("your learning_rate", "你设置的学习率"),
    "compare.col.tuned_lr": ("tuned learning_rate", "调优后的学习率"),
    "compare.predict": ("Predict, then reveal", "先预测，再揭晓"),
    "compare.predict_help": (
        "Hide the paths and results so the class can guess first; press Reveal to show them.",
        "隐藏路径和结果，让学生先猜；按“揭晓”后显示。",
    ),
    "compare.predict_info": (
        "Which optimizer gets closest to the minimum? Which one overshoots? Make a guess, then reveal.",
        "哪个优化器最接近最小值？哪个会冲过头？先猜一猜，再揭晓。",
    ),
    "compare.reveal": ("Reveal", "揭晓"),
    "compare.hide": ("Hide again", "重新隐藏"),
    "compare.tab.paths": ("Paths", "路径"),
    "compare.tab.race": ("Animation", "动画"),
    "compare.tab.loss": ("Loss curves", "损失曲线"),
    "compare.results": ("Results", "结果"),
    "compare.results_help": ("Click a column header to sort.", "点击列标题即可排序。"),
    "compare.download": ("Download the table (CSV)", "下载表格（CSV）"),
    "compare.download_paths_html": ("Paths (HTML, offline)", "路径图（HTML，可离线）"),
    "compare.download_race_html": ("Animation (HTML, offline)", "动画（HTML，可离线）"),
    "compare.col.optimizer": ("optimizer", "优化器"),
    "compare.col.learning_rate": ("learning_rate", "学习率"),
    "compare.col.final_loss": ("final loss", "最终损失"),
    "compare.col.optimum_distance": ("distance to optimum", "到最优点的距离"),
    "compare.col.steps_to_converge": ("steps to converge", "收敛步数"),
    "compare.col.diverged_at": ("diverged at step", "发散步数"),
    "compare.col.hparams": ("other hyperparameters", "其他超参数"),
    "compare.col.outcome": ("outcome", "结果"),
    "compare.col.hparam": ("hyperparameter", "超参数"),
    "compare.hparams_table": ("Hyperparameters of each run", "每次运行的超参数"),
    "compare.outcome.converged": ("converged at step {step}", "第 {step} 步收敛"),
    "compare.outcome.diverged": ("diverged at step {step}", "第 {step} 步发散"),
    "compare.outcome.not_converged": ("did not converge in {steps} steps", "{steps} 步内未收敛"),
    "compare.outcome.unknown_minimum": ("minimum unknown: no convergence test", "最小值未知：不判断收敛"),
    "compare.error": ("These settings cannot run: {message}", "这些设置无法运行：{message}"),
}
