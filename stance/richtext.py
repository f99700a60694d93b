"""Data on the terminal shown literally: one helper for every table cell and data-carrying line.

rich parses a plain ``str`` as markup, so a sentence such as "cover [IT]
staff, or [the] IT function" loses "[the]" (a tag to rich) when passed to
``Table.add_row`` or ``Console.print``. Article text, speakers, titles, model
and file names are data; they go through :func:`cell`, which builds a
:class:`rich.text.Text` that is never parsed. Styles are given as arguments,
not written into the string.
"""

from __future__ import annotations

from rich.text import Text

#: A part of a cell: plain text, or ``(text, style)``.
Part = str | tuple[str, str]


def cell(*parts: Part | None, style: str = "") -> Text:
    """``parts`` joined into one unparsed :class:`Text`; ``None`` parts are left out.

    ``cell(name)`` for a plain cell, ``cell(name, style="bold")`` for a styled
    one, ``cell(speaker, "\\n", (f"gold: {gold}", "red"))`` for mixed styles.
    """
    return Text.assemble(*(part for part in parts if part is not None), style=style)
