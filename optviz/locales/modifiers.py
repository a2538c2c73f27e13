"""UI strings about modifiers (Lookahead, SAM, Cautious): (english, chinese)."""

STRINGS = {
    "modifiers.inside": (" Inside: ", " 内层："),
}
