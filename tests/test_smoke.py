from stance.cli import app


def test_corpus_list_json_counts_every_seed_article(project, runner):
    result = runner.invoke(app, ["corpus", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert "hp-dwp-staff-strike-india" in result.output
