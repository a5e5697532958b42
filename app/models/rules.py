"""Rules that span several fields of one form; the view checks them before anything is saved."""
from ..i18n import text
from ..validators import ID_DOC_RULES


class Rule:
    """A check over the submitted values that names the field its message belongs to."""

    def __init__(self, field, check, zh, en, repair=None):
        self.field, self.check, self.zh, self.en = field, check, zh, en
        self.repair = repair  # how the demo generator mends values that break the rule

    def errors(self, data):
        """Yield (field, message) when the values break the rule."""
        try:
            ok = self.check(data)
        except TypeError:  # a value missing or of the wrong type: field validators report it
            ok = True
        if not ok:
            yield self.field, text(self.zh, self.en)


def _blank(value):
    """Nothing given: an empty value, or an unticked box where a tick is required."""
    return value is None or value is False or value == "" or value == []


def date_order(start, end):
    """V-DATES: the end is not before the start."""
    return Rule(end, lambda d: _blank(d.get(start)) or _blank(d.get(end)) or d[end] >= d[start],
                "结束时间不能早于开始时间", "The end cannot be before the start",
                repair=lambda d: d.update({end: d[start]}))


def not_more(small, big, zh="不能超过", en="Cannot exceed"):
    """One amount may not exceed another (e.g. refund ≤ deposit)."""
    return Rule(small, lambda d: _blank(d.get(small)) or _blank(d.get(big)) or d[small] <= d[big],
                zh, en, repair=lambda d: d.update({small: d[big]}))


def required_if(field, condition, zh="此项为必填项", en="This field is required"):
    """The field is required when condition(data) holds."""
    return Rule(field, lambda d: not condition(d) or not _blank(d.get(field)), zh, en)


def equals(field, *values):
    """A condition for required_if: the field holds one of the values."""
    return lambda d: d.get(field) in values


def id_document(type_field, number_field):
    """V-IDDOC: the number is checked by the document type chosen."""

    def check(d):
        kind, number = d.get(type_field), d.get(number_field)
        return _blank(number) or _blank(kind) or ID_DOC_RULES.get(kind, ID_DOC_RULES["other"])(number)

    return Rule(number_field, check, "证件号码与证件类型不符(身份证须18位且校验位正确)",
                "The number does not match the document type (a resident ID has 18 characters and a check digit)",
                repair=lambda d: d.update({type_field: "cn_id"}))
