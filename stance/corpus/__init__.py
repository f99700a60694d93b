"""The corpus: raw articles, their sentences, gold labels, and the labelled rows models train on.

``articles`` stores raw texts and the sentence table; ``splitter`` turns a
raw text into sentences; ``gold`` reads and writes the gold labels;
``dataset`` joins sentences with labels (``labelled_rows``, ``load_dataset``);
``summary`` counts them.
"""
