"""Who said what across a news archive: articles in, one Parquet row per sentence out.

The pipeline, one module per step:

- :mod:`stance.archive.source` reads an archive (JSONL, CSV or Parquet, one
  article a row) in numbered blocks of rows, each row checked on its own so a
  bad one is reported with its row number and id instead of sinking the file;
- :mod:`stance.archive.analyse` splits an article with the corpus splitter,
  finds each sentence's speaker and predicts stances with a saved model;
- :mod:`stance.archive.run` drives it in one process, a block at a time, into
  atomically written Parquet shards recorded in a manifest (so ``--resume``
  neither repeats nor loses articles); :mod:`stance.archive.on_ray` runs the
  same block functions on Ray Data;
- :mod:`stance.archive.aggregate` turns the shards into the actor table,
  by-year and by-outlet breakdowns, a chart and GraphML with DuckDB.
"""
