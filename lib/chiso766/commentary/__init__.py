"""Commentary: facts are computed first (facts.py), then phrased by templates kept as data."""

from chiso766.commentary.phrase import Sentence, load_recommendations, phrase, templates

__all__ = ["Sentence", "load_recommendations", "phrase", "templates"]
