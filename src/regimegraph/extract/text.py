"""Small helpers over a paper's visible text: sentences, lines, paragraphs, numbers in words."""

from __future__ import annotations

import re

NUMBER_WORDS = {
    "zero": 0, "no": 0, "nil": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}  # fmt: skip
NUMBER = r"(?:\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"


def number(text: str) -> int | None:
    """`12` or `twelve` as 12; anything else None."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    return NUMBER_WORDS.get(text)


_SENTENCE_END = re.compile(
    r"(?<=[.!?;])[\"'\u2019\u201d)]?\s+(?=[A-Z(\"'\u2018\u201c\u2022])|\n\s*\n"
)


def sentence_bounds(text: str, at: int) -> tuple[int, int]:
    """The sentence (or blank-line-separated block) around offset `at`."""
    start = 0
    for match in _SENTENCE_END.finditer(text, 0, at):
        start = match.end()
    following = _SENTENCE_END.search(text, at)
    end = following.start() if following else len(text)
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    while start < end and text[start] in " \t\r\n":
        start += 1
    return start, end


def sentence(text: str, at: int) -> str:
    start, end = sentence_bounds(text, at)
    return text[start:end]


def line_bounds(text: str, at: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return start, len(text) if end < 0 else end


def line_number(text: str, at: int) -> int:
    return text.count("\n", 0, at) + 1


_PARA_NUMBER = re.compile(r"^[ \t\xa0]*(\d{1,2}(?:\.\d{1,2})?)\.?[ \t\xa0]+\S", re.M)


def paragraph_label(text: str, at: int) -> str:
    """The printed number of the paragraph holding `at` ("4", "1.2"), or "header"."""
    label = "header"
    for match in _PARA_NUMBER.finditer(text):
        if match.start() > at:
            break
        label = match.group(1)
    return label


def slugify(text: str) -> str:
    text = text.lower().replace("&", " and ").replace("\u2019", "").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
