"""Interface text of the search page in several languages (gettext catalogues).

The page's strings are English ``msgid``s marked in the template (``_()``, ``{% trans %}``);
each language has a ``search/locale/<lang>/LC_MESSAGES/messages.po`` that translators
edit with any PO tool. The ``.po`` files are compiled in memory when the service starts
(Babel), so no build step is needed. Which language a request gets: ``?ui=ru`` when
given, else the best match of its ``Accept-Language`` header, else English.

Ref: GNU gettext manual, PO files, https://www.gnu.org/software/gettext/manual/ ;
RFC 9110 §12.5.4 (Accept-Language).
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"

#: Interface languages shipped, the default first.
UI_LANGUAGES: tuple[str, ...] = ("en", "ru")
DEFAULT_UI = "en"


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (English or unknown: the msgids themselves).

    Args:
        lang: One of :data:`UI_LANGUAGES`.

    Returns:
        A ``gettext`` translations object (``gettext``/``ngettext`` with the language's
        plural rule, three forms for Russian).
    """
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang not in UI_LANGUAGES or not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def choose_language(ui: str | None, accept_language: str | None) -> str:
    """The interface language for a request.

    Args:
        ui: The ``ui`` query parameter (``"ru"``), or ``None``.
        accept_language: The ``Accept-Language`` header, or ``None``.

    Returns:
        One of :data:`UI_LANGUAGES`.
    """
    if ui in UI_LANGUAGES:
        return ui
    ranked: list[tuple[float, str]] = []
    for n, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag and weight > 0:
            ranked.append((-weight, n, tag.strip()))  # type: ignore[arg-type]
    for *_, tag in sorted(ranked):
        try:
            language = Locale.parse(tag.replace("-", "_")).language
        except (ValueError, UnknownLocaleError):
            continue
        if language in UI_LANGUAGES:
            return language
    return DEFAULT_UI
