"""Tell the language of untagged text from its script, and mark runs of Khmer or Thai
inside text of another language (an English note quoting a Khmer word) with their own
``lang``, so that browsers pick a font that renders them."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_KHMER = "\u1780-\u17ff\u19e0-\u19ff"
_THAI = "\u0e00-\u0e7f"
_KHMER_RE = re.compile(f"[{_KHMER}]")
_THAI_RE = re.compile(f"[{_THAI}]")
_VIETNAMESE_RE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")
# A run of one script, with the spaces and punctuation inside it.
_RUNS = re.compile(
    f"([{_KHMER}][{_KHMER}\\s]*[{_KHMER}]|[{_KHMER}])|([{_THAI}][{_THAI}\\s]*[{_THAI}]|[{_THAI}])"
)


def guess_language(text: str) -> str | None:
    """``km``, ``th`` or ``vi`` from the script of ``text``; None for anything else
    (plain Latin text, taken as English)."""
    if _KHMER_RE.search(text):
        return "km"
    if _THAI_RE.search(text):
        return "th"
    if _VIETNAMESE_RE.search(text):
        return "vi"
    return None


def mark_scripts(text: object, lang: str | None = None) -> Markup:
    """``text`` escaped, with Khmer and Thai runs wrapped in ``<span lang>`` unless the
    text is already in that language."""
    source = str(text)
    parts: list[str] = []
    last = 0
    for match in _RUNS.finditer(source):
        run_lang = "km" if match.group(1) else "th"
        if run_lang == lang:
            continue
        parts.append(str(escape(source[last : match.start()])))
        parts.append(f'<span lang="{run_lang}">{escape(match.group(0))}</span>')
        last = match.end()
    parts.append(str(escape(source[last:])))
    return Markup("".join(parts))
