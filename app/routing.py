"""URL rules that compile their URL builder on first use: Werkzeug compiles two builders per rule as it is added,
and the 1,070 rules of 80 admin views made that a fifth of create_app (issue 12)."""
from werkzeug.routing import Rule


class LazyBuildRule(Rule):
    """A Werkzeug rule whose url_for builders are compiled the first time the rule builds a URL."""

    def _compile_builder(self, append_unknown=True):
        def build(rule, **values):
            compiled = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, "_build_unknown" if append_unknown else "_build", compiled)  # later calls skip this stub
            return compiled(**values)
        return build
