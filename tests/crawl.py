"""The text a reader sees on a page, for the crawls that check every page speaks one language."""
import json
import re
from html.parser import HTMLParser

SHOWN_ATTRIBUTES = ("placeholder", "title", "alt", "data-placeholder")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
NEVER_SHOWN = {"script", "style", "noscript"}
# the list's filter menu, kept as JSON for the script that draws it
FILTER_GROUPS = re.compile(r'<div id="(?:filter-groups|active-filters)-data" class="d-none">(.*?)</div>', re.S)
# hidden blocks: the blank line item Flask-Admin keeps as escaped HTML, copied when a line is added
HIDDEN_CLASSES = {"d-none", "hide", "inline-field-template"}


class ShownText(HTMLParser):
    """Text nodes, placeholders, titles and button values, leaving out what `skip(tag, attrs)` says is data."""

    def __init__(self, skip=lambda tag, attrs: False):
        super().__init__()
        self.parts, self.stack, self.skip = [], [], skip

    @property
    def skipping(self):
        return any(skipped for _, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = HIDDEN_CLASSES & set((attrs.get("class") or "").split())
        skipped = tag in NEVER_SHOWN or bool(hidden) or self.skip(tag, attrs)
        if not (self.skipping or skipped):
            self.parts += [attrs[name] for name in SHOWN_ATTRIBUTES if attrs.get(name)]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in VOID:
            self.stack.append((tag, skipped))

    def handle_endtag(self, tag):
        if any(open_tag == tag for open_tag, _ in self.stack):
            while self.stack and self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data.strip())


def filter_names(html):
    """The filter names and operations the filter menu will draw."""
    out = []
    for blob in FILTER_GROUPS.findall(html):
        data = json.loads(blob)
        if isinstance(data, dict):
            for group, filters in data.items():
                out.append(group)
                for flt in filters:
                    out.append(flt["operation"])
                    out += [label for _, label in flt.get("options") or ()]
    return out


def shown_text(html, skip=lambda tag, attrs: False):
    """Every piece of text a reader of the page can see, including the menus its scripts draw."""
    names = filter_names(html)
    parser = ShownText(skip)
    parser.feed(FILTER_GROUPS.sub("", html))
    return parser.parts + names
