"""Codecs: the same verbs (``encode``, ``decode``, ``encode_lines``, ``decode_lines``) per format."""
