"""The public SemEval-2016 Task 6 benchmark through TweetEval: readers, the benchmark run, its tables."""
