"""Strings shared by every page: app title, navigation, global controls."""

STRINGS = {
    "app.title": ("optviz: optimizers you can see", "optviz：看得见的优化器"),
    "nav.playground": ("Playground", "实验场"),
    "nav.compare": ("Compare", "对比"),
    "nav.sweep": ("Sweep", "超参数扫描"),
    "nav.learn": ("Learn", "学习"),
    "common.language": ("Language", "语言"),
}
