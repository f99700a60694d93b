"""Reading the labelled (or predicted) corpus for findings: who stands where on offshoring."""
