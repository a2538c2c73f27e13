"""Strings of the Sweep page and its figures (heatmap, sensitivity curves)."""

STRINGS = {
    # figures
    "sweep.fig.final_loss": ("final loss", "最终损失"),
    "sweep.fig.loss_gap": ("final loss − minimum", "最终损失 − 最小值"),
    "sweep.fig.steps": ("steps to converge", "收敛步数"),
    "sweep.fig.diverged": ("diverged", "发散"),
    "sweep.fig.not_converged": ("did not converge", "未收敛"),
    "sweep.fig.diverged_at": ("diverged at step", "发散于第几步"),
    "sweep.fig.outcome_converged": ("steps to converge = {steps}", "收敛步数 = {steps}"),
    "sweep.fig.outcome_diverged": ("diverged at step {step}", "第 {step} 步发散"),
    "sweep.fig.best": ("best", "最佳"),
    "sweep.fig.best_of": ("lowest final loss of {optimizer}", "{optimizer} 的最终损失最低点"),
    "sweep.fig.lowest": ("lowest final loss", "最终损失最低"),
    "sweep.fig.lowest_note": ("★ = lowest final loss of each curve", "★ = 每条曲线最终损失最低的点"),
    "sweep.fig.diverged_of": ("{optimizer} diverged", "{optimizer} 发散"),
    "sweep.fig.diverged_row": ("× = diverged", "× = 发散"),
    "sweep.fig.cells": ("cells", "网格单元"),
    "sweep.fig.click": ("click to open in the Playground", "点击在实验场中打开"),
    "sweep.fig.heatmap_title": ("{optimizer}, {steps} steps", "{optimizer}，{steps} 步"),
    "sweep.fig.sensitivity_title": (
        "Sensitivity to the learning rate (other hyperparameters at their defaults)",
        "对学习率的敏感度（其他超参数取默认值）",
    ),
    # page
    "sweep.caption": (
        "How sensitive is an optimizer to its hyperparameters? Every cell is a full training run.",
        "优化器对超参数有多敏感？每个格子都是一次完整的训练。",
    ),
    "sweep.x": ("Horizontal axis", "横轴"),
    "sweep.y": ("Vertical axis", "纵轴"),
    "sweep.from": ("{name} from", "{name} 起始"),
    "sweep.to": ("{name} to", "{name} 终止"),
    "sweep.resolution": ("Resolution (cells per axis)", "分辨率（每轴格数）"),
    "sweep.resolution_help": ("Up to 200 x 200 = 40,000 runs.", "最多 200 × 200 = 40,000 次训练。"),
    "sweep.metric": ("Colour shows", "颜色表示"),
    "sweep.metric.final_loss": ("final loss (log scale)", "最终损失（对数刻度）"),
    "sweep.metric.steps_to_converge": ("steps to converge", "收敛步数"),
    "sweep.fixed": ("Other hyperparameters (fixed)", "其他超参数（固定）"),
    "sweep.fixed_help": (
        "The two swept hyperparameters take the grid's values; these fix the rest.",
        "被扫描的两个超参数取网格中的值；这里固定其余超参数。",
    ),
    "sweep.same_axis": ("Pick two different hyperparameters.", "请选择两个不同的超参数。"),
    "sweep.error": ("This sweep cannot run: {message}", "该扫描无法运行：{message}"),
    "sweep.progress": (
        "Sweeping {cells} configurations x {steps} steps…",
        "正在扫描 {cells} 组配置 × {steps} 步……",
    ),
    "sweep.summary": (
        "{cells} runs: {diverged} diverged, {converged} converged within {steps} steps.",
        "共 {cells} 次训练：{diverged} 次发散，{converged} 次在 {steps} 步内收敛。",
    ),
    "sweep.click_hint": (
        "Click a cell to open that configuration in the Playground.",
        "点击任一格子，即可在实验场中打开该配置。",
    ),
    "sweep.clicked": ("Selected cell: {values}", "已选格子：{values}"),
    "sweep.open": ("Open in the Playground", "在实验场中打开"),
    "sweep.best_links": ("Best cells (open in the Playground):", "最佳格子（在实验场中打开）："),
    "sweep.sensitivity": ("Learning-rate sensitivity", "学习率敏感度"),
    "sweep.sensitivity_optimizers": ("Optimizers to compare", "要对比的优化器"),
    "sweep.sensitivity_help": (
        "Each curve sweeps {points} learning rates on this problem and budget, every other hyperparameter "
        "at its default. A flat, wide valley tolerates a badly chosen learning rate.",
        "每条曲线在当前问题和步数下扫描 {points} 个学习率，其余超参数取默认值。"
        "谷底越宽越平，说明对学习率选得不好越宽容。",
    ),
    "ui.kind.surface": ("2-D", "二维"),
    "ui.kind.network": ("Network", "神经网络"),
    "sweep.click_hint_network": (
        "Click a cell to open that configuration on the Networks page.",
        "点击任一格子，即可在神经网络页面中打开该配置。",
    ),
    "sweep.open_network": ("Open on the Networks page", "在神经网络页面中打开"),
    "sweep.best_links_network": (
        "Best cells (open on the Networks page):",
        "最佳格子（在神经网络页面中打开）：",
    ),
    "sweep.not_carried": (
        "The Networks page carries only the learning rate; these run at their defaults there: {names}.",
        "神经网络页面只沿用学习率；以下设置在那里取默认值：{names}。",
    ),
    "sweep.fig.click_network": ("click to open on the Networks page", "点击在神经网络页面中打开"),
    "sweep.sensitivity_empty": ("Pick optimizers to draw their curves.", "请选择优化器以绘制曲线。"),
}
