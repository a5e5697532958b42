"""Approval flows: states and transitions declared next to their model, performed by one service."""
from .flow import Flow, Refused, Transition, flow_of, may_act, need, sets
from .service import available, decision_rule, finish, follow, lock_reason, may_take, move, perform, press

__all__ = ["Flow", "Refused", "Transition", "available", "decision_rule", "flow_of", "finish", "follow", "lock_reason",
           "may_act", "may_take", "move", "need", "perform", "press", "sets"]
