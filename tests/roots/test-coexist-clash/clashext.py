"""A stand-in for another extension that registers two of techspec's generic names."""

from docutils import nodes
from docutils.parsers.rst import Directive


class Component(Directive):
    """``component``: a UI widget, this extension's way."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True

    def run(self):
        return [
            nodes.container("", nodes.paragraph(text=f"widget {self.arguments[0]}"), classes=["clashext-component"])
        ]


class Timeout(Directive):
    """``timeout``: a note saying how long an example takes."""

    required_arguments = 1
    final_argument_whitespace = True

    def run(self):
        return [nodes.paragraph(text=f"takes {self.arguments[0]}", classes=["clashext-timeout"])]


def setup(app):
    app.add_directive("component", Component)
    app.add_directive("timeout", Timeout)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
