"""A person's browser without a browser: requests with cookies, forms read from HTML."""

from html.parser import HTMLParser
from urllib.parse import urljoin

import requests


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""),
                               "method": attrs.get("method", "get").lower(), "fields": {}})
        elif tag in ("input", "select") and self.forms and attrs.get("name"):
            fields = self.forms[-1]["fields"]
            if attrs.get("type") == "radio":
                if "checked" in attrs:
                    fields[attrs["name"]] = attrs.get("value", "")
                else:
                    fields.setdefault(attrs["name"], None)
            elif tag == "input":
                fields[attrs["name"]] = attrs.get("value", "")
            else:
                fields.setdefault(attrs["name"], "")


def forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


class Browser:
    """Follows no redirect by itself, so a test sees where each answer points."""

    def __init__(self, session: requests.Session | None = None):
        self.session = session or requests.Session()

    def get(self, url: str) -> requests.Response:
        return self.session.get(url, allow_redirects=False, timeout=10)

    def submit(self, page: requests.Response, choices: dict, form_index: int = 0
               ) -> requests.Response:
        """Fill the page's form (hidden fields and CSRF token kept) and post it."""
        form = forms(page.text)[form_index]
        data = {name: value for name, value in form["fields"].items() if value is not None}
        data.update(choices)
        action = urljoin(page.url, form["action"] or page.url)
        return self.session.post(action, data=data, allow_redirects=False, timeout=10,
                                 headers={"Referer": page.url})

    def close(self):
        self.session.close()
