"""Computed columns and row rules of a mapping: small expressions over a file's headers, evaluated in the engine.

A mapping (or preset) may compute a canonical column instead of naming a header, and may skip rows::

    [orders.computed]
    amount = "number([販売価格]) * number([数量])"
    ordered_at = "datetime([日付], [注文時間])"
    customer_id = "email_key([メールアドレス], 'shop:')"

    [[orders.skip]]
    when = "empty([商品コード])"
    reason = "送料・手数料の行"

The syntax is Python's expression syntax with ``[header]`` for a cell of the file (``[送料#2]`` is the second
column named 送料; ``[Lineitem discount?]`` is empty where the file has no such column). Allowed: numbers and 'text', ``+ - * /``, comparisons (``== != < <= > >= in``, ``not in``),
``and or not``, lists such as ``['a', 'b']`` (after ``in``), ``a if condition else b`` and the functions of :data:`FUNCTIONS`. Cells are text; arithmetic
and comparisons with a number read them as numbers (``¥1,980`` → 1980). Nothing else is accepted — no names,
attributes or other calls — so a mapping file can never run code. Each expression becomes one Ibis expression
over the file's rows: nothing is evaluated row by row in Python.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from teiki.io.parse import parse_number, parse_timestamp

HEADER = re.compile(r"\[(?!\s*['\"0-9.+-])([^\[\]]+)\]")  # [header]; ['a', 'b'] and [1, 2] stay lists
PLACEHOLDER = "__header_{}"


class ExpressionError(ValueError):
    """An expression that is not in the language; the message says what and where."""


def _text(value: ir.Value) -> ir.StringValue:
    return value if value.type().is_string() else value.cast("string")


def _blank(value: ir.Value) -> ir.BooleanValue:
    if not value.type().is_string():
        return value.isnull()
    return value.isnull() | (value.strip() == "")


def _number(value: ir.Value) -> ir.FloatingValue:
    if value.type().is_numeric():
        return value.cast("float64")
    return parse_number(_text(value).strip().nullif(""))


def _datetime(date: ir.Value, time: ir.Value | None = None) -> ir.StringValue:
    """A date cell and a time cell (``103309``, ``10:33:09``, ``10:33``) as one ``YYYY-MM-DD hh:mm:ss`` text."""
    day = parse_timestamp(_text(date).strip().nullif("")).date().cast("string")
    if time is None:
        return day + " 00:00:00"
    digits = _text(time).re_replace(r"\D", "")
    digits = ibis.cases((digits.length() <= 4, digits.rpad(digits.length() + 2, "0")), else_=digits).lpad(6, "0")
    clock = digits.substr(0, 2) + ":" + digits.substr(2, 2) + ":" + digits.substr(4, 2)
    return ibis.cases((_blank(time), day + " 00:00:00"), else_=day + " " + clock)


def email_key(value: ir.Value, prefix: str = "email:") -> ir.StringValue:
    """A customer key from an e-mail address, never the address itself: ``prefix`` + the first 16 hex digits of
    MD5(the address trimmed and lower-cased); null for a blank cell."""
    address = _text(value).strip().lower().nullif("")
    return ibis.cases((address.notnull(), prefix + address.hexdigest("md5").substr(0, 16)))


def _concat(*parts: ir.Value) -> ir.StringValue:
    out = _text(parts[0]).fill_null("")
    for part in parts[1:]:
        out = out + _text(part).fill_null("")
    return out


def _coalesce(*parts: ir.Value) -> ir.Value:
    cleaned = [p.strip().nullif("") if p.type().is_string() else p for p in parts]
    if len({p.type().is_string() for p in cleaned}) > 1:
        cleaned = [_text(p) for p in cleaned]
    return ibis.coalesce(*cleaned)


def _round(value: ir.Value, digits: ir.Value | None = None) -> ir.FloatingValue:
    return _number(value).round(0 if digits is None else int(digits.op().value)).cast("float64")


#: name → (function, fewest arguments, most arguments)
FUNCTIONS: dict[str, tuple[Callable[..., ir.Value], int, int]] = {
    "number": (_number, 1, 1),                         # the cell read as a number (null when unreadable)
    "text": (_text, 1, 1),                             # the value as text
    "datetime": (_datetime, 1, 2),                     # a date cell (+ a time cell) as one timestamp text
    "email_key": (email_key, 1, 2),                    # a hashed, normalised e-mail key (see email_key)
    "concat": (_concat, 1, 20),                        # texts joined (blanks as "")
    "coalesce": (_coalesce, 1, 20),                    # the first non-blank value
    "empty": (_blank, 1, 1),                           # true for a blank cell
    "lower": (lambda v: _text(v).lower(), 1, 1),
    "upper": (lambda v: _text(v).upper(), 1, 1),
    "strip": (lambda v: _text(v).strip(), 1, 1),
    "round": (_round, 1, 2),                           # to whole yen (or ``digits`` decimals)
    "floor": (lambda v: _number(v).floor().cast("float64"), 1, 1),
    "ceil": (lambda v: _number(v).ceil().cast("float64"), 1, 1),
}

_BINARY = {ast.Add: "__add__", ast.Sub: "__sub__", ast.Mult: "__mul__", ast.Div: "__truediv__"}
_COMPARE = {ast.Eq: "__eq__", ast.NotEq: "__ne__", ast.Lt: "__lt__", ast.LtE: "__le__", ast.Gt: "__gt__",
            ast.GtE: "__ge__"}


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its source text, the headers it reads (``name?`` for optional ones), and its tree."""

    source: str
    names: tuple[str, ...]
    tree: ast.expr

    @property
    def headers(self) -> tuple[str, ...]:
        """The headers the file must have."""
        return tuple(n for n in self.names if not n.endswith("?"))

    @property
    def optional_headers(self) -> tuple[str, ...]:
        """The headers read when the file has them (empty cells otherwise)."""
        return tuple(n.removesuffix("?") for n in self.names if n.endswith("?"))

    def evaluate(self, cell: Callable[[str], ir.Value]) -> ir.Value:
        """The expression over the file's rows; ``cell(header)`` gives a header's column."""
        return _Evaluator(self, cell).visit(self.tree)


def compile_expression(source: str) -> Expression:
    """Parse ``source`` (see the module docstring); :class:`ExpressionError` when it is not in the language."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("an expression must be a non-empty text")
    headers: list[str] = []

    def placeholder(match: re.Match) -> str:
        name = match.group(1).strip()
        if name not in headers:
            headers.append(name)
        return PLACEHOLDER.format(headers.index(name))

    try:
        tree = ast.parse("(" + HEADER.sub(placeholder, source.strip()) + "\n)", mode="eval").body  # may span lines
    except SyntaxError as exc:
        raise ExpressionError(f"{source!r} is not a valid expression ({exc.msg})") from None
    _check(tree, source, len(headers))
    return Expression(source, tuple(headers), tree)


def _check(node: ast.AST, source: str, n_headers: int) -> None:
    """Refuse every syntax outside the language, before anything runs."""
    allowed = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call, ast.Name,
               ast.Constant, ast.List, ast.Tuple, ast.Load, ast.And, ast.Or, ast.Not, ast.USub, ast.UAdd,
               ast.In, ast.NotIn, *_BINARY, *_COMPARE)
    for child in ast.walk(node):
        if not isinstance(child, allowed):
            raise ExpressionError(f"{source!r}: {type(child).__name__} is not allowed in an expression")
        if isinstance(child, ast.Constant) and not isinstance(child.value, str | int | float | bool | None):
            raise ExpressionError(f"{source!r}: only numbers and 'text' may be written as values")
        if isinstance(child, ast.Call):
            name = child.func.id if isinstance(child.func, ast.Name) else None
            if name not in FUNCTIONS or child.keywords:
                raise ExpressionError(f"{source!r}: unknown function {ast.unparse(child.func)} "
                                      f"(allowed: {', '.join(FUNCTIONS)})")
            _, least, most = FUNCTIONS[name]
            if not least <= len(child.args) <= most:
                raise ExpressionError(f"{source!r}: {name}() takes {least}–{most} argument(s)")
        if isinstance(child, ast.Name) and not _is_function_name(child, node):
            if not (child.id.startswith("__header_") and int(child.id.removeprefix("__header_")) < n_headers):
                raise ExpressionError(f"{source!r}: {child.id} is not a header; write a header as [{child.id}]")


def _is_function_name(name: ast.Name, root: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and n.func is name for n in ast.walk(root))


class _Evaluator(ast.NodeVisitor):
    def __init__(self, expression: Expression, cell: Callable[[str], ir.Value]) -> None:
        self.expression = expression
        self.cell = cell

    def visit_Name(self, node: ast.Name) -> ir.Value:
        return self.cell(self.expression.names[int(node.id.removeprefix("__header_"))])

    def visit_Constant(self, node: ast.Constant) -> ir.Value:
        if node.value is None:
            return ibis.null("string")
        return ibis.literal(node.value)

    def visit_BinOp(self, node: ast.BinOp) -> ir.Value:
        left, right = _number(self.visit(node.left)), _number(self.visit(node.right))
        if isinstance(node.op, ast.Div):
            return ibis.cases((right != 0, left / right))
        return getattr(left, _BINARY[type(node.op)])(right)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ir.Value:
        value = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return ~value
        return -_number(value) if isinstance(node.op, ast.USub) else _number(value)

    def visit_BoolOp(self, node: ast.BoolOp) -> ir.Value:
        values = [self.visit(v) for v in node.values]
        out = values[0]
        for value in values[1:]:
            out = (out & value) if isinstance(node.op, ast.And) else (out | value)
        return out

    def visit_Compare(self, node: ast.Compare) -> ir.Value:
        out = None
        left = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                items = comparator.elts if isinstance(comparator, ast.List | ast.Tuple) else None
                if items is None:
                    raise ExpressionError(f"{self.expression.source!r}: 'in' takes a list such as ['a', 'b']")
                wanted = [self.visit(i) for i in items]
                numeric = any(w.type().is_numeric() for w in wanted)
                subject = _number(left) if numeric else _text(left).strip()
                test = subject.isin(wanted)
                test = ~test if isinstance(op, ast.NotIn) else test
            else:
                right = self.visit(comparator)
                if left.type().is_numeric() or right.type().is_numeric():
                    a, b = _number(left), _number(right)
                else:
                    a, b = _text(left).strip(), _text(right).strip()
                test = getattr(a, _COMPARE[type(op)])(b)
                left = right
            out = test if out is None else out & test
        return out.fill_null(False)

    def visit_IfExp(self, node: ast.IfExp) -> ir.Value:
        then, otherwise = self.visit(node.body), self.visit(node.orelse)
        if then.type() != otherwise.type():
            then, otherwise = _text(then), _text(otherwise)
        return ibis.cases((self.visit(node.test).fill_null(False), then), else_=otherwise)

    def visit_Call(self, node: ast.Call) -> ir.Value:
        function, _, _ = FUNCTIONS[node.func.id]
        return function(*(self.visit(a) for a in node.args))

    def generic_visit(self, node: ast.AST) -> ir.Value:  # pragma: no cover - _check refused it already
        raise ExpressionError(f"{self.expression.source!r}: {type(node).__name__} is not allowed")
