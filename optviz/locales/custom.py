"""Strings for a visitor's own problem: the formula and CSV controls and every rejection message."""

STRINGS = {
    # --- controls ---
    "custom.formula.label": ("Your formula f(x, y)", "你的公式 f(x, y)"),
    "custom.formula.help": (
        "Use x, y, numbers, + - * / ** (power), pi, e and the functions {functions}. "
        "Example: x**2 + 10*sin(y).",
        "可用 x、y、数字、+ - * / **（乘方）、pi、e 以及函数 {functions}。例如：x**2 + 10*sin(y)。",
    ),
    "custom.formula.rejected": ("This formula cannot be used: {message}", "无法使用此公式：{message}"),
    "custom.formula.gradient": ("Exact gradient", "精确梯度"),
    "custom.formula.window": ("Plot window and start point", "绘图范围与起点"),
    "custom.formula.window_help": (
        "Leave a box empty to let the app choose it from where the formula is defined.",
        "留空则由应用根据公式有定义的区域自动选择。",
    ),
    "custom.formula.x_min": ("x from", "x 起"),
    "custom.formula.x_max": ("x to", "x 止"),
    "custom.formula.y_min": ("y from", "y 起"),
    "custom.formula.y_max": ("y to", "y 止"),
    "custom.formula.start_x": ("start x", "起点 x"),
    "custom.formula.start_y": ("start y", "起点 y"),
    "custom.formula.auto": ("auto", "自动"),
    "custom.formula.no_minimum": (
        "The minimum of your formula is unknown, so runs report no convergence step.",
        "你的公式的最小值未知，因此运行不会报告收敛步数。",
    ),
    "custom.csv.label": ("Your (x, y) points as CSV", "以 CSV 上传你的 (x, y) 数据点"),
    "custom.csv.help": (
        "Two columns, x and y, separated by commas, semicolons or tabs; an optional header line. "
        "At most {rows} rows and {megabytes} MB. The file stays in memory and is never saved.",
        "两列 x 与 y，用逗号、分号或制表符分隔，可有一行表头。最多 {rows} 行、{megabytes} MB。"
        "文件只保存在内存中，不会写入磁盘。",
    ),
    "custom.csv.waiting": (
        "Upload a CSV file to fit a line to your own points.",
        "上传 CSV 文件，用你自己的数据点拟合直线。",
    ),
    "custom.csv.rejected": ("This file cannot be used: {message}", "无法使用此文件：{message}"),
    "custom.csv.loaded": (
        "{n} points loaded; least-squares line w = {w:.4g}, b = {b:.4g}.",
        "已载入 {n} 个点；最小二乘直线 w = {w:.4g}，b = {b:.4g}。",
    ),
    "custom.unknown_kind": ("Unknown kind of custom problem: {kind}", "未知的自定义问题类型：{kind}"),
    # --- formula rejections ---
    "custom.formula.not_text": ("a formula must be text, got {kind}", "公式必须是文本，收到的是 {kind}"),
    "custom.formula.empty": ("the formula is empty", "公式为空"),
    "custom.formula.too_long": (
        "the formula has {length} characters; at most {limit} are allowed",
        "公式有 {length} 个字符，最多允许 {limit} 个",
    ),
    "custom.formula.bad_character": (
        "character '{char}' at column {column} is not allowed",
        "第 {column} 列的字符“{char}”不被允许",
    ),
    "custom.formula.caret": (
        "'^' at column {column}: write powers with ** (for example x**2)",
        "第 {column} 列的“^”：乘方请写作 **（例如 x**2）",
    ),
    "custom.formula.syntax": (
        "the formula cannot be read near column {column} (check brackets and operators; write 2*x, not 2x)",
        "第 {column} 列附近无法解析（请检查括号和运算符；应写 2*x 而不是 2x）",
    ),
    "custom.formula.syntax_end": (
        "the formula stops too early: something is missing after column {column} "
        "(for example a number or a bracket after the last operator)",
        "公式过早结束：第 {column} 列之后缺少内容（例如最后一个运算符后面的数字或括号）",
    ),
    "custom.formula.unclosed": (
        "the bracket at column {column} is never closed: add a matching ')'",
        "第 {column} 列的括号没有闭合：请补上对应的“)”",
    ),
    "custom.formula.unmatched": (
        "the ')' at column {column} has no matching '('",
        "第 {column} 列的“)”没有对应的“(”",
    ),
    "custom.formula.too_complex": (
        "the formula is nested too deeply (at most {limit} levels)",
        "公式嵌套过深（最多 {limit} 层）",
    ),
    "custom.formula.too_many_nodes": (
        "the formula has {count} parts; at most {limit} are allowed",
        "公式有 {count} 个组成部分，最多允许 {limit} 个",
    ),
    "custom.formula.too_deep": (
        "the formula is nested too deeply (at most {limit} levels)",
        "公式嵌套过深（最多 {limit} 层）",
    ),
    "custom.formula.operator": (
        "operator {what} at column {column} is not allowed; use + - * / **",
        "第 {column} 列的运算符 {what} 不被允许；请使用 + - * / **",
    ),
    "custom.formula.literal": (
        "a {what} value at column {column} is not allowed; only plain numbers are",
        "第 {column} 列的 {what} 值不被允许；只能使用普通数字",
    ),
    "custom.formula.big_literal": (
        "the number at column {column} is too large (at most {limit})",
        "第 {column} 列的数字过大（最大 {limit}）",
    ),
    "custom.formula.function_needs_call": (
        "'{name}' at column {column} is a function: write {name}(...)",
        "第 {column} 列的“{name}”是函数：请写作 {name}(...)",
    ),
    "custom.formula.name": (
        "unknown name '{name}' at column {column}; allowed names: {allowed}",
        "第 {column} 列的名称“{name}”未知；允许的名称：{allowed}",
    ),
    "custom.formula.function": (
        "'{name}' at column {column} is not an allowed function; allowed: {allowed}",
        "第 {column} 列的“{name}”不是允许的函数；允许：{allowed}",
    ),
    "custom.formula.arity": (
        "{name}(...) at column {column} takes exactly one argument",
        "第 {column} 列的 {name}(...) 只接受一个参数",
    ),
    "custom.formula.construct": (
        "{what} at column {column} is not allowed in a formula",
        "公式中不允许使用第 {column} 列的 {what}",
    ),
    "custom.formula.big_exponent": (
        "the exponent at column {column} is too large (at most {limit} in size)",
        "第 {column} 列的指数过大（绝对值最大 {limit}）",
    ),
    "custom.formula.constant_undefined": (
        "the constant part at column {column} is undefined or too large (e.g. division by zero)",
        "第 {column} 列的常数部分无定义或过大（例如除以零）",
    ),
    "custom.formula.constant": (
        "the formula does not depend on x or y, so there is nothing to optimise",
        "公式不含 x 或 y，没有可以优化的内容",
    ),
    "custom.formula.gradient_too_big": (
        "the gradient of this formula is too large to compute (more than {limit} parts)",
        "此公式的梯度过于庞大（超过 {limit} 个组成部分）",
    ),
    "custom.formula.not_differentiable": (
        "the formula cannot be differentiated in closed form",
        "此公式无法求出解析导数",
    ),
    "custom.formula.complex": (
        "the formula or its gradient takes complex values (for example a negative number to the power x)",
        "公式或其梯度取复数值（例如负数的 x 次方）",
    ),
    "custom.formula.too_slow": (
        "the formula took {seconds} s to evaluate on the plot grid; the limit is {budget} s",
        "公式在绘图网格上求值耗时 {seconds} 秒，上限为 {budget} 秒",
    ),
    "custom.formula.undefined": (
        "the formula is not defined (or not finite) on an area of [-{box}, {box}] x [-{box}, {box}]",
        "公式在 [-{box}, {box}] x [-{box}, {box}] 内没有一块有定义（有限）的区域",
    ),
    "custom.formula.flat": (
        "the gradient is zero or undefined everywhere in the window",
        "窗口内梯度处处为零或无定义",
    ),
    "custom.formula.bad_window": ("the window must be four numbers", "绘图范围必须是四个数"),
    "custom.formula.window_range": (
        "the window must be finite and inside [-{limit}, {limit}]",
        "绘图范围必须有限且位于 [-{limit}, {limit}] 之内",
    ),
    "custom.formula.window_order": (
        "the window needs x from < x to and y from < y to",
        "绘图范围需要 x 起 < x 止，且 y 起 < y 止",
    ),
    "custom.formula.bad_start": ("the start point must be two finite numbers", "起点必须是两个有限的数"),
    "custom.formula.start_outside": (
        "the start point must lie inside |x|, |y| <= {limit} (beyond it a run counts as diverged)",
        "起点必须位于 |x|, |y| <= {limit} 之内（超出此范围的运行视为发散）",
    ),
    "custom.formula.sparse": (
        "the formula is finite on only {percent}% of the window (at least {least}% is needed to draw it); "
        "choose a window where it is defined",
        "公式只在窗口的 {percent}% 上取有限值（至少需要 {least}% 才能绘制）；请选择公式有定义的窗口",
    ),
    "custom.formula.abs_nesting": (
        "abs(...) is nested {depth} levels deep; at most {limit} are allowed (the exact gradient would "
        "take too long to work out)",
        "abs(...) 嵌套了 {depth} 层；最多允许 {limit} 层（否则精确梯度的推导耗时过长）",
    ),
    "custom.formula.symbolic_too_slow": (
        "working out the exact gradient took more than {budget} s; try a simpler formula",
        "推导精确梯度超过了 {budget} 秒；请尝试更简单的公式",
    ),
    "custom.formula.gradient_too_large": (
        "the gradient is larger than {limit} everywhere it is defined in the window; scale the formula down",
        "窗口内凡有定义处梯度都大于 {limit}；请缩小公式的量级",
    ),
    "custom.formula.start_undefined": (
        "the formula or its gradient is not finite at the start point ({x}, {y})",
        "公式或其梯度在起点 ({x}, {y}) 处不是有限值",
    ),
    # --- CSV rejections ---
    "custom.csv.not_bytes": ("expected the file's bytes, got {kind}", "需要文件的字节内容，收到的是 {kind}"),
    "custom.csv.too_big": (
        "the file has {size} bytes; at most {limit} are allowed",
        "文件有 {size} 字节，最多允许 {limit} 字节",
    ),
    "custom.csv.empty": ("the file is empty", "文件为空"),
    "custom.csv.binary": (
        "the file contains NUL bytes; it is not a text CSV file",
        "文件包含 NUL 字节，不是文本 CSV 文件",
    ),
    "custom.csv.encoding": ("line {line}: the text is not valid UTF-8", "第 {line} 行：文本不是有效的 UTF-8"),
    "custom.csv.separator": (
        "line {line}: expected two values separated by a comma, semicolon or tab",
        "第 {line} 行：需要两个用逗号、分号或制表符分隔的值",
    ),
    "custom.csv.columns": (
        "line {line}: expected 2 values (x, y), found {found}",
        "第 {line} 行：需要 2 个值 (x, y)，实际有 {found} 个",
    ),
    "custom.csv.not_number": (
        "line {line}: the {axis} value '{cell}' is not a number",
        "第 {line} 行：{axis} 值“{cell}”不是数字",
    ),
    "custom.csv.too_large": (
        "line {line}: the {axis} value '{cell}' is not finite or larger than {limit} in size",
        "第 {line} 行：{axis} 值“{cell}”不是有限值或绝对值超过 {limit}",
    ),
    "custom.csv.too_many_rows": (
        "line {line}: the file has more than {limit} data rows",
        "第 {line} 行：文件的数据行超过 {limit} 行",
    ),
    "custom.csv.too_few_rows": (
        "the file has {found} data rows; at least 2 are needed",
        "文件只有 {found} 行数据，至少需要 2 行",
    ),
    "custom.csv.same_x": (
        "all x values are the same; a line needs at least 2 distinct x values",
        "所有 x 值都相同；拟合直线至少需要 2 个不同的 x 值",
    ),
    "custom.csv.degenerate": (
        "no usable least-squares line: the points are too close together or too far from 0",
        "无法得到可用的最小二乘直线：数据点过于接近或离 0 太远",
    ),
}
