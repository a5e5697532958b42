"""Approval flows: states and transitions declared next to their model, performed by one service."""
from .flow import Flow, Refused, Transition, flow_of, may_act, sets
from .service import available, perform

__all__ = ["Flow", "Refused", "Transition", "available", "flow_of", "may_act", "perform", "sets"]
