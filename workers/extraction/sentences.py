"""Sentences of an article: blocks cut at line breaks, then spaCy's sentences inside each block.

A line break ends a sentence even without a full stop (headings, captions, list items). Every
offset is into the original text, so ``text[s.start:s.end]`` is exactly the sentence ``s``.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Span


class ExtractionInputError(ValueError):
    """The text cannot be split: empty, or more than the pipeline accepts. Never worth a retry."""


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    span: Span

    @property
    def offset(self) -> int:
        """Add to an offset into ``span.doc.text`` to get one into the article."""
        return self.start - self.span.start_char


def iter_blocks(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(offset, line)`` for each non-blank line, trimmed, with its offset in ``text``."""
    offset = 0
    for raw_line in text.splitlines(keepends=True):
        stripped = raw_line.strip()
        if stripped:
            yield offset + raw_line.index(stripped[0]), stripped
        offset += len(raw_line)


def split_sentences(nlp: Language, text: str, *, batch_size: int = 16) -> list[Sentence]:
    """Cut ``text`` into sentences; a line break always ends one."""
    if not text or not text.strip():
        raise ExtractionInputError("the article has no text to split")
    blocks = list(iter_blocks(text))
    longest = max(len(block) for _, block in blocks)
    if longest > nlp.max_length:
        raise ExtractionInputError(
            f"a paragraph of {longest:,} characters is longer than the "
            f"{nlp.max_length:,} the language pipeline accepts"
        )
    sentences: list[Sentence] = []
    docs = nlp.pipe((block for _, block in blocks), batch_size=batch_size)
    for (offset, _), doc in zip(blocks, docs, strict=True):
        for sent in doc.sents:
            span = _trim(sent)
            if span is not None:
                sentences.append(
                    Sentence(start=offset + span.start_char, end=offset + span.end_char, span=span)
                )
    return sentences


def _trim(sent: Span) -> Span | None:
    """Drop whitespace tokens from the span's edges; None when nothing else is left."""
    tokens = [t for t in sent if not t.is_space]
    if not tokens:
        return None
    return sent.doc[tokens[0].i : tokens[-1].i + 1]
