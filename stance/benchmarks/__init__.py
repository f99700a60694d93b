"""External benchmarks: readers for other labelled datasets and the TweetEval stance run."""
