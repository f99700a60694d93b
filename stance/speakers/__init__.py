"""Who says each sentence: a rule-based speaker finder with article-level state.

``find_speakers(sentences)`` returns one :class:`Attribution` per sentence
(speaker, speaker_type, the rule and cue that decided, a confidence);
``find_speakers_in_text(raw)`` does the same for a plain text. The rules are
described in :mod:`stance.speakers.finder` and :mod:`stance.speakers.cues`,
names in :mod:`stance.speakers.names`.
"""

from stance.speakers.finder import Attribution, find_speakers, find_speakers_in_text

__all__ = ["Attribution", "find_speakers", "find_speakers_in_text"]
