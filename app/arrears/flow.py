"""The flow of a debt (6.12): notify, name a collector past the deadline, settle or sue.

Each step asks for what it records (its `fields`) and checks it, so the state and its facts move together.
"""
from ..i18n import Choices
from ..workflow import Flow, Transition as T, need

ARREARS_STATES = Choices(generated="未催缴", notified="已通知", assigned="已派专人催缴", promised="承诺缴费",
                         paid="已缴清", legal="法律程序")

CHASING = ("notified", "assigned", "promised")
ARREARS_FLOW = Flow(ARREARS_STATES, [  # S2 arrears: notify, name a collector past the deadline, settle or sue
    T("notify", ("已通知业主", "Owner notified"), ("generated",), "notified", ("front_desk", "cashier"),
      guard=lambda r: need(r.pay_deadline, "请先填写交费期限", "Give the payment deadline first")),
    T("assign", ("指定催缴专人", "Assign a collector"), ("notified", "promised"), "assigned", ("cs_supervisor",),
      guard=lambda r: need(r.dunning_staff_id or r.dunning_staff, "请先在表上指定催缴专人", "Name the collector first")),
    T("promise", ("业主承诺缴费", "Owner promised"), ("notified", "assigned"), "promised", ("front_desk", "cashier"),
      needs_comment=True),
    T("pay", ("已缴清", "Paid"), ("generated", *CHASING, "legal"), "paid", ("cashier",), style="success"),
    T("sue", ("转法律程序", "To legal action"), CHASING, "legal", ("cs_manager",), needs_comment=True, style="danger"),
], locked=("paid",))
