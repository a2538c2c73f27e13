"""UI strings about modifiers (Lookahead, SAM, Cautious): (english, chinese)."""

STRINGS = {
    "modifiers.inside": (" Inside: ", " 内层："),
    "playground.modifiers": ("**Modifiers** (wrap the optimizer)", "**修饰器**（包在优化器外面）"),
    "playground.modifiers_help": (
        "Lookahead, SAM and Cautious change any optimizer's step: switch one on and its settings appear "
        "under the optimizer's. Several together wrap each other in the order listed.",
        "Lookahead、SAM 和 Cautious 可以改变任何优化器的更新：打开一个，它的设置就会出现在优化器的设置下面。"
        "同时打开几个时，按列出的顺序一层包一层。",
    ),
}
