"""The analysis charts as inline SVG that the Content-Security-Policy allows.

``analysis.charts.to_svg`` writes reportlab's SVG, which styles shapes with ``style="..."``
attributes; ``style-src 'self'`` blocks those. SVG presentation attributes (``fill="#123"``)
say the same and are not styles, so each declaration becomes an attribute.
"""

from __future__ import annotations

import re
from xml.dom import minidom

# CSS properties that are also SVG presentation attributes (SVG 1.1, section 6.4).
PRESENTATION = {
    "clip-path",
    "clip-rule",
    "color",
    "fill",
    "fill-opacity",
    "fill-rule",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "opacity",
    "stroke",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-opacity",
    "stroke-width",
    "text-anchor",
    "visibility",
}


def inline_svg(svg_document: str) -> str:
    """An SVG document from ``to_svg`` as markup to put inside HTML: no prolog, no style=.

    The chart fills the width of its container and keeps its proportions (viewBox), so it
    fits a phone screen.
    """
    document = minidom.parseString(svg_document.encode("utf-8"))
    root = document.documentElement
    if root.hasAttribute("viewBox"):
        root.setAttribute("width", "100%")
        root.removeAttribute("height")
    for element in document.documentElement.getElementsByTagName("*"):
        _style_to_attributes(element)
    _style_to_attributes(document.documentElement)
    for node in document.documentElement.getElementsByTagName("script"):
        node.parentNode.removeChild(node)
    return document.documentElement.toxml()


def _style_to_attributes(element) -> None:
    if not element.hasAttribute("style"):
        return
    for declaration in element.getAttribute("style").split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name in PRESENTATION and value and not re.search(r"[<>\"]", value):
            element.setAttribute(name, value)
    element.removeAttribute("style")
