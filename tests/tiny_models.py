"""A tiny random-weight BERT built from a config, so model tests need no download.

In the spirit of transformers' own ``BertModelTester``: hidden size 32, two
layers, and a WordPiece vocabulary trained on the test sentences and the
corpus, so tokenisation is realistic while training takes a second.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def training_text() -> list[str]:
    """Text to build the vocabulary from: the corpus articles plus some offshoring words."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "corpus").glob("*.txt"))]
    texts.append("offshoring outsourcing India jobs union strike workers company save money minister")
    return texts


def build_tiny_bert(folder: Path, *, seed: int = 0) -> Path:
    """Save a tiny BertModel with its fast tokenizer into ``folder``; return it."""
    import torch
    from tokenizers import BertWordPieceTokenizer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    wordpiece = BertWordPieceTokenizer(lowercase=True)
    wordpiece.train_from_iterator(training_text(), vocab_size=800, min_frequency=1)
    wordpiece.save_model(str(folder))
    tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=True, model_max_length=64)
    tokenizer.save_pretrained(folder)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=37,
        max_position_embeddings=64,
    )
    torch.manual_seed(seed)
    BertModel(config).save_pretrained(folder)
    return folder


def small_config(name: str, tiny_bert: Path) -> dict:
    """A config of registered model ``name`` that trains in seconds on the tiny BERT."""
    if name == "transformer":
        return {"base_model": str(tiny_bert), "epochs": 1, "batch_size": 4, "max_length": 32}
    if name in ("embeddings", "mpnet"):  # mpnet: the same model on the tiny BERT, never the 438 MB weights
        return {"base_model": str(tiny_bert), "max_length": 32}
    if name == "ensemble":
        return {"member_config": {"embeddings": small_config("embeddings", tiny_bert)}}
    return {}
