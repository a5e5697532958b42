"""Percentages as the manual's figures are written: one decimal, and none when there is nothing to divide by."""
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

TENTH = Decimal("0.1")


def rate(part, whole):
    """part ÷ whole × 100 with one decimal; None (shown "—") when there is nothing to divide by."""
    if not whole:
        return None
    return float((Decimal(part or 0) * 100 / Decimal(whole)).quantize(TENTH, ROUND_HALF_UP))


def counted(condition):
    """COUNT(*) FILTER (WHERE condition): one aggregate per figure in a single query."""
    return sa.func.count().filter(condition)
