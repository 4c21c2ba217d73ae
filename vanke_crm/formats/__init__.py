"""Format overrides per language (FORMAT_MODULE_PATH).

Date and datetime inputs are ``<input type="date">`` / ``datetime-local``: the browser shows them in
the user's locale but only accepts ISO values in the ``value`` attribute. Django renders a widget's
value with the first input format of the language, so ISO comes first in every language; otherwise a
zh-hans form renders ``1993/07/15``, the browser drops it and saving erases the date.
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
]
