"""A chart as SVG for the web: with its title and description as the text alternative."""

from __future__ import annotations

import re
from xml.dom import minidom

from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Drawing

from analysis.charts.frame import fonts


def to_svg(drawing: Drawing, *, id_prefix: str = "chart") -> str:
    """The drawing as a standalone SVG document with an accessible name.

    Parameters
    ----------
    drawing : Drawing
        A chart from :func:`forest_plot` or :func:`change_bars` (or any Drawing; then the
        title and description are empty unless it has ``title``/``description``).
    id_prefix : str, default "chart"
        Prefix of the element ids, so that several charts can sit inline on one page
        without clashing ids.

    Returns
    -------
    str
        SVG markup: ``role="img"``, ``aria-labelledby`` pointing at ``<title>`` and
        ``<desc>`` that hold the chart's title and its numbers in words; fonts named as a
        CSS font stack; no scripts.
    """
    regular, bold = fonts()
    if not re.fullmatch(r"[A-Za-z][\w-]*", id_prefix):
        raise ValueError(f"id_prefix must be a simple XML name; got {id_prefix!r}.")
    markup = renderSVG.drawToString(drawing)
    document = minidom.parseString(markup.encode("utf-8"))
    svg = document.documentElement
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    for tag, text, node_id in (
        ("title", getattr(drawing, "title", ""), title_id),
        ("desc", getattr(drawing, "description", ""), desc_id),
    ):
        element = svg.getElementsByTagName(tag)[0]
        for child in list(element.childNodes):
            element.removeChild(child)
        element.appendChild(document.createTextNode(text or ""))
        element.setAttribute("id", node_id)
    svg.setAttribute("role", "img")
    svg.setAttribute("aria-labelledby", f"{title_id} {desc_id}")
    for element in svg.getElementsByTagName("*"):
        for name in ("id",):
            if element.hasAttribute(name) and element.getAttribute(name) in ("clip", "group"):
                element.setAttribute(name, f"{id_prefix}-{element.getAttribute(name)}")
        style = element.getAttribute("style")
        if "url(#clip)" in style:
            element.setAttribute("style", style.replace("url(#clip)", f"url(#{id_prefix}-clip)"))
    for script in svg.getElementsByTagName("script"):
        script.parentNode.removeChild(script)
    text = svg.toxml()
    # the embedded PDF font names mean nothing to a browser: give it a font stack
    text = text.replace(
        f"font-family: {bold}", "font-family: 'DejaVu Sans', sans-serif; font-weight: bold"
    )
    text = text.replace(f"font-family: {regular}", "font-family: 'DejaVu Sans', sans-serif")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text
