"""Strings shared by every page: app title, navigation, global controls."""

STRINGS = {
    "app.title": ("optviz: optimizers you can see", "optviz：看得见的优化器"),
    "nav.playground": ("Playground", "实验场"),
    "nav.compare": ("Compare", "对比"),
    "nav.sweep": ("Sweep", "超参数扫描"),
    "nav.learn": ("Learn", "学习"),
    "common.language": ("Language", "语言"),
    "common.present": ("Presentation mode", "演示模式"),
    "common.present.help": (
        "Large type, thick lines, high contrast and the sidebar collapsed, for a projector. "
        "The setting is part of the link, so a prepared link opens ready to present.",
        "为投影准备：大号字体、粗线条、高对比度，并收起侧边栏。该设置会写入链接，"
        "因此事先准备好的链接打开时就已处于演示状态。",
    ),
    # the page guard (webui/shell.py): an unexpected error, shown without any technical detail
    "app.error": (
        "Something went wrong while drawing this page with these settings. The details were logged on "
        "the server. Start again from the page's default settings:",
        "用这些设置绘制本页时出错了。详细信息已记录在服务器上。请从本页的默认设置重新开始：",
    ),
    "app.error.reset": ("Reset this page", "重置本页"),
}
