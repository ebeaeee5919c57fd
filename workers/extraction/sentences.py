"""Sentences of an article: blocks cut at line breaks, then spaCy's sentences inside each block.

A line break ends a sentence even without a full stop (headings, captions, list items). Every
offset is into the original text, so ``text[s.start:s.end]`` is exactly the sentence ``s``.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.attrs import ENT_IOB
from spacy.language import Language
from spacy.tokens import Doc, Span

# A block with more sentences than this is not a paragraph (see ``split_sentences``).
MAX_SENTENCES_PER_DOC = 50


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


def split_sentences(
    nlp: Language, text: str, *, batch_size: int = 16, deferred: Sequence[str] = ()
) -> list[Sentence]:
    """Cut ``text`` into sentences; a line break always ends one.

    The components named in ``deferred`` (e.g. "ner") do not run here; the caller runs them
    later (``complete_parse``) on the lines that need them. A line long enough to be cut into
    Docs of its own runs them now, since its sentences are copied out of it."""
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
    docs = nlp.pipe((block for _, block in blocks), batch_size=batch_size, disable=deferred)
    for (offset, _), doc in zip(blocks, docs, strict=True):
        sents = list(doc.sents)
        if deferred and len(sents) > MAX_SENTENCES_PER_DOC:
            complete_parse(nlp, [doc], deferred, batch_size=batch_size)
        # Later steps read entities and noun chunks through ``span.doc``, which spaCy walks
        # whole: fine for a paragraph, quadratic for a line of thousands of sentences. Sentences
        # of such a line get a Doc of their own (they lose only the paragraph's context).
        head: list[Any] = list(doc._get_array_attrs())
        array = doc.to_array(head) if len(sents) > MAX_SENTENCES_PER_DOC else None
        for sent in sents:
            span = _trim(sent)
            if span is not None:
                start, end = offset + span.start_char, offset + span.end_char
                if array is not None:
                    span = _own_doc(span, head, array)
                sentences.append(Sentence(start=start, end=end, span=span))
    return sentences


def complete_parse(
    nlp: Language, docs: Sequence[Doc], components: Sequence[str], *, batch_size: int = 16
) -> None:
    """Run the deferred ``components`` over ``docs`` in place, in pipeline order."""
    for name in nlp.pipe_names:
        if name in components:
            component: Any = nlp.get_pipe(name)  # a trainable pipe: it has ``pipe``
            for _ in component.pipe(docs, batch_size=batch_size):
                pass


def _own_doc(span: Span, head: list[Any], array: Any) -> Span:
    """``span.as_doc()[:]`` in time proportional to the span: ``as_doc`` reads ``span.ents``,
    which walks the whole parent Doc. ``array`` is the parent's ``to_array(head)``, made once."""
    doc = Doc(
        span.doc.vocab, words=[t.text for t in span], spaces=[bool(t.whitespace_) for t in span]
    )
    part = array[span.start : span.end].copy()
    # Heads outside the sentence are re-attached inside it (spaCy's own step in as_doc).
    span._fix_dep_copy(head, part)  # type: ignore[attr-defined]
    iob = head.index(ENT_IOB)
    if len(part) and part[0][iob] == 1:  # an entity begun before the span begins in it
        part[0][iob] = 3
    doc.from_array(head, part)
    doc.noun_chunks_iterator = span.doc.noun_chunks_iterator  # type: ignore[attr-defined]
    doc.tensor = span.doc.tensor[span.start : span.end]
    return doc[:]


def _trim(sent: Span) -> Span | None:
    """Drop whitespace tokens from the span's edges; None when nothing else is left."""
    tokens = [t for t in sent if not t.is_space]
    if not tokens:
        return None
    return sent.doc[tokens[0].i : tokens[-1].i + 1]
